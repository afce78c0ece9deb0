"""Learning themes: a taxonomy loaded from an editable TOML file, and a tagger for passages.

A passage gets a theme when its vector is close in meaning to the theme's "label: description",
or a little less close and it also uses the theme's own words. The passage vectors come from the
library: tagging encodes only the theme descriptions, once per tagger, and never a passage.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.embedding import Embedder
from assistant.errors import AssistantError
from assistant.field import data_files
from assistant.field.phrases import is_acronym, phrase_regex
from assistant.field.theme_cues import LIMIT as CUE_LIMIT
from assistant.field.theme_cues import WORD as CUE_WORD
from assistant.field.theme_cues import Cues
from assistant.field.theme_decision import Applies

DEFAULT_FILE = Path(__file__).parent / "data" / "themes.toml"
THEME_ID = re.compile(r"[a-z][a-z0-9_]*")
FIELDS = {
    "id",
    "label",
    "description",
    "keywords",
    "pfd_themes",
    "pfd_files",
    "ages",
    "unless_children",
    "cues",
}
AGES = ("baby", "young-child", "teenager", "adult", "older")
CUE_KEYS = ("people", "actions", "not_people")  # the fields of a theme's cues

# Chosen with all-MiniLM-L6-v2 on the two seed responses and on the ~3,000 passages of the
# Prevention of Future Deaths reports (../shared/corpora/pfd), scored against the reports' theme
# columns through each theme's pfd_themes. A passage and the description of a theme it is about
# have a cosine similarity of 0.37-0.68 in the seeds (0.25-0.55 in the longer PFD passages);
# a generic theme that is not the subject ("child protection plans" for a bath drowning) still
# reaches 0.45-0.51, so meaning alone admits a theme only from S_HI. From S_LO a keyword is also
# needed: on PFD, S_LO 0.20 → 0.25 → 0.30 gives macro F1 0.45 → 0.42 → 0.39 while child-only
# themes wrongly given to road-traffic passages fall 0.089 → 0.048 → 0.026 a passage; 0.25 is the
# knee. Each keyword found adds KEYWORD_WEIGHT (at most KEYWORD_CAP of them): it orders a theme
# the passage names above one it only resembles, and barely moves F1.
S_HI = 0.55
S_LO = 0.25
KEYWORD_WEIGHT = 0.05
KEYWORD_CAP = 3
MAX_THEMES = 4


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    description: str
    keywords: tuple[str, ...]
    pfd_themes: tuple[str, ...] = ()
    pfd_files: tuple[str, ...] = ()  # PFD files whose every report has the theme (training, eval)
    ages: frozenset[str] = frozenset(AGES)  # the age groups the theme applies to
    unless_children: bool = False  # also for other ages in a passage that shows children in the case
    cues: Cues | None = None  # its people near its actions in one sentence (theme_cues)

    @property
    def applies(self) -> Applies:
        return Applies(self.ages, self.unless_children)

    @property
    def text(self) -> str:
        """What the tagger encodes for the theme."""
        return f"{self.label}: {self.description}"


@dataclass(frozen=True)
class ThemeTag:
    theme: str  # a Theme.id
    score: float
    evidence: tuple[str, ...]  # the theme's keywords found in the passage, in file order


@dataclass(frozen=True)
class Taxonomy:
    themes: tuple[Theme, ...]
    checksum: str  # sha256 of the file the themes came from: tags go stale when it changes
    source: Path | None = None

    @classmethod
    def load(cls, path: Path = DEFAULT_FILE) -> Taxonomy:
        path = Path(path)
        data, raw = data_files.read(path, "themes file")
        unknown = set(data) - {"theme"}
        if unknown:
            raise AssistantError(f"themes file {path}: unknown key {sorted(unknown)[0]!r}")
        tables = data.get("theme")
        if not isinstance(tables, list) or not tables:
            raise AssistantError(f"themes file {path} has no [[theme]] entries")
        themes: list[Theme] = []
        for n, table in enumerate(tables, start=1):
            theme = _theme(table, f"themes file {path}: theme {n}")
            if any(t.id == theme.id for t in themes):
                raise AssistantError(f"themes file {path}: theme {n} repeats the id {theme.id!r}")
            themes.append(theme)
        return cls(tuple(themes), hashlib.sha256(raw).hexdigest(), path)

    def __len__(self) -> int:
        return len(self.themes)

    def __iter__(self) -> Iterator[Theme]:
        return iter(self.themes)

    def __getitem__(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.themes)


def _theme(table: object, where: str) -> Theme:
    if not isinstance(table, dict):
        raise AssistantError(f"{where} is not a table")
    unknown = set(table) - FIELDS
    if unknown:
        raise AssistantError(f"{where} has an unknown field {sorted(unknown)[0]!r}")
    for key in ("id", "label", "description"):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise AssistantError(f"{where} needs a {key}")
    theme_id = table["id"].strip()
    where = f"{where} ({theme_id})"
    if not THEME_ID.fullmatch(theme_id):
        raise AssistantError(f"{where}: the id must be snake_case letters, digits and _")
    lists = {}
    for key in ("keywords", "pfd_themes", "pfd_files", "ages"):
        value = table.get(key, None if key == "keywords" else [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise AssistantError(f"{where}: {key} must be a list of words or phrases")
        lists[key] = tuple(dict.fromkeys(v.strip() for v in value))
    if not lists["keywords"]:
        raise AssistantError(f"{where} needs at least one keyword")
    if odd := [k for k in lists["keywords"] if not re.match(r"\w", k)]:  # evidence is tried at word starts
        raise AssistantError(f"{where}: the keyword {odd[0]!r} must start with a letter or digit")
    if unknown := set(lists["ages"]) - set(AGES):
        raise AssistantError(f"{where}: unknown age group {sorted(unknown)[0]!r} (use {', '.join(AGES)})")
    unless_children = table.get("unless_children", False)
    if not isinstance(unless_children, bool):
        raise AssistantError(f"{where}: unless_children must be true or false")
    return Theme(
        theme_id, table["label"].strip(), table["description"].strip(), lists["keywords"],
        lists["pfd_themes"], lists["pfd_files"], frozenset(lists["ages"] or AGES), unless_children,
        _cues(table.get("cues"), where),
    )  # fmt: skip


def _cues(table: object, where: str) -> Cues | None:
    """A theme's ``cues``: a table of ``people``, ``actions`` and, if any, ``not_people``, each a
    list of plain phrases."""
    if table is None:
        return None
    if not isinstance(table, dict) or not {"people", "actions"} <= set(table):
        raise AssistantError(f"{where}: cues must be a table with people and actions (and not_people)")
    if unknown := set(table) - set(CUE_KEYS):
        raise AssistantError(f"{where}: cues has an unknown field {sorted(unknown)[0]!r}")
    for key in (k for k in CUE_KEYS if k in table):
        value = table[key]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise AssistantError(f"{where}: cues.{key} must be a list of words or phrases")
        if len(value) > CUE_LIMIT:
            raise AssistantError(f"{where}: cues.{key} has {len(value)} phrases; at most {CUE_LIMIT}")
        if empty := [v for v in value if not CUE_WORD.search(v)]:
            raise AssistantError(f"{where}: cues.{key} has {empty[0]!r}, which holds no word")
    return Cues.of(table["people"], table["actions"], table.get("not_people", ()))


def keyword_pattern(keyword: str) -> str:
    """A regex for one keyword: whole words, space or hyphen between words, an optional final 's'.

    A keyword written in capitals ("GP", "SEND") is an acronym and matches only in capitals;
    any other keyword matches in any case.
    """
    return phrase_regex(keyword, plural=True, curly_apostrophes=True, words_any_case=not is_acronym(keyword))


def _alternatives(keywords: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for a theme's keywords; group ``k<i>`` is keyword i. Longest first, so that
    "water safety" is found as itself and not as "water"."""
    order = sorted(range(len(keywords)), key=lambda i: -len(keywords[i]))
    return re.compile("|".join(f"(?P<k{i}>{keyword_pattern(keywords[i])})" for i in order))


WORD = re.compile(r"\w+")
# The letters IGNORECASE matches to ASCII ones that casefold() leaves apart (Python's re documentation)
_AS_ASCII = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def _fold(word: str) -> str:
    return word.translate(_AS_ASCII).casefold()


def _head(keyword: str) -> str:
    """The word a match of the keyword starts with, folded: its letters and digits up to the
    first space, hyphen or other mark ("co" of "co-sleeping", "children" of "children's")."""
    first = WORD.match(keyword.strip())
    assert first is not None, "every keyword starts with a letter or digit (Taxonomy.load)"
    return _fold(first.group())


def _scan(pattern: re.Pattern[str], text: str) -> set[int]:
    """The keywords (their numbers in the theme) a theme's pattern finds scanning the whole text."""
    return {int(m.lastgroup[1:]) for m in pattern.finditer(text) if m.lastgroup}


def combine(similarity: float, evidence: int) -> float:
    """A theme's score: similarity in meaning, plus a little for each keyword found."""
    return float(similarity) + KEYWORD_WEIGHT * min(evidence, KEYWORD_CAP)


def select(
    similarities: Sequence[float],
    evidence: Sequence[tuple[str, ...]],
    ids: Sequence[str],
    high: float = S_HI,
    low: float = S_LO,
    limit: int = MAX_THEMES,
) -> list[ThemeTag]:
    """The themes a passage keeps, best first: close in meaning, or nearly so with keywords."""
    tags = [
        ThemeTag(theme, round(combine(sim, len(found)), 4), found)
        for theme, sim, found in zip(ids, similarities, evidence, strict=True)
        if sim >= high or (sim >= low and found)
    ]
    tags.sort(key=lambda tag: -tag.score)
    return tags[:limit]


def signature(taxonomy: Taxonomy, high: float = S_HI, low: float = S_LO, limit: int = MAX_THEMES) -> str:
    """What tags depend on besides the passages: the themes file and the rule's numbers. The
    library keeps it; tags made under another signature are redone."""
    return f"{taxonomy.checksum}:{high}/{low}/{KEYWORD_WEIGHT}/{KEYWORD_CAP}/{limit}"


class KeywordTagger:
    """Tags passages by closeness to each theme's description and the theme's words (the rule
    :class:`assistant.field.theme_tagger.Tagger` builds on); also gives the theme vectors."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        embedder: Embedder,
        high: float = S_HI,
        low: float = S_LO,
        limit: int = MAX_THEMES,
    ):
        self.taxonomy = taxonomy
        self.embedder = embedder
        self.high, self.low, self.limit = high, low, limit
        self._vectors: np.ndarray | None = None
        self._patterns = [_alternatives(t.keywords) for t in taxonomy]
        # A theme with a keyword beyond ASCII is scanned whole: IGNORECASE joins letters to marks
        # that are not word characters there (U+0345 to iota), so its matches need not start a word.
        self._scanned = {i for i, t in enumerate(taxonomy) if not all(k.isascii() for k in t.keywords)}
        self._themes_of: dict[str, set[int]] = {}  # a keyword's first word (_head) → its themes
        for i, theme in enumerate(taxonomy):
            for keyword in theme.keywords if i not in self._scanned else ():
                self._themes_of.setdefault(_head(keyword), set()).add(i)

    @property
    def signature(self) -> str:
        """What the tags depend on besides the passages (:func:`signature`)."""
        return signature(self.taxonomy, self.high, self.low, self.limit)

    @property
    def theme_vectors(self) -> np.ndarray:
        """One unit row per theme, encoded on first use and kept."""
        if self._vectors is None:
            vectors = self.embedder.encode([t.text for t in self.taxonomy])
            self._vectors = np.asarray(vectors, dtype=np.float32)
        return self._vectors

    def evidence(self, text: str) -> list[tuple[str, ...]]:
        """For each theme, the keywords found in ``text``, in the order the file lists them.

        A keyword's match starts a word that is the keyword's first word (plural for a one-word
        keyword), so each theme's pattern is tried only at such words, in order, as a scan would
        meet them: ~0.2 ms a PFD passage (every pattern over the whole passage: ~11 ms; at words
        starting with a keyword's first two letters: ~1 ms). The matches are the same, as
        :meth:`evidence_by_scanning` checks in the tests; a theme with a keyword beyond ASCII is
        scanned whole."""
        places: dict[int, list[int]] = {}  # theme → where a word starts that one of its keywords may
        for m in WORD.finditer(text.translate(_AS_ASCII)):  # one letter for one: the places hold
            word = m.group().casefold()
            themes = self._themes_of.get(word, set())
            if word.endswith("s"):
                themes = themes | self._themes_of.get(word[:-1], set())
            for n in themes:
                places.setdefault(n, []).append(m.start())
        found: list[tuple[str, ...]] = []
        for i, (theme, pattern) in enumerate(zip(self.taxonomy, self._patterns, strict=True)):
            if i in self._scanned:
                found.append(tuple(theme.keywords[k] for k in sorted(_scan(pattern, text))))
                continue
            hits: set[int] = set()
            end = -1
            for at in places.get(i, ()):
                if at < end:
                    continue
                hit = pattern.match(text, at)
                if hit and hit.lastgroup:
                    hits.add(int(hit.lastgroup[1:]))
                    end = hit.end()
            found.append(tuple(theme.keywords[k] for k in sorted(hits)))
        return found

    def evidence_by_scanning(self, text: str) -> list[tuple[str, ...]]:
        """:meth:`evidence` the plain way, every pattern over the whole text (for the tests)."""
        found = []
        for theme, pattern in zip(self.taxonomy, self._patterns, strict=True):
            found.append(tuple(theme.keywords[i] for i in sorted(_scan(pattern, text))))
        return found

    def tag(self, texts: list[str], vectors: np.ndarray) -> list[list[ThemeTag]]:
        """Themes for each passage, best first; ``vectors`` are the passages' unit rows."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if len(texts) == 0:
            return []
        if vectors.ndim != 2 or vectors.shape[0] != len(texts):
            raise ValueError(f"need one vector per passage: {len(texts)} texts, shape {vectors.shape}")
        themes = self.theme_vectors
        if vectors.shape[1] != themes.shape[1]:
            raise ValueError(
                f"passage vectors have {vectors.shape[1]} dimensions, the model "
                f"{self.embedder.name!r} gives {themes.shape[1]}"
            )
        similarities = vectors @ themes.T
        ids = self.taxonomy.ids
        return [
            select(row.tolist(), self.evidence(text), ids, self.high, self.low, self.limit)
            for text, row in zip(texts, similarities, strict=True)
        ]
