"""The query side stems words as the keyword index does (FTS5's porter tokenizer)."""

from __future__ import annotations

import sqlite3

from assistant.search.stemming import other_form, stem

WORDS = (
    "managed management manager safety safeguarding children's recommendations storing storage "
    "stored evaluation evaluated carers care visited visiting health agencies agency relational"
).split()


def _fts5_stems(words: list[str]) -> dict[str, str]:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='porter unicode61')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
    stems = {}
    for word in words:
        db.execute("DELETE FROM t")
        db.execute("INSERT INTO t (text) VALUES (?)", (word,))
        stems[word] = db.execute("SELECT term FROM v").fetchone()[0]
    return stems


def test_stems_agree_with_the_keyword_index():
    plain = [w for w in WORDS if "'" not in w]  # unicode61 splits at the apostrophe
    assert {w: stem(w) for w in plain} == _fts5_stems(plain)


def test_the_forms_the_home_made_stemmer_told_apart_now_agree():
    assert stem("managed") == stem("management") == "manag"
    assert stem("Safety") == "safeti" and stem("'stored'") == stem("storing")


def test_irregular_forms_are_joined_where_the_stems_are_not():
    pairs = [(a, other_form(a)) for a in ("lives", "children", "child", "person", "women")]
    assert pairs == [("lives", "life"), ("children", "child"), ("child", "children"), ("person", "people"),
                     ("women", "woman")]  # fmt: skip
    stems = _fts5_stems([w for pair in pairs for w in pair])
    assert all(stems[a] != stems[b] for a, b in pairs)  # what the keyword index would not join
    assert other_form("lived") is None and other_form("care") is None
    # "lives" and "person" are looked for only as themselves: their stems are "lived"'s, "personal"'s
    assert other_form("life") is None and other_form("people") is None
    assert _fts5_stems(["lives", "lived", "person", "personal"]) == {
        "lives": "live", "lived": "live", "person": "person", "personal": "person",
    }  # fmt: skip
