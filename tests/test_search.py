"""Hybrid search: fusion, vocabulary, filters, highlights, more-like-this, and the seed queries."""

from __future__ import annotations

import pytest

from assistant.errors import AssistantError
from assistant.field.vocabulary import Vocabulary, load
from assistant.library import Library
from assistant.quality.metrics import ndcg_at, recall_at, unique
from assistant.quality.metrics import reciprocal_rank as mrr
from assistant.records import Filters
from assistant.search.fusion import reciprocal_rank
from assistant.search.searcher import Searcher, fts_query, highlight

# -- fusion and metrics: pure functions ---------------------------------------------------------


def test_reciprocal_rank_fusion_rewards_agreement():
    fused = reciprocal_rank([[1, 2, 3], [3, 1, 4]])
    assert [item for item, _ in fused] == [1, 3, 2, 4]
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)


def test_fusion_weights_and_ties():
    assert [i for i, _ in reciprocal_rank([[1], [2]])] == [1, 2]  # tie: first seen first
    assert [i for i, _ in reciprocal_rank([[1], [2]], weights=[1.0, 2.0])] == [2, 1]


def test_ranking_metrics():
    assert recall_at(["a", "x", "b"], {"a", "b"}, 2) == 0.5
    assert recall_at(["a", "b"], {f"r{i}" for i in range(100)} | {"a"}, 2) == 0.5  # capped at k
    assert mrr(["x", "y", "a"], {"a"}) == pytest.approx(1 / 3)
    assert ndcg_at(["a", "b"], {"a", "b"}) == pytest.approx(1.0)
    assert ndcg_at(["x", "a"], {"a"}) < 1.0
    assert unique(["d1", "d2", "d1", "d3"]) == ["d1", "d2", "d3"]


# -- vocabulary ---------------------------------------------------------------------------------


def test_vocabulary_joins_practitioner_words_with_review_words():
    vocabulary = load()
    gp = vocabulary.expand("gp record storage")
    assert "general practice" in gp.related and "primary care" in gp.related
    bpd = vocabulary.expand("BPD mum")
    assert "emotionally unstable personality disorder" in bpd.related
    assert "(borderline personality disorder)" in bpd.dense_text or "personality disorder" in bpd.dense_text
    assert "domestic abuse" in vocabulary.expand("domestic violence").related
    assert "sudden unexpected death in infancy" in vocabulary.expand("cot death").related
    for acronym, spelled in [
        ("MASH", "multi agency safeguarding hub"),
        ("DAISU", "domestic abuse investigation and safeguarding unit"),
        ("CIN", "child in need"),
        ("SUDI", "sudden unexpected death in infancy"),
        ("LSCB", "local safeguarding children board"),
        ("CCG", "clinical commissioning group"),
        ("ICB", "integrated care board"),
    ]:
        assert spelled in vocabulary.expand(f"{acronym} referral").related, acronym
    assert vocabulary.expand("cp plan").matched  # acronyms typed in lower case still count
    suicide = vocabulary.same_as("Suicide")
    assert "took her own life" in suicide and "self-harm" not in suicide and "suicidal" not in suicide
    assert "self-harm" in vocabulary.expand("suicide").related  # searching is wider than [[same]]
    assert vocabulary.same_as("bath") == () and "drowning" in vocabulary.expand("bath").related


def test_two_letter_acronyms_need_capitals():
    assert "domestic abuse" not in load().expand("da capo").related
    assert "domestic abuse" in load().expand("DA referral").related


def test_a_broken_vocabulary_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "vocabulary.toml"
    bad.write_text("[[group]]\nterms = []\n")
    with pytest.raises(AssistantError, match="group 1 needs a list of terms"):
        Vocabulary.load(bad)
    bad.write_text('[[group]]\nterms = ["a"]\n\n[[same]]\nterms = ["suicide", 3]\n')
    with pytest.raises(AssistantError, match="same 1 needs a list of terms"):
        Vocabulary.load(bad)
    bad.write_text('case_sensitive = ["DA"]\n\n[[same]]\nterms = ["domestic abuse", "DA"]\n')
    with pytest.raises(AssistantError, match="same 1 holds DA, which counts only in capitals"):
        Vocabulary.load(bad)  # "da capo" would hold "domestic abuse"
    bad.write_text("[[group]\n")
    with pytest.raises(AssistantError, match="cannot be read"):
        Vocabulary.load(bad)


def test_fts_query_quotes_terms_and_drops_stopwords():
    expression = fts_query(load().expand('what is the "learning" about GP record storage?'))
    assert '"gp"' in expression and '"general practice"' in expression
    assert '"the"' not in expression and '"what"' not in expression
    assert expression.count('"') % 2 == 0


# -- searching the seeds ------------------------------------------------------------------------


def test_exact_terms_and_acronyms_are_found_by_keyword(searcher):
    top = searcher.search("DAISU", k=3, mode="keyword")[0]
    assert top.passage.doc_id == "child-i-hscb" and top.passage.recommendation == 2
    top = searcher.search("Emotionally Unstable Personality Disorder", k=3, mode="keyword")[0]
    assert top.passage.section == "Recommendation 5"


def test_vocabulary_finds_what_the_words_alone_would_not(searcher):
    hits = searcher.search("borderline personality disorder", k=3, mode="keyword")
    assert hits and hits[0].passage.section == "Recommendation 5"


def test_filters_limit_both_searches(searcher):
    only_i = searcher.search("assurance", k=20, filters=Filters(doc_ids=("child-i-hscb",)))
    assert only_i and {h.passage.doc_id for h in only_i} == {"child-i-hscb"}
    police = searcher.search("information sharing", k=20, filters=Filters(agencies=("police",)))
    assert police and all("police" in h.passage.agencies for h in police)
    by_year = searcher.search("assurance", k=20, filters=Filters(years=(2019,)))
    assert by_year and {h.document.year for h in by_year} == {2019}
    by_partnership = searcher.search(
        "assurance", k=20, filters=Filters(partnerships=("Hertfordshire Safeguarding Children Board",))
    )
    assert {h.passage.doc_id for h in by_partnership} == {"child-i-hscb"}
    assert searcher.search("assurance", filters=Filters(review_types=("Rapid Review",))) == []


def test_highlights_mark_the_best_matching_sentences(searcher):
    hit = searcher.search("housing staff training", k=1)[0]
    assert hit.highlights
    for start, end in hit.highlights:
        assert "training" in hit.passage.text[start:end].lower()
    text = "One. The bath was unattended. Three."
    spans = highlight(text, load().expand("bath safety"))
    assert [text[s:e] for s, e in spans] == ["The bath was unattended."]


def test_more_like_this_leaves_out_the_passage_itself(searcher):
    source = searcher.search("DAISU", k=1, mode="keyword")[0].passage
    similar = searcher.more_like(source.id, k=5)
    assert similar and source.id not in {h.passage.id for h in similar}


def test_citations_name_review_section_and_page(searcher):
    hit = searcher.search("Named GPs Key Performance Indicators", k=1)[0]
    assert hit.citation == "Child J (HSCP, 2019): Recommendation 2, page 1"
    data = hit.to_dict()
    assert data["page"] == 1 and data["source"] == "child-j-hscp-2019.md"


def test_an_empty_query_or_library_returns_nothing(searcher, settings, fake_embedder, tmp_path):
    assert searcher.search("   ") == []
    empty = Searcher(Library.open(tmp_path / "nothing-here"), fake_embedder)
    assert empty.search("bath safety") == []


def test_a_query_whose_words_no_passage_holds_finds_nothing(searcher):
    for query in ("xqzvb flurble", "the of and"):  # made up; stop words only
        assert searcher.search(query) == [] and searcher.search(query, mode="keyword") == []
    assert len(searcher.search("xqzvb flurble", mode="dense")) == 10  # the baseline still ranks them
    child_i = Filters(doc_ids=("child-i-hscb",))
    assert searcher.search("xqzvb bath") and searcher.search("xqzvb bath", filters=child_i)
    # Child J holds no "bath", but the library does: by meaning, within the filter, it is searched.
    assert searcher.search("bath", filters=Filters(doc_ids=("child-j-hscp-2019",)))


# -- the real model: what practitioners will type ------------------------------------------------


@pytest.fixture(scope="module")
def real_searcher(tmp_path_factory, real_embedder):
    from assistant.library.ingest import ingest
    from assistant.settings import Settings

    from .support import CORPUS

    settings = Settings(index_dir=tmp_path_factory.mktemp("real") / "index")
    ingest([CORPUS], settings, real_embedder)
    return Searcher(Library.open(settings.index_dir), real_embedder)


@pytest.mark.slow
def test_bath_safety_finds_the_child_i_bath_passage_first(real_searcher):
    top = real_searcher.search("bath safety", k=5)[0]
    assert top.passage.doc_id == "child-i-hscb"
    assert "unattended while bathing" in top.passage.text
    assert top.citation.startswith("Child 'I' (HSCB)")


@pytest.mark.slow
def test_gp_record_storage_finds_child_j_gp_storage_recommendations_first(real_searcher):
    """Recommendations 1 and 2 of Child J are both about GP practices receiving and storing
    child-protection information (1: CCG review of the systems; 2: named GPs' audit of them)."""
    hits = real_searcher.search("GP record storage", k=5)
    top_two = {(h.passage.doc_id, h.passage.recommendation) for h in hits[:2]}
    assert top_two == {("child-j-hscp-2019", 1), ("child-j-hscp-2019", 2)}
    assert "receipt and storage" in hits[0].passage.text or "receive and store" in hits[0].passage.text
    assert hits[0].citation.startswith("Child J (HSCP, 2019): Recommendation")


@pytest.mark.slow
def test_the_library_tags_the_seeds_as_the_issue_names_them(real_searcher):
    """Tags stored at ingest with the real model, and a theme filter that uses them."""
    library = real_searcher.library
    themes = {(p.doc_id, p.section): set(p.themes) for p in library.passages() if p.section != "Introduction"}
    assert "gp_records" in themes["child-j-hscp-2019", "Recommendation 1"]
    assert "gp_records" in themes["child-j-hscp-2019", "Recommendation 2"]
    assert "parental_mental_health" in themes["child-j-hscp-2019", "Recommendation 5"]
    assert {"domestic_abuse", "information_sharing"} <= themes["child-i-hscb", "Recommendation 2"]
    assert {"housing", "training_workforce"} <= themes["child-i-hscb", "Recommendation 3"]
    hits = real_searcher.search("children left alone", k=5, filters=Filters(themes=("water_safety",)))
    assert hits and all("water_safety" in h.passage.themes for h in hits)
    assert "unattended while bathing" in hits[0].passage.text
    in_both = {t for (doc, _), tags in themes.items() if doc == "child-i-hscb" for t in tags} & {
        t for (doc, _), tags in themes.items() if doc == "child-j-hscp-2019" for t in tags
    }
    assert in_both and {t.theme for t in library.recurring(2)} >= in_both  # found in both reviews
    assert library.recurring() == []  # recurring asks 3 reviews by default; the seeds are 2


def test_keyword_candidates_are_scored_with_their_true_similarity(searcher):
    """Hybrid fills in the dense score of a keyword candidate the dense top 50 left out."""
    vector = searcher.encode("housing staff training")
    every = dict(searcher.dense_ranking(vector, None, n=1000))
    ids = list(every)[-3:]  # the least similar passages
    scored = dict(searcher.dense_scores(vector, ids))
    assert list(scored) == ids
    assert [scored[i] for i in ids] == pytest.approx([every[i] for i in ids], abs=1e-5)
    assert searcher.dense_scores(vector, []) == []


def test_hybrid_fills_in_the_similarity_of_keyword_only_candidates(searcher, monkeypatch):
    """With the dense list cut to its best passage, every other keyword candidate must still get
    its true similarity in the fused score, not 0."""
    from assistant.search.fusion import weighted_scores
    from assistant.search.searcher import KEYWORD_WEIGHT

    query = "information sharing and training"
    expansion = searcher.vocabulary.expand(query)
    vector = searcher.encode(expansion.dense_text)
    keyword = searcher.keyword_ranking(expansion, None)
    full = dict(searcher.dense_ranking(vector, None, n=1000))
    assert len(keyword) >= 3
    dense_ranking = searcher.dense_ranking
    monkeypatch.setattr(searcher, "dense_ranking", lambda v, allowed, n=50: dense_ranking(v, allowed, 1))
    hits = searcher.search(query, k=len(keyword), mode="hybrid")
    top = next(iter(full))
    dense = [(top, full[top])] + [(pid, full[pid]) for pid, _ in keyword if pid != top]
    expected = weighted_scores([keyword, dense], [KEYWORD_WEIGHT, 1 - KEYWORD_WEIGHT])
    assert [(h.passage.id, round(h.score, 5)) for h in hits] == [
        (pid, round(score, 5)) for pid, score in expected[: len(hits)]
    ]


def test_one_query_is_searched_on_one_faiss_thread_and_the_setting_given_back(searcher, monkeypatch):
    import faiss

    index = searcher.library.vectors
    inner, seen = index.search, []

    def spy(*args, **kwargs):
        seen.append(faiss.omp_get_max_threads())
        return inner(*args, **kwargs)

    monkeypatch.setattr(index, "search", spy)
    faiss.omp_set_num_threads(2)
    hits = searcher.search("bath safety", mode="dense")
    assert hits and seen == [1]
    assert faiss.omp_get_max_threads() == 2
