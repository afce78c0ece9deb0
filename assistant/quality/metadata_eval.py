"""How well a document's own text says what it is: fields read from the text against labels.

Two labelled sets, neither of which gives the reader any front matter:

- the Prevention of Future Deaths reports of ``../shared/corpora/pfd``, each written as plain
  text the way a coroner's report prints it (a header with the date, the coroner, the area and
  who it was sent to, then the three sections), judged against the CSV columns: date, year,
  area, and the deceased's name where the text states it. One report in five (chosen by a hash
  of its id) is held out: the reading rules were written without looking at them, and their
  figures are reported apart.
- the seeds in ``corpus/``, with their front matter hidden, judged against it.

A value is *right*, *empty* (nothing read) or *wrong*; "no invented values" is the share that
is right or empty.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from assistant.documents import doc_metadata
from assistant.documents.cleaning import clean_pages
from assistant.documents.doc_metadata.genres import PFD_TYPE
from assistant.quality import pfd
from assistant.records import Page
from assistant.settings import Settings

PFD_FIELDS = ("published", "year", "partnership", "subject", "review_type")
SEED_FIELDS = ("title", "subject", "partnership", "partnership_short", "review_type", "published", "year")
MONTHS = "January February March April May June July August September October November December".split()


def held_out(report_id: str) -> bool:
    """One report in five, fixed by its id: never looked at while writing the reading rules."""
    return int(hashlib.sha256(report_id.encode()).hexdigest()[:8], 16) % 5 == 0


def pfd_plain_text(report: pfd.PfdReport, header: bool = True) -> str:
    """A report as a coroner prints it, with no front matter: header, then the three sections.

    The date is printed as '12/08/2013' or '12 August 2013' (half each, fixed by the id), as
    both appear in published reports.
    """
    lines = ["REGULATION 28: REPORT TO PREVENT FUTURE DEATHS", ""] if header else []
    if report.date and header:
        d = report.date
        long = int(hashlib.sha256(report.id.encode()).hexdigest()[8:10], 16) % 2
        printed = f"{d.day} {MONTHS[d.month - 1]} {d.year}" if long else d.strftime("%d/%m/%Y")
        lines.append(f"Date: {printed}")
    if header:
        lines += [f"Coroner: {report.coroner}", f"Area: {report.area}", ""]
        lines += [f"THIS REPORT IS BEING SENT TO: {report.receiver}", ""]
    for key, heading in pfd.SECTIONS.items():
        if text := report.sections.get(key):
            lines += [heading.upper(), "", text, ""]
    return "\n".join(lines)


def _words(value: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().casefold()
    return re.findall(r"[a-z0-9]+", plain.replace("'", "").replace("’", ""))


def pfd_labels(report: pfd.PfdReport, text: str) -> dict[str, str]:
    """The CSV's values; the deceased's name only where the text states every word of it."""
    name = pfd.deceased(report)
    stated = set(_words(text))
    subject = name if name and all(w in stated for w in _words(name)) else ""
    return {
        "published": report.date.isoformat() if report.date else "",
        "year": str(report.date.year) if report.date else "",
        "partnership": report.area,
        "subject": subject,
        "review_type": PFD_TYPE,
    }


def same_text(value: str, label: str) -> bool:
    return _words(value) == _words(label)


def same_name(value: str, label: str) -> bool:
    """Every word of the labelled name is in the value ('Allison Vivian Jacome Aules' is
    'Allison Aules'), and the value adds at most three words (middle names)."""
    want, got = _words(label), _words(value)
    return bool(want) and all(w in got for w in want) and len(got) <= len(want) + 3


class Tally:
    """right / empty / wrong per field; a field with no label is not judged."""

    def __init__(self, fields: Iterable[str]):
        self.counts = {f: {"right": 0, "empty": 0, "wrong": 0, "unjudged": 0} for f in fields}
        self.wrong: dict[str, list[tuple[str, str, str]]] = {f: [] for f in self.counts}

    def add(
        self, item: str, field: str, value: str, label: str | None, match: Callable[[str, str], bool]
    ) -> None:
        c = self.counts[field]
        if label is None:
            c["unjudged"] += 1
            return
        if label == "" and value == "":
            c["right"] += 1
        elif value == "":
            c["empty"] += 1
        elif label != "" and match(value, label):
            c["right"] += 1
        else:
            c["wrong"] += 1
            self.wrong[field].append((item, value, label))

    def report(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field, c in self.counts.items():
            judged = c["right"] + c["empty"] + c["wrong"]
            out[field] = {**c, "judged": judged}
            out[field]["accuracy"] = round(c["right"] / judged, 3) if judged else None
            out[field]["no_invented"] = round((c["right"] + c["empty"]) / judged, 3) if judged else None
        return out


PFD_MATCH = {"subject": same_name}


def _read(name: str, text: str) -> doc_metadata.Fields:
    """Read as ingest reads: the cleaned text of a file with no front matter."""
    pages = clean_pages([Page(None, text)])
    return doc_metadata.read_fields(name, "text", {}, "\n".join(p.text for p in pages))


def pfd_quality(
    reports: list[pfd.PfdReport], held: bool, show_wrong: int = 0, header: bool = True
) -> dict[str, Any]:
    """Per-field figures on the reports in (``held`` True) or out of the held-out part; with
    ``header`` False, the three sections alone: a test of not inventing (little can be right)."""
    tally, n = Tally(PFD_FIELDS), 0
    for report in reports:
        if held_out(report.id) != held:
            continue
        n += 1
        text = pfd_plain_text(report, header)
        found = _read(f"pfd-{report.id}.txt", text)
        labels = pfd_labels(report, pfd_plain_text(report))
        for field in PFD_FIELDS:
            label = labels[field]
            if field == "subject" and not label:
                tally.add(report.id, field, found.value(field), None, same_name)
                continue
            tally.add(report.id, field, found.value(field), label, PFD_MATCH.get(field, same_text))
    result: dict[str, Any] = {"documents": n, "fields": tally.report()}
    if show_wrong:
        result["wrong"] = {f: w[:show_wrong] for f, w in tally.wrong.items() if w}
    return result


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    if not match:
        return {}, text
    data = yaml.safe_load(match.group(1)) or {}
    return {k: "" if v is None else str(v) for k, v in data.items()}, text[match.end() :]


def seed_quality(folder: Path | None = None, show_wrong: int = 0) -> dict[str, Any]:
    folder = folder or Settings.from_env().corpus_dir
    """The seeds with their front matter hidden, against that front matter."""
    tally, n = Tally(SEED_FIELDS), 0
    for path in sorted(folder.glob("*.md")):
        labels, body = split_front_matter(path.read_text(encoding="utf-8"))
        if not labels:
            continue
        n += 1
        labels["year"] = labels.get("published", "")[:4]
        found = _read(path.with_suffix(".txt").name, body)
        for field in SEED_FIELDS:
            tally.add(path.name, field, found.value(field), labels.get(field, ""), same_text)
    result: dict[str, Any] = {"documents": n, "fields": tally.report()}
    if show_wrong:
        result["wrong"] = {f: w[:show_wrong] for f, w in tally.wrong.items() if w}
    return result


def run(folder: Path | None = None, show_wrong: int = 0, corpus: Path | None = None) -> dict[str, Any]:
    """Fields read from the text of the PFD reports in ``folder`` (the pfd_dir setting) and of the
    seeds in ``corpus`` (the corpus_dir setting)."""
    folder = folder or Settings.from_env().pfd_dir
    reports = list(pfd.load(folder)) if folder.is_dir() else []
    return {
        "pfd": pfd_quality(reports, held=False, show_wrong=show_wrong),
        "pfd_held_out": pfd_quality(reports, held=True),
        "pfd_no_header": pfd_quality(reports, held=False, header=False),
        "seeds": seed_quality(corpus, show_wrong=show_wrong),
    }


def lines(report: dict[str, Any]) -> list[str]:
    """The figures as a table per labelled set, for the command line."""
    titles = {
        "pfd": "PFD reports as plain text (rules written on these)",
        "pfd_held_out": "PFD reports as plain text, held out (never looked at)",
        "pfd_no_header": "PFD reports, the three sections alone (no header: nothing to read)",
        "seeds": "seeds with front matter hidden",
    }
    out = []
    for part, title in titles.items():
        r = report[part]
        out.append(f"metadata, {r['documents']} {title}:")
        head = ("field", "right", "empty", "wrong", "accuracy", "no invented")
        out.append("  {:<18} {:>6} {:>6} {:>6} {:>9} {:>12}".format(*head))
        for field, f in r["fields"].items():
            if f["judged"]:
                out.append(
                    f"  {field:<18} {f['right']:>6} {f['empty']:>6} {f['wrong']:>6}"
                    f" {f['accuracy']:>9.3f} {f['no_invented']:>12.3f}"
                )
    return out
