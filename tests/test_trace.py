"""The provenance invariant: edits replay the output from the input and back, byte for byte."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.model import Edit, Flag
from cleaner.trace import Change, Trace, _conflict, _groups, apply_edits, revert_edits


@st.composite
def changes_for(draw: st.DrawFn, text: str) -> list[Change]:
    """Non-overlapping random changes on ``text`` (insertions, deletions, replacements)."""
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8)))
    changes, last = [], -1
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        if start <= last:
            continue
        after = draw(st.text(alphabet="xyz\n é", max_size=4))
        changes.append(Change(start, end, after, rule="r", reason="because"))
        last = end
    return changes


@st.composite
def runs(draw: st.DrawFn) -> tuple[str, list[list[Change]], Trace]:
    source = draw(st.text(alphabet="ab \n\u00e9\u2019", max_size=40))
    trace, stages = Trace(source), []
    for number in range(draw(st.integers(1, 4))):
        changes = draw(changes_for(trace.text))
        trace.apply(f"stage{number}", changes)
        stages.append(changes)
    return source, stages, trace


@settings(max_examples=400)
@given(runs())
def test_edits_replay_and_reverse(run: tuple[str, list[list[Change]], Trace]) -> None:
    source, _stages, trace = run
    assert apply_edits(source, trace.edits) == trace.text
    assert revert_edits(trace.text, trace.edits) == source


@settings(max_examples=200)
@given(runs())
def test_edits_are_sorted_and_disjoint(run: tuple[str, list[list[Change]], Trace]) -> None:
    _source, _stages, trace = run
    for first, second in zip(trace.edits, trace.edits[1:], strict=False):
        assert (first.source_start, first.source_end) <= (second.source_start, second.source_end)
        assert first.source_end <= second.source_start
        assert not (first.before == second.before == "" and first.source_start == second.source_start), (
            "two insertions at one point would make the order of replay ambiguous"
        )


def test_sequential_stages_compose() -> None:
    trace = Trace("todayâ€™s news\nAds here\nBody.")
    trace.apply("encoding", [Change(5, 8, "\u2019", "ftfy:fix_encoding", "mojibake")])
    trace.apply("boilerplate", [Change(13, 22, "", "generic", "ad line")])
    assert trace.text == "today\u2019s news\nBody."
    assert [(e.stage, e.before, e.after) for e in trace.edits] == [
        ("encoding", "â€™", "\u2019"),
        ("boilerplate", "Ads here\n", ""),
    ]


def test_later_change_over_earlier_edit_absorbs_it() -> None:
    trace = Trace("junk â€™ line\nkeep")
    trace.apply("encoding", [Change(5, 8, "\u2019", "ftfy", "mojibake")])
    trace.apply("boilerplate", [Change(0, 12, "", "drop", "junk line")])
    assert trace.text == "keep"
    (edit,) = trace.edits
    assert (edit.stage, edit.before, edit.after) == ("boilerplate", "junk â€™ line\n", "")
    assert "encoding:ftfy" in edit.reason


def test_unchanged_replacements_are_not_recorded() -> None:
    trace = Trace("same")
    trace.apply("s", [Change(0, 4, "same", "noop", "nothing")])
    assert trace.edits == []


def test_overlapping_changes_from_one_stage_are_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        Trace("abcdef").apply("s", [Change(0, 3, "", "a", ""), Change(2, 4, "", "b", "")])


def _flag(start: int, end: int) -> Flag:
    return Flag(stage="spin", kind="spin", rule="r", start=start, end=end, text="", score=0.5, message="m")


def test_edits_that_overlap_or_pass_the_end_are_refused() -> None:
    # A hand-made edit list: the round trip must not quietly break on it.
    def edit(start: int, end: int, before: str, after: str) -> Edit:
        return Edit(stage="s", rule="r", source_start=start, source_end=end, before=before, after=after, reason="")

    with pytest.raises(ValueError, match="overlaps the edit before it"):
        apply_edits("abcdef", [edit(0, 3, "abc", "X"), edit(2, 4, "cd", "Y")])
    with pytest.raises(ValueError, match="overlaps the edit before it"):
        revert_edits("XYef", [edit(0, 3, "abc", "X"), edit(2, 4, "cd", "Y")])
    with pytest.raises(ValueError, match="past the end of the input"):
        apply_edits("abc", [edit(5, 5, "", "X")])
    assert apply_edits("abc", [edit(1, 1, "", "X"), edit(1, 2, "b", "Y")]) == "aXYc"  # touching is fine


def test_flags_follow_later_edits_and_map_to_the_input() -> None:
    trace = Trace("ab cd ef")
    trace.add_flags([_flag(6, 8)])  # "ef"
    trace.apply("grammar", [Change(0, 3, "", "drop", "x")])  # drop "ab "
    (flag,) = trace.flags()
    assert (flag.start, flag.end, flag.text) == (3, 5, "ef")
    assert (flag.source_start, flag.source_end) == (6, 8)


def test_flag_inside_changed_text_has_no_source_span() -> None:
    trace = Trace("ab cd")
    trace.apply("encoding", [Change(3, 5, "CD", "upper", "x")])
    trace.add_flags([_flag(3, 5)])
    (flag,) = trace.flags()
    assert flag.text == "CD"
    assert flag.source_start is None


@settings(max_examples=500)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 3), st.integers(0, 1)), max_size=10))
def test_groups_join_each_span_that_conflicts_with_its_group(raw: list[tuple[int, int, int]]) -> None:
    """The shortcuts in _groups give the groups of the plain rule: a span joins the last group
    when it conflicts with any member (overlaps it, or touches it and one of the two is empty)."""
    spans = sorted((start, start + length, kind, i) for i, (start, length, kind) in enumerate(raw))
    expected: list[list[tuple[int, int, int, int]]] = []
    for span in spans:
        if expected and any(_conflict(span[0], span[1], other[0], other[1]) for other in expected[-1]):
            expected[-1].append(span)
        else:
            expected.append([span])
    assert _groups(spans) == expected


def test_text_deleted_at_a_flags_end_is_not_in_its_source_span() -> None:
    """Trailing spaces removed right after a flagged word were inside the flag's source span."""
    trace = Trace("Ths word   \nnext")
    trace.apply("encoding", [Change(8, 11, "", "trailing_space", "x")])
    trace.add_flags([_flag(4, 8), _flag(0, 3)])
    flags = trace.flags()
    assert [(f.text, f.source_start, f.source_end) for f in flags] == [("Ths", 0, 3), ("word", 4, 8)]


@settings(max_examples=300)
@given(runs(), st.data())
def test_a_flag_with_a_source_span_reads_the_same_there(
    run: tuple[str, list[list[Change]], Trace], data: st.DataObject
) -> None:
    source, _, trace = run
    start = data.draw(st.integers(0, len(trace.text)))
    trace.add_flags([_flag(start, data.draw(st.integers(start, len(trace.text))))])
    (flag,) = trace.flags()
    if flag.source_start is not None:
        assert flag.source_end is not None
        assert source[flag.source_start : flag.source_end] == flag.text
