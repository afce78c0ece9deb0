"""Drafting a seven-minute briefing: quotations are the reviews' words, the rest is the trainer's."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.library import Library
from assistant.library.ingest import ingest, remove
from assistant.records import Hit
from assistant.search.searcher import Searcher
from assistant.trainers.briefing import QUOTE_WORDS, draft, quote_span, suggested_questions
from assistant.trainers.gather import drafted, from_query, strongest_per_review
from assistant.trainers.packs import Pack, PackItem

from .support import CORPUS, ingested

BATH_QUESTION = "When did you last talk with a parent about never leaving a young child alone in the bath"


def item_of(library: Library, doc_id: str, section: str, themes: tuple[str, ...] = ()) -> PackItem:
    passage = next(p for p in library.passages(doc_id=doc_id) if p.section == section)
    passage = replace(passage, themes=themes or passage.themes)
    return PackItem.from_hit(Hit(1, 1.0, passage, library.document(doc_id), (), None))


def all_quotes(briefing):
    return [q for _, _, part in briefing.parts() for q in part.quotes]


def test_every_quotation_is_a_span_of_its_review_with_its_citation(seeds_library, fake_embedder):
    library = Library.open(seeds_library.index_dir)
    searcher = Searcher(library, fake_embedder)
    hits = strongest_per_review(searcher.search("domestic abuse police information", k=50), relative=0.0)
    pack = drafted(searcher, "P", hits)
    quotes = all_quotes(pack.briefing)
    assert len(quotes) >= 5 and {q.doc_id for q in quotes} == {"child-i-hscb", "child-j-hscp-2019"}
    for quote in quotes:
        document = library.document(quote.doc_id)
        assert library.document_text(quote.doc_id)[quote.start : quote.end] == quote.text
        assert quote.sha256 == document.sha256 and quote.citation.startswith(document.cite() + ": ")
        assert len(quote.text.split()) <= QUOTE_WORDS
    assert not pack.briefing.why.quotes and pack.briefing.why.text  # the app's own words, apart
    assert pack.briefing.why.text.startswith("The 2 reviews in this pack hold learning")  # not the library's


def test_the_parts_come_from_introductions_highlights_recommendations_and_responses(
    seeds_library, fake_embedder
):
    library = Library.open(seeds_library.index_dir)
    hits = Searcher(library, fake_embedder).search("DAISU domestic abuse", k=1)
    assert hits[0].passage.section == "Recommendation 2" and hits[0].highlights
    b = draft(Pack("DA", (PackItem.from_hit(hits[0]),)), library)
    assert [q.citation for q in b.background.quotes] == ["Child 'I' (HSCB): Introduction"]
    assert b.background.quotes[0].text.startswith(
        "Hertfordshire Safeguarding Children Board (HSCB) has published"
    )
    assert b.actions.quotes[0].text.startswith(
        "The HSCB should seek assurance from the police"
    )  # label left out
    assert b.good.quotes[0].text.startswith("There is already wide cross agency sharing")
    text = hits[0].passage.text
    highlighted = [text[s:e] for s, e in hits[0].highlights]
    assert all(any(h.startswith(q.text) for h in highlighted) for q in b.learning.quotes)
    assert not {q.text for q in b.learning.quotes} & {q.text for q in (*b.actions.quotes, *b.good.quotes)}
    assert [r.citation for r in b.reading] == ["Child 'I' (HSCB)"]


def test_reflective_questions_fit_the_themes_of_the_pack(seeds_library):
    library = Library.open(seeds_library.index_dir)
    bath = draft(
        Pack("Bath", (item_of(library, "child-i-hscb", "Introduction", ("water_safety",)),)), library
    )
    assert bath.questions[0].startswith(BATH_QUESTION)
    assert not any("share" in q for q in bath.questions)  # not the old fixed information-sharing question
    gp = draft(
        Pack("GP", (item_of(library, "child-j-hscp-2019", "Recommendation 2", ("gp_records",)),)), library
    )
    assert gp.questions[0].startswith("How does your practice receive, code and find child-protection")
    assert suggested_questions([])[-1].startswith("How will you know")  # the closing questions always


def test_a_pack_about_adults_only_is_asked_about_adults(seeds_library):
    from dataclasses import replace

    from assistant.trainers.briefing import Drafter

    library = Library.open(seeds_library.index_dir)
    drafter = Drafter(library)
    child_j = library.document("child-j-hscp-2019")
    themes = ["care_homes_falls", "working_with_families"]
    older = drafter._suggested_questions(themes, [replace(child_j, age_groups=("older",))])
    assert older[0].startswith("How is a resident's risk of falling assessed")  # the adults' theme first
    assert not any("child" in q.lower() for q in older)  # and families asked about as adults' relatives
    mixed = [replace(child_j, age_groups=("older",)), replace(child_j, age_groups=("baby",))]
    assert any("for the child?" in q for q in drafter._suggested_questions(themes, mixed))
    unknown = drafter._suggested_questions(["working_with_families"], [replace(child_j, age_groups=())])
    assert unknown[0].endswith("what life is like for the child?")  # ages unknown: as before
    library.close()


def test_every_theme_has_questions_and_every_question_names_a_theme():
    from assistant.field.themes import Taxonomy
    from assistant.trainers.briefing import _questions

    bank, ids = _questions(), set(Taxonomy.load().ids)
    assert set(bank.themes) == ids  # no theme drafts a briefing with only the closing questions
    assert set(bank.adults) <= ids


def test_further_reading_says_what_finds_each_review_again(seeds_library):
    from dataclasses import replace

    from assistant.trainers.briefing import _traceable

    library = Library.open(seeds_library.index_dir)
    child_j = library.document("child-j-hscp-2019")
    pack = draft(
        Pack("GP", (item_of(library, "child-j-hscp-2019", "Recommendation 2", ("gp_records",)),)), library
    )
    [entry] = pack.reading
    assert entry.citation == child_j.cite() and entry.title.startswith(child_j.title)
    assert entry.title.endswith(f"({child_j.partnership}, December 2019)")
    coroner = replace(child_j, title="Prevention of Future Deaths report: Ivy Mitchell",
                      reference="2017-0453", partnership="Somerset", published="2017-01-20")  # fmt: skip
    assert _traceable(coroner).endswith("(PFD report 2017-0453, Somerset, January 2017)")
    library.close()


def test_a_coroners_report_is_introduced_by_its_circumstances(settings, fake_embedder, tmp_path):
    from assistant.library.ingest import ingest

    report = (
        "# Regulation 28: report to prevent future deaths\n\n## Investigation and inquest\n\n"
        "On 27 January 2017 I commenced an investigation into the death of Ivy Mitchell. The inquest"
        " concluded on 3 May 2017.\n\n## Circumstances of the death\n\nMrs Mitchell, aged 91, fell"
        " at night in her care home and was not seen by staff until the morning. She died in hospital."
        "\n\n## Matters of concern\n\n(1) Night checks at the home were not recorded.\n"
    )
    (tmp_path / "pfd-ivy.md").write_text(report, encoding="utf-8")
    ingest([tmp_path / "pfd-ivy.md"], settings, fake_embedder)
    library = Library.open(settings.index_dir)
    [document] = library.documents()
    briefing = draft(Pack("Falls", (item_of(library, document.doc_id, "Matters of concern"),)), library)
    [background] = briefing.background.quotes
    assert background.text.startswith("Mrs Mitchell, aged 91, fell at night")  # not "I commenced ..."
    library.close()


def test_what_to_do_from_coroners_reports_is_their_concerns_not_the_forms_words(
    settings, fake_embedder, tmp_path
):
    from assistant.field.concerns import stock

    front = "---\nreview_type: Prevention of Future Deaths report\n---\n\n"
    reports = {
        "pfd-ivy.md": front
        + "# Report: Ivy Mitchell\n\n## Circumstances of the death\n\nMrs Mitchell, aged 91, fell"
        " at night in her care home and was not found until the morning.\n\n## Matters of concern\n\n"
        "During the course of the inquest the evidence revealed matters giving rise to concern. In my"
        " opinion there is a risk that future deaths will occur unless action is taken.\n\n(1) Night checks"
        " at the home were not recorded on the falls chart.\n",
        "pfd-al.md": front
        + "# Report: Al Lane\n\n## Circumstances of the death\n\nMr Lane, aged 80, fell on the"
        " stairs of his care home at night.\n\n## Matters of concern\n\nRe: The Care Home Ltd\n\nThe"
        " stair gate at the home had been left open by the night staff.\n",
        "review.md": "# Serious case review: Child Q\n\n## Circumstances of the death\n\nQ, aged 2, fell"
        " down the stairs at home at night.\n\n## Concerns about the family\n\nThe school raised concerns"
        " about neglect in 2017 and no one visited.\n",  # a review's concerns are what happened: no action
    }
    library = ingested(tmp_path / "reports", reports, settings, fake_embedder)
    items = tuple(item_of(library, d.doc_id, "Circumstances of the death") for d in library.documents())
    briefing = draft(Pack("Falls at night", items), library)
    said = sorted(q.text for q in briefing.actions.quotes)
    assert said == [
        "(1) Night checks at the home were not recorded on the falls chart.",
        "The stair gate at the home had been left open by the night staff.",  # under the report's heading
    ]
    assert all(
        q.citation.endswith(("Matters of concern", "Re: The Care Home Ltd")) for q in briefing.actions.quotes
    )
    assert not briefing.good.quotes and stock("The MATTERS OF CONCERN are as follows: 1.")
    library.close()


def test_what_to_do_quotes_a_listed_concern_past_the_forms_lead_and_says_what_it_is(
    settings, fake_embedder, tmp_path
):
    from assistant.trainers.briefing import FROM_CONCERNS

    front = "---\nreview_type: Prevention of Future Deaths report\n---\n\n"
    reports = {
        "pfd-dvla.md": front + "# Report: Ann Lee\n\n## Matters of concern\n\nI heard evidence from two"
        " representatives of the licensing agency at the inquest. That evidence gave rise to the"
        " following concerns:\n\na) Doctors are not encouraged to ask for a driver's medical history.\n\n"
        "b) Forms sent to a driver's doctor are largely tick boxes.\n",
        "pfd-rail.md": front + "# Report: Bo Hart\n\n## Matters of concern\n\nThe MATTERS OF CONCERN are as"
        " follows:- (1) The crossing is not watched by any camera at night.\n",
    }
    library = ingested(tmp_path / "reports", reports, settings, fake_embedder)
    items = tuple(item_of(library, d.doc_id, "Matters of concern") for d in library.documents())
    actions = draft(Pack("Concerns", items), library).actions
    assert sorted(q.text for q in actions.quotes) == [
        "(1) The crossing is not watched by any camera at night.",  # not the form's lead before it
        "a) Doctors are not encouraged to ask for a driver's medical history.",  # not what led to it
    ]
    assert actions.text == FROM_CONCERNS  # said, since no recommendation is quoted
    library.close()


def test_a_concern_is_a_list_item_and_the_forms_lead_is_left_out_only_before_one():
    from assistant.field.concerns import listed, past_the_form

    assert all(
        map(listed, ["(1) The crossing", "2. The gate", "a) Doctors", "(iv) Forms", "(B) The", "\u2022 No"])
    )
    assert not any(map(listed, ["A. Smith said so.", "I. Jones gave evidence.", "The (1) gate", "2020. It"]))
    lead = "The MATTERS OF CONCERN are as follows:- (1) The crossing is not watched."
    assert lead[past_the_form(lead) :] == "(1) The crossing is not watched."
    for whole in (  # the form's words going on in the report's own: quoted whole, never from mid-word
        "During the inquest the evidence revealed matters giving rise to concerns about the ward.",
        "In my opinion there is a risk that future deaths will occur unless action is taken by NHS England.",
        "During the inquest the evidence revealed matters giving rise to concern, namely that it failed.",
    ):
        assert past_the_form(whole) == 0


def test_why_it_matters_names_only_themes_most_of_the_packs_reviews_carry(seeds_library):
    from assistant.trainers.briefing import Drafter

    library = Library.open(seeds_library.index_dir)
    why = Drafter(library)._why
    themes = ["road_rail", "water_safety", "information_sharing"]
    one_in_four = why(themes, {"road_rail": 1, "water_safety": 3, "information_sharing": 4}, 4)
    assert one_in_four.startswith(
        "The 4 reviews in this pack hold learning about information sharing between agencies; 3 of the 4"
    )
    assert "road" not in one_in_four.split(".")[0]  # one review's strong passage is not the pack's subject
    assert why(themes, {"road_rail": 1, "information_sharing": 1}, 4) == ""  # none carried by half
    assert why(["water_safety"], {"water_safety": 2}, 4).startswith(
        "2 of the 4 reviews in this pack hold learning about water safety and bathing."
    )
    assert why(["water_safety"], {"water_safety": 2}, 2).startswith(
        "The 2 reviews in this pack hold learning about water safety and bathing."
    )
    child_i = item_of(library, "child-i-hscb", "Introduction", ("road_rail",))
    child_j = item_of(library, "child-j-hscp-2019", "Recommendation 2", ("gp_records",))
    assert draft(Pack("Mixed", (child_i, child_j)), library).why.text.startswith(
        "1 of the 2 reviews in this pack holds learning about road and rail deaths; 1 of the 2 about GP"
    )  # each theme one review of two: said, with how many
    library.close()


def test_a_long_sentence_is_cut_at_a_word_and_marked():
    text = "Recommendation 4 - " + " ".join(f"w{n}" for n in range(50)) + "."
    start, end, cut = quote_span(text, 0, len(text))
    assert cut and text[start:end] == " ".join(f"w{n}" for n in range(QUOTE_WORDS))
    assert quote_span("A short one.", 0, 12) == (0, 12, False)
    text = "Intro. Board Response: There is already wide sharing."
    start, end, _ = quote_span(text, 7, len(text))  # a label is dropped wherever the sentence starts
    assert text[start:end] == "There is already wide sharing."
    text = "RECOMMENDATION 2: The HSCB should seek assurance."
    assert text[quote_span(text, 0, len(text))[0] :].startswith("The HSCB")


def test_a_passage_gone_from_the_library_is_not_quoted_but_still_read(seeds_library, fake_embedder):
    library = Library.open(seeds_library.index_dir)
    items = (
        item_of(library, "child-i-hscb", "Introduction"),
        item_of(library, "child-j-hscp-2019", "Recommendation 1"),
    )
    remove("child-i-hscb", seeds_library)
    b = draft(Pack("Mixed", items), Library.open(seeds_library.index_dir))
    assert all(q.doc_id == "child-j-hscp-2019" for q in all_quotes(b))
    assert [r.citation for r in b.reading] == ["Child J (HSCP, 2019)", "Child 'I' (HSCB)"]
    ingest([CORPUS], seeds_library, fake_embedder)


def test_the_strongest_passage_of_each_review(seeds_library, fake_embedder):
    hits = Searcher(Library.open(seeds_library.index_dir), fake_embedder).search("recommendation", k=12)
    chosen = strongest_per_review(hits, reviews=5, relative=0.0)
    assert [h.passage.doc_id for h in chosen] == list(dict.fromkeys(h.passage.doc_id for h in hits))
    assert all(h is next(x for x in hits if x.passage.doc_id == h.passage.doc_id) for h in chosen)
    assert len(strongest_per_review(hits, reviews=1)) == 1
    weak = [h for h in hits if h.score < 0.3 * hits[0].score]
    assert all(h not in strongest_per_review(hits) for h in weak)  # barely matching reviews are left out


def test_a_briefing_from_a_search_gathers_only_passages_about_it(seeds_library):
    from assistant.trainers.gather import about, words_wanted

    library = Library.open(seeds_library.index_dir)
    passage = next(p for p in library.passages(doc_id="child-i-hscb") if "unattended" in p.text)
    hit = Hit(1, 1.0, passage, library.document("child-i-hscb"), (), 0.2)  # ranked first, not close
    wanted = words_wanted
    assert about(hit, wanted("parents leaving children unattended when bathed"))  # holds every word
    assert about(hit, wanted("young children unattended"))  # age words: read from the documents
    assert not about(hit, wanted("child left unattended"))  # "left" is not "leaving"
    assert not about(hit, wanted("parents left unattended on trampolines"))  # not every word, not close
    assert about(replace(hit, similarity=0.5), wanted("parents left unattended on trampolines"))  # close
    assert not about(replace(hit, similarity=None), wanted("trampolines"))
    assert not about(hit, wanted("the and of"))  # no words to hold
    assert wanted("co-sleeping") == [{"co"}, {"sleep"}]  # as the keyword index takes it apart
    assert about(hit, wanted("a parent's unattended children"))  # no "s" to hold
    assert wanted("lives") == [{"live", "life"}]  # or in its irregular singular
    apart = "The level of street lighting was poor.\n\nShe was struck at a pedestrian crossing."
    assert not about(replace(hit, passage=replace(passage, text=apart)), wanted("level crossing"))
    together = "She was struck at the level crossing by the station."
    assert about(replace(hit, passage=replace(passage, text=together)), wanted("level crossing"))
    library.close()


@pytest.mark.slow
def test_a_bath_safety_briefing_with_the_real_model(tmp_path, real_embedder):
    from assistant.settings import Settings

    settings = Settings(index_dir=tmp_path / "index")
    ingest([CORPUS], settings, real_embedder)
    library = Library.open(settings.index_dir)
    pack = from_query(Searcher(library, real_embedder), "Bath safety", "bath safety")
    b = pack.briefing
    assert pack.items[0].passage.doc_id == "child-i-hscb"
    assert any("unattended while bathing" in q.text for q in b.learning.quotes)
    assert b.questions[0].startswith(BATH_QUESTION)
    assert [i.passage.doc_id for i in pack.items] == ["child-i-hscb"]  # Child J's best scores 0.17 of it
    assert b.why.text.startswith("The one review in this pack holds learning about water safety and bathing")


def test_a_briefing_from_a_theme_quotes_the_sentences_that_use_its_words(seeds_library, fake_embedder):
    from assistant.field.themes import Taxonomy
    from assistant.trainers.gather import from_theme, keyword_sentences

    library = Library.open(seeds_library.index_dir)
    keywords = Taxonomy.load()["water_safety"].keywords
    text = "The child was seen at home. The child was left unattended while bathing. Nothing else."
    assert [text[s:e] for s, e in keyword_sentences(text, keywords)] == [
        "The child was left unattended while bathing."
    ]
    assert keyword_sentences(text, ()) == ()
    theme = next(t for t in library.themes() if t.passages)
    words = Taxonomy.load()[theme.theme].keywords
    pack = from_theme(Searcher(library, fake_embedder), "T", theme.theme, keywords=words)
    assert len(pack.items) == min(len(theme.documents), 6) and any(i.highlights for i in pack.items)
    for item in pack.items:
        for s, e in item.highlights:
            assert keyword_sentences(item.passage.text[s:e], words)  # each highlight uses the theme's words
