"""PFD reports read by hand for the column-mapped themes (``eval/themes_pfd.toml``): loading
them, refusing a bad file by name, and scoring tags and columns against them per part."""

from __future__ import annotations

import itertools

import pytest

from assistant.field.themes import Taxonomy
from assistant.quality import split
from assistant.quality.evaluation import pfd_reports
from assistant.quality.pfd import PfdReport
from assistant.quality.theme_eval import Tally, hand_quality, lines, load_hand
from assistant.records import Passage
from assistant.settings import Settings

from .support import require_shared

COLUMN = "comm_between_services"  # a column of information_sharing's pfd_themes


def _ids(part: split.Split, n: int) -> list[str]:
    """``n`` made-up PFD ids that the shared rule puts in ``part``."""
    made = (f"2099-{k:04d}" for k in itertools.count())
    return list(itertools.islice((i for i in made if split.split_of(i) == part), n))


def _report(report_id: str, columns: frozenset[str] = frozenset()) -> PfdReport:
    return PfdReport(report_id, None, "", "", "", "", {}, columns, "x.csv", ("x.csv",))


def _tagged(report_id: str, *themes: str) -> Passage:
    return Passage(f"pfd-{report_id}", "", "Concerns", None, None, None, 0, 1, "x", themes=themes)


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load()


def test_tags_and_columns_are_scored_against_the_reading_per_part(taxonomy, tmp_path):
    a, b, c, d = _ids(split.HELD_OUT, 4)
    (t,) = _ids(split.TUNING, 1)
    labels = tmp_path / "themes_pfd.toml"
    labels.write_text(
        f'[[theme]]\nid = "information_sharing"\nsplit = "held-out"\n'
        f'judged = ["{a}", "{b}", "{c}"]\nrelevant = ["{a}", "{c}"]\n'
    )
    reports = [_report(a, frozenset({COLUMN})), _report(b, frozenset({COLUMN})), _report(c), _report(d),
               _report(t, frozenset({COLUMN}))]  # fmt: skip
    # a: read as about it and tagged; b: column only, read as not; c: read as about it, not
    # tagged; d: tagged after the reading, outside the pool; t: tuning part, never read.
    passages = [_tagged(a, "information_sharing"), _tagged(d, "information_sharing"),
                _tagged(t, "information_sharing")]  # fmt: skip
    hand = load_hand(labels, set(taxonomy.ids), reports)
    columns = {"x.csv": frozenset({COLUMN})}

    scored = hand_quality(taxonomy, passages, reports, hand, columns)

    assert set(scored) == {split.HELD_OUT}  # the tuning part was not read
    held = scored[split.HELD_OUT]
    assert held["tags"]["items"] == 4
    assert held["tags"]["per_theme"]["information_sharing"] == {
        "precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2, "tagged": 2,
    }  # fmt: skip
    assert held["unread"] == 1  # d's tag counts against, and is flagged for a reader
    assert held["columns"]["micro"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    nothing = {part: Tally().report() for part in (split.TUNING, split.HELD_OUT)}
    printed = "\n".join(lines({"seeds": nothing, "pfd": nothing, "pfd_by_hand": scored}))
    assert "judged by hand (held-out, 4): precision 0.500, recall 0.500" in printed
    assert "tags outside the pool read: 1" in printed


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('id = "no_such_theme"\njudged = []\nrelevant = []', "is not in the taxonomy"),
        ('id = "camhs"\njudged = ["{t}"]\nrelevant = ["{h}"]', "relevant but not judged"),
        ('id = "camhs"\nsplit = "held-out"\njudged = ["{t}"]\nrelevant = []', "in the other part"),
        ('id = "camhs"\njudged = ["{t}"]\nrelevant = []\n\n[[theme]]\nid = "camhs"\njudged = []\n'
         'relevant = []', "read twice"),
        ('id = "camhs"\nsplit = "later"\njudged = []\nrelevant = []', "split must be"),
        ('id = "camhs"\njudged = "{t}"\nrelevant = []', "needs judged and relevant lists"),
        ('id = "camhs"\njudged = [', "not TOML"),
    ],
)  # fmt: skip
def test_a_bad_hand_label_file_is_refused_by_name_with_the_reason(taxonomy, tmp_path, entry, message):
    (h,), (t,) = _ids(split.HELD_OUT, 1), _ids(split.TUNING, 1)
    labels = tmp_path / "themes_pfd.toml"
    labels.write_text("[[theme]]\n" + entry.format(h=h, t=t) + "\n")
    with pytest.raises(ValueError, match=message) as raised:
        load_hand(labels, set(taxonomy.ids))
    assert str(labels) in str(raised.value)


def test_a_report_not_in_the_corpus_is_refused(taxonomy, tmp_path):
    (h,) = _ids(split.HELD_OUT, 1)
    labels = tmp_path / "themes_pfd.toml"
    labels.write_text(f'[[theme]]\nid = "camhs"\nsplit = "held-out"\njudged = ["{h}"]\nrelevant = []\n')
    with pytest.raises(ValueError, match="not in the PFD corpus"):
        load_hand(labels, set(taxonomy.ids), [_report("2020-0001")])


def test_the_committed_hand_labels_load_against_the_corpus(taxonomy):
    folder = require_shared(Settings.from_env().pfd_dir)
    hand = load_hand(Settings.from_env().eval_dir / "themes_pfd.toml", set(taxonomy.ids), pfd_reports(folder))
    held_out = [h for h in hand if h.split == split.HELD_OUT]
    mapped = {t.id for t in taxonomy if t.pfd_themes and not t.pfd_files}
    assert held_out and {h.theme for h in held_out} <= mapped
    assert all(h.relevant <= h.judged for h in hand)
