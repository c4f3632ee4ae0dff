"""The `.diff` of a document is a unified diff that turns the input into the cleaned text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner.model import Edit
from cleaner.report.diff import unified_diff

_HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def patched(before: str, diff: str) -> str:
    """``before`` with ``diff`` applied as `patch` reads it: lines end at newline only, and each
    hunk must hold exactly the lines its header counts."""
    if not diff:  # no change
        return before
    rows = diff.split("\n")
    assert rows[0].startswith("--- ") and rows[1].startswith("+++ ") and rows[-1] == ""
    hunks: list[tuple[int, int, list[tuple[str, str]]]] = []
    for row in rows[2:-1]:
        header = _HUNK.fullmatch(row)
        if header is not None:
            count = int(header[2] or 1)
            hunks.append((int(header[1]) - (1 if count else 0), count, []))
        elif row.startswith("\\"):  # the line before has no newline
            mark, text = hunks[-1][2][-1]
            hunks[-1][2][-1] = (mark, text.removesuffix("\n"))
        else:
            assert row[:1] in (" ", "-", "+"), f"not a diff line: {row!r}"
            hunks[-1][2].append((row[:1], row[1:] + "\n"))
    old = before.split("\n")
    old = [line + "\n" for line in old[:-1]] + ([old[-1]] if old[-1] else [])
    out: list[str] = []
    at = 0
    for start, count, body in hunks:
        out += old[at:start]
        at = start
        for mark, text in body:
            if mark != "+":
                assert old[at] == text, f"{text!r} is not line {at + 1} of the input"
                at += 1
            if mark != "-":
                out.append(text)
        assert at - start == count, "the hunk holds another number of input lines than its header says"
    return "".join(out + old[at:])


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Line one.\rLine two  with spaces.\r\r\rLine three.\r", "Line one.\rLine two with spaces.\rLine three.\r"),
        ("One\u2028two  three\nfour\u0085five\x0csix\n", "One\u2028two three\nfour\u0085five\x0csix\n"),
        ("a\nb\nc", "a\nc"),
        ("a\nb\n", "a\nb"),
        ("a\nb", "a\nc\n"),
    ],
    ids=["lone cr", "unicode line breaks", "no final newline", "final newline removed", "final newline added"],
)
def test_the_diff_turns_the_input_into_the_cleaned_text(before: str, after: str) -> None:
    diff = unified_diff("doc", before, after)
    assert patched(before, diff) == after


def test_an_id_cannot_break_the_diff_header() -> None:
    diff = unified_diff("a\n+++ b/etc/passwd\n@@ -1 +1 @@", "x\n", "y\n")
    assert diff.split("\n")[:2] == ["--- a_b_etc_passwd_-1_1_/input", "+++ a_b_etc_passwd_-1_1_/cleaned"]
    assert patched("x\n", diff) == "y\n"


@st.composite
def edited_texts(draw: st.DrawFn) -> tuple[str, str, list[Edit]]:
    """A text of short repeating lines, and non-overlapping edits of it (whole lines, parts, newlines)."""
    before = draw(st.text(alphabet="ab \n", max_size=60))
    points = sorted(draw(st.lists(st.integers(0, len(before)), max_size=8)))
    edits, after, at = [], [], 0
    for start, end in zip(points[::2], points[1::2], strict=False):
        if start < at:
            continue
        replacement = draw(st.text(alphabet="ab\n", max_size=4))
        edit = Edit(
            stage="s",
            rule="r",
            source_start=start,
            source_end=end,
            before=before[start:end],
            after=replacement,
            reason="",
        )
        edits.append(edit)
        after += [before[at:start], replacement]
        at = end
    return before, "".join([*after, before[at:]]), edits


@given(edited_texts())
def test_the_diff_built_from_the_edits_turns_the_input_into_the_cleaned_text(
    case: tuple[str, str, list[Edit]],
) -> None:
    before, after, edits = case
    assert patched(before, unified_diff("doc", before, after, edits)) == after
    assert patched(before, unified_diff("doc", before, after)) == after  # from the texts alone


def test_a_removed_line_is_shown_as_one_removed_line() -> None:
    before = "".join(f"line {n}\n" for n in range(20))
    start = before.index("line 10\n")
    edit = Edit(stage="s", rule="r", source_start=start, source_end=start + 8, before="line 10\n", after="", reason="")
    diff = unified_diff("doc", before, before.replace("line 10\n", ""), [edit])
    assert diff.splitlines()[2:] == [
        "@@ -8,7 +8,6 @@",
        " line 7",
        " line 8",
        " line 9",
        "-line 10",
        " line 11",
        " line 12",
        " line 13",
    ]
