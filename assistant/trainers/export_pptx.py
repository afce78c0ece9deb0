"""A seven-minute briefing → 16:9 slides that can be read from the back of a room.

A title slide, then each part on one or more slides: at most two short quotations a slide in
28-32 pt with their citations, the trainer's own words in 28 pt, never more than
``MAX_SLIDE_WORDS`` words on a slide. The speaker notes hold each quotation's whole passage and
its citation. Each slide's title is its title placeholder (what PowerPoint's outline, its
accessibility check and screen readers go by), placed and set as the text boxes are, so nothing
depends on where the template's 4:3 layouts put it; everything else is a plain text box.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from pptx import Presentation
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.shapes.base import BaseShape
from pptx.slide import Slide
from pptx.util import Inches, Length, Pt

from assistant.trainers.export import (
    FEEDBACK,
    KIND,
    SOURCE_LINE,
    Sources,
    checked,
    paragraphs,
    plain,
    questions,
    quoted,
    safe_url,
    sections,
)
from assistant.trainers.packs import Briefing, Quote

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MAX_SLIDE_WORDS = 60  # everything on a slide, its title included; the notes are not counted
SLIDE_QUOTE_WORDS = 40  # a longer quotation is cut on the slide (its whole passage is in the notes)
BIG_QUOTE_WORDS = 25  # up to this many words a quotation is set in 32 pt, longer ones in 28 pt
TITLE_PT, BODY_PT, BIG_PT, CITATION_PT = 36, 28, 32, 18
FEEDBACK_ASK = "Tell the trainer or the partnership: what did you discuss, and what will you change?"
TITLE_ONLY = 5  # the default template's layout with a title placeholder and nothing else
TITLE_TOP, TITLE_HEIGHT = Inches(0.3), Inches(1.1)


def words(text: str) -> int:
    return len(text.split())


def _on_slide(quote: Quote) -> tuple[str, bool]:
    """The quotation as shown on a slide, and whether it had to be cut for the slide."""
    found = quoted(quote)
    if words(found) <= SLIDE_QUOTE_WORDS:
        return found, False
    kept = " ".join(quote.text.split()[:SLIDE_QUOTE_WORDS]).rstrip(",;:-")
    return f"\u201c{kept}\u2026\u201d", True


def _groups(blocks: list[tuple[str, int]], budget: int, most: int) -> list[list[str]]:
    """Blocks (key, words) packed in order onto slides of at most ``budget`` words and ``most`` blocks."""
    slides: list[list[str]] = []
    used = budget + 1
    for key, n in blocks:
        if not slides or used + n > budget or len(slides[-1]) >= most:
            slides.append([])
            used = 0
        slides[-1].append(key)
        used += n
    return slides


def _chunks(text: str, budget: int) -> list[str]:
    """The trainer's words cut at sentence ends into pieces of at most ``budget`` words."""
    pieces: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
        while words(sentence) > budget:  # one very long sentence: cut at a word
            head = sentence.split()
            pieces.append(" ".join(head[:budget]))
            sentence = " ".join(head[budget:])
        if pieces and words(pieces[-1]) + words(sentence) <= budget:
            pieces[-1] = f"{pieces[-1]} {sentence}"
        elif sentence:
            pieces.append(sentence)
    return pieces


class _Deck:
    def __init__(self, title: str):
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDTH, HEIGHT
        self.prs.core_properties.title = plain(title)

    def slide(self, title: str, notes: str = "", top: Length = TITLE_TOP, height: Length = TITLE_HEIGHT,
              points: int = TITLE_PT) -> Slide:  # fmt: skip
        """A new slide whose title placeholder holds ``title``, across the slide at ``top``."""
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[TITLE_ONLY])
        self.box(slide, top, height, [(title, points, True, False)], slide.shapes.title)
        if notes:
            slide.notes_slide.notes_text_frame.text = plain(notes)
        return slide

    def box(self, slide: Slide, top: Length, height: Length, lines: Iterable[tuple[str, int, bool, bool]],
            shape: BaseShape | None = None) -> None:  # fmt: skip
        """A text box across the slide (or ``shape``, placed there); each line is (text, points,
        bold, italic)."""
        if shape is None:
            shape = slide.shapes.add_textbox(Inches(0.6), top, WIDTH - Inches(1.2), height)
        else:
            shape.left, shape.top, shape.width, shape.height = Inches(0.6), top, WIDTH - Inches(1.2), height
        frame = shape.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.TOP
        for n, (text, points, bold, italic) in enumerate(lines):
            paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
            paragraph.text = plain(text)
            paragraph.alignment = PP_ALIGN.LEFT
            for font in (paragraph.font, *(run.font for run in paragraph.runs)):
                font.size, font.bold, font.italic = Pt(points), bold, italic
            paragraph.space_after = Pt(points // 2)

    def body(self, slide: Slide, lines: list[tuple[str, int, bool, bool]]) -> None:
        self.box(slide, Inches(1.6), Inches(5.5), lines)

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.prs.save(buffer)
        return buffer.getvalue()


def to_pptx(briefing: Briefing, sources: Sources | None = None) -> bytes:
    b = checked(briefing)
    sources = sources or Sources({})
    deck = _Deck(b.title)
    cover = deck.slide(b.title, top=Inches(2.0), height=Inches(1.8), points=40)
    subtitle = [(KIND, 24, False, False)]
    if b.audience.strip():
        subtitle.append((f"For: {' '.join(b.audience.split())}", 20, False, False))
    deck.box(cover, Inches(4.2), Inches(2.5), [*subtitle, (SOURCE_LINE, 20, False, True)])

    for heading, part in sections(b):
        shown = {n: _on_slide(q) for n, q in enumerate(part.quotes)}
        blocks = [(str(n), words(shown[n][0]) + words(q.citation) + 1) for n, q in enumerate(part.quotes)]
        for group in _groups(blocks, MAX_SLIDE_WORDS - words(heading), 2):
            lines, notes = [], []
            for key in group:
                quote = part.quotes[int(key)]
                text, _ = shown[int(key)]
                lines.append((text, BIG_PT if words(text) <= BIG_QUOTE_WORDS else BODY_PT, False, False))
                lines.append((f"— {quote.citation}", CITATION_PT, False, True))
                passage, citation, note = sources.of(quote)
                mine = f"\n\nYour note: {note.strip()}" if note.strip() else ""
                notes.append(f"Quoted: {quoted(quote)}\n\nThe whole passage: {passage}\n\n— {citation}{mine}")
            deck.body(deck.slide(heading, "\n\n".join(notes)), lines)
        own = [c for p in paragraphs(part.text) for c in _chunks(p, MAX_SLIDE_WORDS - words(heading) - 5)]
        for chunk in own:
            deck.body(deck.slide(heading, part.text), [(chunk, BODY_PT, False, False)])

    asked = [f"{n}. {q}" for n, q in enumerate(questions(b), start=1)]
    title = "Reflective questions"
    for group in _groups([(q, words(q)) for q in asked], MAX_SLIDE_WORDS - words(title), 3):
        deck.body(deck.slide(title), [(q, BODY_PT, False, False) for q in group])

    entries = []
    for r in b.reading:
        url = f" {r.url.strip()}" if safe_url(r.url) else ""
        entries.append((f"{r.citation}{url}", r.title))
    title = "Further reading"
    groups = _groups(
        [(str(n), words(e[0])) for n, e in enumerate(entries)], MAX_SLIDE_WORDS - words(title), 4
    )
    for group in groups:
        chosen = [entries[int(n)] for n in group]
        full_entries = "\n".join(f"{text}: {full}" for text, full in chosen)
        deck.body(deck.slide(title, full_entries), [(text, BODY_PT, False, False) for text, _ in chosen])

    closing = deck.slide(FEEDBACK)
    deck.body(closing, [(FEEDBACK_ASK, BODY_PT, False, False)])
    return deck.save()
