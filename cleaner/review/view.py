"""What the review page is sent: a run's document list, one document with its items and the
preview of the final text, and the items a bulk action selects. Plain JSON-ready data."""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass
from typing import Any

from cleaner.model import DocumentResult, Report
from cleaner.review.apply import ApplyConfig, apply_document, cleaned_spans
from cleaner.review.decisions import Decision, document_keys, drop_span, item_check, valid_decisions

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The two texts as runs of ``equal``, ``delete`` and ``insert`` words (spaces count as words).

    >>> word_diff("the big dog", "the small dog")
    [('equal', 'the '), ('delete', 'big'), ('insert', 'small'), ('equal', ' dog')]
    """
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("equal", "delete", "replace"):
            ops.append(("equal" if tag == "equal" else "delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            ops.append(("insert", "".join(b[j1:j2])))
    return ops


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
        "diff": word_diff(applied.source, applied.result.text),
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
