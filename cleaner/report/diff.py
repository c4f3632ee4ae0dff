"""The ``.diff`` of a document: a unified diff of its input against its cleaned text.

The lines to compare are found from the changes the pipeline made, not searched for: a line
no change touches is the same line on both sides, so only the few lines around each change
are compared (with :mod:`difflib`, which gives the smallest diff of those). Searching the
whole text, as :func:`difflib.unified_diff` does, takes minutes on a 25 MB document whose
lines repeat; this takes time in proportion to its size.
"""

from __future__ import annotations

import difflib
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import accumulate

from cleaner.inputs import output_name
from cleaner.model import Edit

CONTEXT = 3  # unchanged lines shown around a change, as `diff -u`
# Changed blocks up to this many (input lines x cleaned lines) are compared line by line for
# the smallest diff; a larger one is shown as its input lines replaced by its cleaned lines.
REFINE_LIMIT = 40_000

Opcode = tuple[str, int, int, int, int]  # as difflib's: tag, input lines i1:i2, cleaned lines j1:j2
Span = tuple[int, int, int]  # a change: start and end in the input, length of what replaced it


def unified_diff(doc_id: str, before: str, after: str, edits: Sequence[Edit] | None = None) -> str:
    """A unified diff of the input against the cleaned text, line by line.

    ``edits`` (the document's, which turn ``before`` into ``after``) say where the lines
    differ; without them, the span from the first to the last character that differs does.
    Lines end at ``\\n`` only, as for ``patch`` (a lone ``\\r`` or U+2028 stays inside its
    line); the header names the document by its file name (:func:`output_name`), so an id
    cannot break the header.

    >>> print(unified_diff("d", "a\\nb\\n", "a\\n"), end="")
    --- d/input
    +++ d/cleaned
    @@ -1,2 +1 @@
     a
    -b
    """
    spans = (
        [(e.source_start, e.source_end, len(e.after)) for e in edits]
        if edits is not None
        else _differing(before, after)
    )
    old, new = _lines(before), _lines(after)
    groups = list(_hunks(_line_opcodes(old, new, sorted(spans))))
    if not groups:
        return ""
    name = output_name(doc_id)
    out = [f"--- {name}/input\n", f"+++ {name}/cleaned\n"]
    for group in groups:
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [" " + line for line in old[i1:i2]]
                continue
            out += ["-" + line for line in old[i1:i2]]
            out += ["+" + line for line in new[j1:j2]]
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in out)


def _lines(text: str) -> list[str]:
    """``text`` cut after each ``\\n``.

    >>> _lines("a\\rb\\u2028c\\nd")
    ['a\\rb\\u2028c\\n', 'd']
    """
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _differing(before: str, after: str) -> list[Span]:
    """One span from the first to the last character that differs; none if the texts are equal.

    >>> _differing("abcd", "abXd"), _differing("ab", "ab")
    ([(2, 3, 1)], [])
    """
    if before == after:
        return []
    limit = min(len(before), len(after))
    head = next((k for k in range(limit) if before[k] != after[k]), limit)
    tail = 0
    while tail < limit - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    return [(head, len(before) - tail, len(after) - tail - head)]


def _line_opcodes(old: list[str], new: list[str], spans: list[Span]) -> list[Opcode]:
    """The line opcodes of ``old`` against ``new``, given the (sorted) changes between them.

    An input line is *touched* when a change starts or ends in it (conservatively: also when
    the change only ends at its first character). Every other line is the same line on both
    sides, at an output line known from the changes before it; the runs of lines between two
    untouched ones are compared by :func:`_block`.
    """
    old_starts = [0, *accumulate(map(len, old))]
    new_starts = [0, *accumulate(map(len, new))]
    touched = [False] * len(old)
    for start, end, _ in spans:
        first = bisect_right(old_starts, start) - 1
        last = bisect_right(old_starts, end) - 1
        for line in range(max(0, min(first, len(old) - 1)), min(last, len(old) - 1) + 1):
            touched[line] = True
    anchors = []  # (input line, cleaned line) of the untouched lines
    shift, k = 0, 0
    for line, text in enumerate(old):
        if touched[line]:
            continue
        while k < len(spans) and spans[k][1] <= old_starts[line]:
            shift += spans[k][2] - (spans[k][1] - spans[k][0])
            k += 1
        there = bisect_right(new_starts, old_starts[line] + shift) - 1
        if there < len(new) and new[there] == text and new_starts[there] == old_starts[line] + shift:
            anchors.append((line, there))
    # Both halves of the anchors rise: between two untouched lines the cleaned text holds at
    # least the first of them, so its position moves on.
    opcodes: list[Opcode] = []
    i, j = 0, 0
    for anchor_i, anchor_j in [*anchors, (len(old), len(new))]:
        opcodes += _block(old, new, i, anchor_i, j, anchor_j)
        if anchor_i < len(old):
            opcodes.append(("equal", anchor_i, anchor_i + 1, anchor_j, anchor_j + 1))
        i, j = anchor_i + 1, anchor_j + 1
    return _merged(opcodes)


def _block(old: list[str], new: list[str], i1: int, i2: int, j1: int, j2: int) -> list[Opcode]:
    """Opcodes for input lines ``i1:i2`` against cleaned lines ``j1:j2``."""
    if i1 == i2 and j1 == j2:
        return []
    if (i2 - i1) * (j2 - j1) > REFINE_LIMIT:
        tag = "replace" if i1 < i2 and j1 < j2 else "delete" if i1 < i2 else "insert"
        return [(tag, i1, i2, j1, j2)]
    matcher = difflib.SequenceMatcher(None, old[i1:i2], new[j1:j2], autojunk=False)
    return [(tag, a1 + i1, a2 + i1, b1 + j1, b2 + j1) for tag, a1, a2, b1, b2 in matcher.get_opcodes()]


def _merged(opcodes: list[Opcode]) -> list[Opcode]:
    """Neighbouring ``equal`` opcodes joined into one."""
    joined: list[Opcode] = []
    for op in opcodes:
        if joined and op[0] == "equal" and joined[-1][0] == "equal":
            joined[-1] = ("equal", joined[-1][1], op[2], joined[-1][3], op[4])
        else:
            joined.append(op)
    return joined


def _hunks(opcodes: list[Opcode], context: int = CONTEXT) -> Iterator[list[Opcode]]:
    """The opcodes cut into hunks: each change with ``context`` equal lines around it, changes
    closer than twice that in one hunk."""
    if not any(op[0] != "equal" for op in opcodes):
        return
    ops = list(opcodes)
    if ops[0][0] == "equal":  # trim the leading and trailing equal runs to the context
        _, i1, i2, j1, j2 = ops[0]
        ops[0] = ("equal", max(i1, i2 - context), i2, max(j1, j2 - context), j2)
    if ops[-1][0] == "equal":
        _, i1, i2, j1, j2 = ops[-1]
        ops[-1] = ("equal", i1, min(i2, i1 + context), j1, min(j2, j1 + context))
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal" and i2 - i1 > 2 * context and group:  # a long equal run ends the hunk
            group.append(("equal", i1, i1 + context, j1, j1 + context))
            yield group
            group = []
            i1, j1 = i2 - context, j2 - context
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        yield group


def _range(start: int, stop: int) -> str:
    """A hunk header's range: first line (1-based) and count; a count of 1 is left out, and an
    empty range names the line before it.

    >>> _range(0, 1), _range(2, 5), _range(3, 3)
    ('1', '3,3', '3,0')
    """
    length = stop - start
    if length == 1:
        return f"{start + 1}"
    return f"{start if length == 0 else start + 1},{length}"
