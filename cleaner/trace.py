"""Provenance: turn each stage's changes into edits on the *input* text, and replay them.

Stages see the text as the previous stage left it and describe what they change as
:class:`Change` objects in those coordinates. :class:`Trace` folds every stage's changes
into one list of non-overlapping :class:`~cleaner.model.Edit` objects whose spans are in
the input, so that

* ``apply_edits(input, edits) == cleaned`` and
* ``revert_edits(cleaned, edits) == input``, byte for byte.

When a later change touches text an earlier edit produced (boilerplate drops a line that
the encoding stage had repaired), the two become one edit, attributed to the later stage:
an edit that no longer exists in the output cannot be accepted or rejected on its own.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from operator import attrgetter

from pydantic import TypeAdapter

from cleaner.model import Edit, Flag


@dataclass(frozen=True, slots=True)
class Change:
    """A stage's replacement of ``text[start:end]`` by ``after`` in the text it was given."""

    start: int
    end: int
    after: str
    rule: str
    reason: str


def _conflict(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Whether two spans must become one edit: they overlap, or an insertion touches the other."""
    if a_start < b_end and b_start < a_end:
        return True
    zero_width = a_start == a_end or b_start == b_end
    return zero_width and a_start <= b_end and b_start <= a_end


_SPAN_KEY = attrgetter("start", "end")


def _check_changes(text: str, changes: Sequence[Change]) -> list[Change]:
    ordered = sorted(changes, key=_SPAN_KEY)
    last_end = 0
    for change in ordered:
        if not 0 <= change.start <= change.end <= len(text):
            msg = f"change {change.rule} at {change.start}..{change.end} lies outside the text"
            raise ValueError(msg)
        if change.start < last_end:
            msg = f"changes overlap at {change.start} (rule {change.rule}); a stage must not overlap itself"
            raise ValueError(msg)
        last_end = change.end
    return [c for c in ordered if text[c.start : c.end] != c.after]


# A member of a merge group: (start, end in the current text, _EDIT or _CHANGE, index into the
# earlier edits or the new changes). Plain tuples: a page can bring thousands of changes.
_Span = tuple[int, int, int, int]
_EDIT, _CHANGE = 0, 1  # at equal spans an earlier edit sorts before a new change
# Validates a list of edits in one call: the same checks as Edit(...) each, about twice as fast.
_EDIT_LIST = TypeAdapter(list[Edit])


class Trace:
    """The input text, the text as it stands now, and the edits between them."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.text = source
        self.edits: list[Edit] = []
        self._flags: list[Flag] = []

    def apply(self, stage: str, changes: Sequence[Change]) -> None:
        """Apply one stage's changes to the current text and fold them into the edits."""
        real = _check_changes(self.text, changes)
        if not real:
            return
        where = _SpanMap(self.edits)
        spans = [(s, e, _EDIT, i) for i, (s, e) in enumerate(zip(where.starts, where.ends, strict=True))]
        spans += [(c.start, c.end, _CHANGE, i) for i, c in enumerate(real)]
        spans.sort()
        self._flags = [self._shift_flag(flag, real) for flag in self._flags]
        # In order: an edit, or where the edit of a lone change is in ``fresh`` (the common
        # cases, kept cheap: a page can bring thousands of changes).
        parts: list[Edit | int] = []
        fresh: list[dict[str, str | int]] = []
        for group in _groups(spans):
            if len(group) > 1:
                parts += self._merge(stage, group, real, where)
            elif group[0][2] == _EDIT:
                parts.append(self.edits[group[0][3]])
            else:
                parts.append(len(fresh))
                fresh.append(self._edit_fields(stage, real[group[0][3]], where))
        made = _EDIT_LIST.validate_python(fresh)
        self.edits = [made[part] if isinstance(part, int) else part for part in parts]
        self.text = _splice(self.text, [(c.start, c.end, c.after) for c in real])

    def add_flags(self, flags: Iterable[Flag]) -> None:
        """Record flags whose spans are in the current text."""
        self._flags.extend(flags)

    def flags(self) -> list[Flag]:
        """The flags with their spans in the current text and, where they map, in the input."""
        if not self._flags:
            return []
        where = _SpanMap(self.edits)
        return [self._locate(flag, where) for flag in sorted(self._flags, key=lambda f: (f.start, f.end))]

    # -- internals -------------------------------------------------------------------------

    def _merge(self, stage: str, group: list[_Span], real: list[Change], where: _SpanMap) -> list[Edit]:
        """One edit for a group of earlier edits and new changes that touch each other."""
        changes = [real[index] for _, _, kind, index in group if kind == _CHANGE]
        old = [self.edits[index] for _, _, kind, index in group if kind == _EDIT]
        if not changes:
            return old
        start, end = min(sp[0] for sp in group), max(sp[1] for sp in group)
        src_start = min([e.source_start for e in old] + [where.to_source(c.start, "start") for c in changes])
        src_end = max([e.source_end for e in old] + [where.to_source(c.end, "end") for c in changes])
        after = _splice(self.text[start:end], [(c.start - start, c.end - start, c.after) for c in changes])
        reason = "; ".join(dict.fromkeys(c.reason for c in changes))
        if old:
            reason += " (includes earlier " + ", ".join(f"{e.stage}:{e.rule}" for e in old) + ")"
        return [
            Edit(
                stage=stage,
                rule="+".join(dict.fromkeys(c.rule for c in changes)),
                source_start=src_start,
                source_end=src_end,
                before=self.source[src_start:src_end],
                after=after,
                reason=reason,
            )
        ]

    def _edit_fields(self, stage: str, change: Change, where: _SpanMap) -> dict[str, str | int]:
        """The fields of the edit for a change that touches no earlier edit."""
        start, end = where.to_source(change.start, "start"), where.to_source(change.end, "end")
        return {
            "stage": stage,
            "rule": change.rule,
            "source_start": start,
            "source_end": end,
            "before": self.source[start:end],
            "after": change.after,
            "reason": change.reason,
        }

    def _shift_flag(self, flag: Flag, changes: list[Change]) -> Flag:
        new_start = _map_position(flag.start, changes, side="start")
        new_end = max(new_start, _map_position(flag.end, changes, side="end"))
        if (new_start, new_end) == (flag.start, flag.end):
            return flag
        return flag.model_copy(update={"start": new_start, "end": new_end})

    def _locate(self, flag: Flag, where: _SpanMap) -> Flag:
        update: dict[str, object] = {"text": self.text[flag.start : flag.end]}
        if where.overlaps(flag.start, flag.end):
            update |= {"source_start": None, "source_end": None}
        else:
            update |= {"source_start": where.to_source(flag.start), "source_end": where.to_source(flag.end, "end")}
        return flag.model_copy(update=update)


class _SpanMap:
    """Where each edit's ``after`` stands in the current text, for mapping positions to the input."""

    def __init__(self, edits: Sequence[Edit]) -> None:
        self.edits = edits
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.shift_before = [0]  # shift_before[i]: how much edits[:i] lengthened the text
        for edit in edits:
            start = edit.source_start + self.shift_before[-1]
            self.starts.append(start)
            self.ends.append(start + len(edit.after))
            self.shift_before.append(self.shift_before[-1] + len(edit.after) - len(edit.before))

    def to_source(self, position: int, side: str = "start") -> int:
        """Map a current position to the input; strictly inside an edit it snaps to the edit's edge.

        Text an edit deleted right at ``position`` lies before a start and after an end: a span
        mapped with both sides holds none of it.
        """
        if not self.edits:
            return position
        index = bisect.bisect_right(self.ends, position)  # edits[:index] end at or before position
        if side == "end":
            while index > 0 and self.starts[index - 1] == self.ends[index - 1] == position:
                index -= 1  # a deletion here comes after the end
        if index < len(self.edits) and self.starts[index] < position:
            edit = self.edits[index]
            return edit.source_start if side == "start" else edit.source_end
        return position - self.shift_before[index]

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` shares a character with text some edit produced."""
        index = bisect.bisect_right(self.ends, start)
        return index < len(self.edits) and self.starts[index] < end


def _groups(spans: list[_Span]) -> list[list[_Span]]:
    """Split sorted spans into runs that must be merged into one edit.

    >>> _groups([(0, 2, _EDIT, 0), (1, 3, _CHANGE, 0), (3, 3, _CHANGE, 1), (5, 6, _CHANGE, 2)])
    [[(0, 2, 0, 0), (1, 3, 1, 0), (3, 3, 1, 1)], [(5, 6, 1, 2)]]
    """
    groups: list[list[_Span]] = []
    group_end = -1  # the furthest end in the last group: a span starting after it conflicts with none
    insertion = False  # whether the last group has an insertion: only those conflict by touching
    for span in spans:
        start, end = span[0], span[1]
        may_conflict = start < group_end or (start == group_end and (start == end or insertion))
        if may_conflict and any(_conflict(start, end, other[0], other[1]) for other in groups[-1]):
            groups[-1].append(span)
            group_end = max(group_end, end)
            insertion = insertion or start == end
        else:
            groups.append([span])
            group_end, insertion = end, start == end
    return groups


def _map_position(position: int, changes: list[Change], side: str) -> int:
    """Where ``position`` ends up after ``changes``.

    A position inside a change snaps to that change's start (``side="start"``) or end
    (``side="end"``); an insertion exactly at a flag's start goes before it, one at its end
    after it.
    """
    delta = 0
    for change in changes:
        insertion_here = change.start == change.end == position
        before = change.end < position or (change.end == position and not insertion_here)
        if before or (insertion_here and side == "start"):
            delta += len(change.after) - (change.end - change.start)
            continue
        if change.start < position < change.end:
            return change.start + delta + (0 if side == "start" else len(change.after))
        break
    return position + delta


def _splice(text: str, replacements: Sequence[tuple[int, int, str]]) -> str:
    pieces, last = [], 0
    for start, end, after in replacements:
        pieces += [text[last:start], after]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def apply_edits(source: str, edits: Sequence[Edit]) -> str:
    """Rebuild the cleaned text from the input and the edits.

    >>> e = Edit(stage="s", rule="r", source_start=0, source_end=1, before="a", after="A", reason="")
    >>> apply_edits("abc", [e])
    'Abc'
    >>> from dataclasses import replace
    >>> apply_edits("abc", [e, replace(e, source_end=2, before="ab")])
    Traceback (most recent call last):
    ...
    ValueError: edit s:r at 0-2 overlaps the edit before it (0-1): edits must not overlap
    """
    ordered = _ordered(edits)
    for edit in ordered:
        if edit.source_end > len(source):
            msg = f"edit {edit.stage}:{edit.rule} ends at {edit.source_end}, past the end of the input ({len(source)})"
            raise ValueError(msg)
        if source[edit.source_start : edit.source_end] != edit.before:
            msg = f"edit {edit.stage}:{edit.rule} does not match the input at {edit.source_start}"
            raise ValueError(msg)
    return _splice(source, [(e.source_start, e.source_end, e.after) for e in ordered])


def _ordered(edits: Sequence[Edit]) -> list[Edit]:
    """``edits`` in input order; a ``ValueError`` when two of them overlap (their result
    would depend on the order they are applied in)."""
    ordered = sorted(edits, key=lambda e: (e.source_start, e.source_end))
    for earlier, edit in pairwise(ordered):
        if edit.source_start < earlier.source_end:
            msg = (
                f"edit {edit.stage}:{edit.rule} at {edit.source_start}-{edit.source_end} overlaps the edit before it "
                f"({earlier.source_start}-{earlier.source_end}): edits must not overlap"
            )
            raise ValueError(msg)
    return ordered


def cleaned_spans(edits: Sequence[Edit]) -> Iterator[tuple[int, int, int]]:
    """``(index, start, end)`` of each edit's output in the cleaned text, in text order.

    >>> e = Edit(stage="s", rule="r", source_start=2, source_end=4, before="xx", after="", reason="")
    >>> list(cleaned_spans([e]))
    [(0, 2, 2)]
    """
    delta = 0
    for index in sorted(range(len(edits)), key=lambda i: (edits[i].source_start, edits[i].source_end)):
        edit = edits[index]
        start = edit.source_start + delta
        yield index, start, start + len(edit.after)
        delta += len(edit.after) - len(edit.before)


def revert_edits(cleaned: str, edits: Sequence[Edit]) -> str:
    """Rebuild the input from the cleaned text and the edits.

    >>> e = Edit(stage="s", rule="r", source_start=0, source_end=1, before="a", after="A", reason="")
    >>> revert_edits("Abc", [e])
    'abc'
    """
    ordered = _ordered(edits)
    replacements, delta = [], 0
    for edit in ordered:
        start = edit.source_start + delta
        end = start + len(edit.after)
        if cleaned[start:end] != edit.after:
            msg = f"edit {edit.stage}:{edit.rule} does not match the cleaned text at {start}"
            raise ValueError(msg)
        replacements.append((start, end, edit.before))
        delta += len(edit.after) - len(edit.before)
    return _splice(cleaned, replacements)
