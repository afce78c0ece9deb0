"""Response status: what a published response says will change, with the words that say so."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.documents.cleaning import clean_pages
from assistant.documents.passages import cut
from assistant.documents.readers import read
from assistant.errors import AssistantError
from assistant.field.status import DEFAULT_FILE, StatusRules, response_status, split_response
from assistant.settings import Settings

from .support import CORPUS

SETTINGS = Settings()

# What a safeguarding trainer would say each seed response commits to, and the words that show it.
SEED_EXPECTATIONS = {
    # CCGs "are conducting a review": the action is a review, so its kind beats its tense.
    ("child-j-hscp-2019.md", 1): ("review_commissioned", "are conducting a review"),
    # "As part of the review being undertaken ... will include assurance": part of that review.
    ("child-j-hscp-2019.md", 2): ("review_commissioned", "the review being undertaken"),
    ("child-j-hscp-2019.md", 3): ("review_commissioned", "are commissioning an in depth audit"),
    # Audits are a standing practice ("conducts regular audits"); the change is what they will
    # cover, so this is a planned action, not a newly commissioned review.
    ("child-j-hscp-2019.md", 4): ("planned", "will ensure that future audits include"),
    # "a plan in place to deliver ... learning events" is training, not something in place.
    ("child-j-hscp-2019.md", 5): ("training_planned", "has a plan in place to deliver face to face learning"),
    # The system exists now; the promised assurance report only confirms it.
    ("child-i-hscb.md", 1): ("in_place", "have already developed a system"),
    ("child-i-hscb.md", 2): ("in_place", "There is already wide cross agency sharing"),
    ("child-i-hscb.md", 3): ("training_planned", "A training gap analysis questionnaire"),
}


def seed_passages(name: str):
    source = read(CORPUS / name, SETTINGS)
    return cut(name, source.meta["title"], clean_pages(source.pages), SETTINGS)[1]


@pytest.mark.parametrize("name", ["child-j-hscp-2019.md", "child-i-hscb.md"])
def test_every_seed_recommendation_gets_the_status_its_response_states(name):
    passages = seed_passages(name)
    recs = [p for p in passages if p.recommendation is not None]
    assert {(name, p.recommendation) for p in recs} == {k for k in SEED_EXPECTATIONS if k[0] == name}
    for p in recs:
        expected, cue = SEED_EXPECTATIONS[(name, p.recommendation)]
        found = response_status(p.text)
        assert found is not None and found.status == expected, (p.recommendation, found)
        _, response, offset = split_response(p.text)
        assert response is not None and offset is not None
        assert found.phrase and cue in found.phrase
        assert p.text[found.start : found.end] == found.phrase
        assert offset <= found.start < found.end <= offset + len(response)  # in the response part
        assert found.phrase == found.phrase.strip()
    for p in passages:
        if p.recommendation is None:
            assert response_status(p.text) is None  # an introduction: the caller decides


def test_the_seed_responses_are_split_after_their_labels():
    texts = {p.recommendation: p.text for p in seed_passages("child-i-hscb.md")}
    recommendation, response, offset = split_response(texts[1])
    assert recommendation.startswith("RECOMMENDATION 1: The HSCB should seek assurance")
    assert recommendation.endswith("does not hinder this.")
    assert response is not None and response.startswith("Health commissioners and providers")
    assert texts[1][offset:].startswith(response)


@pytest.mark.parametrize(
    "text, response",
    [
        ("Recommendation 1 - Do X.\n\nPartnership Response \u2013 The CCGs will act.", "The CCGs will act."),
        ("RECOMMENDATION 2: Do X.\n\nBoard Response: A protocol is in place.", "A protocol is in place."),
        ("Recommendation 3: Do X.\nResponse - Work has commenced.", "Work has commenced."),
        ("Recommendation 4: Do X.\n\nOur response: We will audit.", "We will audit."),
        ("Recommendation 5: Do X.\nPartnership response: Training will be run.", "Training will be run."),
        ("Recommendation 6: Do X.\n\nManagement Response\nWe will act.", "We will act."),
        ("Recommendation 7: Do X. Response: We will act.", "We will act."),  # after the recommendation
        ("Recommendation 8: Do X.\nResponse from Children's Services: We will act.", "We will act."),
        ("**Recommendation 9 - Do X.**\n\n***Partnership Response*** \u2013 *We will act.*", "We will act."),
    ],
)
def test_response_labels_and_separators_are_recognised(text, response):
    recommendation, found, offset = split_response(text)
    assert found == response
    assert offset is not None and text[offset : offset + len(found)] == found
    assert "Do X" in recommendation and "response" not in recommendation.lower()


@pytest.mark.parametrize(
    "text",
    [
        "Recommendation 1: Agencies should improve their response to domestic abuse.",
        "Recommendation 2: Do X.\n\nIn response to this the partnership will act.",  # no label
        "Recommendation 3: Do X.\n\nBoard Response:   ",  # a label with nothing after it
    ],
)
def test_a_recommendation_without_a_response_is_no_response(text):
    assert split_response(text)[1:] == (None, None)
    found = response_status(text)
    assert found is not None
    assert (found.status, found.label, found.phrase, found.start, found.end) == (
        "no_response", "no response published", "", -1, -1,
    )  # fmt: skip


def test_a_response_that_states_nothing_is_unclear_not_guessed():
    found = response_status("Recommendation 1: Do X.\n\nBoard Response: Noted.")
    assert found is not None and (found.status, found.phrase, found.start) == ("unclear", "", -1)


@pytest.mark.parametrize(
    "response, status, phrase",
    [
        # precedence: in place beats the assurance report that follows it
        (
            "Providers have already developed a system. An assurance report will be presented.",
            "in_place",
            "Providers have already developed a system.",
        ),
        # a plan in place to train is a training plan, not something in place
        ("A plan is in place to deliver training to all staff.", "training_planned", None),
        ("Work has already commenced on the new pathway.", "under_way", None),
        ("The policy is being revised by the police.", "under_way", None),
        ("As already noted, the partnership will update the guidance.", "planned", None),
        # a negated cue does not count: "no protocol in place" is not in place
        ("There is no protocol in place; we will write one.", "planned", "we will write one."),
        ("The review will not be repeated.", "unclear", None),
        ("The CCG is conducting an audit of records, and work is under way.", "review_commissioned", None),
    ],
)
def test_statuses_follow_the_documented_precedence(response, status, phrase):
    text = f"Recommendation 1: Do X.\n\nBoard Response: {response}"
    found = response_status(text)
    assert found is not None and found.status == status
    if phrase is not None:
        assert found.phrase == phrase
    if found.start != -1:
        assert text[found.start : found.end] == found.phrase


def test_phrases_are_always_copied_word_for_word_and_kept_short():
    raw = (CORPUS / "child-j-hscp-2019.md").read_text(encoding="utf-8")
    texts = [p.text for name in ("child-j-hscp-2019.md", "child-i-hscb.md") for p in seed_passages(name)]
    texts += [raw[raw.index("**Recommendation 1") : raw.index("**Recommendation 2")]]  # raw Markdown
    texts += ["Recommendation 1: X.\nResponse: " + "The partnership is very keen " * 20 + "to run a review."]
    for text in texts:
        found = response_status(text)
        if found is not None and found.start != -1:
            assert text[found.start : found.end] == found.phrase
            assert found.phrase[0] not in "*_ " and found.phrase[-1] not in "*_ "
            assert len(found.phrase) <= 260


def test_the_shipped_file_names_every_status_with_its_label():
    rules = StatusRules.load(DEFAULT_FILE)
    assert rules.labels == {
        "in_place": "already in place",
        "under_way": "action under way",
        "planned": "action planned",
        "review_commissioned": "review or audit commissioned",
        "training_planned": "training planned",
        "no_response": "no response published",
        "unclear": "response published, status unclear",
    }
    order = [sid for sid, _ in rules.cues]
    assert order == ["in_place", "training_planned", "review_commissioned", "under_way", "planned"]


def test_an_edited_file_changes_what_is_found(tmp_path: Path):
    path = tmp_path / "status.toml"
    path.write_text(
        'precedence = ["planned"]\n'
        '[status.planned]\nlabel = "planned"\nphrases = ["face to face"]\n'
        '[status.unclear]\nlabel = "?"\n[status.no_response]\nlabel = "none"\n',
        encoding="utf-8",
    )
    rules = StatusRules.load(path)
    found = response_status("Recommendation 1: X.\nResponse: We meet face-to-face now.", rules)
    assert found is not None and (found.status, found.phrase) == ("planned", "We meet face-to-face now.")


TAIL = '[status.unclear]\nlabel = "?"\n[status.no_response]\nlabel = "none"\n'
X = 'precedence = ["x"]\n[status.x]\nlabel = "X"\n'


@pytest.mark.parametrize(
    "content, problem",
    [
        ("precedence = [", "cannot be read"),
        ('precedence = ["x"]\n', "needs [status.<id>] tables"),
        ('precedence = ["x"]\n[status.x]\nphrases = ["a"]\n' + TAIL, "status 'x' needs a label"),
        (X + 'phrases = "a"\n' + TAIL, "lists of strings"),
        (X + 'patterns = ["(unclosed"]\n' + TAIL, "bad pattern '(unclosed'"),
        (X + 'patterns = ["a*"]\n' + TAIL, "matches empty text"),
        (X + 'phrases = ["a"]\n', "needs a [status.no_response] table"),
        (X.replace('["x"]', "[]") + 'phrases = ["a"]\n' + TAIL, "precedence must list"),
        (X.replace('["x"]', '["x", "y"]') + 'phrases = ["a"]\n' + TAIL, "precedence must list"),
        ('negation = "("\n' + X + 'phrases = ["a"]\n' + TAIL, "bad negation pattern"),
    ],
)
def test_a_bad_status_file_is_reported_with_its_name_and_the_problem(tmp_path: Path, content, problem):
    path = tmp_path / "my-status.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AssistantError) as caught:
        StatusRules.load(path)
    assert "my-status.toml" in str(caught.value) and problem in str(caught.value)


def test_a_missing_status_file_is_reported(tmp_path: Path):
    with pytest.raises(AssistantError, match="missing.toml.*cannot be read"):
        StatusRules.load(tmp_path / "missing.toml")
