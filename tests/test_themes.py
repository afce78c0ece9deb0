"""Learning themes: the shipped taxonomy, clear errors for bad files, and tagging passages."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import AssistantError
from assistant.field.themes import (
    DEFAULT_FILE,
    MAX_THEMES,
    S_HI,
    S_LO,
    KeywordTagger,
    Taxonomy,
    Theme,
    ThemeTag,
    keyword_pattern,
    select,
)
from assistant.library import Library
from assistant.library.ingest import ingest

from .support import CORPUS

REQUIRED = {
    "water_safety", "safe_sleep", "infant_injuries", "gp_records", "information_sharing",
    "domestic_abuse", "parental_mental_health", "parental_substance_misuse", "neglect", "housing",
    "maternity_pre_birth", "thresholds", "assessment_quality", "professional_curiosity",
    "training_workforce", "fathers_men", "child_voice", "exploitation", "online_harm",
    "disabled_children", "self_harm_suicide", "camhs", "transition_adult_services",
}  # fmt: skip


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load()


# -- the taxonomy file --------------------------------------------------------------------------


def test_shipped_taxonomy_loads_with_the_required_themes(taxonomy):
    assert 25 <= len(taxonomy) <= 60
    assert REQUIRED <= set(taxonomy.ids)
    adults = {"self_neglect", "care_homes_falls", "discharge_follow_up", "adult_mental_health_services",
              "prisons_custody", "substance_use", "domestic_homicide", "modern_slavery", "financial_abuse",
              "road_rail", "suicide_prevention"}  # fmt: skip
    assert adults <= set(taxonomy.ids)
    for theme_id in ("infant_injuries", "safe_sleep", "gp_records"):  # for children only, always
        assert not taxonomy[theme_id].ages & {"adult", "older"} and not taxonomy[theme_id].unless_children
    assert len(set(taxonomy.ids)) == len(taxonomy)
    for theme in taxonomy:
        assert theme.label and theme.description.endswith(".") and theme.keywords
    assert taxonomy["transition_adult_services"].pfd_themes == ("msic_transition_camhs",)
    assert taxonomy.checksum == hashlib.sha256(DEFAULT_FILE.read_bytes()).hexdigest()
    assert taxonomy.source == DEFAULT_FILE


def test_pfd_themes_name_real_columns(taxonomy):
    from .support import PFD, require_shared

    columns: set[str] = set()
    for path in require_shared(PFD).glob("*.csv"):
        columns |= set(path.open(encoding="utf-8").readline().strip().split(","))
    named = {name for theme in taxonomy for name in theme.pfd_themes}
    assert named and named <= columns, named - columns


def test_checksum_follows_the_content(tmp_path):
    path = tmp_path / "themes.toml"
    path.write_text(GOOD, encoding="utf-8")
    before = Taxonomy.load(path).checksum
    path.write_text(GOOD.replace("Bath", "Baths"), encoding="utf-8")
    assert Taxonomy.load(path).checksum != before


GOOD = """
[[theme]]
id = "water_safety"
label = "Water safety"
description = "Bath and water."
keywords = ["bath", "drowning"]
pfd_themes = ["ahce_trainline"]

[[theme]]
id = "housing"
label = "Housing"
description = "Homes and arrears."
keywords = ["housing"]
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[theme]\nid = 'x'", "cannot be read"),
        ("title = 'themes'\n", "unknown key 'title'"),
        ("", "has no [[theme]] entries"),
        (GOOD.replace('description = "Homes and arrears."\n', ""), "theme 2 needs a description"),
        (GOOD.replace('label = "Water safety"\n', 'label = ""\n'), "theme 1 needs a label"),
        (GOOD.replace('id = "housing"', 'id = "water_safety"'), "theme 2 repeats the id 'water_safety'"),
        (GOOD.replace('keywords = ["housing"]', "keywords = []"), "(housing) needs at least one keyword"),
        (GOOD.replace('keywords = ["housing"]', ""), "(housing): keywords must be a list"),
        (GOOD.replace('keywords = ["housing"]', 'keywords = ["(CSE)"]'), "'(CSE)' must start with a letter"),
        (GOOD.replace('keywords = ["housing"]', 'keywords = "housing"'), "keywords must be a list"),
        (GOOD.replace('id = "housing"', 'id = "Housing-Arrears"'), "must be snake_case"),
        (GOOD.replace('pfd_themes = ["ahce_trainline"]', "pfd_themes = [1]"), "pfd_themes must be"),
        (GOOD.replace("keywords = [", "keyword = ["), "unknown field 'keyword'"),
        (
            GOOD + 'cues = {people = ["mother"]}\n',
            "(housing): cues must be a table with people and actions",
        ),
        (GOOD + 'cues = {people = ["a"], actions = ["b"], not_peple = ["c"]}\n', "unknown field 'not_peple'"),
        (GOOD + 'cues = {people = ["a"], actions = ["b"], not_people = []}\n', "cues.not_people must be a"),
        (GOOD + 'cues = {people = ["mother"], actions = []}\n', "cues.actions must be a list"),
        (
            GOOD + 'cues = {people = ["mother"], actions = ["..."]}\n',
            "cues.actions has '...', which holds no",
        ),
        (
            GOOD + 'cues = {people = ["m"], actions = ' + str(["told"] * 201) + "}\n",
            "201 phrases; at most 200",
        ),
    ],
)
def test_bad_files_give_clear_errors(tmp_path, text, message):
    path = tmp_path / "themes.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AssistantError) as caught:
        Taxonomy.load(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(AssistantError, match="cannot be read"):
        Taxonomy.load(tmp_path / "nowhere.toml")


# -- keywords and the combination rule: pure functions ------------------------------------------


@pytest.mark.parametrize(
    ("keyword", "text", "found"),
    [
        ("bath", "left in the BATH alone", True),
        ("bath", "while bathing", False),  # whole words only
        ("fracture", "healing fractures", True),  # a final s
        ("self harm", "a history of self-harm", True),  # space or hyphen
        ("child's voice", "the child\u2019s voice", True),  # either apostrophe
        ("GP", "the GPs and the practice", True),
        ("SEND", "we will send a letter", False),  # an acronym counts only in capitals
        ("SEND", "children with SEND", True),
    ],
)
def test_keyword_pattern(keyword, text, found):
    assert bool(re.search(keyword_pattern(keyword), text)) is found


def test_select_keeps_close_themes_and_nearly_close_ones_with_keywords():
    ids = ["a", "b", "c", "d"]
    sims = [S_HI + 0.01, S_LO + 0.01, S_LO + 0.01, S_LO - 0.01]
    evidence: list[tuple[str, ...]] = [(), ("word",), (), ("word", "other")]
    tags = select(sims, evidence, ids)
    assert [t.theme for t in tags] == ["a", "b"]
    assert tags[1].evidence == ("word",)
    assert tags[1].score > sims[1]  # keywords add to the score
    many = select([0.9] * 10, [()] * 10, [str(i) for i in range(10)])
    assert len(many) == MAX_THEMES


# -- tagging with the fake embedder -------------------------------------------------------------


def small_taxonomy() -> Taxonomy:
    themes = tuple(
        Theme(f"t{i}", f"Theme {i}", f"about {word} and {word}s", (word, f"{word} safety"))
        for i, word in enumerate(["water", "housing", "training", "police", "school", "fire"])
    )
    return Taxonomy(themes, checksum="test")


def test_tagging_records_evidence_orders_by_score_and_never_reembeds(fake_embedder):
    taxonomy = small_taxonomy()
    tagger = KeywordTagger(taxonomy, fake_embedder, high=0.99, low=-1.0)
    texts = [
        "Water safety: the water in the bath. Housing staff.",
        "Nothing to see here.",
        "water housing training police school fire",
    ]
    vectors = fake_embedder.encode(texts)
    before = fake_embedder.encoded
    tags = tagger.tag(texts, vectors)
    tagger.tag(texts, vectors)  # theme vectors are kept
    assert fake_embedder.encoded - before == len(taxonomy)

    first = {t.theme: t for t in tags[0]}
    assert first["t0"].evidence == ("water", "water safety")
    assert first["t1"].evidence == ("housing",)
    assert tags[1] == []  # no keyword and not close enough
    assert len(tags[2]) == MAX_THEMES
    for row in tags:
        assert [t.score for t in row] == sorted((t.score for t in row), reverse=True)
        assert all(isinstance(t, ThemeTag) and t.evidence for t in row)


def test_tagging_checks_the_vectors(fake_embedder):
    tagger = KeywordTagger(small_taxonomy(), fake_embedder)
    assert tagger.tag([], np.zeros((0, fake_embedder.dimension), dtype=np.float32)) == []
    with pytest.raises(ValueError, match="one vector per passage"):
        tagger.tag(["a", "b"], np.zeros((1, fake_embedder.dimension), dtype=np.float32))
    with pytest.raises(ValueError, match="dimensions"):
        tagger.tag(["a"], np.zeros((1, 3), dtype=np.float32))


# -- the real model on the seed responses -------------------------------------------------------


def seed_passages():
    from assistant.documents.cleaning import clean_pages
    from assistant.documents.passages import cut
    from assistant.documents.readers import read
    from assistant.settings import Settings

    settings = Settings()
    found = {}
    for path in sorted(Path(CORPUS).glob("*.md")):
        source = read(path, settings)
        _, passages = cut(path.stem, source.meta.get("title", path.stem), clean_pages(source.pages), settings)
        for passage in passages:
            found.setdefault((path.stem, passage.section), passage)
    return found


@pytest.mark.slow
def test_seed_passages_get_their_themes_with_the_real_model(real_embedder, taxonomy):
    passages = seed_passages()
    keys = list(passages)
    texts = [passages[key].text for key in keys]
    from assistant.field.theme_tagger import Tagger as ProductTagger
    from assistant.field.theme_weights import ThemeWeights

    tagger = ProductTagger(taxonomy, real_embedder, ThemeWeights.load())
    tags = tagger.tag(texts, real_embedder.encode(texts))
    themes = {key: {t.theme for t in row} for key, row in zip(keys, tags, strict=True)}

    assert "water_safety" in themes["child-i-hscb", "Introduction"]
    assert "gp_records" in themes["child-j-hscp-2019", "Recommendation 1"]
    assert "gp_records" in themes["child-j-hscp-2019", "Recommendation 2"]
    assert "parental_mental_health" in themes["child-j-hscp-2019", "Recommendation 5"]
    assert {"domestic_abuse", "information_sharing"} <= themes["child-i-hscb", "Recommendation 2"]
    assert {"housing", "training_workforce"} <= themes["child-i-hscb", "Recommendation 3"]
    assert "water_safety" not in set().union(*(v for k, v in themes.items() if k[0] != "child-i-hscb"))
    assert all(len(row) <= MAX_THEMES for row in tags)


# -- tags in the library ------------------------------------------------------------------------


@pytest.fixture
def keyword_tagging(monkeypatch):
    """The fake embedder's similarities mean nothing: let a keyword alone give a theme."""
    from assistant.library import ingest as ingest_mod

    monkeypatch.setattr(ingest_mod, "tagger_for", _tagger_for(low=-1.0))


def _tagger_for(**rule):
    """The product's tagger (learned weights do not apply to the fake model) with another rule."""
    from assistant.field.theme_tagger import Tagger as ProductTagger

    return lambda settings, embedder: ProductTagger(Taxonomy.load(settings.themes_file), embedder, **rule)


def small_library(settings, fake_embedder, tmp_path, text=GOOD):
    themes = tmp_path / "themes.toml"
    themes.write_text(text, encoding="utf-8")
    small = settings.replace(themes_file=themes)
    ingest([CORPUS], small, fake_embedder)
    return small


def tagged(settings) -> dict[str, tuple[str, ...]]:
    library = Library.open(settings.index_dir)
    return {f"{p.doc_id}#{p.section}#{p.char_start}": p.themes for p in library.passages()}


def test_ingest_tags_every_passage_with_the_shipped_taxonomy(seeds_library, taxonomy):
    library = Library.open(seeds_library.index_dir)
    assert library.tagger_signature.startswith(taxonomy.checksum + ":")
    assert list(library.theme_labels()) == list(taxonomy.ids)
    given = [theme for p in library.passages() for theme in p.themes]
    assert given and set(given) <= set(taxonomy.ids)
    counted = library.facets()["theme"]
    assert counted == {theme: given.count(theme) for theme in set(given)}


def test_keywords_tag_and_their_evidence_is_kept(settings, fake_embedder, tmp_path, keyword_tagging):
    small = small_library(settings, fake_embedder, tmp_path)
    library = Library.open(small.index_dir)
    bath = next(p for p in library.passages() if "bath" in p.text.lower())
    assert "water_safety" in bath.themes
    evidence = library.db.execute(
        "SELECT evidence FROM passage_themes WHERE passage_id=? AND theme='water_safety'", (bath.id,)
    ).fetchone()[0]
    assert "bath" in evidence
    housing = [p for p in library.passages() if "housing" in p.themes]
    assert housing and all(re.search(r"(?i)\bhousing\b", p.text) for p in housing)


def test_an_edited_taxonomy_retags_without_embedding_a_passage(
    settings, fake_embedder, tmp_path, keyword_tagging
):
    small = small_library(settings, fake_embedder, tmp_path)
    before = tagged(small)
    generation = Library.open(small.index_dir).generation
    (tmp_path / "themes.toml").write_text(
        GOOD + '\n[[theme]]\nid = "police"\nlabel = "Police"\ndescription = "The police."\n'
        'keywords = ["police"]\n',
        encoding="utf-8",
    )
    encoded = fake_embedder.encoded
    reports = ingest([CORPUS], small, fake_embedder)  # the files are unchanged
    assert [r.status for r in reports] == ["unchanged", "unchanged"]
    assert fake_embedder.encoded - encoded == 3  # the three theme descriptions, no passage
    library = Library.open(small.index_dir)
    assert library.generation == generation + 1
    assert library.tagger_signature.startswith(Taxonomy.load(tmp_path / "themes.toml").checksum)
    after = tagged(small)
    assert after.keys() == before.keys()
    assert any("police" in themes for themes in after.values())
    assert all(set(after[key]) - {"police"} == set(before[key]) for key in before)


def test_retag_command_function_and_an_unchanged_taxonomy(settings, fake_embedder, tmp_path, keyword_tagging):
    from assistant.library.ingest import retag

    small = small_library(settings, fake_embedder, tmp_path)
    before = tagged(small)
    encoded = fake_embedder.encoded
    assert ingest([CORPUS], small, fake_embedder)[0].status == "unchanged"
    assert fake_embedder.encoded == encoded  # same taxonomy, same files: nothing to do
    passages = Library.open(small.index_dir).passage_count
    assert retag(small, fake_embedder) == passages
    assert fake_embedder.encoded - encoded == 2
    assert tagged(small) == before


def test_a_bad_taxonomy_stops_ingest_before_anything_changes(seeds_library, fake_embedder, tmp_path):
    bad = tmp_path / "themes.toml"
    bad.write_text("[[theme]]\nid = 'x'\n", encoding="utf-8")
    generation = Library.open(seeds_library.index_dir).generation
    extra = tmp_path / "extra.md"
    extra.write_text("# Extra\n\nRecommendation 1: Housing staff need training.\n")
    with pytest.raises(AssistantError, match="theme 1 needs a label"):
        ingest([extra], seeds_library.replace(themes_file=bad), fake_embedder)
    assert Library.open(seeds_library.index_dir).generation == generation


def test_removing_a_document_removes_its_tags(settings, fake_embedder, tmp_path, keyword_tagging):
    from assistant.library.ingest import remove

    small = small_library(settings, fake_embedder, tmp_path)
    remove("child-i-hscb", small)
    library = Library.open(small.index_dir)
    orphans = library.db.execute(
        "SELECT count(*) FROM passage_themes WHERE passage_id NOT IN (SELECT id FROM passages)"
    ).fetchone()[0]
    assert orphans == 0
    assert "water_safety" not in library.facets()["theme"]  # the bath passage was in Child 'I'


def test_theme_filter_counts_and_recurring_learning(settings, fake_embedder, tmp_path, keyword_tagging):
    from assistant.records import Filters
    from assistant.search.searcher import Searcher

    small = small_library(settings, fake_embedder, tmp_path)
    library = Library.open(small.index_dir)
    searcher = Searcher(library, fake_embedder)
    hits = searcher.search("training and information sharing", k=20, filters=Filters(themes=("housing",)))
    housing = {p.id for p in library.passages() if "housing" in p.themes}
    assert hits and {h.passage.id for h in hits} <= housing
    assert library.facets()["theme"]["housing"] == len(housing)
    counts = {t.theme: t for t in library.themes()}
    assert counts["housing"].passages == len(housing)
    assert set(counts["housing"].documents) == {p.doc_id for p in library.passages(list(housing))}
    recurring = library.recurring(min_documents=2)
    assert all(len(t.documents) >= 2 for t in recurring)
    assert {t.theme for t in recurring} == {t for t, c in counts.items() if len(c.documents) >= 2}
    one_each = library.theme_passages("housing", per_document=1)
    assert len(one_each) == len(counts["housing"].documents)


def test_a_changed_rule_retags_and_themes_come_best_first(
    settings, fake_embedder, tmp_path, keyword_tagging, monkeypatch
):
    from assistant.library import ingest as ingest_mod

    small = small_library(settings, fake_embedder, tmp_path)
    library = Library.open(small.index_dir)
    for passage in library.passages():
        scores = dict(
            library.db.execute("SELECT theme, score FROM passage_themes WHERE passage_id=?", (passage.id,))
        )
        assert list(passage.themes) == sorted(scores, key=lambda t: -scores[t])
    generation = library.generation
    monkeypatch.setattr(ingest_mod, "tagger_for", _tagger_for(low=-1.0, limit=1))
    ingest([CORPUS], small, fake_embedder)  # same files, same themes file, another rule
    library = Library.open(small.index_dir)
    assert library.generation == generation + 1
    assert all(len(p.themes) <= 1 for p in library.passages())


def test_tagging_scores_per_theme_and_nothing_to_judge():
    from assistant.quality.theme_eval import Tally as _Tally

    assert _Tally().report()["micro"] == {"precision": None, "recall": None, "f1": None}
    tally = _Tally()
    tally.add({"a", "c"}, {"a", "b"}, {"a", "b", "c"})
    tally.add(set(), {"b"}, {"a", "b", "c"})
    report = tally.report()
    assert report["micro"] == {"precision": 0.5, "recall": 0.333, "f1": 0.4}
    b = {"precision": None, "recall": 0.0, "f1": 0.0, "support": 2, "tagged": 0}
    assert report["per_theme"]["b"] == b
    assert report["per_theme"]["c"]["precision"] == 0.0
    assert report["macro_f1"] == 0.5  # a: 1.0, b: 0.0; c has no labels


def test_evidence_tried_at_word_starts_equals_scanning_every_passage(taxonomy, fake_embedder):
    """The fast evidence (each theme's pattern tried only where a word starts with one of its
    keywords' first letters) finds exactly what scanning the whole text finds, on real reports."""
    import itertools

    from assistant.quality.evaluation import seed_and_pfd_texts

    tagger = KeywordTagger(taxonomy, fake_embedder)
    texts = [
        "GP records; gp. A&E and the ED, x-rays: Parents\u2019 mental health, parent's drinking.",
        "Children's social care-and CAMHS; \u00dfafe sleep SAFE SLEEPING co-sleeping water-safety",
        "baths bath-time. Bathing",
        "\u0130nformation sharing, \u0131nformation sharing; co-\u017flept",  # IGNORECASE's four odd letters
    ]
    for full in itertools.islice(seed_and_pfd_texts(), 60):
        texts += [full[at : at + 800] for at in range(0, len(full), 800)]
    found = [tagger.evidence(text) for text in texts]
    assert found == [tagger.evidence_by_scanning(text) for text in texts]
    assert (
        sum(len(keywords) for themes in found for keywords in themes) > 50
    )  # it found things (seeds alone: 106)


def test_evidence_for_keywords_beyond_ascii_equals_scanning(fake_embedder):
    """IGNORECASE matches a Greek iota to U+0345, which is not a word character: a theme with such
    keywords is scanned whole, and still finds what scanning finds."""
    greek = Theme("greek", "Greek", "Greek words.", ("ιδιωτικό", "ab\u0345c care"))
    plain = Theme("plain", "Plain", "Plain words.", ("bath", "water safety"))
    tagger = KeywordTagger(Taxonomy((greek, plain), checksum="test"), fake_embedder)
    texts = ["a \u0345διωτικό b", "x ABΙC care y; bath time and water-safety", "nothing here"]
    found = [tagger.evidence(text) for text in texts]
    assert found == [tagger.evidence_by_scanning(text) for text in texts]
    assert found[0] == [("ιδιωτικό",), ()] and found[1] == [("ab\u0345c care",), ("bath", "water safety")]


def test_the_training_script_runs_the_training_module():
    """scripts/train-themes re-makes the shipped weights; a module it names that has moved fails here."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    script = (root / "scripts" / "train-themes").read_text(encoding="utf-8")
    module = re.search(r"^exec .* -m (\S+)", script, re.M).group(1)  # type: ignore[union-attr]
    done = subprocess.run([sys.executable, "-m", module, "--help"], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "--index" in done.stdout


def test_family_carers_are_not_evidence_of_care_homes_and_falls(taxonomy, fake_embedder):
    """'carer' is most often a relative looking after someone (a carer's assessment in mental-health
    care), not care staff: two coroners' reports were tagged care homes and falls on it alone."""
    tagger = KeywordTagger(taxonomy, fake_embedder)
    falls = [t.id for t in taxonomy].index("care_homes_falls")
    family = "A Carer's Assessment was considered; the Trust has a leaflet on support for carers."
    assert tagger.evidence(family)[falls] == ()
    paid = "Care staff at the care home did not complete a falls assessment."
    assert set(tagger.evidence(paid)[falls]) >= {"care staff", "care home", "falls assessment"}
