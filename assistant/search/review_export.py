"""A list of reviews as people read it: a CSV file (one row per review) and plain text lines.

Document text is inert in both: a CSV cell that a spreadsheet would read as a formula (it starts
with = + - @, a tab or a carriage return) gets a leading apostrophe, and control characters in
text output are replaced.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from assistant.documents.names import printable
from assistant.records import Hit
from assistant.search.reviews import Review, ReviewList

CSV_COLUMNS = (
    "rank", "title", "subject", "partnership", "year", "review type", "score", "match",
    "matching passages", "best evidence quote", "citation",
)  # fmt: skip
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def best_quote(review: Review) -> str:
    """The highlighted sentences of the strongest evidence, or its opening words."""
    return best_quote_of(review.evidence[0]) if review.evidence else ""


def csv_rows(result: ReviewList) -> list[list[str]]:
    rows = [list(CSV_COLUMNS)]
    for r in result.reviews:
        d = r.document
        row = [r.rank, d.title, d.subject, d.partnership, d.year or "", d.review_type, f"{r.score:.4f}",
               "yes" if r.match else "no", r.matching_passages, best_quote(r),
               r.evidence[0].citation if r.evidence else d.cite()]  # fmt: skip
        rows.append([inert(value) for value in row])
    return rows


def to_csv(result: ReviewList) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(csv_rows(result))
    return buffer.getvalue()


def write_csv(result: ReviewList, path: Path) -> None:
    Path(path).write_text(to_csv(result), encoding="utf-8", newline="")


def lines(result: ReviewList) -> list[str]:
    """The terminal form: the count, each review with its evidence, then the near misses."""
    if not result.count:
        out = [f"no reviews match {printable(result.query)!r}"]
    else:
        matches = "review matches" if result.count == 1 else "reviews match"
        out = [f"{result.count} {matches} {printable(result.query)!r}"]
    for n, review in enumerate(result.reviews):
        if not review.match and (n == 0 or result.reviews[n - 1].match):
            out.append("")
            out.append(f"near misses (not counted): {len(result.near_misses)}")
        d = review.document
        out.append(
            f"{review.rank:>3}. {printable(d.cite())}: {printable(d.title)}  [score {review.score:.3f},"
            f" {review.matching_passages} matching passage{'s' if review.matching_passages != 1 else ''};"
            f" {review.why}]"
        )
        if review.match:
            for hit in review.evidence:
                out.append(f"     {printable(hit.citation)}")
                out.append(f'       "{printable(best_quote_of(hit))}"')
    return out


def best_quote_of(hit: Hit) -> str:
    text, spans = hit.passage.text, hit.highlights
    quote = " … ".join(text[s:e] for s, e in spans) if spans else text[:200]
    return " ".join(quote.split())[:400]
