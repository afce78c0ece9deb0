"""A conversation that follows the thread: each question answered from the reviews, with what the
conversation is about (its focus: the reviews and passages the last answer cited) carried along.

How a question is answered (every answer still quotes sentences word for word and cites them):

- a review by name ("what happened to child J") looks only in that review; a name the library
  does not hold, or a recommendation number a review does not have, is "not found";
- a recommendation by number is that recommendation with its response;
- an agency with no other topic ("what did the police do?") is the passages that address it; an
  agency that no passage of the library addresses ("did the school exclude the child?") is
  "not found";
- "how many reviews (reports, cases) ..." is the count "which reviews" gives for the rest of the
  question (:mod:`assistant.search.reviews`), with quotes from the first of them;
- anything else is a search; a passage answers it when it is close enough in meaning (the answer
  threshold) or speaks of every topic word of the question.

A follow-up (it leans on the conversation: "and ...", "what about ...", "they", "it", "the
review", "the deceased", no topic of its own, or one the passages in focus speak of) is looked for
within the focus first. "it" ("who is checking it?") is read with the earlier question, and means
the passages the last answer cited as long as the follow-up's words bring it no further from them.
When the focus has nothing on it, the follow-up is asked with the earlier question of every review
("level crossings" then "what about pedestrians?": pedestrians at level crossings, in any report
that speaks of both), and only then on its own (a new topic); the answer says which. A follow-up
that points back ("they", "the report") never becomes a new topic: "who was the report sent to?"
is not answered from another report that says "sent". "What did they recommend?" is each review's
recommendations, or a coroner's report's matters of concern. A follow-up that asks only about ages
("which of those were children?", "how old were they?") is read from the ages the reports in
focus state (:mod:`assistant.answers.selecting`); one that asks only about a year ("what about in
2023?") is the earlier question again, of the reports published that year. An answer that quotes
fewer reports than answer names the others.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace

import numpy as np

from assistant.answers import selecting
from assistant.answers.answer import (
    MAX_PASSAGES,
    MAX_PER_PASSAGE,
    PASSAGE_SHARE,
    SENTENCE_SHARE,
    Answer,
    Focus,
    compose,
    listed,
)
from assistant.answers.counting import BY_FIELD, by_fields
from assistant.answers.questions import (
    LEADS_ON,
    POINTS_TO_THING,
    Reading,
    agency_mentioned,
    counted_topic,
    covers,
    mentions,
    read,
)
from assistant.answers.suggestions import not_found
from assistant.documents.doc_metadata.genres import is_pfd_type
from assistant.field.agencies import label as agency_label
from assistant.field.concerns import concerns, is_coroners_report, stock
from assistant.records import Document, Filters, Hit, Passage
from assistant.search.reviews import RELIANCE, ReviewFinder
from assistant.search.searcher import CANDIDATES, Searcher
from assistant.sentences import sentence_spans

# "What did the coroner recommend?" asked first: of every report, it would quote the form's words.
NO_TOPIC = (
    "The question names no topic and no report: ask about a topic (“What did coroners say about level"
    " crossings?”) or name a report, then follow on from the answer."
)
FROM_CONCERNS = "A coroner's report numbers no recommendations: quoted here, its matters of concern."
POINTED = (
    "The reports in focus say nothing on this (to look in every report, ask without words that point back"
    " to them, such as “they”, “those” or “the report”)."
)
MAX_JOINED = 400  # characters: the longest quote a colon joins ("The medical cause of death was: 1a ...")
# A line of a medical cause of death: "1a", "1 (b)", "Ia", "I (a)", "II".
CAUSE_LINE = re.compile(r"\s*(?:[1-3]\s?\.?\s?\(?[a-d]\)?|I{1,3}V?\s?\(?[a-d]\)?|I{2,3}|IV)(?=[\s.:)]|$)")
CAUSE_END = re.compile(r"(?:\b[1-3]\s?\.?\s?\(?[a-d]\)?|\bI{1,3}V?\s?\(?[a-d]\)?)\.?$")  # "... was: 1.a."
MAX_RECOMMENDATIONS = 10  # recommendations listed when a review's recommendations are asked for
SENTENCE_CACHE = 5000  # sentence vectors kept per searcher: a passage's sentences are encoded once
YES_NO_SENTENCES = 2  # a yes/no question is settled by the fewest sentences that say it


def respond(
    searcher: Searcher,
    question: str,
    focus: Focus | None = None,
    threshold: float = 0.45,
    finder: Callable[[], ReviewFinder] | None = None,
) -> Answer:
    """The answer to one turn of a conversation, given what the conversation is about;
    ``finder`` gives the "which reviews" finder that counts (made on first use when not given).
    "Not found" leaves the conversation about what it was: "how old was he?" not found in Jake
    Hardy's report, "what was the conclusion?" is still asked of it."""
    answer = _respond(searcher, question.strip(), focus, threshold, finder)
    if answer.no_answer and focus is not None and focus.doc_ids:
        return replace(answer, focus=replace(focus, kept=True, left=(), joined=False, held=True))
    return answer


def _respond(
    searcher: Searcher, question: str, focus: Focus | None, threshold: float,
    finder: Callable[[], ReviewFinder] | None,
) -> Answer:  # fmt: skip
    documents = searcher.library.documents()
    reading = read(question, documents)
    topic = counted_topic(question)
    if topic is not None and not reading.reviews and reading.recommendation is None:
        if (fields := by_fields(topic, documents)) is not None:  # the library, a year, a publisher
            names = "\n".join(f"- {d.name}" for d in fields.documents)
            return Answer(question, names, False, lead=fields.lead, search_query=topic)
        if m := BY_FIELD.fullmatch(topic):  # "in prisons": a subject after all
            topic = m.group(1)
        return _count(
            searcher, question, read(topic, documents), finder() if finder else ReviewFinder(searcher)
        )
    earlier = focus if focus is not None and focus.doc_ids else None
    follows = (
        earlier is not None
        and not reading.reviews
        and (reading.leans_on_context or not reading.topic or _speaks_of(searcher, earlier, reading.topic))
    )
    if reading.unknown_reviews and not reading.reviews:
        names = ", ".join(reading.unknown_reviews)
        return not_found(searcher, question, f"This library holds no review called {names}.")
    if reading.agencies and not searcher.allowed_ids(Filters(agencies=reading.agencies)):
        names = ", ".join(agency_label(a) for a in reading.agencies)
        return not_found(searcher, question, f"No passage in this library addresses {names}.")
    scope = reading.reviews or (earlier.doc_ids if follows and earlier else ())
    if scope and not reading.agencies and (ages := selecting.asked(question)) is not None:
        about = earlier.query if follows and earlier else question  # "which of those were children?"
        return selecting.by_age(searcher, question, ages, scope, about)
    if follows and earlier and not reading.agencies and (year := selecting.asked_year(question)) is not None:
        return _in_year(searcher, reading, year, earlier, threshold, documents)
    if not (reading.topic or reading.agencies or scope) and reading.recommendation is None:
        return Answer(question, NO_TOPIC, True, search_query=question, focus=Focus(query=question))

    if reading.recommendation is not None:
        hits = _recommendation(searcher, reading, scope)
        if not hits:
            where = " or ".join(searcher.document(d).cite() for d in scope) if scope else "The library"
            note = f"{where} has no recommendation {reading.recommendation}."
            return not_found(searcher, question, note)
        return _answer(searcher, reading, question, hits, earlier, kept=follows)

    if not reading.topic:
        if earlier is not None and reading.reviews and not reading.agencies and LEADS_ON.match(question):
            asked_before = read(earlier.query, documents)
            if asked_before.topic:  # "and in Child I?": the same, there
                reading = replace(reading, topic=asked_before.topic)
                return _search(searcher, reading, earlier.query, reading.reviews, earlier, False, threshold)
        pool, kept, query = _structured(searcher, reading, scope, earlier if follows else None)
        if pool:
            answer = _answer(searcher, reading, query, pool, earlier, kept=kept)
            concerned = (reading.wants_recommendations or reading.wants_concerns) and not reading.agencies
            if concerned and all(h.passage.recommendation is None for h in pool):
                return replace(answer, lead=FROM_CONCERNS)
            return answer
    return _search(searcher, reading, question, scope, earlier, follows, threshold)


def _count(searcher: Searcher, question: str, reading: Reading, finder: ReviewFinder) -> Answer:
    """ "How many reviews ...": the count "which reviews" gives for the topic (``reading`` is of
    its words alone), then quotes from the first of them, each cited; the count is the library's
    decision, so it says where to see them all."""
    topic = reading.question
    found = finder.find(topic)
    if not found.count:
        note = f"Nothing in this library is counted as about “{topic}”."
        return not_found(searcher, question, note, query=topic)
    hits = [r.evidence[0] for r in found.matches[:MAX_PASSAGES] if r.evidence]
    answer = _answer(searcher, reading, topic, hits, None, kept=False)
    kind = "report" if all(is_pfd_type(r.document.review_type) for r in found.matches) else "review"
    reviews = (
        f"1 {kind} in this library is" if found.count == 1 else f"{found.count} {kind}s in this library are"
    )
    first = "" if found.count <= len(hits) else f" Quoted here: the first {len(hits)}."
    lead = (
        f"{reviews} counted as about “{topic}” (the Search page's Reviews view lists every one, with"
        f" its evidence and the near misses).{first} A {kind} is counted by a line measured on labelled"
        f" reports. {RELIANCE}"
    )
    counted = Focus(  # "which of them were on the M1?" asks every review counted, not the quoted
        doc_ids=tuple(r.document.doc_id for r in found.matches),
        passage_ids=answer.focus.passage_ids if answer.focus else (),
        reviews=tuple(r.document.cite() for r in found.matches),
        query=topic,
    )
    return replace(answer, question=question, lead=lead, focus=counted)  # the count is the app's, kept apart


def _in_year(
    searcher: Searcher,
    reading: Reading,
    year: int,
    earlier: Focus,
    threshold: float,
    documents: list[Document],
) -> Answer:
    """ "What about in 2023?": the reports in focus published that year, with what each says on the
    earlier question; when none was, the earlier question of every report published that year
    ("which of those were in 2023?", pointing back, is only ever asked of the reports in focus).
    Never the earlier answer again, as if the year had not been asked."""
    asked_before = read(earlier.query, documents)
    in_focus = tuple(d for d in earlier.doc_ids if searcher.document(d).year == year)
    if in_focus:
        return _of_the_year(
            searcher, replace(asked_before, question=reading.question), year, earlier, in_focus
        )
    if reading.points_back:
        return Answer(reading.question, _none_in(searcher, earlier.doc_ids, year), False,
                      search_query=earlier.query, focus=replace(earlier, kept=True, held=False))  # fmt: skip
    # By meaning only: the earlier topic's words scattered over a passage of that year ("the level
    # of the drug", "crossed the white line") are no answer to "level crossings".
    anywhere = replace(asked_before, question=reading.question, topic=())
    answer = _search(searcher, anywhere, earlier.query, (), None, False, threshold, (year,))
    if answer.no_answer:
        note = f"No report published in {year} in this library answers “{earlier.query}”."
        return not_found(searcher, reading.question, note, query=earlier.query)
    lead = f"{_none_in(searcher, earlier.doc_ids, year)} Asked again of every report published in {year}:"
    return replace(answer, lead=f"{lead} “{earlier.query}”.")


def _of_the_year(
    searcher: Searcher, reading: Reading, year: int, earlier: Focus, in_focus: tuple[str, ...]
) -> Answer:
    """The reports in focus published in ``year``, every one kept in focus and named, the first
    quoted where they speak to the earlier question."""
    hits = []
    for doc_id in in_focus[:MAX_PASSAGES]:
        ids = [p.id for p in searcher.library.passages(doc_id=doc_id) if p.id is not None]
        hits += _ranked(searcher, earlier.query, ids)[:1]
    answer = _answer(searcher, reading, earlier.query, hits, earlier, kept=True)
    shown = "quoted"
    if answer.no_answer:  # nothing in them to quote on it: the year is still a fact of each
        names = "\n".join(f"- {searcher.document(d).cite()}" for d in in_focus[:MAX_PASSAGES])
        answer, shown = Answer(reading.question, names, False, search_query=earlier.query), "named"
    total = len(earlier.doc_ids)
    share = (
        "The report in focus was" if total == 1
        else f"All {total} reports in focus were" if len(in_focus) == total
        else f"{len(in_focus)} of the {total} reports in focus {'was' if len(in_focus) == 1 else 'were'}"
    )  # fmt: skip
    quoted = f"; {shown} here, the first {MAX_PASSAGES}" if len(in_focus) > MAX_PASSAGES else ""
    rest = tuple(searcher.document(d).cite() for d in in_focus[MAX_PASSAGES:])
    focus = Focus(
        doc_ids=in_focus,
        passage_ids=answer.focus.passage_ids if answer.focus else (),
        reviews=tuple(searcher.document(d).cite() for d in in_focus),
        query=earlier.query,
        kept=True,
    )
    note = f"Also published in {year}, not {shown} here: {listed(rest)}." if rest else ""
    return replace(answer, lead=f"{share} published in {year}{quoted}:", note=note, focus=focus)


def _none_in(searcher: Searcher, doc_ids: tuple[str, ...], year: int) -> str:
    """ "None of the 8 reports in focus was published in 2023 (published in 2014-2022)." """
    years = [searcher.document(d).year for d in doc_ids]
    known = sorted({y for y in years if y})
    unknown = sum(not y for y in years)
    when = f"{known[0]}-{known[-1]}" if len(known) > 1 else "".join(map(str, known))
    if len(doc_ids) == 1:
        if when:
            return f"The report in focus was published in {when}, not in {year}."
        return f"The report in focus gives no year, so it cannot tell whether it was published in {year}."
    said = "was" if not unknown else "is known to have been"
    detail = [f"published in {when}"] * bool(when) + [f"{unknown} give{'s' * (unknown == 1)} no year"] * bool(
        unknown
    )
    return f"None of the {len(doc_ids)} reports in focus {said} published in {year} ({'; '.join(detail)})."


def converse(searcher: Searcher, questions: Iterable[str], threshold: float = 0.45) -> list[Answer]:
    """Each question answered in turn, each with the focus the answer before it left."""
    answers: list[Answer] = []
    focus: Focus | None = None
    for question in questions:
        answer = respond(searcher, question, focus, threshold)
        answers.append(answer)
        focus = answer.focus
    return answers


# -- where to look ------------------------------------------------------------------------------


def _speaks_of(searcher: Searcher, focus: Focus, topic: tuple[str, ...]) -> bool:
    """Whether the passages in focus speak of every topic word ("who is doing the audit?")."""
    return any(covers(topic, p.text) for p in searcher.library.passages(list(focus.passage_ids)))


def _recommendation(searcher: Searcher, reading: Reading, scope: tuple[str, ...]) -> list[Hit]:
    number = reading.recommendation
    if scope:
        ids = [p.id for d in scope for p in searcher.library.passages(doc_id=d) if p.recommendation == number]
        return _ranked(searcher, reading.question, [i for i in ids if i is not None])
    hits = searcher.search(reading.question, k=CANDIDATES)
    return [h for h in hits if h.passage.recommendation == number][:MAX_PASSAGES]


def _structured(
    searcher: Searcher, reading: Reading, scope: tuple[str, ...], earlier: Focus | None
) -> tuple[list[Hit], bool, str]:
    """Passages for a question with no topic words of its own, whether the focus was kept, and
    what the quoted sentences are chosen by."""
    question = reading.question
    if reading.agencies:
        filters = Filters(doc_ids=scope, agencies=reading.agencies)
        hits = [h for h in searcher.search(question, MAX_PASSAGES, filters)
                if agency_mentioned(reading.agencies, h.passage.text)]  # fmt: skip
        if hits or not scope or reading.points_back:  # "did the DVLA respond to the report?"
            return hits, bool(hits) and earlier is not None, question
        hits = searcher.search(question, MAX_PASSAGES, Filters(agencies=reading.agencies))
        return [h for h in hits if agency_mentioned(reading.agencies, h.passage.text)], False, question
    if not scope:
        return [], False, question
    by_review = {d: searcher.library.passages(doc_id=d) for d in scope}
    passages = [p for found in by_review.values() for p in found]
    if reading.wants_recommendations or reading.wants_concerns:
        numbered = (
            [p for p in passages if p.recommendation is not None] if reading.wants_recommendations else []
        )
        if numbered:
            return (
                _in_order(searcher, question, numbered[:MAX_RECOMMENDATIONS]),
                earlier is not None,
                question,
            )
        # A coroner's report recommends nothing by number: its matters of concern are what it
        # says must change, quoted where they are closest to what the conversation is about.
        raised = [
            p
            for d, found in by_review.items()
            if is_coroners_report(searcher.document(d))
            for p in concerns(found)
        ]
        query = f"{earlier.query} {question}" if earlier is not None else question
        closest = {h.passage.id for h in _ranked(searcher, query, [p.id for p in raised if p.id])}
        return _in_order(searcher, query, [p for p in raised if p.id in closest]), earlier is not None, query
    if reading.reviews:  # "what happened to Child J": how the review opens
        return _ranked(searcher, question, [p.id for p in _openings(passages) if p.id]), False, question
    if earlier is not None:  # "what was the response?", "who is checking it?"
        return _ranked(searcher, question, list(earlier.passage_ids)), True, question
    return [], False, question


def _openings(passages: list[Passage]) -> list[Passage]:
    """The passages before the first recommendation: what the review is about."""
    opening = []
    for passage in passages:
        if passage.recommendation is not None:
            break
        opening.append(passage)
    return opening or passages[:1]


def _search(
    searcher: Searcher, reading: Reading, query: str, scope: tuple[str, ...], earlier: Focus | None,
    follows: bool, threshold: float, years: tuple[int, ...] = (),
) -> Answer:  # fmt: skip
    """A search within the scope (and ``years``, when given); a follow-up that the focus has
    nothing on looks further: "what about X?" is asked with the earlier question of the whole
    library, then (unless it points back, "they", "the report") as X alone: a new topic."""
    stages: list[tuple[str, tuple[str, ...], str]] = [(query, scope, "scope")]
    note = ""
    if follows and earlier and POINTS_TO_THING.search(reading.question):  # "who is checking it?"
        stages.append((f"{earlier.query} {query}", scope, "it"))
    if follows and earlier and reading.topic:  # "and in prisons?", "did any of them call for limits?"
        stages.append((f"{earlier.query} {query}", (), "joined"))
    if follows and scope and not reading.points_back:  # "they", "the report": no new topic
        stages.append((query, (), "new"))
    elif follows and scope:  # so say where it was looked for
        note = POINTED
    for text, stage, kind in stages:
        for agencies in (reading.agencies, ()) if reading.agencies else ((),):
            filters = Filters(doc_ids=stage, agencies=agencies, years=years)
            hits = searcher.search(text, k=2 * MAX_PASSAGES, filters=filters)
            bar = max(threshold, PASSAGE_SHARE * max((h.similarity or 0.0 for h in hits), default=0.0))

            def answers(hit: Hit, bar: float = bar) -> bool:
                return (hit.similarity or 0.0) >= bar or covers(reading.topic, hit.passage.text)

            answering = [h for h in hits if answers(h)]
            if kind == "joined" and earlier:  # the earlier topic alone is no answer, nor X anywhere
                both = reading.topic + read(earlier.query, ()).topic  # pointing back: both, in words
                loose = not reading.points_back
                answering = [
                    h for h in answering if covers(both, h.passage.text)
                    or (loose and (h.similarity or 0.0) >= bar and covers(reading.topic, h.passage.text))
                ]  # fmt: skip
            answering, unquoted = answering[:MAX_PASSAGES], answering[MAX_PASSAGES:]
            if earlier and kind == "it":  # each set apart: the passages quoted are the first four, as ever
                answering = _still_about(searcher, earlier.query, answering)
                unquoted = _still_about(searcher, earlier.query, unquoted)
            if answering:
                kept = follows and stage == scope and bool(scope)
                joined = kind == "joined"
                answer = _answer(searcher, reading, text, answering, earlier, kept=kept, joined=joined)
                if not stage:  # the library: the Search page lists the rest
                    return answer
                # The other reports in focus that answer too, each looked at ("which of those were
                # on the M1?"): the passages above may all be of two reports.
                rest = tuple(d for d in stage if answer.focus is None or d not in answer.focus.doc_ids)
                wide = min(CANDIDATES, 2 * len(rest))
                others = searcher.search(text, k=wide, filters=replace(filters, doc_ids=rest)) if rest else []
                more = unquoted + [h for h in others if answers(h)]
                return _also(searcher, answer, more, capped=2 * len(rest) > CANDIDATES)
    return not_found(searcher, reading.question, note, query=query)


def _also(searcher: Searcher, answer: Answer, unquoted: list[Hit], capped: bool) -> Answer:
    """The answer, naming the other reports in focus that answer too when more passages answered
    than are quoted ("which of those were on the M1?" must not read as a whole list when it is
    not), and keeping them in focus; ``capped``: the search read fewer passages than the rest of
    the focus has reports, so there may be more."""
    focus = answer.focus
    quoted = set(focus.doc_ids) if focus else set()
    more = tuple(dict.fromkeys(h.passage.doc_id for h in unquoted if h.passage.doc_id not in quoted))
    if answer.no_answer or focus is None or not more:
        return answer
    cited = tuple(searcher.document(d).cite() for d in more)
    among = ", among others," if capped else ","
    focus = replace(focus, doc_ids=focus.doc_ids + more, reviews=focus.reviews + cited)
    return replace(answer, note=f"Also answering{among} not quoted here: {listed(cited)}.", focus=focus)


def _still_about(searcher: Searcher, earlier: str, hits: list[Hit]) -> list[Hit]:
    """The passages that the follow-up's words, added to the earlier question, bring no further
    from: "who is checking it?" stays as close to the GP storage passages, "is it about knife
    crime?" moves away from them (then "it" does not make the question about them)."""
    vector = searcher.encode(searcher.vocabulary.expand(earlier).dense_text)
    before = dict(searcher.dense_scores(vector, [h.passage.id for h in hits if h.passage.id is not None]))
    return [h for h in hits if (h.similarity or 0.0) >= before.get(h.passage.id or -1, 1.0)]


# -- the answer -------------------------------------------------------------------------------


def sentence_vectors(searcher: Searcher, texts: list[str]) -> np.ndarray:
    """Vectors of passage sentences, each encoded once per searcher (at most SENTENCE_CACHE kept)."""
    cache: dict[str, np.ndarray] = searcher.__dict__.setdefault("_sentence_vectors", {})
    missing = list(dict.fromkeys(t for t in texts if t not in cache))
    if missing:
        if len(cache) + len(missing) > SENTENCE_CACHE:
            cache.clear()
        cache.update(zip(missing, searcher.model.encode(missing), strict=True))
    return np.vstack([cache[t] for t in texts])


def _ranked(searcher: Searcher, question: str, ids: list[int]) -> list[Hit]:
    """Passages by id, closest in meaning to the question first."""
    if not ids:
        return []
    vector = searcher.encode(searcher.vocabulary.expand(question).dense_text)
    scores = sorted(searcher.dense_scores(vector, ids), key=lambda pair: -pair[1])[:MAX_PASSAGES]
    return _hits(searcher, question, scores)


def _in_order(searcher: Searcher, question: str, passages: list[Passage]) -> list[Hit]:
    ids = [p.id for p in passages if p.id is not None]
    vector = searcher.encode(searcher.vocabulary.expand(question).dense_text)
    return _hits(searcher, question, searcher.dense_scores(vector, ids))


def _hits(searcher: Searcher, question: str, scores: list[tuple[int, float]]) -> list[Hit]:
    from assistant.search.searcher import highlight

    expansion = searcher.vocabulary.expand(question)
    passages = {p.id: p for p in searcher.library.passages([pid for pid, _ in scores])}
    return [
        Hit(n, score, passages[pid], searcher.document(passages[pid].doc_id),
            highlight(passages[pid].text, expansion), score)
        for n, (pid, score) in enumerate(((p, s) for p, s in scores if p in passages), start=1)
    ]  # fmt: skip


def _answer(
    searcher: Searcher, reading: Reading, query: str, hits: list[Hit], earlier: Focus | None, kept: bool,
    joined: bool = False,
) -> Answer:  # fmt: skip
    listing = (
        reading.wants_recommendations and reading.recommendation is None and not reading.topic
        and all(h.passage.recommendation is not None for h in hits)
    )  # fmt: skip
    chosen = _sentences(searcher, reading, query, hits, first_only=listing)
    if not chosen:  # every sentence a heading or the form's words: nothing to quote
        return replace(not_found(searcher, reading.question, query=query), focus=earlier)
    confidence = max((h.similarity or 0.0 for h in hits), default=0.0)
    answer = compose(reading.question, query, chosen, confidence)
    cited = [c.hit for c in answer.citations]
    doc_ids = tuple(dict.fromkeys(h.passage.doc_id for h in cited))
    left = () if earlier is None or kept else tuple(
        searcher.document(d).cite() for d in earlier.doc_ids if d not in doc_ids
    )  # fmt: skip
    focus = Focus(
        doc_ids=doc_ids,
        passage_ids=tuple(h.passage.id for h in cited if h.passage.id is not None),
        reviews=tuple(searcher.document(d).cite() for d in doc_ids),
        query=query if reading.topic else (earlier.query if earlier and kept else query),
        kept=kept,
        left=left,
        joined=joined,
    )
    return replace(answer, focus=focus)


def _sentences(
    searcher: Searcher, reading: Reading, query: str, hits: list[Hit], first_only: bool = False
) -> list[tuple[Hit, int, int]]:
    """(hit, start, end) of the sentences that answer, in each passage's reading order.

    Within a passage, sentences that name the question's topic words or agency come first; of
    those, the ones closest in meaning to the question are quoted. A yes/no question gets the
    fewest sentences that settle it.
    """
    spans = [(h, s, e) for h in hits for s, e in _completed(h.passage.text) if e - s >= 20]
    spans = [  # headings and the coroner's form's own words are no answer
        (h, s, e) for h, s, e in spans
        if h.passage.text[s:e].strip() not in (h.document.title, h.passage.section)
        and not stock(h.passage.text[s:e])
    ]  # fmt: skip
    if not spans:
        return []
    if first_only:  # a list of recommendations: each one's opening sentence
        firsts: dict[int, tuple[Hit, int, int]] = {}
        for span in spans:
            firsts.setdefault(id(span[0]), span)
        return list(firsts.values())
    texts = [h.passage.text[s:e] for h, s, e in spans]
    similarity = sentence_vectors(searcher, texts) @ searcher.encode(query)[0]

    def named(i: int) -> bool:
        return mentions(reading.topic, texts[i]) or agency_mentioned(reading.agencies, texts[i])

    limit = YES_NO_SENTENCES if reading.yes_no else MAX_PER_PASSAGE
    chosen = []
    quoted: set[tuple[str, str]] = set()  # a sentence two passages of a report both hold is quoted once

    def said(i: int) -> tuple[str, str]:
        return spans[i][0].passage.doc_id, " ".join(texts[i].split())

    for hit in hits:
        mine = [i for i, span in enumerate(spans) if span[0] is hit and said(i) not in quoted]
        preferred = [i for i in mine if named(i)] or mine
        if not preferred:
            continue
        bar = SENTENCE_SHARE * float(max(similarity[i] for i in preferred))
        best: list[int] = []
        for i in sorted((i for i in preferred if similarity[i] >= bar), key=lambda i: -similarity[i]):
            if len(best) < limit and said(i) not in quoted:  # a sentence a passage says twice: once
                best.append(i)
                quoted.add(said(i))
        chosen += [spans[i] for i in sorted(best)]
    return chosen


def _completed(text: str) -> list[tuple[int, int]]:
    """Sentence spans, a sentence that ends in a colon quoted with what follows it ("The medical
    cause of death was:" with "1a Multiple injuries", and "1b", "II" after it), up to
    :data:`MAX_JOINED` characters; one with nothing after it is left out (it says nothing)."""
    spans: list[tuple[int, int]] = []
    joined: list[bool] = []
    for start, end in sentence_spans(text):
        if spans and end - spans[-1][0] <= MAX_JOINED:
            first, last = spans[-1]
            after_colon = joined[-1] or ":" in text[first:last]
            cause = after_colon and (CAUSE_LINE.match(text, start) or CAUSE_END.search(text, first, last))
            if text[last - 1] == ":" or cause:
                spans[-1], joined[-1] = (first, end), True
                continue
        spans.append((start, end))
        joined.append(False)
    return [(s, e) for s, e in spans if text[e - 1] != ":"]
