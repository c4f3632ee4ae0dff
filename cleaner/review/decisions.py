"""A reviewer's decisions on one run: the model of ``OUT_DIR/review.json`` and its store.

Every change (edit) and flag of a document is an *item* with an id: ``e<n>`` is the n-th edit
of the document in ``report.json``, ``f<n>`` the n-th flag, and ``x<start>-<end>`` a line the
reviewer removed that nothing had touched (its span in the cleaned text). Documents are keyed
by id (a repeated id gets ``~2``, ``~3``, as the output files do).

A :class:`Decision` says what to do with an item:

* ``accept``: keep a change; for a flag, replace its span by ``text`` (one of its suggestions);
* ``reject``: revert a change (its ``before`` comes back); leave a flag's text alone;
* ``custom``: the reviewer's own ``text`` replaces the change's output or the flag's span.

Each decision carries the ``check`` of the item it was made on (a digest of the edit or
flag), so decisions made on an older ``report.json`` are noticed rather than misapplied.
Every action is one undoable :class:`Step` holding what the items were before it. The store
writes the whole file atomically after every action: a reload or a restart finds it as it was,
and a crash mid-write leaves the previous file in place.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cleaner.errors import ConfigError
from cleaner.model import EDIT, DocumentResult, Edit, Flag
from cleaner.report.files import atomic_writer

REVIEW_FILE = "review.json"
Verdict = Literal["accept", "reject", "custom"]
# Item ids: e<n> (an edit), f<n> (a flag), x<start>-<end> (a line the reviewer removes), in
# ASCII digits without leading zeros, so that each item has exactly one id; at most 15 of
# them (no text is that long, and Python refuses to read a number of over 4,300 digits).
_NUMBER = r"(0|[1-9][0-9]{0,14})"
_ITEM_ID = re.compile(rf"([ef]){_NUMBER}")
_DROP_ID = re.compile(rf"x{_NUMBER}-{_NUMBER}")


class Decision(BaseModel):
    """What the reviewer decided about one item."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    verdict: Verdict
    text: str | None = Field(
        default=None, description="For an accepted flag the chosen suggestion; for `custom` the reviewer's text."
    )
    check: str = Field(description="Digest of the item decided on (see `item_check`).")

    @model_validator(mode="after")
    def _text_when_needed(self) -> Decision:
        if self.verdict == "custom" and self.text is None:
            msg = "a custom decision needs its text"
            raise ValueError(msg)
        return self


class Prior(BaseModel):
    """An item's decision before a step (``None``: it was undecided)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    doc: str
    item: str
    decision: Decision | None = None


class Step(BaseModel):
    """One undoable action: a single decision or a bulk one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    prior: list[Prior]


class ReviewFile(BaseModel):
    """The content of ``review.json``."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    decisions: dict[str, dict[str, Decision]] = Field(
        default_factory=dict, description="Document key -> item id -> decision."
    )
    history: list[Step] = Field(default_factory=list, description="Actions, oldest first, for undo.")


# -- items ---------------------------------------------------------------------------------


def item_check(item: Edit | Flag | str) -> str:
    """A short digest of an edit, a flag or a removed line's text.

    >>> item_check("Share this")
    '040c04d8782d'
    """
    if isinstance(item, str):
        data = item.encode("utf-8")
    else:
        data = EDIT.dump_json(item) if isinstance(item, Edit) else item.model_dump_json().encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:12]


def drop_span(item_id: str) -> tuple[int, int] | None:
    """The cleaned-text span of a reviewer's line removal, from its id.

    >>> drop_span("x10-25"), drop_span("e3")
    ((10, 25), None)
    """
    match = _DROP_ID.fullmatch(item_id)
    return (int(match.group(1)), int(match.group(2))) if match else None


def subject(result: DocumentResult, item_id: str) -> Edit | Flag | str | None:
    """The edit, flag or removable line an item id names in ``result``, or ``None``.

    >>> r = DocumentResult(id="d", source="-", text="One line\\n", flags=[])
    >>> subject(r, "x0-9"), subject(r, "x00-9"), subject(r, "f0"), subject(r, "f\\u00b2")
    ('One line\\n', None, None, None)
    """
    match = _ITEM_ID.fullmatch(item_id)
    if match is not None:
        items: list[Edit] | list[Flag] = result.edits if match.group(1) == "e" else result.flags
        index = int(match.group(2))
        return items[index] if index < len(items) else None
    span = drop_span(item_id)
    if span is None or not span[0] < span[1] <= len(result.text):
        return None
    return result.text[span[0] : span[1]]


def document_keys(results: Iterable[DocumentResult]) -> list[str]:
    """Keys of documents in report order: the id, with ``~n`` for its n-th repeat.

    >>> document_keys([DocumentResult(id=i, source="-", text="") for i in ("a", "b", "a")])
    ['a', 'b', 'a~2']
    """
    seen: dict[str, int] = {}
    keys = []
    for result in results:
        seen[result.id] = seen.get(result.id, 0) + 1
        keys.append(result.id if seen[result.id] == 1 else f"{result.id}~{seen[result.id]}")
    return keys


def valid_decisions(result: DocumentResult, decisions: dict[str, Decision]) -> dict[str, Decision]:
    """The decisions that still fit the document's items (stale ones are left out)."""
    kept = {}
    for item_id, decision in decisions.items():
        target = subject(result, item_id)
        if target is not None and decision.check == item_check(target):
            kept[item_id] = decision
    return kept


def stale_decisions(results: Sequence[DocumentResult], decisions: dict[str, dict[str, Decision]]) -> int:
    """How many of ``decisions`` (by document key) fit no item of ``results``: made on an
    earlier run into the same folder, whose document or item is gone or has changed.

    >>> r = DocumentResult(id="d", source="-", text="One line\\n")
    >>> stale_decisions([r], {"d": {"x0-9": Decision(verdict="accept", check=item_check("One line\\n")),
    ...                             "e0": Decision(verdict="reject", check="0")}, "gone": {}})
    1
    """
    found = dict(zip(document_keys(results), results, strict=True))
    stale = 0
    for key, made in decisions.items():
        result = found.get(key)
        stale += len(made) - (len(valid_decisions(result, made)) if result is not None else 0)
    return stale


def stale_note(stale: int) -> str:
    """What the commands say about :func:`stale_decisions`.

    >>> stale_note(1)
    '1 decision in review.json fits no change or flag of this run (made on an earlier run into this folder)'
    """
    decisions, fit = ("decision", "fits") if stale == 1 else ("decisions", "fit")
    where = "made on an earlier run into this folder"
    return f"{stale} {decisions} in {REVIEW_FILE} {fit} no change or flag of this run ({where})"


def check_decision(result: DocumentResult, item_id: str, decision: Decision) -> str | None:
    """Why ``decision`` cannot be made on ``item_id``, or ``None`` when it can."""
    target = subject(result, item_id)
    if target is None:
        return f"document {result.id} has no item {item_id}"
    if decision.check != item_check(target):
        return f"item {item_id} of {result.id} is not the one decided on (report.json changed?)"
    if isinstance(target, Flag) and decision.verdict == "accept":
        if decision.text not in target.suggestions:
            return "accepting a flag takes one of its suggestions (your own text is a `custom` decision)"
        return None
    if isinstance(target, str):
        return _line_removal_problem(result.text, item_id, decision)
    if decision.verdict != "custom" and decision.text is not None:
        return f"{decision.verdict} takes no text (your own text is a `custom` decision)"
    return None


def _line_removal_problem(text: str, item_id: str, decision: Decision) -> str | None:
    """Why a line removal cannot be made: it must take whole lines, and put nothing in their place."""
    if decision.verdict == "reject":
        return "a reviewer's line removal is undone, not rejected"
    if decision.text:
        return "a line removal puts nothing in the line's place"
    span = drop_span(item_id)
    assert span is not None, "only a line removal's item names a str"
    start, end = span
    if (start > 0 and text[start - 1] != "\n") or (end < len(text) and text[end - 1] != "\n"):
        return f"{item_id} is not whole lines of the text: a removal runs from a line's start to its end"
    return None


# -- the store -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One item's new state in an action (``decision=None`` clears it)."""

    doc: str
    item: str
    decision: Decision | None = None


class DecisionStore:
    """``review.json`` in memory, written through atomically on every action (thread-safe)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.data = load_review(path)
        self._on_disk = _read_bytes(path)  # to notice another writer (a second `cleaner review`)

    def decisions(self, doc: str) -> dict[str, Decision]:
        """A copy of one document's decisions."""
        with self._lock:
            return dict(self.data.decisions.get(doc, {}))

    def apply(self, changes: list[Change], label: str) -> Step | None:
        """Make ``changes`` as one undoable step and save; no-op changes are dropped."""
        with self._lock:
            real = [c for c in changes if self.data.decisions.get(c.doc, {}).get(c.item) != c.decision]
            if not real:
                return None
            step = Step(label=label, prior=[self._set(c.doc, c.item, c.decision) for c in real])
            self.data.history.append(step)
            try:
                self._save()
            except BaseException:  # not saved: memory goes back to what the file holds
                self.data.history.pop()
                self._restore(step)
                raise
            return step

    def undo(self) -> Step | None:
        """Undo the last step and save; ``None`` when there is nothing to undo."""
        with self._lock:
            if not self.data.history:
                return None
            step = self.data.history.pop()
            redo = Step(label=step.label, prior=self._restore(step))
            try:
                self._save()
            except BaseException:
                self._restore(redo)
                self.data.history.append(step)
                raise
            return step

    def _restore(self, step: Step) -> list[Prior]:
        """Put back the states a step recorded; returns the states it replaced."""
        return [self._set(p.doc, p.item, p.decision) for p in reversed(step.prior)]

    def _set(self, doc: str, item: str, decision: Decision | None) -> Prior:
        items = self.data.decisions.setdefault(doc, {})
        prior = Prior(doc=doc, item=item, decision=items.get(item))
        if decision is None:
            items.pop(item, None)
        else:
            items[item] = decision
        if not items:
            del self.data.decisions[doc]
        return prior

    def _save(self) -> None:
        if _read_bytes(self.path) != self._on_disk:
            msg = f"{self.path} was changed by another program (a second `cleaner review` on this run?); restart"
            raise ConfigError(msg)
        text = self.data.model_dump_json(indent=1, exclude_none=True) + "\n"
        with atomic_writer(self.path) as handle:
            handle.write(text)
        self._on_disk = text.encode("utf-8")


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def load_review(path: Path) -> ReviewFile:
    """Read ``review.json``; a missing file is an empty review, a broken one an error."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return ReviewFile()
    try:
        return ReviewFile.model_validate_json(raw)  # bytes that are not UTF-8 fail validation
    except ValidationError as exc:
        first = exc.errors()[0]["msg"]
        msg = f"{path} is not a valid review file ({first}); move it away to start a new review"
        raise ConfigError(msg) from None
