"""The review app's actions on a run, independent of HTTP: views, decisions, bulk, undo.

Requests arrive as parsed JSON; a request that makes no sense raises :class:`BadRequest`
with a message for the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cleaner.review.apply import ApplyConfig, load_report
from cleaner.review.decisions import (
    REVIEW_FILE,
    Change,
    Decision,
    DecisionStore,
    check_decision,
    document_keys,
    item_check,
    stale_decisions,
    subject,
)
from cleaner.review.view import BulkSpec, bulk_decisions, document_list, document_view


class BadRequest(ValueError):
    """A request the app refuses, with the reason to show."""


class ReviewState:
    """A finished run in ``out_dir`` and the decisions being made on it."""

    def __init__(self, out_dir: Path, config: ApplyConfig | None = None) -> None:
        self.out_dir = out_dir
        self.config = config or ApplyConfig()
        self.report = load_report(out_dir)
        self.keys = document_keys(self.report.documents)
        self.store = DecisionStore(out_dir / REVIEW_FILE)

    def run_view(self) -> dict[str, Any]:
        """The side bar: every document with its counts, the run summary, the undo depth."""
        return {
            "out_dir": str(self.out_dir),
            "documents": document_list(self.report, self.store.data.decisions),
            "summary": self.report.summary.model_dump(),
            "config": self.config.model_dump(),
            "undo": len(self.store.data.history),
            "stale": self.stale(),
            "last_step": self.store.data.history[-1].label if self.store.data.history else None,
        }

    def stale(self) -> int:
        """How many decisions fit no item of this run (see :func:`stale_decisions`)."""
        return stale_decisions(self.report.documents, self.store.data.decisions)

    def doc_view(self, index: int) -> dict[str, Any]:
        """One document as the page shows it."""
        self._check_index(index)
        key = self.keys[index]
        return document_view(index, key, self.report.documents[index], self.store.decisions(key), self.config)

    def decide(self, body: dict[str, Any]) -> dict[str, Any]:
        """Set (or clear, with ``verdict: null``) the decision on one item of one document."""
        index = _int(body.get("doc"), "doc")
        self._check_index(index)
        result, key, item = self.report.documents[index], self.keys[index], str(body.get("item", ""))
        target = subject(result, item)
        if target is None:
            msg = f"document {result.id} has no item {item!r}"
            raise BadRequest(msg)
        verdict = body.get("verdict")
        decision = None
        if verdict is not None:
            try:
                decision = Decision(verdict=verdict, text=body.get("text"), check=item_check(target))
            except ValidationError as exc:
                msg = f"not a decision: {exc.errors()[0]['msg']}"
                raise BadRequest(msg) from None
            problem = check_decision(result, item, decision)
            if problem:
                raise BadRequest(problem)
        label = f"{verdict or 'clear'} {item} of {result.id}"
        self.store.apply([Change(key, item, decision)], label)
        return self.doc_view(index)

    def bulk(self, body: dict[str, Any]) -> dict[str, Any]:
        """Accept or reject, as one undoable step, every undecided item that matches the filters."""
        verdict = body.get("verdict")
        if verdict not in ("accept", "reject"):
            msg = "a bulk action is accept or reject"
            raise BadRequest(msg)
        spec = BulkSpec(
            verdict=verdict,
            stage=_opt_str(body.get("stage")),
            rule=_opt_str(body.get("rule")),
            kind=_opt_str(body.get("kind")),
            type=_opt_str(body.get("type")),
            min_score=_opt_score(body.get("min_score")),
        )
        scope = range(len(self.keys)) if body.get("doc") is None else [_int(body.get("doc"), "doc")]
        changes = []
        for index in scope:
            self._check_index(index)
            key = self.keys[index]
            decided = bulk_decisions(self.report.documents[index], self.store.decisions(key), spec)
            changes += [Change(key, item, decision) for item, decision in decided]
        what = ", ".join(f"{k}={v}" for k, v in body.items() if k not in ("verdict", "doc") and v is not None)
        where = "every document" if body.get("doc") is None else self.report.documents[scope[0]].id
        self.store.apply(changes, f"{verdict} all ({what or 'everything'}) in {where}: {len(changes)} items")
        return {"count": len(changes), **self.run_view()}

    def undo(self) -> dict[str, Any]:
        """Undo the last action; says which document it touched."""
        step = self.store.undo()
        first = step.prior[0] if step else None
        doc = self.keys.index(first.doc) if first is not None and first.doc in self.keys else None
        item = first.item if first is not None else None
        return {"undone": step.label if step else None, "doc": doc, "item": item, **self.run_view()}

    def _check_index(self, index: int) -> None:
        if not 0 <= index < len(self.keys):
            msg = f"no document number {index}; the run has {len(self.keys)}"
            raise BadRequest(msg)


def _int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"`{name}` must be a document number"
        raise BadRequest(msg)
    return value


def _opt_score(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = "`min_score` must be a number from 0 to 1"
        raise BadRequest(msg)
    return float(value)


def _opt_str(value: object) -> str | None:
    return None if value is None or value == "" else str(value)
