"""Words no passage holds are named, with the word the library holds that they likely misspell."""

from __future__ import annotations

from assistant.cli import main as cli


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
    for query in ("bath safety", "information sharing", "SUDI", "GP"):  # SUDI: a vocabulary term
        assert searcher.query_note(query) is None, query
        assert searcher.respelled(query) is None, query


def test_made_up_words_are_named_without_a_suggestion(searcher):
    assert searcher.query_note("xqzv qqjw") == "no passage in the library holds “xqzv”, “qqjw”"
    assert searcher.respelled("xqzv qqjw") is None
    # A word the library holds nothing like gets no guess: a suggestion must be alike as spelt.
    assert searcher.spelling.suggest("zebra") is None


def test_a_long_query_is_looked_up_for_its_first_words_only(searcher):
    query = " ".join(f"qq{chr(97 + n)}zz" for n in range(20))
    assert searcher.query_note(query).count("“") == 5


def test_the_cli_says_which_words_no_passage_holds(seeds_library, capsys, fake_embedder):
    index = str(seeds_library.index_dir)
    assert cli.main(["reviews", "informaton sharing", "--index", index], embedder=fake_embedder) == 0
    assert "did you mean “information”?" in capsys.readouterr().err
