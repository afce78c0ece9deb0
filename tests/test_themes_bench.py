"""The Themes page speed is measured by `bench --themes`: the benchmark runs and reports its aims."""

from __future__ import annotations

from assistant.quality import themes_bench


def test_themes_bench_measures_the_page_and_a_chosen_theme(fake_embedder, monkeypatch):
    monkeypatch.setattr(themes_bench, "PASSAGES", 3)
    report = themes_bench.run(fake_embedder, documents=60, app=False)
    assert report["documents"] == 60 and report["passages"] == 180
    assert set(report["page_reads_s"]) == {"first", "same_generation"}
    # a small library must be far inside the aims; the real figures at 1,000 are in the README
    assert report["page_reads_s"]["first"] < report["aims_s"]["page"]
    assert report["chosen_theme_s"] < report["aims_s"]["chosen_theme"]
