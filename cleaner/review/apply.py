"""``cleaner apply``: the final texts of a reviewed run.

For one document, starting from its input (the cleaned text with every edit reverted):

1. every change is kept, reverted (its ``before`` comes back) or replaced by the reviewer's
   own text, by its decision or, when undecided, by :class:`ApplyConfig`;
2. every accepted flag's suggestion (or the reviewer's text), and every line the reviewer
   removed, replaces its span, as changes of a ``review`` step on top of step 1.

The kept edits keep their stage and rule; step 2 goes through :class:`~cleaner.trace.Trace`,
so the final edits are again non-overlapping spans of the input and
``apply_edits(input, final.edits) == final.text``. A flag whose span covers a change that
step 1 reverted or corrected cannot be placed any more: it is skipped and listed as a
conflict (in the document's metadata under ``review_conflicts``). An undecided flag on text
that step 2 replaced (a line the reviewer removed) goes with it, counted in the stats as
``flags_gone_with_their_text``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cleaner.errors import ConfigError
from cleaner.model import DocumentResult, Edit, Flag, Report, Summary
from cleaner.report.writer import RunWriter
from cleaner.review.decisions import (
    REVIEW_FILE,
    Decision,
    document_keys,
    drop_span,
    load_review,
    stale_decisions,
    valid_decisions,
)
from cleaner.trace import Change, Trace, apply_edits, cleaned_spans, revert_edits

REVIEW_STAGE = "review"


class ApplyConfig(BaseModel):
    """What happens to items nobody decided on (section ``review:`` of an apply config file)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    undecided_changes: Literal["keep", "revert"] = Field(
        default="keep", description="An undecided change stays as the pipeline made it, or is reverted."
    )
    undecided_flags: Literal["skip", "apply"] = Field(
        default="skip", description="An undecided flag is left alone, or its best suggestion is applied."
    )
    min_score: float = Field(
        default=0.0, ge=0.0, le=1.0, description="With `undecided_flags: apply`, only flags scoring at least this."
    )


@dataclass(frozen=True)
class Applied:
    """One document after review: the final result and the input it is an edit of."""

    result: DocumentResult
    source: str
    conflicts: tuple[str, ...]
    skipped: frozenset[str] = frozenset()
    """The items of the conflicts: decisions that could not be placed."""


@dataclass(frozen=True)
class _Shift:
    """An original edit's span in the cleaned text and how long its output is after step 1."""

    start: int
    end: int
    growth: int  # new length of the edit's output minus its length in the cleaned text
    changed: bool


def _decide_edit(edit: Edit, decision: Decision | None, config: ApplyConfig, counts: Counter[str]) -> Edit | None:
    """The edit as step 1 keeps it, or ``None`` when it is reverted."""
    verdict = decision.verdict if decision is not None else None
    if verdict == "custom" and decision is not None and decision.text is not None:
        counts["changes_corrected"] += 1
        if decision.text == edit.before:
            return None
        return replace(
            edit,
            stage=REVIEW_STAGE,
            rule=f"custom:{edit.stage}:{edit.rule}",
            after=decision.text,
            reason=f"reviewer's correction of: {edit.reason}",
        )
    if verdict is None:
        counts["changes_undecided"] += 1
        verdict = "accept" if config.undecided_changes == "keep" else "reject"
    counts["changes_kept" if verdict == "accept" else "changes_reverted"] += 1
    return edit if verdict == "accept" else None


def _map(span: tuple[int, int], shifts: list[_Shift]) -> tuple[int, int] | None:
    """Where a cleaned-text span lies after step 1, or ``None`` when step 1 changed inside it."""
    start, end = span
    new_start, new_end = start, end
    for shift in shifts:
        if not shift.changed:
            continue
        inside = start < shift.end and shift.start < end
        if inside or (shift.start == shift.end and start < shift.start < end):
            return None
        if shift.end <= start:
            new_start += shift.growth
        if shift.end < end or (shift.end == end and shift.start < end):
            new_end += shift.growth
    return new_start, max(new_start, new_end)


def _flag_text(flag: Flag, decision: Decision | None, config: ApplyConfig, counts: Counter[str]) -> str | None:
    """The replacement for a flag's span, or ``None`` when it stays as it is."""
    if decision is None:
        counts["flags_undecided"] += 1
        if config.undecided_flags == "apply" and flag.suggestions and flag.score >= config.min_score:
            return flag.suggestions[0]
        return None
    if decision.verdict == "reject" or decision.text is None:
        counts["flags_dismissed"] += 1
        return None
    return decision.text


@dataclass(frozen=True)
class _Wanted:
    """A replacement step 2 would make in step 1's text, and what it counts as once placed."""

    start: int
    end: int
    after: str
    rule: str
    reason: str
    label: str  # for a conflict's message
    item: str
    counter: str  # flags_applied, flags_corrected or lines_dropped
    by_config: bool = False  # an undecided flag applied by --undecided-flags apply
    score: float = 1.0

    def overlaps(self, other: _Wanted) -> bool:
        return self.start < other.end and other.start < self.end


def _review_changes(
    result: DocumentResult, decisions: dict[str, Decision], config: ApplyConfig, shifts: list[_Shift]
) -> tuple[list[Change], list[Flag], dict[str, str], Counter[str]]:
    """Step 2's changes (in step 1's text), the flags carried over, conflicts (by item) and counts."""
    counts: Counter[str] = Counter()
    wanted: list[_Wanted] = []
    carried: list[Flag] = []
    conflicts: dict[str, str] = {}
    for index, flag in enumerate(result.flags):
        decision = decisions.get(f"f{index}")
        text = _flag_text(flag, decision, config, counts)
        span = _map((flag.start, flag.end), shifts)
        label = f"f{index} {flag.rule} {flag.text!r}"
        if span is None:
            if text is not None and decision is None:  # applied by the config, not by the reviewer
                counts["flags_not_applied_text_changed"] += 1
            elif text is not None:
                conflicts[f"f{index}"] = f"{label}: its text was changed by a reverted or corrected change"
            continue
        if text is None:
            if decision is None:
                carried.append(flag.model_copy(update={"start": span[0], "end": span[1]}))
            continue
        verb = "accepted" if decision is None or decision.verdict == "accept" else "corrected"
        reason = f"{flag.message} ({verb} by the reviewer)" if decision else f"{flag.message} (applied by config)"
        counter = "flags_applied" if verb == "accepted" else "flags_corrected"
        rule = f"{verb}:{flag.stage}:{flag.rule}"
        wanted.append(_Wanted(*span, text, rule, reason, label, f"f{index}", counter, decision is None, flag.score))
    for item_id, decision in decisions.items():
        dropped = drop_span(item_id)
        if dropped is None or decision.verdict == "reject":
            continue
        span = _map(dropped, shifts)
        if span is None:
            conflicts[item_id] = f"{item_id}: the line was changed by a reverted or corrected change"
            continue
        text = decision.text or ""
        wanted.append(_Wanted(*span, text, "drop-line", "removed by the reviewer", item_id, item_id, "lines_dropped"))
    changes = _placed(wanted, conflicts, counts)
    # An undecided flag on text the reviewer replaced (a removed line, a word another flag
    # corrected) points at nothing any more: it goes, counted.
    kept = [f for f in carried if not any(f.start < c.end and c.start < f.end for c in changes)]
    counts["flags_gone_with_their_text"] += len(carried) - len(kept)
    counts["conflicts"] += len(conflicts)
    return changes, kept, conflicts, counts


def _placed(wanted: list[_Wanted], conflicts: dict[str, str], counts: Counter[str]) -> list[Change]:
    """The wanted changes that fit together, in text order; the others are counted or made conflicts.

    The reviewer's decisions are placed first, in text order: one that overlaps an earlier one
    is a conflict. Flags applied by the config go where they fit, the surest first; two stages
    flagging the same word is no conflict of anyone's corrections.
    """
    placed: list[_Wanted] = []
    for want in sorted(wanted, key=lambda w: (w.by_config, -w.score if w.by_config else 0.0, w.start, w.end)):
        if any(want.overlaps(other) for other in placed):
            if want.by_config:
                counts["flags_not_applied_overlapping"] += 1
            else:
                conflicts[want.item] = f"{want.label}: overlaps another accepted correction; skipped"
            continue
        placed.append(want)
        counts[want.counter] += 1
    return [Change(w.start, w.end, w.after, w.rule, w.reason) for w in sorted(placed, key=lambda w: (w.start, w.end))]


def apply_document(result: DocumentResult, decisions: dict[str, Decision], config: ApplyConfig) -> Applied:
    """The final form of one document under the reviewer's ``decisions``.

    >>> e = Edit(stage="s", rule="r", source_start=0, source_end=3, before="Ad\\n", after="", reason="ad")
    >>> r = DocumentResult(id="d", source="-", text="Text", edits=[e])
    >>> apply_document(r, {}, ApplyConfig()).result.text
    'Text'
    >>> apply_document(r, {}, ApplyConfig(undecided_changes="revert")).result.text
    'Ad\\nText'
    """
    source = revert_edits(result.text, result.edits)
    if result.failed:
        return Applied(result, source, ())
    decisions = valid_decisions(result, decisions)
    counts: Counter[str] = Counter()
    kept, shifts = [], []
    for index, start, end in cleaned_spans(result.edits):
        edit = result.edits[index]
        new = _decide_edit(edit, decisions.get(f"e{index}"), config, counts)
        if new is not None:
            kept.append(new)
        growth = (len(new.after) if new is not None else len(edit.before)) - len(edit.after)
        shifts.append(_Shift(start, end, growth, new != edit))
    trace = Trace(source)
    # Step 1 is a subset of edits that never overlap, so it is set directly (keeping each
    # edit's own stage and rule) rather than replayed as one stage's changes.
    trace.edits = sorted(kept, key=lambda e: (e.source_start, e.source_end))
    trace.text = apply_edits(source, trace.edits)
    changes, carried, conflicts, flag_counts = _review_changes(result, decisions, config, shifts)
    counts.update(flag_counts)
    trace.add_flags(carried)
    trace.apply(REVIEW_STAGE, changes)
    stats = {**result.stats, REVIEW_STAGE: _review_stats(counts, trace.text != result.text, len(changes))}
    messages = list(conflicts.values())
    metadata = {**result.metadata, **({"review_conflicts": messages} if messages else {})}
    final = result.model_copy(
        update={"text": trace.text, "edits": trace.edits, "flags": trace.flags(), "stats": stats, "metadata": metadata}
    )
    return Applied(final, source, tuple(messages), frozenset(conflicts))


def _review_stats(counts: Counter[str], changed: bool, edits: int) -> dict[str, int]:
    return {"documents": 1, "changed": int(changed), "edits": edits, **{k: v for k, v in counts.items() if v}}


def load_report(out_dir: Path) -> Report:
    """The ``report.json`` of a finished run in ``out_dir``."""
    path = out_dir / "report.json"
    try:
        return Report.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        msg = f"{path} not found: give the --out folder of a finished `cleaner run`"
        raise ConfigError(msg) from None
    except ValueError as exc:
        msg = f"{path} is not a report of `cleaner run`: {str(exc).splitlines()[0]}"
        raise ConfigError(msg) from None


def stale_in(out_dir: Path) -> int:
    """How many decisions in the folder's ``review.json`` fit no item of its ``report.json``
    (0 without a review)."""
    if not (out_dir / REVIEW_FILE).is_file():
        return 0
    return stale_decisions(load_report(out_dir).documents, load_review(out_dir / REVIEW_FILE).decisions)


@dataclass(frozen=True)
class AppliedRun:
    """What :func:`apply_run` did: the totals, the decisions that could not be placed, and those
    that fit no item of the run (made on an earlier run into the same folder)."""

    summary: Summary
    conflicts: int
    stale: int


def apply_run(out_dir: Path, to: Path, config: ApplyConfig) -> AppliedRun:
    """Write the final texts, diffs and report of a reviewed run into ``to``."""
    if to.resolve() == out_dir.resolve():
        msg = f"--to {to} is the run folder itself: its report.json is what review.json refers to; choose another"
        raise ConfigError(msg)
    report = load_report(out_dir)
    review = load_review(out_dir / REVIEW_FILE)
    writer = RunWriter(to, [*report.summary.stages, REVIEW_STAGE])
    conflicts = 0
    try:
        for key, result in zip(document_keys(report.documents), report.documents, strict=True):
            applied = apply_document(result, review.decisions.get(key, {}), config)
            conflicts += len(applied.conflicts)
            writer.add(applied.result, applied.source)
    except BaseException:
        writer.discard()
        raise
    return AppliedRun(writer.close(), conflicts, stale_decisions(report.documents, review.decisions))
