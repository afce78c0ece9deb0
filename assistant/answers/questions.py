"""A question as people ask it → what it asks about: a review by name, a recommendation by number,
an agency, its own topic words, and whether it is a yes/no question or leans on the conversation.

Nothing here searches; :mod:`assistant.answers.conversation` decides from this reading where to look.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.field.agencies import AGENCIES
from assistant.records import Document
from assistant.search.searcher import STOPWORDS, words
from assistant.search.stemming import stem

# Words that say what kind of answer is wanted, not what it is about. Every coroner's report is a
# coroner's, and raises concerns: "what did coroners say about carbon monoxide?" is about carbon monoxide.
QUESTION_WORDS = frozenset(
    "coroner coroners coroner's coroners' concern concerns learned learnt lesson lessons want wanted wants "
    "happen happened happening do done doing does did need needs needed must ask asked asks say says "
    "said tell summarise summarize summary sum up key main case cases report reports review reviews "
    "response responses respond responded recommendation recommendations recommend recommended rec recs "
    "know find found change changes changed action actions actually else exactly thing things "
    "anything something give list describe explain mean means meant going get got make made "
    "responsible happen child's die died dies death dying".split()
)
# Words that name the people of an agency rather than a topic ("housing providers", "police officers").
ROLE_WORDS = frozenset(
    "provider providers staff services service practice practices officer officers worker workers "
    "team teams professional professionals commissioner commissioners agency agencies".split()
)
YES_NO = re.compile(
    r"^\s*(?:and\s+|so\s+|but\s+)?(?:did|does|do|is|are|was|were|will|would|has|have|had|can|could|"
    r"should|must|shall)\b",
    re.I,
)
LEADS_ON = re.compile(r"^\s*(?:and|also|what about|how about|but|so|then|plus)\b", re.I)
POINTS_BACK = re.compile(
    r"\b(?:they|them|their|theirs|it|its|this|these|those|he|she|his|her)\b"
    r"|\bthe (?:review|case|board|partnership|response|recommendations?|child|baby|family|report"
    r"|deceased)\b",
    re.I,
)
# "it", "this": the thing the last answer was about (not "they": the reviews or agencies).
POINTS_TO_THING = re.compile(r"\b(?:it|its|this|that|these|those)\b", re.I)
RECOMMENDATION = re.compile(r"\brec(?:ommendation)?s?\.?\s*(?:no\.?\s*|number\s*)?(\d{1,2})\b", re.I)
# "What were the recommendations?", "what did they recommend?" (of a coroner's report: its concerns).
ASKS_FOR_RECOMMENDATIONS = re.compile(r"\b(?:recs|recommendations|recommend(?:s|ed)?)\b", re.I)
ASKS_FOR_CONCERNS = re.compile(r"\bconcerns?\b", re.I)  # "what were the concerns?": a coroner's
# "Child J", "child 'I'", "Baby Q", "Family Z": how reviews are named. One letter, or a letter
# and a digit, in quotes or not; "child a" is rare enough in a question to count as a name.
REVIEW_NAME = re.compile(
    r"\b(child|baby|family|sibling|adult)\s+['\u2018\u2019\"]?([A-Za-z]\d?)(?:['\u2018\u2019\"](?:s\b)?)?(?!\w)",
    re.I,
)
# "How many reports mention level crossings?": a count of reviews. What follows the noun is read
# in two steps (each bounded, no backtracking over a long question): the linking words, then the
# topic as "which reviews" is asked it; "in 2019", "by Hertfordshire" are counted from the fields.
COUNTING = re.compile(
    r"\s*how\s+many\s+(?:(?:pfd|published|coroners?['\u2019]?s?|safeguarding|serious\s+case|of\s+the|the)\s+)*"
    r"(?:reviews?|reports?|cases?|documents?)\b",
    re.I,
)
LINKING = re.compile(
    r"\s*(?:(?:are|were|is|have|has|had|did|do|does)\s+)*"
    r"(?:(?:mention(?:ed|s)?|talk(?:ed|s)?\s+about|about|address(?:ed|es)?|discuss(?:ed|es)?|involv(?:e|es|ed)"
    r"|concern(?:ed|s)?|relat(?:e|es|ed)\s+to|deal(?:t|s)?\s+with|cover(?:ed|s)?|highlight(?:ed|s)?"
    r"|describ(?:e|es|ed)|rais(?:e|es|ed)|refer(?:s|red)?\s+to|look(?:ed)?\s+at|on|with|of)\s+)?",
    re.I,
)
COUNT_LIMIT = 300  # characters of a question read for a count: a topic is a few words
_AGENCY_PATTERNS = {key: re.compile(pattern, re.I) for key, (_, pattern) in AGENCIES.items()}
_AGENCY_WORDS = {key: re.compile(rf"\w*(?:{pattern})\w*", re.I) for key, (_, pattern) in AGENCIES.items()}
IGNORED_AGENCIES = ("partnership",)  # named in nearly every passage: no use in choosing one


@dataclass(frozen=True)
class Reading:
    """What a question asks about. Empty fields mean the question does not say."""

    question: str
    reviews: tuple[str, ...] = ()  # doc ids of the reviews it names
    unknown_reviews: tuple[str, ...] = ()  # names it gives that no document in the library has
    recommendation: int | None = None  # "recommendation 3"
    wants_recommendations: bool = False  # "what were the recommendations?"
    wants_concerns: bool = False  # "what were the concerns?" (a coroner's matters of concern)
    agencies: tuple[str, ...] = ()  # agency ids it names (the partnership left out)
    topic: tuple[str, ...] = ()  # its own content words, names, agencies and question words left out
    yes_no: bool = False
    leans_on_context: bool = False  # "and ...", "what about ...", "they", "it", "the review"
    points_back: bool = False  # "they", "it", "the report": to what the conversation is about

    @property
    def topic_text(self) -> str:
        return " ".join(self.topic)


def counted_topic(question: str) -> str | None:
    """The rest of a "how many reviews ..." question, its linking words left out ("level
    crossings", "in 2019", "there"); None for any other question."""
    head = question[:COUNT_LIMIT]
    m = COUNTING.match(head)
    if not m:
        return None
    rest = head[m.end() :]
    rest = rest[LINKING.match(rest).end() :]  # type: ignore[union-attr]  # it matches "" at least
    return rest.strip(" \t\n?.!")


def _name(text: str) -> str:
    """'Child 'I'' → 'child i': a review name as it is compared."""
    return " ".join(re.sub(r"['\u2018\u2019\"]", "", text).lower().split())


def review_names(documents: Iterable[Document]) -> dict[str, str]:
    """Compared name → doc id: each document's subject ("Child J") and its doc id."""
    names: dict[str, str] = {}
    for document in documents:
        if document.status != "indexed":
            continue
        for name in (document.subject, document.doc_id.replace("-", " ")):
            if name and REVIEW_NAME.fullmatch(name.strip()):
                names.setdefault(_name(name), document.doc_id)
    return names


def read(question: str, documents: Iterable[Document]) -> Reading:
    names = review_names(documents)
    rest = question
    reviews: list[str] = []
    unknown: list[str] = []
    for match in REVIEW_NAME.finditer(question):
        key = _name(f"{match.group(1)} {match.group(2)}")
        doc_id = names.get(key)
        if doc_id is None and match.group(2).lower() == "a":
            continue  # "a child a ..." is not a name
        (reviews if doc_id else unknown).append(doc_id or match.group(0).strip())
        rest = rest.replace(match.group(0), " ")
    number = RECOMMENDATION.search(rest)
    if number:
        rest = rest.replace(number.group(0), " ")
    agencies = []
    for key, pattern in _AGENCY_PATTERNS.items():
        if pattern.search(rest):
            if key not in IGNORED_AGENCIES:
                agencies.append(key)
            rest = _AGENCY_WORDS[key].sub(" ", rest)
    topic = [
        w for w in words(rest)
        if w not in STOPWORDS and w not in QUESTION_WORDS and w not in ROLE_WORDS and not w.isdigit()
        and len(w) > 1
    ]  # fmt: skip
    return Reading(
        question=question,
        reviews=tuple(dict.fromkeys(reviews)),
        unknown_reviews=tuple(dict.fromkeys(unknown)),
        recommendation=int(number.group(1)) if number else None,
        wants_recommendations=bool(ASKS_FOR_RECOMMENDATIONS.search(question)) and not number,
        wants_concerns=bool(ASKS_FOR_CONCERNS.search(question)),
        agencies=tuple(agencies),
        topic=tuple(dict.fromkeys(topic)),
        yes_no=bool(YES_NO.match(question)),
        leans_on_context=bool(LEADS_ON.match(question) or POINTS_BACK.search(question)),
        points_back=bool(POINTS_BACK.search(question)),
    )


def _forms(text: str) -> set[tuple[str, str]]:
    return {(w, stem(w)) for w in words(text)}


def _same_word(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """The same word, or stems that agree: equal and 4 letters or more, or one a prefix of the
    other of 5 letters or more ('evalu' and 'evaluat'); 'carers' and 'care' are not the same."""
    if a[0] == b[0]:
        return True
    short, long = sorted((a[1], b[1]), key=len)
    return (len(short) >= 4 and short == long) or (len(short) >= 5 and long.startswith(short))


def covers(topic: Iterable[str], text: str) -> bool:
    """Whether every topic word is in ``text``: the passage speaks of all of it."""
    forms = _forms(text)
    wanted = [(w, stem(w)) for w in topic]
    return bool(wanted) and all(any(_same_word(w, f) for f in forms) for w in wanted)


def mentions(terms: Iterable[str], text: str) -> bool:
    """Whether any of ``terms`` is in ``text``."""
    forms = _forms(text)
    return any(any(_same_word((t, stem(t)), f) for f in forms) for t in terms)


def agency_mentioned(agencies: Iterable[str], text: str) -> bool:
    return any(_AGENCY_PATTERNS[a].search(text) for a in agencies)
