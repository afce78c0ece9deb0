"""The web app is safe by default: settings checked at start, read-only unless local, inert text,
no error details for visitors, and an upload that survives going to another page.

Headless with Streamlit's AppTest and the fake embedder; one test starts the real server.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request

import pytest
from streamlit.testing.v1 import AppTest

from assistant.library import Library
from assistant.library.ingest import ingest
from assistant.ui import render, state

from .support import ROOT

APP = str(ROOT / "app.py")
LIBRARY_PAGE = "assistant/ui/library_page.py"
SEARCH_PAGE = "assistant/ui/search_page.py"
HOSTILE_TITLE = "[Sign in again](http://evil.example/login) ![x](http://evil.example/x.png) <img src=x>"


def start(
    settings, embedder, monkeypatch, address: str | None = "localhost", page: str | None = None
) -> AppTest:
    monkeypatch.setattr(state, "SETTINGS", settings)
    monkeypatch.setattr(state, "embedder", lambda: embedder)
    monkeypatch.setattr(state, "server_address", lambda: address, raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    if page:
        at.switch_page(page)
    return at.run()


def can_change_library(at: AppTest) -> bool:
    removal = "Remove a review from the library"
    return bool(at.get("file_uploader")) or any(s.label == removal for s in at.selectbox)


# -- settings and who may change the library ------------------------------------------------------


@pytest.mark.parametrize("value", ["OFF", " off", "Off"])
def test_uploads_off_in_any_case_makes_the_site_read_only(seeds_library, fake_embedder, monkeypatch, value):
    # ASSISTANT_UPLOADS=OFF used to leave upload and removal open (a review was removed).
    monkeypatch.setenv("ASSISTANT_UPLOADS", value)
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(seeds_library.index_dir))
    settings, problem = state._load()
    assert not problem
    at = start(settings, fake_embedder, monkeypatch, page=LIBRARY_PAGE)
    assert not at.exception
    assert not can_change_library(at)
    assert any("read-only" in i.value for i in at.info)


@pytest.mark.parametrize("value", ["false", "0", "read-only", "Signed In"])
def test_an_unknown_uploads_value_stops_the_app_with_its_one_line(
    seeds_library, fake_embedder, monkeypatch, value
):
    monkeypatch.setenv("ASSISTANT_UPLOADS", value)
    settings, problem = state._load()
    monkeypatch.setattr(state, "SETTINGS_PROBLEM", problem)
    for page in (None, LIBRARY_PAGE):
        at = start(settings, fake_embedder, monkeypatch, page=page)
        assert not at.exception
        assert len(at.error) == 1 and "ASSISTANT\\_UPLOADS=" in at.error[0].value
        assert "one of\\: auto, on, off, signed\\-in" in at.error[0].value
        assert not can_change_library(at) and not at.title  # no page ran


def test_a_bad_number_stops_the_app_without_a_traceback(fake_embedder, monkeypatch):
    monkeypatch.setenv("ASSISTANT_MAX_PASSAGE_CHARS", "twelve hundred")
    settings, problem = state._load()
    monkeypatch.setattr(state, "SETTINGS_PROBLEM", problem)
    at = start(settings, fake_embedder, monkeypatch)
    assert not at.exception
    assert "ASSISTANT\\_MAX\\_PASSAGE\\_CHARS=" in at.error[0].value


@pytest.mark.parametrize("address", [None, "0.0.0.0", "::", "192.168.1.20", "reviews.example.org"])
def test_by_default_a_site_reachable_from_other_machines_is_read_only(
    seeds_library, fake_embedder, monkeypatch, address
):
    at = start(seeds_library, fake_embedder, monkeypatch, address=address, page=LIBRARY_PAGE)
    assert not at.exception
    assert not can_change_library(at)
    assert at.dataframe  # the documents are still listed


@pytest.mark.parametrize("address", ["localhost", "127.0.0.1", "::1"])
def test_by_default_a_local_site_can_change_the_library(seeds_library, fake_embedder, monkeypatch, address):
    at = start(seeds_library, fake_embedder, monkeypatch, address=address, page=LIBRARY_PAGE)
    assert can_change_library(at)


def test_by_default_a_request_through_a_reverse_proxy_cannot_change_the_library(
    seeds_library, fake_embedder, monkeypatch
):
    monkeypatch.setattr(state, "proxied", lambda: True)
    at = start(seeds_library, fake_embedder, monkeypatch, address="localhost", page=LIBRARY_PAGE)
    assert not can_change_library(at)


def test_uploads_on_is_honoured_for_any_address(seeds_library, fake_embedder, monkeypatch):
    at = start(seeds_library.replace(uploads="on"), fake_embedder, monkeypatch, address="0.0.0.0",
               page=LIBRARY_PAGE)  # fmt: skip
    assert can_change_library(at)


def test_the_project_config_listens_on_localhost_and_hides_error_details():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "localhost"
    assert config["client"]["showErrorDetails"] == "none"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _other_address() -> str | None:
    """This machine's address on its network (not loopback), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.1", 9))  # TEST-NET-1: nothing is sent by a UDP connect
            address = sock.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def _answers(host: str, port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_the_started_server_answers_on_localhost_only(tmp_path):
    """``streamlit run app.py`` as scripts/start runs it (no address given) listens on loopback only."""
    other = _other_address()
    if other is None:
        pytest.skip("this machine has no network address besides loopback")
    port = _free_port()
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(tmp_path / "index"), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.fileWatcherType", "none"]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while not _answers("127.0.0.1", port):
            assert server.poll() is None and time.monotonic() < deadline, "streamlit did not start"
            time.sleep(0.3)
        assert not _answers(other, port)
    finally:
        server.terminate()
        server.wait(timeout=20)


# -- inert text -----------------------------------------------------------------------------------


def _strings(node) -> list[str]:
    """Every label and value shown by the app, from the element tree."""
    found = []
    for attribute in ("value", "label", "body", "text", "placeholder"):
        try:
            value = getattr(node, attribute, None)
        except Exception:  # noqa: BLE001 - some widgets have no value until used
            value = None
        if isinstance(value, str):
            found.append(value)
    for child in getattr(node, "children", {}).values():
        found += _strings(child)
    return found


# What remark-gfm links after the escapes are undone (its autolink-literal patterns)
BARE_ADDRESS = re.compile(r"(?i)(https?://|\bwww\.|[-.\w+]+@[-\w]+(?:\.[-\w]+)+)")


def _live_markdown(strings: list[str]) -> list[str]:
    """Strings holding a Markdown link or image, HTML, or a bare address that would be linked."""
    return [
        s for s in strings
        if "](" in s or "![" in s or "<img" in s or "<script" in s or BARE_ADDRESS.search(s.replace("\\", ""))
    ]  # fmt: skip


@pytest.mark.parametrize(
    "text",
    ["see http://evil.example/login", "HTTPS://EVIL.EXAMPLE", "www.evil.example", "write to a.b@evil.example",
     "mailto:x@evil.example", "[Sign in again](http://evil.example) ![x](http://evil.example/x.png)"],
)  # fmt: skip
def test_escaped_text_holds_no_link_image_or_bare_address(text):
    shown = render.escape(text)
    assert not _live_markdown([shown])
    assert shown.replace("\\", "").replace("\u2060", "") == text  # every character is still there


@pytest.fixture
def hostile_library(seeds_library, fake_embedder, tmp_path):
    hostile = tmp_path / "hostile-title.md"
    hostile.write_text(
        f'---\ntitle: "{HOSTILE_TITLE}"\npartnership: "![p](http://evil.example/p.png)"\n---\n\n'
        "## [Click here](http://evil.example/section)\n\n"
        "Recommendation 1: Agencies must give families advice on trampoline safety and garden netting.\n\n"
        "Response: Trampoline safety advice [is given](http://evil.example/advice) by health visitors.\n",
        encoding="utf-8",
    )
    reports = ingest([hostile], seeds_library, fake_embedder)
    assert reports[0].status == "added", reports
    title = Library.open(seeds_library.index_dir).document(reports[0].doc_id).title
    assert "](http://evil.example/login)" in title  # the title really is hostile
    return seeds_library


def test_titles_and_citation_labels_are_inert_on_every_page(hostile_library, fake_embedder, monkeypatch):
    # The Ask page's citation labels were Markdown: the title became a link and fetched an image.
    settings = hostile_library.replace(answer_threshold=-1.0)
    at = start(settings, fake_embedder, monkeypatch, page="assistant/ui/ask_page.py")
    at.chat_input[0].set_value("What advice on trampoline safety and garden netting?").run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert any("Sign in again" in label for label in labels), labels  # the hostile passage is cited
    shown = _strings(at.main)
    assert not _live_markdown(shown), _live_markdown(shown)

    at = start(hostile_library, fake_embedder, monkeypatch)
    at.text_input(key="query").input("trampoline safety netting").run()
    assert not at.exception and any("Sign in again" in s for s in _strings(at.main))
    next(b for b in at.button if b.label.startswith("Add to session pack")).click().run()
    for page in ("assistant/ui/pack_page.py", "assistant/ui/themes_page.py", LIBRARY_PAGE):
        at.switch_page(page).run()
        assert not at.exception, page
        shown = _strings(at.main) + _strings(at.sidebar)
        assert not _live_markdown(shown), (page, _live_markdown(shown))


# -- error details ---------------------------------------------------------------------------------


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.text.append(record.getMessage() + (self.format(record) if record.exc_info else ""))


def test_an_unexpected_error_shows_visitors_no_details_and_is_logged(
    seeds_library, fake_embedder, monkeypatch, capsys
):
    def broken():
        raise RuntimeError("cannot open /srv/private/index/gen-000007/library.sqlite")

    records = _Records()
    logger = logging.getLogger("streamlit")
    logger.addHandler(records)
    try:
        monkeypatch.setattr(state, "SETTINGS", seeds_library)
        monkeypatch.setattr(state, "searcher", broken)
        at = AppTest.from_file(APP, default_timeout=60).run()
    finally:
        logger.removeHandler(records)
    assert at.exception, "the error is shown as an error"
    shown = at.exception[0]
    assert "/srv/private" not in shown.message and not shown.stack_trace
    assert "/srv/private" not in " ".join(_strings(at.main))
    console = capsys.readouterr()  # Streamlit logs with rich to the console when logger.enableRich
    logged = "\n".join(records.text) + console.out + console.err
    assert "/srv/private" in logged, "the details are in the server's log"


# -- an upload survives going to another page ------------------------------------------------------


class _NavigatesAway:
    """The fake embedder, but the visitor goes to the Search page once the upload is under way."""

    def __init__(self, inner, page_hash: str) -> None:
        self.inner, self.page_hash = inner, page_hash
        self.name, self.dimension, self.encoder = inner.name, inner.dimension, inner.encoder
        self.ctx = None
        self.moved = False

    def __call__(self):  # stands in for state.embedder(), which the page calls in its own run
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

        self.ctx = get_script_run_ctx()
        return self

    def encode(self, texts, progress=False):
        if not self.moved and self.ctx is not None:
            from streamlit.runtime.scriptrunner_utils.script_requests import RerunData

            self.moved = True  # what the browser sends when the visitor picks another page
            self.ctx.script_requests.request_rerun(RerunData(page_script_hash=self.page_hash))
        return self.inner.encode(texts, progress)


def test_going_to_another_page_during_an_upload_does_not_lose_it(seeds_library, fake_embedder, monkeypatch):
    at = start(seeds_library, fake_embedder, monkeypatch, page=LIBRARY_PAGE)
    navigating = _NavigatesAway(fake_embedder, at._resolve_page_hash(SEARCH_PAGE))
    monkeypatch.setattr(state, "embedder", navigating)
    files = [
        ("trampolines.txt", b"Trampoline safety\n\nRecommendation 1: Advise parents on trampoline netting.\n",
         "text/plain"),
        ("ponds.txt", b"Garden ponds\n\nRecommendation 1: Advise parents to fence or cover garden ponds.\n",
         "text/plain"),
    ]  # fmt: skip
    at.file_uploader[0].set_value(files).run()
    next(b for b in at.button if b.label == "Add to the library").click().run()
    job = at.session_state["upload-job"] if "upload-job" in at.session_state else None
    if job is not None:
        job.wait(timeout=60)
    assert navigating.moved, "the visitor left during the upload"
    sources = {d.source for d in Library.open(seeds_library.index_dir).documents()}
    assert {"trampolines.txt", "ponds.txt"} <= sources, sources
    at.switch_page(SEARCH_PAGE).run()
    at.switch_page(LIBRARY_PAGE).run()  # back on the Library page: the results wait there
    assert not at.exception
    messages = " ".join(s.value for s in at.success)
    assert "trampolines\\.txt: added" in messages and "ponds\\.txt: added" in messages


def test_an_upload_in_progress_shows_its_progress_and_hides_the_uploader(
    seeds_library, fake_embedder, monkeypatch
):
    from assistant.ui import upload_job

    at = start(seeds_library, fake_embedder, monkeypatch, page=LIBRARY_PAGE)
    running = upload_job.UploadJob(("a.pdf", "b.pdf"), state="running", done=1, total=2, current="b.pdf")
    at.session_state["upload-job"] = running
    at.run()
    assert not at.exception and not at.get("file_uploader")
    assert any("other pages meanwhile" in c.value for c in at.caption)
