"""The `.diff` of a document is a unified diff that turns the input into the cleaned text."""

from __future__ import annotations

import re

import pytest

from cleaner.report.writer import unified_diff

_HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def patched(before: str, diff: str) -> str:
    """``before`` with ``diff`` applied as `patch` reads it: lines end at newline only, and each
    hunk must hold exactly the lines its header counts."""
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
