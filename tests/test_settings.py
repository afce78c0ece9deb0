"""Settings are checked at start: type, range and choices; a bad one is one line naming the variable."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from assistant.errors import SettingsError
from assistant.settings import Settings
from assistant.ui.access import is_local, upload_mode

from .support import ROOT

NUMERIC = [f for f in dataclasses.fields(Settings) if f.type in ("int", "float")]


def refused(environ: dict[str, str]) -> str:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(environ)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_the_defaults_check_out():
    assert Settings.from_env({}) == Settings()


@pytest.mark.parametrize("value", ["0", "1", "-5", "199"])
def test_a_passage_limit_that_would_loop_forever_is_refused_at_start(value):
    # ASSISTANT_MAX_PASSAGE_CHARS=0 used to make cutting a passage loop forever.
    message = refused({"ASSISTANT_MAX_PASSAGE_CHARS": value})
    assert message.startswith("ASSISTANT_MAX_PASSAGE_CHARS=")
    assert "a whole number from 200 to 20000" in message


@pytest.mark.parametrize(
    "variable, value",
    [
        ("ASSISTANT_BATCH_SIZE", "abc"),
        ("ASSISTANT_BATCH_SIZE", "12.5"),
        ("ASSISTANT_BATCH_SIZE", ""),
        ("ASSISTANT_MAX_FILE_MB", "1e3"),
        ("ASSISTANT_PDF_TIMEOUT_S", "sixty"),
        ("ASSISTANT_PDF_TIMEOUT_S", "nan"),
        ("ASSISTANT_PDF_TIMEOUT_S", "inf"),
        ("ASSISTANT_ANSWER_THRESHOLD", "high"),
        ("ASSISTANT_INDEX_DIR", ""),
        ("ASSISTANT_MODEL", " "),
    ],
)
def test_a_value_of_the_wrong_type_is_a_named_error_not_a_traceback(variable, value):
    message = refused({variable: value})
    assert message.startswith(f"{variable}=") and "it takes" in message


def test_every_numeric_setting_has_a_range_and_its_ends_are_enforced():
    for f in NUMERIC:
        low, high = f.metadata["min"], f.metadata["max"]
        assert low is not None and high is not None, f"{f.name} has no range"
        variable = f"ASSISTANT_{f.name.upper()}"
        assert Settings.from_env({variable: str(low)}) and Settings.from_env({variable: str(high)})
        too_low = low - 1 if f.type == "int" else low - 0.05
        too_high = high + 1 if f.type == "int" else high + 0.05
        for bad in (too_low, too_high):
            assert variable in refused({variable: str(bad)}), (f.name, bad)


def test_settings_made_in_code_are_checked_too():
    with pytest.raises(SettingsError, match="ASSISTANT_MAX_PASSAGE_CHARS"):
        Settings(max_passage_chars=0)
    with pytest.raises(SettingsError, match="ASSISTANT_UPLOADS"):
        Settings().replace(uploads="yes")


@pytest.mark.parametrize(
    "value",
    ["false", "0", "no", "read-only", "readonly", "disabled", "none", "", "of", "signed in", "on;off"],
)
def test_uploads_takes_the_documented_values_only(value):
    # These used to leave upload and removal open: only the exact 'off' and 'signed-in' restricted.
    message = refused({"ASSISTANT_UPLOADS": value})
    assert "one of: auto, on, off, signed-in" in message


@pytest.mark.parametrize("value, mode", [("OFF", "off"), (" off", "off"), ("Off\n", "off"),
                                         ("Signed-In", "signed-in"), ("AUTO", "auto")])  # fmt: skip
def test_uploads_is_read_without_regard_to_case_or_spaces(value, mode):
    assert Settings.from_env({"ASSISTANT_UPLOADS": value}).uploads == mode


def test_a_misspelt_setting_is_refused_rather_than_ignored():
    message = refused({"ASSISTANT_UPLOAD": "off"})
    assert "ASSISTANT_UPLOAD is not a setting" in message and "did you mean ASSISTANT_UPLOADS" in message


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/", "localhost:8080/v1", "javascript:x"]
)
def test_the_answer_service_must_be_an_http_address(url):
    assert "http:// or https://" in refused({"ASSISTANT_LLM_URL": url})
    assert Settings.from_env({"ASSISTANT_LLM_URL": "http://127.0.0.1:8080/v1"}).llm_url


@pytest.mark.parametrize(
    "address, local",
    [("localhost", True), ("127.0.0.1", True), ("127.0.1.1", True), ("::1", True), ("[::1]", True),
     ("LOCALHOST", True), (None, False), ("", False), ("0.0.0.0", False), ("::", False),
     ("192.168.1.10", False), ("example.org", False), ("localhost.example.org", False)],
)  # fmt: skip
def test_only_a_loopback_address_counts_as_local(address, local):
    assert is_local(address) is local


def test_uploads_auto_is_on_only_for_a_local_address_and_explicit_values_win():
    assert upload_mode("auto", "localhost") == "on"
    assert upload_mode("auto", None) == "off"  # streamlit's default: every interface
    assert upload_mode("auto", "0.0.0.0") == "off"
    assert upload_mode("on", "0.0.0.0") == "on"
    assert upload_mode("signed-in", "0.0.0.0") == "signed-in"
    assert upload_mode("off", "localhost") == "off"
    assert upload_mode("OFF", "localhost") == "off"  # whatever is not known is off
    assert upload_mode("auto", "localhost", proxied=True) == "off"  # a proxy on this machine serves others
    assert upload_mode("on", "localhost", proxied=True) == "on"


@pytest.mark.parametrize(
    "variable, value",
    [("ASSISTANT_BATCH_SIZE", "abc"), ("ASSISTANT_MAX_PASSAGE_CHARS", "0"), ("ASSISTANT_UPLOADS", "false")],
)
def test_the_command_line_reports_a_bad_setting_in_one_line(tmp_path, variable, value):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), variable: value}
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "docs", "--index", str(tmp_path / "index")],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert done.stderr.startswith(f"error: {variable}=")


def test_the_readme_says_what_every_setting_accepts():
    from assistant.setting_checks import accepted

    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    for f in dataclasses.fields(Settings):
        row = next((line for line in readme if line.startswith(f"| `ASSISTANT_{f.name.upper()}` |")), None)
        assert row is not None, f.name
        if f.metadata["choices"]:
            assert all(f"`{choice}`" in row for choice in f.metadata["choices"]), f.name
        else:
            assert accepted(f) in row, (f.name, accepted(f))
