"""Web addresses → downloaded files ready to ingest, before the library is locked for writing.

Every address that fails (switched off, refused address, DNS, timeout, too large, not a
document) becomes a failed report named by the address with its reason; the rest go on. A web
page that links to PDFs is listed to choose from: ``pick`` is None (list only), ``["all"]`` or
1-based numbers ``["2", "3"]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents.fetch import Fetched, fetch
from assistant.errors import IngestError
from assistant.records import FileReport
from assistant.settings import Settings

SWITCHED_OFF = "adding by web address is switched off here (ASSISTANT_URL_IMPORT=on switches it on)"


@dataclass
class Downloads:
    names: dict[Path, str] = field(default_factory=dict)  # downloaded file → its name
    urls: dict[Path, str] = field(default_factory=dict)  # downloaded file → its address
    problems: list[FileReport] = field(default_factory=list)
    pages: dict[str, list[str]] = field(default_factory=dict)  # web page → the PDFs it links to


def _get(url: str, folder: Path, settings: Settings) -> Fetched:
    return fetch(
        url, folder, max_mb=settings.max_file_mb, timeout_s=settings.url_timeout_s,
        allow_private=settings.url_allow_private == "on",
    )  # fmt: skip


def _chosen(links: list[str], pick: list[str]) -> list[str]:
    if "all" in pick:
        return links
    chosen = []
    for item in pick:
        if not item.isdigit() or not 1 <= int(item) <= len(links):
            raise IngestError(item, f"--pick takes 'all' or a number from 1 to {len(links)}")
        chosen.append(links[int(item) - 1])
    return list(dict.fromkeys(chosen))


def download(urls: list[str], folder: Path, settings: Settings, pick: list[str] | None = None) -> Downloads:
    found = Downloads()
    if urls and settings.url_import != "on":
        found.problems += [FileReport(url, "failed", reason=SWITCHED_OFF) for url in urls]
        return found

    def keep(got: Fetched, url: str) -> None:
        if got.path is None:
            raise IngestError(url, "a web page, not a document")
        found.names[got.path], found.urls[got.path] = got.name, url

    for url in urls:
        try:
            got = _get(url, folder, settings)
            if got.path is not None:
                keep(got, url)
                continue
            found.pages[url] = got.links
            if not pick:
                listed = "; ".join(f"{n}. {link}" for n, link in enumerate(got.links, 1))
                why = f"a web page listing {len(got.links)} PDFs; choose with --pick N or all: {listed}"
                found.problems.append(FileReport(url, "failed", reason=why))
                continue
            for link in _chosen(got.links, pick):
                try:
                    keep(_get(link, folder, settings), link)
                except IngestError as exc:
                    found.problems.append(FileReport(link, "failed", reason=exc.reason))
        except IngestError as exc:
            found.problems.append(FileReport(url, "failed", reason=exc.reason))
    return found
