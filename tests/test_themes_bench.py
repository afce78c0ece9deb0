"""The Themes page speed is measured by `bench --themes`: the benchmark runs and reports its aims."""

from __future__ import annotations

from assistant.quality import themes_bench
from assistant.ui import state


def test_themes_bench_measures_the_page_and_a_chosen_theme(fake_embedder, monkeypatch):
    monkeypatch.setattr(themes_bench, "PASSAGES", 3)
    report = themes_bench.run(fake_embedder, documents=60, app=False)
    assert report["documents"] == 60 and report["passages"] == 180
    assert set(report["page_reads_s"]) == {"first", "same_generation"}
    # a small library must be far inside the aims; the real figures at 1,000 are in the README
    assert report["page_reads_s"]["first"] < report["aims_s"]["page"]
    assert report["chosen_theme_s"] < report["aims_s"]["chosen_theme"]


def test_themes_bench_times_the_page_headless(fake_embedder, monkeypatch):
    monkeypatch.setattr(themes_bench, "PASSAGES", 3)
    for name in ("SETTINGS", "embedder", "server_address"):  # the bench sets them: restored after
        monkeypatch.setattr(state, name, getattr(state, name))
    report = themes_bench.run(fake_embedder, documents=30, app=True)
    timed = report["page_in_app"]  # the page opened, rerun, a theme chosen, a recurring theme opened
    assert set(timed) == {"first_s", "again_s", "chosen_theme_s", "recurring_opened_s"}
    assert all(seconds > 0 for seconds in timed.values())
