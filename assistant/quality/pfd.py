"""Prevention of Future Deaths reports: the CSV corpus → typed reports → Markdown files to ingest.

The corpus (``../shared/corpora/pfd``) is four CSV files from two pipelines with different column
names. A report can sit in several files, and a few ids are broken in the source data: some rows
have no id ("" or "N/A: Not found"), one report about several deaths is published once per person
under one id, and two ids are each used by two different reports. So rows are the same report
when they share a URL, or an id and a date; a report with no id is named by its URL, and reports
that share an id get ``<id>-<name>``. Text and metadata come from the first file (by name) that
gives them; themes are the union of the true theme columns of every file.
"""

from __future__ import annotations

import csv
import datetime
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.documents.doc_metadata.genres import PFD_TYPE

COLUMNS = {  # the older pipeline's column names → ours
    "ID": "id", "URL": "url", "Date": "date", "CoronerName": "coroner", "Area": "area",
    "Receiver": "receiver", "InvestigationAndInquest": "investigation",
    "CircumstancesOfDeath": "circumstances", "MattersOfConcern": "concerns",
}  # fmt: skip
SECTIONS = {
    "investigation": "Investigation and inquest",
    "circumstances": "Circumstances of the death",
    "concerns": "Matters of concern",
}
NOT_THEMES = {"", "Unnamed: 0", "id", "url", "date", "coroner", "area", "receiver", *SECTIONS}
NOT_THEMES |= {"positive_cases"}  # the annotation set's "is this a child suicide" flag
TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no", ""}
REPORT_ID = re.compile(r"\d{4}-\d{4}")
SLUG_END = re.compile(r"(-prevention-(?:of-)?future-deaths?-reports?.*|-\d+)$")


@dataclass(frozen=True)
class PfdReport:
    id: str  # the coroner's reference ("2023-0313"), or a name from the URL where there is none
    date: datetime.date | None
    coroner: str
    area: str
    receiver: str
    url: str
    sections: dict[str, str]  # investigation, circumstances, concerns → text as published
    themes: frozenset[str]  # theme columns that are true in any file holding the report
    source_file: str  # the first file holding it
    source_files: tuple[str, ...] = ()  # every file holding it: themes were judged only there
    urls: tuple[str, ...] = ()  # every page publishing it (one per person for multi-death reports)


def load(folder: Path) -> Iterator[PfdReport]:
    """Every report in the CSV files of ``folder``, each once, in order of first appearance."""
    csv.field_size_limit(sys.maxsize)
    groups: list[list[tuple[str, dict[str, str], frozenset[str]]]] = []
    by_url: dict[str, list] = {}
    by_id_date: dict[tuple[str, str], list] = {}
    for path in sorted(Path(folder).glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [
                {COLUMNS.get(k, k): (v or "").strip() for k, v in row.items() if k is not None}
                for row in csv.DictReader(handle)
            ]
        themes = [c for c in (rows[0] if rows else {}) if c not in NOT_THEMES and _all_flags(rows, c)]
        for row in rows:
            url, key = row.get("url", "").rstrip("/"), (_valid_id(row.get("id", "")), row.get("date", ""))
            group = by_url.get(url) if url else None
            if group is None and key[0]:
                group = by_id_date.get(key)
            if group is None:
                groups.append(group := [])
            group.append((path.name, row, frozenset(c for c in themes if row[c].lower() in TRUE)))
            if url:
                by_url.setdefault(url, group)
            if key[0]:
                by_id_date.setdefault(key, group)
    ids = Counter(_first(g, "id", _valid_id) for g in groups)
    for group in groups:
        yield _report(group, ids)


def columns(folder: Path) -> dict[str, frozenset[str]]:
    """The columns of each CSV file: a report was judged on a theme only where its file has it."""
    found = {}
    for path in sorted(Path(folder).glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            found[path.name] = frozenset(COLUMNS.get(c, c) for c in next(csv.reader(handle), []))
    return found


def _all_flags(rows: list[dict[str, str]], column: str) -> bool:
    return all(row[column].lower() in TRUE | FALSE for row in rows)


def _valid_id(value: str) -> str:
    return value if REPORT_ID.fullmatch(value) else ""


def _first(group: list, column: str, check: Callable[[str], str] = str.strip) -> str:
    return next((v for _, row, _ in group if (v := check(row.get(column, "")))), "")


def _report(group: list, ids: Counter[str]) -> PfdReport:
    urls = tuple(dict.fromkeys(row["url"] for _, row, _ in group if row.get("url")))
    report_id = _first(group, "id", _valid_id)
    slug = _slug(urls[0]) if urls else ""
    if not report_id or ids[report_id] > 1:
        report_id = "-".join(x for x in (report_id, slug) if x) or "unknown"
    try:
        date = datetime.date.fromisoformat(_first(group, "date"))
    except ValueError:
        date = None
    files = tuple(dict.fromkeys(name for name, _, _ in group))
    return PfdReport(
        id=report_id, date=date, coroner=_first(group, "coroner"), area=_first(group, "area"),
        receiver=_first(group, "receiver"), url=urls[0] if urls else "",
        sections={key: _first(group, key) for key in SECTIONS},
        themes=frozenset().union(*(themes for _, _, themes in group)),
        source_file=files[0], source_files=files, urls=urls,
    )  # fmt: skip


def _slug(url: str) -> str:
    """'.../allison-aules-prevention-of-future-deaths-report/' → 'allison-aules'."""
    last = url.rstrip("/").rsplit("/", 1)[-1].lower()
    return SLUG_END.sub("", SLUG_END.sub("", last))


def _spell(letters: str, text: str) -> tuple[str, bool]:
    """How ``text`` writes these letters as a name ('oconnor' → "O'Connor"), and whether it
    writes them in mixed case rather than only in capitals ('MCEWAN' → 'Mcewan', False)."""
    pattern = re.compile(r"\b" + r"[\s'’.-]?".join(map(re.escape, letters)) + r"\b", re.I)
    found = [m.group() for m in pattern.finditer(text) if m.group()[0].isupper()]
    mixed = [f for f in found if not any(w.isupper() and len(w) > 1 for w in f.split())]
    best = (mixed or found or [""])[0]
    return " ".join(w.title() if w.isupper() else w for w in best.split()), bool(mixed)


def _name_from_url(url: str, text: str) -> str:
    """The deceased's name from a report's URL, spelt as the report spells it, or '' if absent.

    The name is looked for whole, as first name and surname, then word by word; the way that
    finds the most of it in mixed case wins ('Robin McEwan' over the 'ROBIN MCEWAN' of a heading).
    """
    words = [w for w in _slug(url).split("-") if w]
    if not words:
        return ""
    ways = [["".join(words)], [words[0], "".join(words[1:])], words]
    spellings = [[_spell(chunk, text) for chunk in way if chunk] for way in ways]
    found = [spelled for spelled in spellings if all(s for s, _ in spelled)]
    if found:
        best = max(found, key=lambda spelled: sum(len(s) for s, mixed in spelled if mixed))
        return " ".join(s for s, _ in best)
    spelled = [_spell(w, text)[0] for w in words]  # the URL's own spelling for words not in the text
    return " ".join(s or w.title() for s, w in zip(spelled, words, strict=True)) if any(spelled) else ""


def deceased(report: PfdReport) -> str:
    """'Allison Aules', or 'Liyakat Sidat, Salma Sidat and Hajra Sidat' for one report of three deaths."""
    text = "\n".join(report.sections.values())
    names = list(dict.fromkeys(n for url in report.urls or (report.url,) if (n := _name_from_url(url, text))))
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)


def write_markdown(report: PfdReport, folder: Path) -> Path:
    """``folder/pfd-<id>.md``: front matter the Markdown reader knows, then the three sections."""
    name = deceased(report)
    title = f"Prevention of Future Deaths report: {name or report.id}"
    meta = {
        "title": title, "subject": name, "partnership": report.area,  # the coroner's area publishes it
        "review_type": PFD_TYPE,
        "published": report.date.isoformat() if report.date else "",
    }  # fmt: skip
    parts = [f"---\n{yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)}---", f"# {title}"]
    parts += [f"## {SECTIONS[key]}\n\n{text}" for key, text in report.sections.items() if text]
    path = Path(folder) / f"pfd-{report.id}.md"
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return path
