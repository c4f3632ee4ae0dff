"""What the review page is sent: a run's document list, one document with its items and the
preview of the final text, and the items a bulk action selects. Plain JSON-ready data."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from cleaner.model import DocumentResult, Edit, Report
from cleaner.review.apply import ApplyConfig, apply_document
from cleaner.review.decisions import Decision, document_keys, drop_span, item_check, valid_decisions
from cleaner.trace import cleaned_spans

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
# Regions up to this many (words before x words after) are compared word by word for the
# smallest diff; a larger one is shown as its words deleted and the new ones inserted.
REFINE_LIMIT = 250_000

Op = tuple[str, str]


def word_diff(before: str, after: str, edits: Sequence[Edit] | None = None) -> list[Op]:
    """The two texts as runs of ``equal``, ``delete`` and ``insert`` words (spaces count as words).

    ``edits`` (which turn ``before`` into ``after``) say where the texts differ: only the words
    around each edit are compared, so the time grows with the length of the text, not with its
    square (a whole-text comparison took minutes on a page with thousands of changes, for every
    decision the reviewer made).

    >>> word_diff("the big dog", "the small dog")
    [('equal', 'the '), ('delete', 'big'), ('insert', 'small'), ('equal', ' dog')]
    >>> e = Edit(stage="s", rule="r", source_start=6, source_end=7, before="i", after="a", reason="")
    >>> word_diff("the big dog", "the bag dog", [e])
    [('equal', 'the '), ('delete', 'big'), ('insert', 'bag'), ('equal', ' dog')]
    """
    if edits is None:
        return _compare(before, after)
    ops: list[Op] = []
    done, delta = 0, 0  # how far `before` is shown; len(after) - len(before) up to there
    for start, end, growth in _regions(before, edits):
        ops.append(("equal", before[done:start]))
        ops += _compare(before[start:end], after[start + delta : end + delta + growth])
        done, delta = end, delta + growth
    ops.append(("equal", before[done:]))
    return _joined(ops)


def _compare(before: str, after: str) -> list[Op]:
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    if len(a) * len(b) > REFINE_LIMIT:
        return [("delete", before), ("insert", after)]
    ops: list[Op] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("equal", "delete", "replace"):
            ops.append(("equal" if tag == "equal" else "delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            ops.append(("insert", "".join(b[j1:j2])))
    return ops


def _regions(text: str, edits: Sequence[Edit]) -> Iterator[tuple[int, int, int]]:
    """``(start, end, growth)``: the edits' spans in ``text`` widened to whole words, those that
    meet taken together, with how much longer the edits there make the text."""
    region: list[int] | None = None
    for edit in sorted(edits, key=lambda e: (e.source_start, e.source_end)):
        start, end = edit.source_start, edit.source_end
        while 0 < start < len(text) and _same_token(text[start - 1], text[start]):
            start -= 1
        while 0 < end < len(text) and _same_token(text[end - 1], text[end]):
            end += 1
        growth = len(edit.after) - len(edit.before)
        if region is not None and start <= region[1]:
            region[1], region[2] = end, region[2] + growth  # edits do not overlap: ends only grow
            continue
        if region is not None:
            yield region[0], region[1], region[2]
        region = [start, end, growth]
    if region is not None:
        yield region[0], region[1], region[2]


def _same_token(left: str, right: str) -> bool:
    """Whether two neighbouring characters can belong to one token (a word, or a run of spaces)."""
    return (left.isspace() and right.isspace()) or (_WORD.match(left) is not None and _WORD.match(right) is not None)


_WORD = re.compile(r"\w", re.UNICODE)


def _joined(ops: list[Op]) -> list[Op]:
    """``ops`` without empty runs, neighbours of one kind joined."""
    out: list[Op] = []
    for tag, text in ops:
        if not text:
            continue
        if out and out[-1][0] == tag:
            out[-1] = (tag, out[-1][1] + text)
        else:
            out.append((tag, text))
    return out


@dataclass(frozen=True)
class ItemInfo:
    """What bulk actions and filters look at in an item."""

    item: str
    type: str  # "change" or "flag"
    stage: str
    rule: str
    kind: str
    score: float | None
    best: str | None  # a flag's best suggestion


def items_of(result: DocumentResult) -> list[ItemInfo]:
    """The document's changes then flags."""
    infos = [ItemInfo(f"e{i}", "change", e.stage, e.rule, "change", None, None) for i, e in enumerate(result.edits)]
    infos += [
        ItemInfo(f"f{i}", "flag", f.stage, f.rule, f.kind, f.score, f.suggestions[0] if f.suggestions else None)
        for i, f in enumerate(result.flags)
    ]
    return infos


def pending(result: DocumentResult, decisions: dict[str, Decision]) -> int:
    """How many changes and flags of the document nobody has decided on."""
    decided = valid_decisions(result, decisions)
    return sum(info.item not in decided for info in items_of(result))


def document_list(report: Report, decisions: dict[str, dict[str, Decision]]) -> list[dict[str, Any]]:
    """One row per document for the page's side bar."""
    rows = []
    for index, (key, result) in enumerate(zip(document_keys(report.documents), report.documents, strict=True)):
        rows.append(
            {
                "index": index,
                "key": key,
                "id": result.id,
                "failed": result.failed,
                "changes": len(result.edits),
                "flags": len(result.flags),
                "pending": pending(result, decisions.get(key, {})),
            }
        )
    return rows


def document_view(
    index: int, key: str, result: DocumentResult, decisions: dict[str, Decision], config: ApplyConfig
) -> dict[str, Any]:
    """Everything the page shows of one document."""
    applied = apply_document(result, decisions, config)
    valid = valid_decisions(result, decisions)
    spans = {i: (start, end) for i, start, end in cleaned_spans(result.edits)}
    edits = [
        {"item": f"e{i}", "check": item_check(e), "start": spans[i][0], "end": spans[i][1], **asdict(e)}
        for i, e in enumerate(result.edits)
    ]
    flags = [{"item": f"f{i}", "check": item_check(f), **f.model_dump()} for i, f in enumerate(result.flags)]
    drops = [{"item": k, "start": s[0], "end": s[1]} for k in valid if (s := drop_span(k)) is not None]
    return {
        "index": index,
        "key": key,
        "id": result.id,
        "source": result.source,
        "error": result.error,
        "text": result.text,
        "input": applied.source,
        "edits": edits,
        "flags": flags,
        "drops": drops,
        "decisions": {k: d.model_dump(exclude_none=True) for k, d in valid.items()},
        "pending": pending(result, decisions),
        "final": applied.result.text,
        "diff": word_diff(applied.source, applied.result.text, applied.result.edits),
        "conflicts": list(applied.conflicts),
    }


@dataclass(frozen=True)
class BulkSpec:
    """Which items a bulk action takes: all that match every given field."""

    verdict: str
    stage: str | None = None
    rule: str | None = None
    kind: str | None = None
    type: str | None = None
    min_score: float | None = None
    undecided_only: bool = True


def bulk_decisions(
    result: DocumentResult, decisions: dict[str, Decision], spec: BulkSpec
) -> list[tuple[str, Decision]]:
    """The decisions a bulk action makes in one document (flags without a suggestion cannot be accepted)."""
    valid = valid_decisions(result, decisions)
    made = []
    for info in items_of(result):
        fields = ((spec.stage, info.stage), (spec.rule, info.rule), (spec.kind, info.kind), (spec.type, info.type))
        if any(wanted is not None and wanted != actual for wanted, actual in fields):
            continue
        if spec.min_score is not None and info.score is not None and info.score < spec.min_score:
            continue
        if spec.undecided_only and info.item in valid:
            continue
        text = info.best if info.type == "flag" and spec.verdict == "accept" else None
        if info.type == "flag" and spec.verdict == "accept" and text is None:
            continue
        target = result.edits[int(info.item[1:])] if info.type == "change" else result.flags[int(info.item[1:])]
        made.append((info.item, Decision(verdict=spec.verdict, text=text, check=item_check(target))))  # type: ignore[arg-type]
    return made
