"""Words no passage holds are named, with the word the library holds that they likely misspell."""

from __future__ import annotations

from assistant.cli import main as cli
from assistant.library import Library
from assistant.search.searcher import Searcher, content_words


def test_a_misspelt_word_is_named_with_the_word_the_library_holds(searcher):
    assert searcher.query_note("bath safegaurding") == (
        "no passage in the library holds “safegaurding” (did you mean “safeguarding”?)"
    )
    assert searcher.respelled("Bath Safegaurding") == "Bath safeguarding"  # other words as typed
    assert searcher.query_note("informaton sharing") == (
        "no passage in the library holds “informaton” (did you mean “information”?)"
    )


def test_words_the_library_holds_or_the_vocabulary_knows_get_no_note(searcher):
    assert searcher.library.passage_count and "SUDI" not in searcher.library.document_text("child-i-hscb")
    for query in ("bath safety", "information sharing", "SUDI"):  # SUDI: a vocabulary term
        assert searcher.query_note(query) is None, query
        assert searcher.respelled(query) is None, query


def test_made_up_words_are_named_without_a_suggestion(searcher):
    assert searcher.query_note("xqzv qqjw") == "no passage in the library holds “xqzv”, “qqjw”"
    assert searcher.respelled("xqzv qqjw") is None
    # A word the library holds nothing like gets no guess, though the library holds words that
    # start as it does: a suggestion must be alike as spelt.
    assert any(s.startswith("s") for s in searcher.spelling.stems)
    assert searcher.spelling.suggest("swordfish") is None


def test_a_long_query_names_at_most_five_words_of_its_first_twenty(searcher):
    query = " ".join(f"qq{chr(97 + n)}zz" for n in range(20))
    assert searcher.query_note(query).count("“") == 5
    said = content_words(searcher.library.document_text("child-j-hscp-2019"))
    held = " ".join(list(dict.fromkeys(w for w in said if w.isalpha() and len(w) > 3))[:30])
    assert searcher.query_note(held) is None
    assert searcher.query_note(f"informaton {held}") is not None
    assert searcher.query_note(f"{held} informaton") is None  # past the 20th word: not looked up


def test_a_short_word_is_found_however_many_longer_words_share_its_start(tmp_path, settings, fake_embedder):
    """'car' is suggested for 'caar' though 30 passages about care come first ('care' starts as
    'car' does); and each part of a hyphened word is looked up."""
    from assistant.library.ingest import ingest

    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(30):
        (folder / f"a-care-{n:02d}.txt").write_text(f"Care home {n}: the carer cared for her carefully.\n")
    for n in range(3):
        (folder / f"b-car-{n}.txt").write_text(f"Car park {n}: the car hit a post; self-harm was known.\n")
    ingest([folder], settings, fake_embedder)
    library = Library.open(settings.index_dir)
    try:
        searcher = Searcher(library, fake_embedder)
        assert searcher.respelled("caar park") == "car park"
        assert searcher.respelled("self-harn at the car park") == "self-harm at the car park"
    finally:
        library.close()


def test_the_cli_says_which_words_no_passage_holds(seeds_library, capsys, fake_embedder):
    index = str(seeds_library.index_dir)
    assert cli.main(["reviews", "informaton sharing", "--index", index], embedder=fake_embedder) == 0
    assert "did you mean “information”?" in capsys.readouterr().err
