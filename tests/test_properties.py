"""Invariants of the whole pipeline on any text: no crash, and the record replays both ways."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.model import Document
from cleaner.pipeline import Pipeline
from cleaner.trace import apply_edits, revert_edits

PIPELINE = Pipeline(stages=["encoding", "boilerplate"])

# Text like scraped pages: words, punctuation that the repairs touch, odd spaces, mojibake.
PIECES = st.sampled_from(
    [
        "word",
        "Title Case",
        " ",
        "  ",
        "\n",
        "\n\n",
        "\u00a0",
        "\u200b",
        "”",
        "“",
        "‘",
        "’",
        "- ",
        "#tag",
        "â€™",
        "Ã©",
        "&amp;",
        ".",
        ",",
        "•",
        "3 minutes",
        "Leave a comment",
        "\r\n",
        "\t",
        "é",
        "Ω",
    ]
)
TEXTS = st.one_of(st.text(max_size=300), st.lists(PIECES, max_size=80).map("".join))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(TEXTS)
def test_any_text_is_processed_and_replays(text: str) -> None:
    result = PIPELINE.process(Document(id="d", source="-", text=text))
    assert result.error is None
    assert apply_edits(text, result.edits) == result.text
    assert revert_edits(result.text, result.edits) == text
    for edit in result.edits:
        assert edit.before != edit.after
