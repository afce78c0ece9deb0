"""Theme cues: one of a theme's people near one of its actions, in one sentence, by word stems."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.field.theme_cues import WINDOW, Cues
from assistant.field.theme_decision import Applies, decide
from assistant.field.theme_tagger import Tagger
from assistant.field.themes import Taxonomy, Theme

FAMILY = Cues.of(
    ["family", "mother", "next of kin"], ["raised concerns", "not informed", "failed to involve"]
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("His mother raised concerns with the ward.", ("mother", "raised concerns")),
        ("The family's concerns were raised twice.", ()),  # the words, but not as the action
        ("She was raising concerns, said his mother.", ("raising concerns", "mother")),  # by stems
        ("His mother raised her concerns again.", ("mother", "raised her concerns")),  # one word between
        ("His mother raised many serious concerns.", ()),  # two words between: not the action
        ("The next of kin were not informed.", ("next of kin", "not informed")),
        ("The trust failed to involve the family.", ("failed to involve", "family")),  # in text order
        ("The patient's mother was present. Staff had not informed the GP.", ()),  # two sentences
        ("The family were present.", ()),
        ("", ()),
    ],
)
def test_a_cue_is_a_person_near_an_action_in_one_sentence(text, found):
    assert FAMILY.find(text) == found


def test_a_person_and_an_action_further_apart_than_the_window_are_no_cue():
    filler = " ".join(["word"] * WINDOW)
    assert FAMILY.find(f"His mother {filler} raised concerns.") == ("mother", "raised concerns")
    assert FAMILY.find(f"His mother {filler} more raised concerns.") == ()
    assert FAMILY.find(f"Staff failed to involve {filler} family.") == ("failed to involve", "family")
    assert FAMILY.find(f"Staff failed to involve {filler} the family.") == ()


@pytest.mark.parametrize(
    "text",
    [
        "The family raised no concerns.",  # a word between that turns the meaning is no gap
        "His mother had not only informed the ward but called twice.",
        "The mother did not have the information.",  # a noun made from the verb is not the verb
        "Partner agencies were not informed.",  # a phrase holding a person that names no person
        "The Family Court was not informed.",
        "The family liaison officer was not informed of the date.",
        "The ward raised mother concerns.",  # the person inside the action: "raised ... concerns"
    ],
)
def test_what_is_no_cue(text):
    cues = Cues.of(
        ["family", "mother", "partner"],
        ["raised concerns", "not informed", "had concerns"],
        ["partner agency", "family court", "family liaison"],
    )
    assert cues.find(text) == ()


def test_the_evidence_is_as_written_with_its_white_space_made_single():
    assert FAMILY.find("His mother\n  raised\tconcerns.") == ("mother", "raised concerns")


def test_a_cue_gives_the_theme_without_its_words_and_is_its_evidence():
    sims = np.array([0.1, 0.1])
    cued = {1: ("mother … raised concerns",)}
    kept = decide(
        ["a", "b"], sims, [(), ()], {}, cued, [Applies()] * 2, [], "text", low=0.3, high=0.95, limit=4
    )
    assert [(c.theme, c.evidence) for c in kept] == [("b", ("mother … raised concerns",))]
    babies = Applies(frozenset({"baby"}))
    assert decide(["b"], sims[:1], [()], {}, {0: cued[1]}, [babies], ["older"], "t", 0.3, 0.95, 4) == []


def test_the_shipped_family_cues_find_what_relatives_said_and_were_told():
    cues = Taxonomy.load()["working_with_families"].cues
    assert cues is not None
    assert cues.find("On the morning of his death his family attempted to contact his care coordinator.")
    assert cues.find("The decision to discharge was made without consultation with any family member.")
    assert not cues.find("His family were with him when he died.")
    assert not cues.find("The driver of the car was his brother.")


def test_the_tagger_gives_a_theme_by_its_cue_with_the_cue_as_evidence(fake_embedder):
    families = Theme("families", "Families", "working with families", ("family liaison",), cues=FAMILY)
    other = Theme("other", "Other", "something else", ("housing",))
    tagger = Tagger(Taxonomy((families, other), checksum="test"), fake_embedder, low=0.99, high=0.99)
    texts = ["His mother raised concerns with the ward.", "His mother visited the ward.", "Housing."]
    tags = tagger.tag(texts, fake_embedder.encode(texts), [["adult"]] * 3)
    assert [[(t.theme, t.evidence) for t in row] for row in tags] == [
        [("families", ("mother … raised concerns",))],
        [],
        [],
    ]
