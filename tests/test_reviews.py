"""Which reviews talk about this: every matching review, counted once per case, with evidence;
the JSON shape, the CSV, filters, age groups, near misses and a query nothing matches."""

from __future__ import annotations

import csv
import io

import pytest

from assistant.library import Library
from assistant.library.ingest import ingest
from assistant.library.review_rows import document_texts
from assistant.quality import review_labels
from assistant.quality.baselines import NaiveChunks
from assistant.quality.evaluation import pfd_reports
from assistant.quality.review_eval import kappa, passage_metrics, review_metrics, run
from assistant.quality.review_eval import lines as review_eval_lines
from assistant.quality.review_labels import HAND, Judged
from assistant.records import Filters
from assistant.search import reviews
from assistant.search.review_export import CSV_COLUMNS, inert, lines, to_csv
from assistant.search.reviews import COVERAGE, ReviewFinder, between_ages
from assistant.search.searcher import Searcher
from assistant.settings import Settings
from assistant.ui.reviews_view import strength

from .support import ingested, require_shared
from .test_ages_and_cases import RESPONSE, REVIEW, TEEN

# The fake embedder's similarities are not the real model's: these tests set their own lines.
LINE, PASSAGE_LINE = 0.3, 0.2


@pytest.fixture
def seeds(seeds_library, fake_embedder):
    library = Library.open(seeds_library.index_dir)
    yield ReviewFinder(Searcher(library, fake_embedder), LINE, PASSAGE_LINE)
    library.close()


@pytest.fixture
def cases(tmp_path, settings, fake_embedder):
    texts = {"baby-f.txt": REVIEW, "baby-f-response.txt": RESPONSE, "child-t.txt": TEEN}
    library = ingested(tmp_path / "docs", texts, settings, fake_embedder)
    yield ReviewFinder(Searcher(library, fake_embedder), 0.2, 0.1)
    library.close()


def test_json_has_the_issue_shape_and_the_count_counts_matches(seeds):
    result = seeds.find("bath safety").to_dict()
    assert list(result) == ["query", "count", "reviews"]
    assert result["query"] == "bath safety"
    first = result["reviews"][0]
    assert list(first)[:8] == [
        "rank",
        "doc_id",
        "title",
        "source",
        "score",
        "match",
        "matching_passages",
        "evidence",
    ]
    assert first["doc_id"] == "child-i-hscb" and first["match"] is True and first["rank"] == 1
    assert 1 <= len(first["evidence"]) <= 3
    assert {"passage_id", "text", "citation", "page", "section"} <= set(first["evidence"][0])
    assert "bath" in first["evidence"][0]["text"]
    assert result["count"] == sum(r["match"] for r in result["reviews"])
    ranks = [r["rank"] for r in result["reviews"]]
    assert ranks == list(range(1, len(ranks) + 1))


def test_near_misses_come_after_every_match_and_are_not_counted(seeds):
    seeds.threshold = 0.44  # with the fake embedder only Child 'J' reaches it for this query
    result = seeds.find("bath safety at home")
    assert result.count == 1 and [r.document.doc_id for r in result.matches] == ["child-j-hscp-2019"]
    flags = [r.match for r in result.reviews]
    assert flags == sorted(flags, reverse=True)  # never mixed in above them
    assert [r.document.doc_id for r in result.near_misses] == ["child-i-hscb"]
    assert [r.why for r in result.reviews] == [reviews.MEANING, reviews.BELOW_LINE]  # each says why
    text = "\n".join(lines(result))
    assert text.startswith("1 review matches 'bath safety at home'") and "near misses" in text
    assert f"; {reviews.BELOW_LINE}]" in text
    assert strength(result.near_misses[0], seeds.threshold) == "near miss, just below the line"


def test_filters_change_the_count(seeds):
    everything = seeds.find("GP record storage")
    only_j = seeds.find("GP record storage", Filters(doc_ids=("child-j-hscp-2019",)))
    assert {r.document.doc_id for r in only_j.reviews} == {"child-j-hscp-2019"}
    assert only_j.count <= everything.count and only_j.count == 1
    assert seeds.find("GP record storage", Filters(years=(1990,))).reviews == ()


def test_nonsense_or_empty_query_matches_no_review(seeds):
    for query in ("xyzzy qwerty plugh", "", "   ", "the of and"):
        result = seeds.find(query)
        assert result.count == 0 and result.matches == []
        assert lines(result)[0].startswith("no reviews match")
    assert seeds.find("").reviews == ()
    seeds.threshold = -1.0  # every review is close enough by meaning: words alone decide
    assert seeds.find("the of and").reviews == () == seeds.find("xyzzy qwerty plugh").reviews
    assert seeds.find("teenagers").count == 0 < len(seeds.find("teenagers").reviews)  # ages alone: asked


def test_a_query_whose_words_no_review_holds_gets_no_near_misses(seeds, monkeypatch):
    monkeypatch.setattr(reviews, "NEAR_MISS_MARGIN", 2.0)  # every review is close enough by meaning
    seeds.threshold = 0.9  # and none matches
    assert seeds.find("xyzzy qwerty plugh").reviews == ()  # made up: about nothing here
    # Child 'J' holds neither "bath" nor "safety", but the query is about something: near by meaning.
    assert len(seeds.find("bath safety").near_misses) == 2
    assert len(seeds.find("teenagers").near_misses) == 2  # no words but an age: meaning alone


def test_a_case_counts_once(cases):
    result = cases.find("information sharing between health visitors about self-harm")
    ids = [r.document.doc_id for r in result.reviews]
    assert len({"baby-f", "baby-f-response"} & set(ids)) == 1  # the best of the case stands for it


def test_a_topic_with_an_age_group_needs_both(cases):
    teen = cases.find("teenagers who self-harm")
    assert [r.document.doc_id for r in teen.matches] == ["child-t"]
    assert {r.why for r in teen.near_misses} == {reviews.OTHER_AGE}  # the baby's case: said why
    babies = cases.find("babies whose mother self-harmed")
    assert "child-t" not in {r.document.doc_id for r in babies.matches}
    assert babies.count >= 1


CROSSING = {
    "railway.md": "# Review of the death of Sam\n\n## Concerns\n\nThe level of risk was not known; the level"
    " of support was low.\n\n## Circumstances\n\nSam, aged 15, had been known to mental health services"
    " for a year and had missed two appointments. On the night he died he walked onto the railway at"
    " one of the level crossings near his home.",
    "adult.txt": "Review of the death of Ann\n\nAnn, aged 40, was struck by a train at a level crossing.",
    "apart.txt": "Review of the death of Tom\n\nTom, aged 15, was crossing the road. The level of"
    " supervision was low for a young man.",
    **{
        f"other-{n}.txt": f"Review of the death of P{n}\n\nP{n}, aged {40 + n}, died in hospital after a"
        " fall; the risk assessment was not reviewed."
        for n in range(40)
    },
}


@pytest.fixture
def crossings(tmp_path, settings, fake_embedder):
    library = ingested(tmp_path / "docs", CROSSING, settings, fake_embedder)
    yield ReviewFinder(Searcher(library, fake_embedder), threshold=0.99)  # nothing matches by meaning
    library.close()


def test_a_review_naming_the_topic_in_the_querys_words_matches(crossings):
    found = crossings.find("level crossing")
    assert sorted(r.document.doc_id for r in found.matches) == ["adult", "railway"]  # not "apart"
    railway = next(r for r in found.matches if r.document.doc_id == "railway")
    assert "level crossings" in railway.evidence[0].passage.text  # the passage naming it comes first
    assert railway.matching_passages == 1  # the naming passage; none reaches the line by meaning
    assert railway.why == reviews.NAMES and railway.to_dict()["why"] == reviews.NAMES
    assert strength(railway, crossings.threshold) == f"match: {reviews.NAMES}"  # not a "near miss"
    teenagers = crossings.find("level crossings and teenagers")  # age words aside: the phrase
    assert [r.document.doc_id for r in teenagers.matches] == ["railway"]  # and the age must hold
    between = crossings.find("deaths of teenagers at level crossings")  # the stretch that names it
    assert [r.document.doc_id for r in between.matches] == ["railway"]
    young = crossings.find("level crossings and young children")  # "young" goes with "children"
    assert [r.document.doc_id for r in young.matches] == ["railway"]
    assert crossings.find("crossing").count == 0  # one word does not name a topic
    assert crossings.find("risk assessment").count == 0  # held by 40 of 43 reviews: everyday words


def test_a_near_miss_says_why_it_is_not_counted(crossings):
    crossings.threshold = 0.0  # every review is close enough by meaning: only words and passages decide
    result = crossings.find("level crossings")
    why = {r.document.doc_id: r.why for r in result.reviews}
    assert why["railway"] == why["adult"] == reviews.NAMES
    assert why["other-0"] == reviews.FEW_WORDS  # it holds neither word
    assert why["apart"] == reviews.NO_PASSAGE  # both words, but no passage at the passage line (0.35)


def test_age_words_are_left_out_of_the_words_a_review_must_hold_each_as_a_whole(crossings):
    stretches = between_ages("deaths of babies at level crossings and young children")
    assert [s.strip() for s in stretches if s.strip()] == ["deaths of", "at level crossings and"]
    topic = crossings.coverage("level crossings")
    assert (crossings.coverage("level crossings and young children") == topic).all()  # not "young"
    assert (crossings.coverage("teenagers at level crossings") == topic).all()


def test_a_word_is_held_in_its_irregular_singular_or_plural(tmp_path, settings, fake_embedder):
    texts = {
        "life.txt": "Sam, aged 16, took his own life at home after a crisis.",
        "lives.txt": "Two brothers took their own lives within a year.",
        "other.txt": "Tom took a bus to his own home.",
        "lived.txt": "He took his own car, and lived and was living with his mother.",
        **{f"p{n}.txt": f"P{n} died in hospital after a fall." for n in range(6)},
    }
    library = ingested(tmp_path / "docs", texts, settings, fake_embedder)
    finder = ReviewFinder(Searcher(library, fake_embedder))
    held = dict(zip(finder.owners.doc_ids, finder.coverage("took their own lives"), strict=True))
    assert held["life"] == held["lives"] == 1.0  # "lives" is held by "life", as Porter's stems do not
    assert held["other"] < COVERAGE  # it holds neither
    held = dict(zip(finder.owners.doc_ids, finder.coverage("took their own life"), strict=True))
    assert held["life"] == 1.0 and held["lived"] < COVERAGE  # "life" is not looked for as "live"
    library.close()


def test_a_word_is_held_in_the_words_the_fields_vocabulary_gives_it(tmp_path, settings, fake_embedder):
    texts = {
        "own.txt": "Amy, aged 15, took her own life at home.",
        "word.txt": "Ben, aged 16, died by suicide at a station.",
        "harm.txt": "Cal, aged 14, died after years of self-harm at home.",  # not a suicide
        **{f"p{n}.txt": f"P{n} died in hospital after a fall." for n in range(6)},
    }
    library = ingested(tmp_path / "docs", texts, settings, fake_embedder)
    finder = ReviewFinder(Searcher(library, fake_embedder))
    held = dict(zip(finder.owners.doc_ids, finder.coverage("died by suicide"), strict=True))
    assert held["word"] == 1.0 and held["own"] >= COVERAGE  # "suicide" is held by "took her own life"
    assert held["harm"] < COVERAGE  # self-harm is not suicide
    library.close()


def test_in_a_small_library_a_few_cases_naming_the_topic_still_match(tmp_path, settings, fake_embedder):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("railway.md", "adult.txt", "apart.txt"):
        (folder / name).write_text(CROSSING[name], encoding="utf-8")
    ingest([folder], settings, fake_embedder)
    library = Library.open(settings.index_dir)
    finder = ReviewFinder(Searcher(library, fake_embedder), threshold=0.99)  # nothing by meaning
    found = finder.find("level crossing")  # held by 2 of 3 reviews: not everyday words here
    assert sorted(r.document.doc_id for r in found.matches) == ["adult", "railway"]
    library.close()


def test_csv_has_one_row_per_review_and_formulas_are_inert(seeds):
    result = seeds.find("bath safety")
    rows = list(csv.reader(io.StringIO(to_csv(result))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 1 + len(result.reviews)
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["title"].endswith("Child 'I'") and first["match"] == "yes" and first["rank"] == "1"
    assert "bath" in first["best evidence quote"] and first["citation"].startswith("Child 'I'")
    assert inert("=HYPERLINK(1)") == "'=HYPERLINK(1)" and inert("-1") == "'-1" and inert("ok") == "ok"


def test_metrics_for_review_and_passage_level():
    query = Judged("q", "tuning", "t", frozenset({"a", "b"}), frozenset({"a", "b", "c", "x"}))
    assert review_metrics(["z", "c", "a", "b"], query)["p@10"] == 1.0  # z is not judged: cut first
    assert review_metrics(["c", "a"], query)["mrr"] == 0.5
    assert passage_metrics(["a", "a", "c"], query)["p@10"] == 0.2
    assert kappa({"a", "b"}, {"a", "b"}, {"a", "b", "c", "x"}) == 1.0
    assert kappa({"a"}, {"b"}, {"a", "b"}) < 0


def test_queries_judged_by_hand_over_a_pool_are_measured_apart(seeds, fake_embedder):
    seeds.threshold = 0.44  # only Child 'I' reaches it for "bath safety"
    everything = frozenset({"child-i-hscb", "child-j-hscp-2019"})
    theme = Judged("bath safety", "tuning", "water_safety", frozenset({"child-j-hscp-2019"}), everything)
    hand = Judged("bath safety", "tuning", HAND, frozenset({"child-i-hscb"}), everything, pooled=True)
    texts = document_texts(seeds.library)
    report = run(seeds, [theme, hand], texts, NaiveChunks(texts, fake_embedder))["tuning"]
    by_hand = report["by_hand"]
    assert report["queries"] == 1 and by_hand["queries"] == 1  # the pooled label is not in the first
    assert report["decision"]["per_query"]["bath safety"] == {
        "label": "water_safety", "matched": 1, "correct": 0, "relevant": 1,
    }  # fmt: skip
    assert by_hand["decision"]["per_query"]["bath safety"]["correct"] == 1
    assert (report["decision"]["precision"], by_hand["decision"]["precision"]) == (0.0, 1.0)
    assert (report["review_level"]["reviews"]["mrr"], by_hand["review_level"]["reviews"]["mrr"]) == (0.5, 1.0)
    assert "tuning, hand labels only: 1 queries" in review_eval_lines({"tuning": report})


def test_the_labelled_queries_load_and_a_pool_label_needs_its_theme_label(tmp_path):
    folder = require_shared(Settings.from_env().pfd_dir)
    reports = pfd_reports(folder)
    queries = review_labels.load(reports, folder=folder)
    pooled = [q for q in queries if q.pooled]
    assert pooled and all(q.label == HAND and q.relevant <= q.universe for q in pooled)
    themed = {q.text for q in queries if q.label not in (HAND, review_labels.SCREEN)}
    assert {q.text for q in pooled} <= themed
    alone = tmp_path / "reviews.toml"
    alone.write_text('[[query]]\ntext = "level crossing"\nrelevant = ["2017-0266"]\njudged = 5\n')
    with pytest.raises(ValueError, match="the same text labelled by a theme column"):
        review_labels.load(reports, alone, folder)
    nothing = tmp_path / "nothing.toml"  # a pool read and none of it relevant is a label too
    nothing.write_text('[[query]]\ntext = "y"\ntheme = "smart_motorways"\n\n'
                       '[[query]]\ntext = "y"\nrelevant = []\njudged = 3\n')  # fmt: skip
    assert review_labels.load(reports, nothing, folder)[1].relevant == frozenset()
    with pytest.raises(ValueError, match="needs text and either theme or relevant"):
        nothing.write_text('[[query]]\ntext = "y"\nrelevant = "2017-0266"\n')
        review_labels.load(reports, nothing, folder)


def test_a_screen_file_without_its_columns_is_named_not_a_traceback(tmp_path):
    screen = tmp_path / review_labels.SCREEN_FILE
    screen.write_text("link,positive_cases\nhttps://a,yes\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"dataset_for_annotation\.csv: no url column"):
        review_labels.screen(tmp_path)
    screen.write_text("url,positive_cases\nhttps://a,yes\nhttps://b,\n", encoding="utf-8")
    assert review_labels.screen(tmp_path) == {"https://a": True, "https://b": False}


@pytest.fixture(scope="module")
def real_finder(tmp_path_factory, real_embedder):
    from assistant.settings import Settings

    from .support import CORPUS

    settings = Settings(index_dir=tmp_path_factory.mktemp("real-reviews") / "index")
    ingest([CORPUS], settings, real_embedder)
    library = Library.open(settings.index_dir)
    yield ReviewFinder(Searcher(library, real_embedder))  # the calibrated line, the real model
    library.close()


@pytest.mark.slow
def test_bath_safety_on_the_seeds_is_one_review_with_its_evidence(real_finder):
    found = real_finder.find("bath safety")
    assert found.count == 1
    (review,) = found.matches
    assert review.document.doc_id == "child-i-hscb" and review.rank == 1
    assert any("unattended while bathing" in h.passage.text for h in review.evidence)
    assert review.evidence[0].citation.startswith("Child 'I' (HSCB)")
    assert real_finder.find("xyzzy plugh frobnicate").count == 0


def test_the_reviews_bench_times_finding_and_a_misspelt_querys_note(fake_embedder):
    from assistant.quality import review_bench

    assert review_bench.misspelt("level crossing") == "level cossing"
    report = review_bench.run(fake_embedder, documents=40, rounds=1)
    assert report["passages"] == 200 and report["queries"] > 20
    assert report["spelling"]["stems"] > 100
    assert report["spelling"]["named"] == report["queries"]  # each misspelt query's note was made
    assert "a misspelt query's note p50" in review_bench.line(report)


WARDS = {
    "wards.md": "# Review of the death of Sam\n\n## Wards\n\nThe mental health wards were full, and staff on"
    " the mental health wards were new.\n\n## Night\n\nAt night the mental health wards had one nurse for"
    " two wards.\n\n## Points\n\nThe points of the mental health wards were not reviewed.\n\n## Room\n\n"
    "A ligature was found in his bathroom after he died.",
    "other.md": "# Review of the death of Ann\n\n## Wards\n\nAnn was on two mental health wards in a year.",
    **{f"p{n}.txt": f"Review of the death of P{n}\n\nP{n} died in hospital after a fall." for n in range(8)},
}


def test_evidence_shows_where_a_review_holds_the_querys_rarest_word(tmp_path, settings, fake_embedder):
    library = ingested(tmp_path / "docs", WARDS, settings, fake_embedder)
    finder = ReviewFinder(Searcher(library, fake_embedder), 0.3, 0.3)
    found = finder.find("ligature points on mental health wards")
    sam = next(r for r in found.reviews if r.document.doc_id == "wards")
    texts = [h.passage.text for h in sam.evidence]
    assert len(texts) == reviews.EVIDENCE and "ligature" in texts[-1]  # the word the query turns on
    assert all("ligature" not in t for t in texts[:-1])  # the strongest passages still come first
    wards = next(r for r in finder.find("mental health wards").reviews if r.document.doc_id == "wards")
    assert all("ligature" not in h.passage.text for h in wards.evidence)  # its rarest word is "wards"
    library.close()
