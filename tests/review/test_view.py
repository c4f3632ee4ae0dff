"""The review page's word diff: built from the edits, it still turns the input into the final text."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.model import Edit
from cleaner.review.view import word_diff
from cleaner.trace import Trace
from tests.test_trace import changes_for


def _sides(ops: list[tuple[str, str]]) -> tuple[str, str]:
    before = "".join(text for tag, text in ops if tag != "insert")
    after = "".join(text for tag, text in ops if tag != "delete")
    return before, after


@st.composite
def traces(draw: st.DrawFn) -> Trace:
    trace = Trace(draw(st.text(alphabet="ab \n\u00e9.", max_size=200)))
    for stage in ("one", "two", "three"):
        trace.apply(stage, draw(changes_for(trace.text)))
    return trace


@settings(max_examples=400)
@given(traces())
def test_the_diff_from_edits_gives_both_texts_back(trace: Trace) -> None:
    ops = word_diff(trace.source, trace.text, trace.edits)
    assert _sides(ops) == (trace.source, trace.text)
    assert all(text for _, text in ops)
    assert all(a[0] != b[0] for a, b in pairwise(ops)), "neighbours of one kind are joined"


def test_a_change_inside_a_word_shows_the_whole_word() -> None:
    edit = Edit(stage="review", rule="x", source_start=4, source_end=7, before="den", after="", reason="")
    ops = word_diff("The denounces it.", "The ounces it.", [edit])
    assert ops == [("equal", "The "), ("delete", "denounces"), ("insert", "ounces"), ("equal", " it.")]


def test_far_apart_edits_leave_the_text_between_them_alone() -> None:
    """The same words elsewhere do not pull the diff away from where the edits are."""
    text = "one two three. " * 50
    first = Edit(stage="s", rule="r", source_start=4, source_end=7, before="two", after="2", reason="")
    last = Edit(
        stage="s", rule="r", source_start=len(text) - 11, source_end=len(text) - 8, before="two", after="", reason=""
    )
    after = text[:4] + "2" + text[7 : len(text) - 11] + text[len(text) - 8 :]
    ops = word_diff(text, after, [first, last])
    assert [tag for tag, _ in ops] == ["equal", "delete", "insert", "equal", "delete", "equal"]
    assert ops[1:3] == [("delete", "two"), ("insert", "2")]
    assert ops[4] == ("delete", "two")
