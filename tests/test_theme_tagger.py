"""The precision-first theme rule: learned weights from JSON, evidence by words, ages respected."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import AssistantError
from assistant.field.theme_decision import Applies, age_allows, decide
from assistant.field.theme_tagger import Tagger
from assistant.field.theme_weights import DEFAULT_WEIGHTS, LinearTheme, ThemeWeights, keywords_sha, save
from assistant.field.themes import Taxonomy

BABIES = Applies(frozenset({"baby", "young-child"}))
FAMILY = Applies(frozenset({"adult", "older"}), unless_children=True)


def test_a_theme_for_babies_is_never_proposed_for_an_adult():
    text = "She fell at the care home and fractured her hip; bruising was found."
    assert not age_allows(BABIES, ["older"], text)
    assert age_allows(BABIES, ["baby"], text)
    # Ages unknown (a coroner's report of a prisoner states none): a theme for children alone
    # needs a child in the passage; a theme that allows children in the case, or adults, does not.
    assert not age_allows(BABIES, [], "He died of multiple fractures of his cervical spine.")
    assert age_allows(BABIES, [], "The baby had a fracture of the left femur.")
    camhs = Applies(frozenset({"baby", "young-child", "teenager"}), unless_children=True)
    assert age_allows(camhs, [], "He had been waiting for a CAMHS appointment.")
    assert age_allows(FAMILY, [], text)


def test_children_in_the_case_open_a_theme_that_allows_it():
    assert not age_allows(FAMILY, ["teenager"], "He was killed by his partner.")
    assert age_allows(FAMILY, ["teenager"], "Her two children were in the household at the time.")
    assert not age_allows(BABIES, ["older"], "Her two children were in the household at the time.")


def test_decide_needs_the_themes_words_and_reports_them():
    ids = ["a", "b", "c"]
    sims = np.array([0.9, 0.5, 0.31])
    evidence = [(), ("bath",), ("ward", "bed")]
    kept = decide(ids, sims, evidence, {}, {}, [Applies()] * 3, [], "text", low=0.3, high=0.95, limit=4)
    # "a" is closest in meaning but uses none of its words: no theme is better than a guess
    assert [(c.theme, c.evidence) for c in kept] == [("b", ("bath",)), ("c", ("ward", "bed"))]


def test_decide_uses_the_learned_threshold_not_the_similarity():
    ids = ["a", "b"]
    sims = np.array([0.1, 0.9])
    evidence = [("word",), ("word",)]
    learned = {0: (0.81, 0.8), 1: (0.79, 0.8)}
    kept = decide(ids, sims, evidence, learned, {}, [Applies()] * 2, [], "text", low=0.3, high=0.95, limit=4)
    assert [c.theme for c in kept] == ["a"]
    assert (
        decide(ids, sims, [(), ()], learned, {}, [Applies()] * 2, [], "t", low=0.3, high=0.95, limit=4) == []
    )


def test_nothing_found_is_an_empty_list_not_a_nearest_guess():
    kept = decide(["a"], np.array([0.99]), [()], {}, {}, [Applies()], [], "text", low=0.3, high=0.95, limit=4)
    assert kept == []


def _weights_file(tmp_path: Path, **change) -> Path:
    linear = LinearTheme(np.zeros(5, np.float32), 0.0, 0.5, "abc")
    path = tmp_path / "w.json"
    save(path, "fake", 4, {"t": linear}, {"t": {"precision": 1.0}})
    data = json.loads(path.read_text())
    data["themes"]["t"].update(change)
    path.write_text(json.dumps(data))
    return path


def test_weights_round_trip_as_json(tmp_path):
    weights = ThemeWeights.load(_weights_file(tmp_path))
    assert weights.model == "fake" and weights.dimension == 4
    assert weights.themes["t"].threshold == 0.5 and weights.themes["t"].weights.shape == (5,)
    assert weights.usable("fake", 4) and not weights.usable("other", 4) and not weights.usable("fake", 8)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"weights": [0.0] * 3}, "needs 5 weights"),
        ({"bias": float("nan")}, "finite numbers"),
        ({"threshold": 0.0}, "probability above 0"),
        ({"threshold": "high"}, "finite numbers"),
        ({"keywords_sha": None}, "keywords_sha"),
    ],
)
def test_bad_weights_are_refused_with_a_named_error(tmp_path, change, message):
    with pytest.raises(AssistantError, match=message):
        ThemeWeights.load(_weights_file(tmp_path, **change))


def test_a_weights_file_that_is_not_json_is_refused(tmp_path):
    (tmp_path / "w.json").write_text("not json")
    with pytest.raises(AssistantError, match="cannot be read"):
        ThemeWeights.load(tmp_path / "w.json")


def test_the_shipped_weights_load_and_name_known_themes():
    weights = ThemeWeights.load(DEFAULT_WEIGHTS)
    taxonomy = Taxonomy.load()
    assert weights.model.endswith("all-MiniLM-L6-v2") and weights.dimension == 384
    assert set(weights.themes) <= set(taxonomy.ids)
    for theme_id, linear in weights.themes.items():
        assert linear.keywords_sha == keywords_sha(taxonomy[theme_id].keywords), theme_id


def test_learned_weights_apply_only_to_their_model_and_unchanged_words(fake_embedder):
    taxonomy = Taxonomy.load()
    theme = taxonomy.themes[0]
    dimension = fake_embedder.dimension
    good = LinearTheme(np.ones(dimension + 1, np.float32), 5.0, 0.5, keywords_sha(theme.keywords))
    stale = LinearTheme(np.ones(dimension + 1, np.float32), 5.0, 0.5, "words-changed")
    weights = ThemeWeights(fake_embedder.name, dimension, {theme.id: good, taxonomy.ids[1]: stale}, "x", {})
    tagger = Tagger(taxonomy, fake_embedder, weights)
    assert set(tagger.learned_columns(dimension)) == {0}
    other = ThemeWeights("another-model", dimension, {theme.id: good}, "y", {})
    assert Tagger(taxonomy, fake_embedder, other).learned_columns(dimension) == {}
    assert tagger.signature != Tagger(taxonomy, fake_embedder, other).signature


def test_tagger_explains_every_tag_by_words_found_in_the_passage(fake_embedder):
    taxonomy = Taxonomy.load()
    tagger = Tagger(taxonomy, fake_embedder)
    texts = ["The baby drowned in the bath while unattended.", "The meeting was held on Tuesday."]
    tags = tagger.tag(texts, fake_embedder.encode(texts))
    for text, passage_tags in zip(texts, tags, strict=True):
        for tag in passage_tags:
            assert tag.evidence and all(word.lower() in text.lower() for word in tag.evidence)
    assert tags[1] == []  # no theme: said as such, not the nearest theme


def test_tagger_checks_its_inputs(fake_embedder):
    tagger = Tagger(Taxonomy.load(), fake_embedder)
    with pytest.raises(ValueError, match="one vector per passage"):
        tagger.tag(["a", "b"], fake_embedder.encode(["a"]))
    with pytest.raises(ValueError, match="age groups of each passage"):
        tagger.tag(["a"], fake_embedder.encode(["a"]), ages=[(), ()])
