"""A review by its web address: download it safely, before the library is locked for writing.

Only when ``url_import`` is on (it is off by default: a served site would then call out).
Only http and https. Every hop (the address and each redirect) is resolved here, the address
actually connected to is checked, and loopback, private, link-local, multicast and reserved
addresses are refused unless ``url_allow_private`` is on (tests use a local server that way).
At most :data:`MAX_REDIRECTS` redirects, no loops; the size limit is ``max_file_mb`` and the
whole download has ``url_timeout_s``. The type is decided by content: a PDF or a Word document
is kept; a web page is read for the PDFs it links to, to choose from. No proxy, no cookies.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from assistant.documents.uploads import safe_name
from assistant.errors import IngestError

MAX_REDIRECTS = 5
MAX_LINKS = 50  # PDFs listed from one page
MAX_PAGE_BYTES = 2 * 1024 * 1024  # a web page read for its links
CHUNK = 64 * 1024
USER_AGENT = "safeguarding-reviews-assistant (adds one published review at a person's request)"


@dataclass(frozen=True)
class Fetched:
    """What an address gave: a file ready to ingest, or the PDFs a web page links to."""

    url: str  # the address asked for
    final_url: str  # after redirects
    path: Path | None = None  # the downloaded document
    name: str = ""  # its file name, made safe
    links: list[str] = field(default_factory=list)  # PDFs on a web page, in page order


def is_url(text: str) -> bool:
    return "://" in str(text)[:12]


def refused_address(ip: str) -> str | None:
    """Why connecting to ``ip`` is refused, or None when it is a public address."""
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    for test, why in (
        ("is_loopback", "loopback"), ("is_link_local", "link-local"), ("is_private", "private"),
        ("is_multicast", "multicast"), ("is_reserved", "reserved"), ("is_unspecified", "unspecified"),
    ):  # fmt: skip
        if getattr(address, test):
            return f"{why} address {address}"
    return None


def _lookup(host: str, port: int, timeout: float) -> list:
    """getaddrinfo with a time limit (it has none of its own): run in a daemon thread."""
    found: list = []

    def run() -> None:
        try:
            found.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            found.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout)
    if not found:
        raise TimeoutError(f"looking up {host} took too long")
    if isinstance(found[0], BaseException):
        raise ConnectionError(f"the name {host!r} could not be resolved ({found[0]})") from found[0]
    return found[0]


def _resolve(host: str, port: int, allow_private: bool, timeout: float = 10.0) -> str:
    infos = _lookup(host, port, timeout)
    ip = str(infos[0][4][0])
    if not allow_private and (why := refused_address(ip)):
        raise PermissionError(f"refused: {host} is a {why}")
    return ip


class _Http(http.client.HTTPConnection):
    def __init__(self, ip: str, host: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.ip = ip

    def connect(self) -> None:  # to the address that was checked, never a second lookup
        self.sock = socket.create_connection((self.ip, self.port), self.timeout)


class _Https(http.client.HTTPSConnection):
    def __init__(self, ip: str, host: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self.ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _Links(HTMLParser):
    def __init__(self, base: str):
        super().__init__()
        self.base = base
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") if tag == "a" else None
        if href and urlsplit(href).path.lower().endswith(".pdf"):
            url = urljoin(self.base, href)
            if urlsplit(url).scheme in ("http", "https") and url not in self.links:
                self.links.append(url)


def _get(url: str, limit: int, deadline: float, allow_private: bool) -> tuple[str, bytes, str]:
    """(final address, body, content type) after at most MAX_REDIRECTS redirects."""
    seen: list[str] = []
    while True:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("only http and https addresses can be added")
        if url in seen:
            raise ValueError("redirect loop")
        if len(seen) > MAX_REDIRECTS:
            raise ValueError(f"more than {MAX_REDIRECTS} redirects")
        seen.append(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        ip = _resolve(parts.hostname, port, allow_private, max(0.1, deadline - time.monotonic()))
        kind = _Https if parts.scheme == "https" else _Http
        conn = kind(ip, parts.hostname, port, max(0.1, deadline - time.monotonic()))
        try:
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            conn.request("GET", target, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location", ""))
                continue
            if response.status != 200:
                raise ValueError(f"the server answered HTTP {response.status} {response.reason}")
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > limit:
                raise OverflowError(f"{int(length) / 1048576:.1f} MB")
            body = bytearray()
            while chunk := response.read1(CHUNK):  # returns what has arrived: a trickle is timed
                body += chunk
                if len(body) > limit:
                    raise OverflowError(f"over {limit / 1048576:.0f} MB")
                if time.monotonic() > deadline:
                    raise TimeoutError()
            return url, bytes(body), response.getheader("Content-Type", "")
        finally:
            conn.close()


def fetch(url: str, folder: Path, *, max_mb: int, timeout_s: float, allow_private: bool = False) -> Fetched:
    """Download ``url`` into ``folder``; raises :class:`IngestError` named by the address."""
    limit = max_mb * 1024 * 1024
    try:
        final, body, content_type = _get(url, limit, time.monotonic() + timeout_s, allow_private)
    except OverflowError as exc:
        raise IngestError(url, f"too large ({exc}; the limit is {max_mb} MB)") from exc
    except TimeoutError as exc:
        raise IngestError(url, f"took too long (over {timeout_s:g} s)") from exc
    except PermissionError as exc:
        raise IngestError(url, str(exc)) from exc
    except (ConnectionError, ValueError, OSError, http.client.HTTPException) as exc:
        raise IngestError(url, f"could not be downloaded ({exc})") from exc
    if not body:
        raise IngestError(url, "empty file")
    head = body[:1024].lstrip().lower()
    if b"%PDF-" in body[:1024] or body.startswith(b"PK\x03\x04"):
        suffix = ".pdf" if b"%PDF-" in body[:1024] else ".docx"
        stem = Path(safe_name(unquote(urlsplit(final).path.rsplit("/", 1)[-1]) or "download")).stem
        name = f"{stem or 'download'}{suffix}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{len(list(folder.iterdir()))}-{name}"
        path.write_bytes(body)
        return Fetched(url, final, path, name)
    if head.startswith((b"<!doctype html", b"<html")) or "html" in content_type.lower():
        parser = _Links(final)
        parser.feed(body[:MAX_PAGE_BYTES].decode("utf-8", "replace"))
        if not parser.links:
            raise IngestError(url, "a web page that links to no PDF; give the address of the document")
        return Fetched(url, final, links=parser.links[:MAX_LINKS])
    shown = content_type.split(";")[0].strip() or "unknown content"
    raise IngestError(url, f"not a document (the address gives {shown}); PDF or Word only")
