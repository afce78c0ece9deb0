"""The conventions of each kind of document, learned from real ones.

A coroner's Prevention of Future Deaths report prints a header ("Date:", "Coroner:", "Area:",
"THIS REPORT IS BEING SENT TO") and says "investigation into the death of NAME". A review's
cover or a partnership's response names the board ("Hertfordshire Safeguarding Children
Partnership (HSCP)"), the child ("Child J", "Baby F", "Family S4"), and is dated on the cover
("Published 14 March 2023") or at the end (Child J's response: "19/12/2019").

Each function returns the value and the phrase it was read from, or ('', '') when the text does
not say: nothing is guessed.
"""

from __future__ import annotations

import re

from assistant.documents.doc_metadata import dates

Read = tuple[str, str]  # (value, the phrase it was read from)
NONE: Read = ("", "")

PFD_MARKS = re.compile(
    r"REGULATION\s+28|REPORTS?\s+TO\s+PREVENT\s+FUTURE\s+DEATHS|Prevention\s+of\s+Future\s+Deaths?"
    r"|THIS\s+REPORT\s+IS\s+BEING\s+SENT\s+TO",
    re.I,
)
PFD_TYPE = "Prevention of Future Deaths report"
HEADER_DATE = re.compile(rf"^[ \t*#]*Date(?:\s+of\s+report)?d?\s*[:.\-]?\s*({dates.DATE})", re.I | re.M)
AREA = re.compile(r"^[ \t*#]*(?:Coroner'?s?\s+)?Area\s*[:\-]\s*(.+?)\s*$", re.I | re.M)
AREA_IN_TEXT = re.compile(
    r"\bcoroner\s+area\s+(?:of|for)\s+(?:the\s+)?([A-Z][\w'’&,\- ]{2,80}?)(?=[.;\n]|\s+(?:I|and I)\b)"
)
TITLES = r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Master|Professor|Sir|Dame)\.?[ \t]+)?"
PARTICLES = {"de", "van", "von", "da", "del", "la", "le", "bin", "al"}
NAME_WORD = r"[A-Z][\w'’\-]*"
NICKNAME = r"(?:[ \t]+\((?!date|dob|born|aged)[\"“'‘]?[A-Z][\w ]{0,20}[\"”'’]?\))"
NAME = rf"({NAME_WORD}(?:{NICKNAME}?[ \t]+(?:{NAME_WORD}|{'|'.join(PARTICLES)}))*)"
BEFORE_NAME = (
    r"(?:[ \t]*:)?[ \t]*(?:the[ \t]+late[ \t]+|the[ \t]+child,?[ \t]+|infant[ \t]+|baby[ \t]+|aged[ \t]+"
    r"|\d{1,3}[- ]years?[- ]old[ \t]+)?"
)
DEATH_OF = re.compile(rf"\b(death|deaths)[ \t]+of{BEFORE_NAME}{TITLES}[\"“'‘]?{NAME}")
DIED = re.compile(
    rf"(?:^|\n)[ \t]*{TITLES}{NAME}(?:[ \t]*\([^)\n]{{0,60}}\))?(?:[^.\n]{{0,80}}?)?[ \t]+died\b"
)
REFERENCE = re.compile(r"\bRef(?:erence)?(?:\s+no\.?)?\s*[:.]?\s*(\d{4}-\d{4})\b", re.I)
NOT_NAMES = {"The", "A", "An", "His", "Her", "Their", "This", "That", "My", "Our", "Your"}

PARTNERSHIP = re.compile(
    r"\b((?:[A-Z][\w'’&-]*,?\s+(?:and\s+|&\s+)?){1,5}"
    r"(?:Local\s+)?(?:Safeguarding\s+(?:Children|Adults)\s+(?:Partnership|Board)"
    r"|Children\s+Safeguarding\s+Partnership|Safeguarding\s+Partnership|Community\s+Safety\s+Partnership))"
    r"(?:\s*\(([A-Z]{2,7})\))?"
)
NOT_PLACES = {
    "The",
    "A",
    "This",
    "Local",
    "Of",
    "And",
    "By",
    "Our",
    "Each",
    "Its",
    "Their",
    "To",
    "For",
    "With",
}
REVIEW_TYPES = (
    (
        r"Local\s+Child\s+Safeguarding\s+Practice\s+Review|\bLCSPR\b",
        "Local Child Safeguarding Practice Review",
    ),
    (r"(?<!Local )Child\s+Safeguarding\s+Practice\s+Review|\bCSPR\b", "Child Safeguarding Practice Review"),
    (r"Serious\s+Case\s+Review|\bSCR\b", "Serious Case Review"),
    (r"Safeguarding\s+Adults?\s+Review|\bSAR\b", "Safeguarding Adults Review"),
    (r"Domestic\s+Homicide\s+Review|\bDHR\b", "Domestic Homicide Review"),
    (r"\b(?:7|seven)[- ]minute\s+briefing", "7-minute briefing"),
)
SUBJECT = re.compile(
    r"\b(?:Child|Baby|Family|Adult|Young\s+Person|Sibling\s+Group|Siblings)\s+"
    r"['‘’\"]?[A-Z]{1,3}\d{0,2}['’\"]?(?![\w'’-])"
)
PUBLISHED = re.compile(
    rf"\b(?:published|date\s+of\s+publication|publication\s+date)(?:\s+on)?\s*[:\-]?\s*({dates.DATE})", re.I
)
DATE_LINE = re.compile(rf"^[ \t*_]*(?:Dated?\s*:?\s*)?({dates.DATE})[ \t*_.]*$", re.I | re.M)
TITLE_WORDS = re.compile(r"\b(?:Review|Response|Report|Briefing|Learning|Summary)\b", re.I)


def is_pfd_type(review_type: str) -> bool:
    """Whether a review type is a coroner's report: the one this reader gives, or an edited or front
    matter spelling of it ("Prevention of future death reports")."""
    return review_type.casefold().startswith("prevention of future death")


def is_pfd(text: str) -> bool:
    return bool(PFD_MARKS.search(text[:3000]))


def _one_line(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip(" .,;:")


def pfd_date(text: str) -> Read:
    """The header's 'Date:'; else the last dated line (reports are often signed and dated last)."""
    found = [m for m in HEADER_DATE.finditer(text) if dates.parse(m.group(1))]
    if not found:
        return NONE
    best = found[0] if found[0].start() < 3000 else found[-1]
    return dates.parse(best.group(1)), best.group().strip()


def pfd_area(text: str) -> Read:
    if m := AREA.search(text[:5000]):
        value = _one_line(m.group(1))
        if value and len(value) <= 80:
            return value, m.group().strip()
    if m := AREA_IN_TEXT.search(text[:8000]):
        return _one_line(m.group(1)), m.group().strip()
    return NONE


def _name(raw: str) -> str:
    """'SAMANTHA JANE GOULD (Sam)' → 'Samantha Jane Gould'; '' when it is not a person's name."""
    raw = re.sub(NICKNAME, "", raw)
    words = raw.split()
    while words and (
        words[-1] in NOT_NAMES
        or words[-1].lower() in PARTICLES
        or words[-1].isupper()
        and len(words[-1]) == 1
    ):
        words.pop()
    if len(words) < 2 or words[0] in NOT_NAMES or len(words) > 6:
        return ""
    return " ".join(w.title() if w.isupper() and len(w) > 1 else w for w in words)


def _names_after(text: str) -> list[str]:
    """The names listed at the start of ``text``: 'A, aged 55, and B (aged 48)' → [A, B]."""
    sentence = re.split(r"(?<=[a-z0-9)])\.\s|\n", text, maxsplit=1)[0][:400]
    found = []
    for m in re.finditer(rf"(?:^|,|\band\b|&|;)[ \t]*{TITLES}{NAME}", sentence):
        if (name := _name(m.group(1))) and name not in found:
            found.append(name)
    return found


def pfd_subject(text: str) -> Read:
    """The deceased: 'investigation into the death of NAME' (or 'deaths of A and B'), else a
    sentence that starts 'NAME ... died'."""
    head = text[:6000]
    for m in DEATH_OF.finditer(head):
        if m.group(1) == "deaths":
            names = _names_after(head[m.start(2) :])
            if names:
                joined = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
                return joined, m.group().strip()
        elif name := _name(m.group(2)):
            return name, m.group().strip()
    for m in DIED.finditer(head):
        if name := _name(m.group(1)):
            return name, m.group().strip()
    return NONE


def reference(text: str) -> Read:
    if m := REFERENCE.search(text[:5000]):
        return m.group(1), m.group()
    return NONE


def partnership(text: str) -> tuple[str, str, str]:
    """(name, short name, phrase) of the first safeguarding partnership or board named."""
    for m in PARTNERSHIP.finditer(text[:6000]):
        words = _one_line(m.group(1)).split()
        while words and words[0] in NOT_PLACES:
            words.pop(0)
        if len(words) < 4:
            continue
        name = " ".join(words)
        shorts = [
            s.group(2)
            for s in PARTNERSHIP.finditer(text[:20000])
            if s.group(2) and name in _one_line(s.group(1))
        ]
        return name, (shorts[0] if shorts else ""), m.group().strip()
    return "", "", ""


def review_type(text: str) -> Read:
    """The review type named first in the opening of the text."""
    head = text[:5000]
    found = [
        (m.start(), label, m.group()) for pattern, label in REVIEW_TYPES if (m := re.search(pattern, head))
    ]
    if not found:
        return NONE
    _, label, phrase = min(found)
    return label, phrase


def subject(title: str, text: str) -> Read:
    for where in (title, text[:3000]):
        if m := SUBJECT.search(where):
            return _one_line(m.group()), m.group()
    return NONE


def published(text: str) -> Read:
    """'Published 14 March 2023'; else a date alone on one of the last lines (a response dated
    at its end)."""
    if m := PUBLISHED.search(text[:8000]):
        return dates.parse(m.group(1)), m.group()
    tail = "\n".join(text.rstrip().split("\n")[-6:])
    for m in reversed(list(DATE_LINE.finditer(tail))):
        if len(value := dates.parse(m.group(1))) == 10:
            return value, m.group().strip()
    return NONE


def title(text: str) -> Read:
    """The first heading that names the document (a review, response, report or briefing),
    else the first heading, else the first line of a sensible length."""
    lines = [line.strip() for line in text[:4000].split("\n") if line.strip()]
    clean = [(_one_line(re.sub(r"^[#*_\s]+|[*_\s]+$", "", line)), line) for line in lines[:25]]
    clean = [(c, raw) for c, raw in clean if 8 <= len(c) <= 150 and len(c.split()) >= 2]
    for pick in (
        lambda c, raw: raw.startswith("#") and TITLE_WORDS.search(c),
        lambda c, raw: TITLE_WORDS.search(c) and not c.endswith("."),
        lambda c, raw: raw.startswith("#"),
    ):
        for c, raw in clean:
            if pick(c, raw):
                return c, raw
    return clean[0] if clean else NONE
