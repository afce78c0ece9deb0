"""The YAML front matter of a Markdown or text file → its metadata fields, safely.

Decisions (a file's front matter is written by whoever made the file, so it is untrusted):

- Problems with the front matter as a whole are the file's named error: longer than
  :data:`MAX_BYTES`, not YAML, not a set of ``key: value`` lines, nested deeper than
  :data:`MAX_DEPTH`, or using YAML aliases (``*name``; refused outright, so an alias bomb of a few
  hundred bytes cannot expand into gigabytes).
- Problems with one field are a dropped field and a warning on the document: a value that is a
  list or a mapping, longer than :data:`MAX_VALUE_CHARS` (a 5,000-digit number, say), or a
  ``published`` date that is not a real date (``2019-02-30``). Nothing is guessed.
- Scalars stay text: numbers, dates and booleans are not converted (so a huge number or an
  impossible date cannot raise inside the YAML library); ``published`` is checked here.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import yaml

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
META_KEYS = ("title", "subject", "partnership", "partnership_short", "review_type", "published")
MAX_BYTES = 64 * 1024
MAX_DEPTH = 20
MAX_VALUE_CHARS = 500
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")  # as metadata.describe reads them


class FrontMatterError(ValueError):
    """The front matter as a whole cannot be used; the message is the file's reason."""


class _Loader(yaml.SafeLoader):
    """SafeLoader without aliases, with a depth limit, and with every scalar kept as text."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise FrontMatterError("front matter uses YAML aliases (*name); they are not accepted")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FrontMatterError(f"front matter is nested too deeply (over {MAX_DEPTH} levels)")
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


for _tag in ("int", "float", "bool", "timestamp"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _Loader.construct_yaml_str)


def split(text: str) -> tuple[str | None, str]:
    """(the front matter's YAML, or None where there is none; the text after it)."""
    match = FRONT_MATTER.match(text)  # one lazy scan to the closing line: linear
    if not match:
        return None, text
    if len(match.group(1)) > MAX_BYTES:
        raise FrontMatterError(f"front matter is too long (over {MAX_BYTES // 1024} KB)")
    return match.group(1), text[match.end() :]


def parse(source: str) -> tuple[dict[str, str], list[str]]:
    """The metadata fields of this YAML and the warnings for the fields dropped.

    Raises :class:`FrontMatterError` with the reason when the front matter cannot be used.
    """
    try:
        data = yaml.load(source, Loader=_Loader) or {}  # _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise FrontMatterError(f"front matter is not valid YAML ({problem})") from exc
    except RecursionError as exc:  # a flow collection nested past the interpreter's limit
        raise FrontMatterError(f"front matter is nested too deeply (over {MAX_DEPTH} levels)") from exc
    if not isinstance(data, dict):
        raise FrontMatterError("front matter is not a set of 'key: value' lines")
    meta: dict[str, str] = {}
    warnings: list[str] = []
    for key in META_KEYS:
        value = data.get(key)
        if value is None:
            meta[key] = ""
        elif not isinstance(value, str):
            warnings.append(f"front matter '{key}' is not a single value; left out")
        elif len(value.strip()) > MAX_VALUE_CHARS:
            warnings.append(f"front matter '{key}' is longer than {MAX_VALUE_CHARS} characters; left out")
        elif key == "published" and value.strip() and not _is_date(value.strip()):
            warnings.append(f"front matter 'published' is not a real date ({value.strip()[:40]}); left out")
        else:
            meta[key] = value.strip()
    return meta, warnings


def _is_date(text: str) -> bool:
    for fmt in DATE_FORMATS:
        try:
            datetime.strptime(text, fmt)
            return True
        except ValueError:
            continue
    return False
