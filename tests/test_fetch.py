"""Adding a review by its web address, against a local server: what is kept, what is refused."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.cli import main as cli
from assistant.documents.fetch import fetch, refused_address
from assistant.documents.url_import import SWITCHED_OFF, download
from assistant.errors import IngestError
from assistant.settings import Settings

from .test_doc_metadata import cover_pdf

MB = 1024 * 1024


@pytest.fixture(scope="module")
def pdf_bytes(tmp_path_factory):
    return cover_pdf(tmp_path_factory.mktemp("pdf") / "cover.pdf").read_bytes()


@pytest.fixture(scope="module")
def server(pdf_bytes):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def send(self, body: bytes, kind: str, length: bool = True) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            if length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def redirect(self, to: str) -> None:
            self.send_response(302)
            self.send_header("Location", to)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:  # noqa: N802
            path = self.path
            if path == "/baby-f.pdf":
                self.send(pdf_bytes, "application/pdf")
            elif path == "/reviews.html":
                links = '<a href="/baby-f.pdf">Baby F</a> <a href="other.pdf">Other</a>'
                links += ' <a href="/x.html">x</a> <a href="/baby-f.pdf">again</a>'
                self.send(f"<!doctype html><html><body>{links}</body></html>".encode(), "text/html")
            elif path == "/other.pdf":
                self.send(b"<!doctype html><html>not found</html>", "text/html")
            elif path in ("/loop-a", "/loop-b"):
                self.redirect("/loop-b" if path == "/loop-a" else "/loop-a")
            elif path == "/moved":
                self.redirect("/baby-f.pdf")
            elif path == "/to-file":
                self.redirect("file:///etc/passwd")
            elif path == "/big.pdf":
                self.send(b"%PDF-1.4\n" + b"0" * (2 * MB), "application/pdf")
            elif path == "/big-unsized.pdf":
                self.protocol_version = "HTTP/1.0"
                self.send(b"%PDF-1.4\n" + b"0" * (2 * MB), "application/pdf", length=False)
            elif path == "/slow.pdf":
                time.sleep(3)
                self.send(pdf_bytes, "application/pdf")
            elif path == "/trickle.pdf":
                self.send_response(200)
                self.send_header("Content-Length", "100")
                self.end_headers()
                for _ in range(10):
                    self.wfile.write(b"%PDF-")
                    self.wfile.flush()
                    time.sleep(0.4)
            elif path == "/data.bin":
                self.send(bytes(range(256)) * 4, "application/octet-stream")
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def _fetch(url, folder, **kw):
    options = {"max_mb": 1, "timeout_s": 1.5, "allow_private": True} | kw
    return fetch(url, folder, **options)


def test_a_pdf_and_a_redirect_to_it(server, tmp_path, pdf_bytes):
    got = _fetch(f"{server}/baby-f.pdf", tmp_path, max_mb=5)
    assert got.name == "baby-f.pdf" and got.path.read_bytes() == pdf_bytes
    moved = _fetch(f"{server}/moved", tmp_path, max_mb=5)
    assert moved.final_url == f"{server}/baby-f.pdf" and moved.name == "baby-f.pdf"


def test_a_web_page_lists_the_pdfs_it_links_to(server, tmp_path):
    got = _fetch(f"{server}/reviews.html", tmp_path)
    assert got.path is None and got.links == [f"{server}/baby-f.pdf", f"{server}/other.pdf"]


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/loop-a", "redirect loop"),
        ("/to-file", "only http and https"),
        ("/big.pdf", "too large (2.0 MB; the limit is 1 MB)"),
        ("/big-unsized.pdf", "too large (over 1 MB"),
        ("/slow.pdf", "took too long (over 1.5 s)"),
        ("/trickle.pdf", "took too long (over 1.5 s)"),
        ("/data.bin", "not a document (the address gives application/octet-stream)"),
        ("/other.pdf", "links to no PDF"),
        ("/missing.pdf", "HTTP 404"),
    ],
)
def test_bad_addresses_fail_by_name_with_a_reason_in_time(server, tmp_path, path, reason):
    started = time.monotonic()
    with pytest.raises(IngestError) as failed:
        _fetch(f"{server}{path}", tmp_path)
    assert failed.value.name == f"{server}{path}" and reason in failed.value.reason
    assert time.monotonic() - started < 3
    assert not list(tmp_path.iterdir())  # nothing kept


def test_a_private_address_is_refused_unless_allowed(server, tmp_path):
    with pytest.raises(IngestError, match="refused: 127.0.0.1 is a loopback address"):
        _fetch(f"{server}/baby-f.pdf", tmp_path, allow_private=False)
    with pytest.raises(IngestError, match="refused: localhost is a loopback address"):
        _fetch(server.replace("127.0.0.1", "localhost") + "/baby-f.pdf", tmp_path, allow_private=False)
    refused = [
        ("10.1.2.3", "private"), ("192.168.0.1", "private"), ("169.254.169.254", "link-local"),
        ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"), ("fe80::1", "link-local"),
    ]  # fmt: skip
    for ip, why in refused:
        assert why in (refused_address(ip) or ""), ip
    assert refused_address("8.8.8.8") is None


def test_download_batch_goes_on_and_is_off_unless_switched_on(server, tmp_path):
    on = Settings(url_import="on", url_allow_private="on", url_timeout_s=1.5, max_file_mb=5)
    got = download([f"{server}/missing.pdf", f"{server}/baby-f.pdf"], tmp_path, on)
    assert list(got.names.values()) == ["baby-f.pdf"]
    assert [(r.name, r.status) for r in got.problems] == [(f"{server}/missing.pdf", "failed")]
    listed = download([f"{server}/reviews.html"], tmp_path / "b", on)
    assert "choose with --pick N or all: 1. " in listed.problems[0].reason and not listed.names
    picked = download([f"{server}/reviews.html"], tmp_path / "c", on, pick=["all"])
    assert list(picked.urls.values()) == [f"{server}/baby-f.pdf"]
    assert picked.problems[0].name == f"{server}/other.pdf"
    off = download([f"{server}/baby-f.pdf"], tmp_path / "d", Settings())
    assert off.problems[0].reason == SWITCHED_OFF and not off.names


def test_cli_ingest_by_address_keeps_the_url_through_rebuild(
    server, settings, monkeypatch, fake_embedder, capsys
):
    index = str(settings.index_dir)
    assert (
        cli.main(["ingest", f"{server}/baby-f.pdf", "--index", index], embedder=fake_embedder) == 1
    )  # off by default
    assert "switched off" in capsys.readouterr().out
    monkeypatch.setenv("ASSISTANT_URL_IMPORT", "on")
    monkeypatch.setenv("ASSISTANT_URL_ALLOW_PRIVATE", "on")
    code = cli.main(
        ["ingest", f"{server}/reviews.html", "--pick", "1", "--json", "--index", index],
        embedder=fake_embedder,
    )
    assert code == 0, capsys.readouterr()
    assert json.loads(capsys.readouterr().out)["files"][0]["status"] == "added"
    assert cli.main(["rebuild", "--index", index], embedder=fake_embedder) == 0
    capsys.readouterr()
    assert cli.main(["docs", "--json", "--index", index], embedder=fake_embedder) == 0
    doc = json.loads(capsys.readouterr().out)["documents"][0]
    assert doc["url"] == f"{server}/baby-f.pdf" and doc["subject"] == "Baby F"
    assert doc["name"] == "Baby F, Sandwell SCP, March 2023"


def test_library_page_adds_by_address_only_when_switched_on(
    server, seeds_library, fake_embedder, monkeypatch
):
    from streamlit.testing.v1 import AppTest

    from assistant.library import Library
    from assistant.ui import state

    from .test_app import APP

    monkeypatch.setattr(state, "embedder", lambda: fake_embedder)
    monkeypatch.setattr(state, "SETTINGS", seeds_library)  # url_import off: the default
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("assistant/ui/library_page.py").run()
    assert not [t for t in at.text_input if "web address" in t.label]
    on = seeds_library.replace(url_import="on", url_allow_private="on", url_timeout_s=5.0)
    monkeypatch.setattr(state, "SETTINGS", on)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("assistant/ui/library_page.py").run()
    box = next(t for t in at.text_input if "web address" in t.label)
    box.input(f"{server}/reviews.html").run()
    next(b for b in at.button if b.label == "Download and add").click().run()
    assert not at.exception
    pick = next(m for m in at.multiselect if m.label == "Choose the documents to add")
    assert pick.options == [f"{server}/baby-f.pdf", f"{server}/other.pdf"]
    pick.select(f"{server}/baby-f.pdf").run()
    next(b for b in at.button if b.label == "Add the chosen PDFs").click().run()
    assert not at.exception, at.exception
    shown = [s.value for s in at.success]
    assert len(shown) == 1 and shown[0].startswith("baby\\-f\\.pdf: added ("), [e.value for e in at.error]
    library = Library.open(seeds_library.index_dir)
    urls = {d.doc_id: d.url for d in library.documents()}
    library.close()
    assert urls["baby-f"] == f"{server}/baby-f.pdf"


def test_a_name_that_does_not_resolve_or_resolves_slowly_fails_in_time(tmp_path, monkeypatch):
    from assistant.documents import fetch as fetch_mod

    with pytest.raises(IngestError, match="could not be resolved"):
        _fetch("http://no-such-host.invalid/review.pdf", tmp_path)
    monkeypatch.setattr(fetch_mod.socket, "getaddrinfo", lambda *a, **k: time.sleep(5))
    started = time.monotonic()
    with pytest.raises(IngestError, match=r"took too long \(over 1.5 s\)"):
        _fetch("http://slow-dns.example/review.pdf", tmp_path)
    assert time.monotonic() - started < 2.5
