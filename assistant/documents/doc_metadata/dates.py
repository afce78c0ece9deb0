"""Dates as documents print them ('19/12/2019', '14 March 2023', '3rd May 2013', 'March 2023')
→ ISO ('2019-12-19', or '2023-03' where only the month is given), and whether one can be a
publication date at all (not in the future, not before 1990)."""

from __future__ import annotations

import re
from datetime import date

NAMES = "January February March April May June July August September October November December"
MONTHS = {name[:3].lower(): n for n, name in enumerate(NAMES.split(), 1)}
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
DAY_FIRST = rf"\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{MONTH},?\s+\d{{4}}"
MONTH_FIRST = rf"{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,\s+\d{{4}}"
NUMERIC = r"\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2})\b|\d{4}-\d{2}-\d{2}"
MONTH_YEAR = rf"{MONTH}\s+\d{{4}}"
DATE = rf"(?:{NUMERIC}|{DAY_FIRST}|{MONTH_FIRST}|{MONTH_YEAR})"
EARLIEST_YEAR = 1990


def parse(text: str) -> str:
    """ISO form of a printed date, or '' when it is not one."""
    text = text.strip().rstrip(".,")
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        if m := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})", text):
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            return date(year, int(m[2]), int(m[1])).isoformat()
        words = re.findall(r"[A-Za-z]+|\d+", text)
        numbers = [int(w) for w in words if w.isdigit()]
        names = [w for w in words if w.isalpha() and w.lower() not in ("st", "nd", "rd", "th", "of")]
        months = [MONTHS.get(w.lower()[:3]) for w in names]
        if len(months) != 1 or not months[0]:
            return ""
        if len(numbers) == 2:
            day, year = (numbers[0], numbers[1]) if numbers[1] > 31 else (numbers[1], numbers[0])
            return date(year, months[0], day).isoformat()
        if len(numbers) == 1 and numbers[0] > 31:
            return f"{numbers[0]:04d}-{months[0]:02d}"
    except ValueError:
        return ""
    return ""


def check(iso: str, today: date | None = None) -> str | None:
    """Why ``iso`` cannot be a publication date, or None when it can."""
    today = today or date.today()
    year = int(iso[:4])
    if year < EARLIEST_YEAR:
        return f"before {EARLIEST_YEAR}"
    if iso[:7] > today.isoformat()[:7] or (len(iso) == 10 and iso > today.isoformat()):
        return "in the future"
    return None
