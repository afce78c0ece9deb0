"""Cutting documents into passages that keep a review's structure."""

from __future__ import annotations

from assistant.documents.cleaning import clean_pages
from assistant.documents.passages import cut
from assistant.documents.readers import read
from assistant.records import Page
from assistant.sentences import pack, sentence_spans
from assistant.settings import Settings

from .support import CORPUS

SETTINGS = Settings()


def seed_passages(name: str):
    source = read(CORPUS / name, SETTINGS)
    return cut(name, source.meta["title"], clean_pages(source.pages), SETTINGS)


def test_child_j_has_five_recommendations_each_with_its_response():
    text, passages = seed_passages("child-j-hscp-2019.md")
    recs = [p for p in passages if p.recommendation is not None]
    assert [p.recommendation for p in recs] == [1, 2, 3, 4, 5]
    for p in recs:
        assert p.section == f"Recommendation {p.recommendation}"
        assert p.text.startswith(f"Recommendation {p.recommendation} -")
        assert "Partnership Response" in p.text  # the response travels with its recommendation
    assert "receive and store Child Protection" in recs[0].text
    assert "Emotionally Unstable Personality Disorder" in recs[4].text


def test_child_i_has_three_recommendations_each_with_its_board_response():
    _, passages = seed_passages("child-i-hscb.md")
    recs = [p for p in passages if p.recommendation is not None]
    assert [p.recommendation for p in recs] == [1, 2, 3]
    assert all("Board Response:" in p.text for p in recs)
    intro = [p for p in passages if p.section == "Introduction"]
    assert intro and "unattended while bathing" in intro[0].text


def test_passages_point_at_their_own_text_and_pages():
    text, passages = seed_passages("child-j-hscp-2019.md")
    for p in passages:
        assert text[p.char_start : p.char_end] == p.text
        assert len(p.text) <= SETTINGS.max_recommendation_chars
        if p.recommendation is None:
            assert len(p.text) <= SETTINGS.max_passage_chars
    pages = {p.section: p.page_start for p in passages}
    assert pages["Recommendation 1"] == 1 and pages["Recommendation 3"] == 2
    assert "HSCP Chair" not in text  # the header repeated on both pages is gone
    assert "[^1]" not in text and "<sup>" not in text


def test_agencies_are_read_from_the_text():
    _, passages = seed_passages("child-i-hscb.md")
    by_rec = {p.recommendation: p.agencies for p in passages if p.recommendation}
    assert "police" in by_rec[2]
    assert "housing" in by_rec[3]
    assert "gp_primary_care" in by_rec[1] and "health_maternity" in by_rec[1]


def test_long_sections_are_cut_at_sentence_boundaries():
    sentence = "The agencies shared information about the family on every visit. "
    page = Page(1, "A title\n\nBackground\n\n" + sentence * 60)
    text, passages = cut("doc", "A title", [page], SETTINGS)
    assert len(passages) > 1
    for p in passages:
        assert len(p.text) <= SETTINGS.max_passage_chars
        assert p.text.endswith(".")
        assert p.section == "Background"


def test_a_medical_cause_of_death_set_out_on_its_own_lines_is_not_a_heading():
    body = "A title\n\nInvestigation and inquest\n\nThe inquest concluded on 3 May 2017 and found:\n\n"
    body += "Ia Ligature suspension\n\nII Psychotic disorder\n\nI (b) Cardiac arrest\n\n" + " ".join(
        ["The death was not foreseen."] * 3
    )
    body += "\n\nIndependent living\n\nShe lived alone in a flat and was visited weekly by the team."
    _, passages = cut("doc", "A title", [Page(1, body)], SETTINGS)
    assert [p.section for p in passages] == ["Investigation and inquest", "Independent living"]
    assert "Ia Ligature suspension" in passages[0].text  # kept, under the section it belongs to
    capitals = "A title\n\nMedical cause of death\n\nIA MULTIPLE INJURIES\n\n" + " ".join(
        ["He was struck by a car."] * 3
    )
    assert [p.section for p in cut("doc", "A title", [Page(1, capitals)], SETTINGS)[1]] == [
        "Medical cause of death"
    ]
    roman = "A title\n\nI. Background\n\n" + " ".join(["The family moved twice."] * 3) + "\n\nII Findings\n\n"
    roman += " ".join(["The school saw the bruises and told no one."] * 2)
    sections = [p.section for p in cut("doc", "A title", [Page(1, roman)], SETTINGS)[1]]
    assert sections == ["I. Background", "II Findings"]  # numbered headings, no cause before them


def test_a_long_recommendation_is_split_but_keeps_its_number():
    body = "Recommendation 7: " + "Agencies must record every decision. " * 100
    _, passages = cut("doc", "T", [Page(1, body)], SETTINGS)
    assert len(passages) > 1
    assert {p.recommendation for p in passages} == {7}


def test_sentence_spans_respect_abbreviations():
    text = "See e.g. the GP record. Dr. Smith agreed! Then the CCG acted."
    spans = [text[s:e] for s, e in sentence_spans(text)]
    assert spans == ["See e.g. the GP record.", "Dr. Smith agreed!", "Then the CCG acted."]


def test_a_blank_line_ends_a_sentence_whatever_is_before_or_after_it():
    text = "a) Doctors are not encouraged to ask.\n\nb) Forms, letters etc.\n\nc) Tick boxes."
    text += " See e.g.\nthe form."
    spans = [text[s:e] for s, e in sentence_spans(text)]
    assert spans == [
        "a) Doctors are not encouraged to ask.",  # though "b)" starts in lower case
        "b) Forms, letters etc.",  # though "etc." is an abbreviation
        "c) Tick boxes.",
        "See e.g.\nthe form.",  # within a paragraph it goes on
    ]


def test_pack_cuts_an_overlong_sentence_at_white_space():
    text = "word " * 100
    chunks = pack(text, [(0, len(text) - 1)], 50)
    assert all(e - s <= 50 for s, e in chunks)
    assert "".join(text[s:e] + " " for s, e in chunks).split() == text.split()
