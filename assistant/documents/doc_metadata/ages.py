"""Who a document is about, by age: the ages it states → age groups.

'aged 15', '15-year-old', '15 years old', '15 years of age', 'six weeks old', 'aged three months',
'Year 10 pupil',
'DOB 01/02/2005 ... DOD 03/04/2020', 'the day after her 18th birthday'; and, only where the text
states no age in numbers, words that say one person's age without a number: 'a teenager', 'an
adolescent' (not a child and adolescent service or post), 'sixth form', 'GCSEs'. A document may
have several groups (a mother and her baby). A limit ('under the age of 18', 'aged 70 or over')
is no one's age. Words such as 'child' or 'young people' in a *query*
mean every under-18 group (see :data:`QUERY_WORDS`); in a document only a stated age counts
('child' there may be anyone's child).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.documents.doc_metadata import dates

READER = 4  # bump when the reading changes: libraries read their documents' ages again (writer)
GROUPS = ("baby", "young-child", "teenager", "adult", "older")
LABELS = {
    "baby": "Baby (under 1)", "young-child": "Child (1-12)", "teenager": "Teenager (13-17)",
    "adult": "Adult (18-64)", "older": "Older person (65+)",
}  # fmt: skip
UNDER_18 = ("baby", "young-child", "teenager")
SERVICES = r"(?!'?s?\s+(?:protection|services|social care|mental health|safeguarding))"
NAMED = r"(?!\s+['‘’\"]?[A-Z]{1,3}\d{0,2}\b)"  # "Child J" names a review's subject, not an age
CHILD = rf"\b(?i:child|children){NAMED}{SERVICES}\b"  # case-sensitive only for the letter after it
QUERY_WORDS = (
    (re.compile(rf"{CHILD}|\b(?i:young (?:people|person)|under[- ]18s?|minors?)\b"), UNDER_18),
    (re.compile(r"\b(?:bab(?:y|ies)|infants?|newborns?|neonatal)\b", re.I), ("baby",)),
    (re.compile(r"\b(?:toddlers?|young child(?:ren)?|primary school)\b", re.I), ("young-child",)),
    (re.compile(r"\b(?:teenagers?|teens?|adolescents?|secondary school)\b", re.I), ("teenager",)),
    (re.compile(r"\b(?:older (?:people|person|adults?)|elderly|pensioners?)\b", re.I), ("older",)),
    (re.compile(rf"(?<![Oo]lder )(?<![Ss]afeguarding )\b(?i:adults?)\b{SERVICES}"), ("adult",)),
)
NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
        " fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
NUMBER = r"(\d{1,3}|" + "|".join(NUMBER_WORDS) + r")"
UNIT = r"(years?|yrs?|months?|weeks?|days?)"
PATTERNS = (
    re.compile(rf"\baged\s+(?:just\s+|only\s+)?{NUMBER}(?:\s+{UNIT})?", re.I),
    re.compile(rf"\b{NUMBER}[- ]{UNIT}[- ]old\b", re.I),
    re.compile(rf"\bage(?:\s+of)?\s+{NUMBER}(?:\s+{UNIT})?\b", re.I),
    re.compile(rf"\b{NUMBER}\s+{UNIT}\s+of\s+age\b", re.I),
)
# A limit is not an age anyone is: 'under the age of 18', 'drivers over 70 years of age', 'until
# the age of 16', 'aged 70 or over', 'aged 18+'; but one said to be over it is near it: 'who was
# over 90 years of age' (not 'he was under 18', which says less than a limit), 'aged 91 and under
# a care plan'.
LIMIT_BEFORE = re.compile(
    r"(?:\b(?:under|below|at\s+least|(?:less|fewer|younger)\s+than|until|till|up\s+to)"
    r"|(?<!\bwas\s)\b(?:over|above|beyond|(?:more|older)\s+than))\s+(?:the\s+)?$",
    re.I,
)
LIMIT_AFTER = re.compile(
    r"^\s*(?:\+|(?:or|and)\s+(?:over|under|above|below|older|younger|more|less)\b"
    r"(?!\s+(?:a|an|the|his|her|their|this|that)\b))",
    re.I,
)
SCHOOL_YEAR = re.compile(r"\bYear\s+(\d{1,2})\s+(?:pupil|student|child)", re.I)
TEENAGE = re.compile(
    r"(?<!\bchild and )(?<!\bchildren and )\b(?:teenager|adolescent)\b"
    r"(?!\s+(?:and\s+)?(?:child\s+)?(?:mental|psychiatr|psycholog|psychotherap|services?|units?|wards?"
    r"|in-?patients?|out-?patients?|patients|teams?|forensic|health|clinic|clinicians?|consultants?"
    r"|responsible|specialists?|medicine|eating|secure|care))"
    r"|\bteenage\s+(?:boy|girl|son|daughter|child|pupil|student|mother|father)\b",
    re.I,
)  # one person: 'a vulnerable teenager', 'a teenage girl'; not 'Child and Adolescent Mental Health
#   Services' or 'her adolescent responsible clinician' (a service or a post), nor 'teenagers' or
#   'since his teenage years' (people in general, or an adult's past)
SCHOOL_STAGE = re.compile(r"\bsixth[- ]form\b|\bGCSEs?\b", re.I)  # 16-18; GCSEs are taken at 15-16
BIRTHDAY = re.compile(
    r"\b(before|on|after|since)\s+(?:his|her|their)\s+(\d{1,2})(?:st|nd|rd|th)\s+birthday\b", re.I
)
DOB_DOD = re.compile(rf"\bDOB:?\s*({dates.DATE}).{{0,80}}?\bDOD:?\s*({dates.DATE})", re.I | re.S)


def _number(word: str) -> int | None:
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word.lower())


def _is_limit(text: str, start: int, end: int) -> bool:
    before, after = text[max(0, start - 30) : start], text[end : end + 20]
    return bool(LIMIT_BEFORE.search(before) or LIMIT_AFTER.match(after))


def group_of(years: float) -> str | None:
    if years < 0 or years > 120:
        return None
    if years < 1:
        return "baby"
    return "young-child" if years < 13 else "teenager" if years < 18 else "adult" if years < 65 else "older"


@dataclass(frozen=True)
class StatedAge:
    """An age the text states, and where: ``text[start:end]`` is the phrase it was read from."""

    years: float
    start: int
    end: int
    in_numbers: bool  # "aged 15", not "a teenager" or "GCSEs" (read as 15.5)


def stated_ages(text: str) -> list[StatedAge]:
    """Every age the text states, with where it states it."""
    found = []
    for pattern in PATTERNS:
        for m in pattern.finditer(text):
            if _is_limit(text, m.start(), m.end()):
                continue
            n = _number(m.group(1))
            unit = (m.group(2) or "years").lower()
            if n is None:
                continue
            per_year = (
                12
                if unit.startswith("month")
                else 52
                if unit.startswith("week")
                else 365
                if unit.startswith("day")
                else 1
            )
            found.append(StatedAge(n / per_year, m.start(), m.end(), True))
    for m in SCHOOL_YEAR.finditer(text):
        if 1 <= int(m.group(1)) <= 13:
            found.append(StatedAge(int(m.group(1)) + 4.5, m.start(), m.end(), True))
    for m in BIRTHDAY.finditer(text):  # the days before one's 18th birthday are at 17
        years = int(m.group(2)) - (0.5 if m.group(1).lower() == "before" else 0)
        found.append(StatedAge(years, m.start(), m.end(), True))
    for m in DOB_DOD.finditer(text):
        born, died = dates.parse(m.group(1)), dates.parse(m.group(2))
        if len(born) == 10 and len(died) == 10 and died >= born:
            years = (int(died[:4]) - int(born[:4])) - (died[5:] < born[5:])
            found.append(StatedAge(years, m.start(), m.end(), True))
    if not found:  # words without a number only where no age is stated: 'after his GCSEs' at 38
        spaced, at = _spaced(text)  # 'Child and\nAdolescent' is a service too
        found += [
            StatedAge(15.5, at[m.start()], at[m.end() - 1] + 1, False)
            for pattern in (TEENAGE, SCHOOL_STAGE)
            for m in pattern.finditer(spaced)
        ]
    return found


def _spaced(text: str) -> tuple[str, list[int]]:
    """``text`` with every run of white space one space, and where each of its characters is in ``text``."""
    parts: list[str] = []
    at: list[int] = []
    for m in re.finditer(r"\S+", text):
        if parts:
            parts.append(" ")
            at.append(m.start() - 1)
        parts.append(m.group())
        at.extend(range(m.start(), m.end()))
    return "".join(parts), at


def ages(text: str) -> list[tuple[float, str]]:
    """(age in years, the phrase it was read from) for every age the text states."""
    return [(a.years, " ".join(text[a.start : a.end].split())) for a in stated_ages(text)]


def age_groups(text: str) -> tuple[str, ...]:
    """The age groups of the ages stated in ``text``, youngest first."""
    groups = {g for years, _ in ages(text) if (g := group_of(years))}
    return tuple(g for g in GROUPS if g in groups)


CHILDRENS_REVIEW = re.compile(
    r"\bChild\s+Safeguarding\s+Practice\s+Review\b|\bSafeguarding\s+Children\s+(?:Board|Partnership)\b", re.I
)


def for_themes(groups: Sequence[str], review_type: str, partnership: str) -> tuple[str, ...]:
    """The age groups the theme rule goes by: the document's; or, when it states none and it is
    a children's review (a child safeguarding practice review, or published by a safeguarding
    children board or partnership), every group under 18, for a children's review is about a
    child. Unknown otherwise: no theme is held back."""
    if groups:
        return tuple(groups)
    return UNDER_18 if CHILDRENS_REVIEW.search(f"{review_type}\n{partnership}") else ()


def query_groups(query: str) -> tuple[str, ...]:
    """The age groups a query names ('teenagers', 'children', 'under 18' ...), youngest first."""
    groups: set[str] = set()
    for pattern, named in QUERY_WORDS:
        if pattern.search(query):
            groups.update(named)
    return tuple(g for g in GROUPS if g in groups)
