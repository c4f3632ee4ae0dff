"""review.json: decisions, undo steps, and atomic saving."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cleaner.errors import ConfigError
from cleaner.review import decisions as decisions_module
from cleaner.review.decisions import Change, Decision, DecisionStore, load_review

ACCEPT = Decision(verdict="accept", check="abc")
REJECT = Decision(verdict="reject", check="abc")


def test_decisions_are_saved_at_once_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "review.json"
    store = DecisionStore(path)
    store.apply([Change("doc", "e0", ACCEPT)], "accept e0")
    assert load_review(path).decisions == {"doc": {"e0": ACCEPT}}
    again = DecisionStore(path)
    assert again.decisions("doc") == {"e0": ACCEPT}


def test_undo_restores_the_previous_state_step_by_step(tmp_path: Path) -> None:
    store = DecisionStore(tmp_path / "review.json")
    store.apply([Change("doc", "e0", ACCEPT)], "one")
    store.apply([Change("doc", "e0", REJECT), Change("doc", "f1", ACCEPT)], "bulk")
    undone = store.undo()
    assert undone is not None and undone.label == "bulk"
    assert store.decisions("doc") == {"e0": ACCEPT}
    assert DecisionStore(tmp_path / "review.json").decisions("doc") == {"e0": ACCEPT}
    store.undo()
    assert store.decisions("doc") == {}
    assert store.undo() is None


def test_a_no_op_is_not_a_step(tmp_path: Path) -> None:
    store = DecisionStore(tmp_path / "review.json")
    store.apply([Change("doc", "e0", ACCEPT)], "one")
    assert store.apply([Change("doc", "e0", ACCEPT)], "same again") is None
    assert len(store.data.history) == 1


def test_a_failed_write_leaves_the_good_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "review.json"
    store = DecisionStore(path)
    store.apply([Change("doc", "e0", ACCEPT)], "one")
    good = path.read_bytes()

    def crash(fd: int) -> None:  # the new file is written but the disk gives out before it is complete
        msg = "disk full"
        raise OSError(msg)

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        store.apply([Change("doc", "e1", REJECT)], "two")
    assert path.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["review.json"]
    assert store.decisions("doc") == {"e0": ACCEPT}  # what the page is told matches the file
    with pytest.raises(OSError, match="disk full"):
        store.undo()
    assert store.decisions("doc") == {"e0": ACCEPT}
    assert len(store.data.history) == 1


def test_a_half_written_file_is_refused_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "review.json"
    path.write_text('{"version": 1, "decisions": {"doc": {"e0": {"verd', encoding="utf-8")
    with pytest.raises(ConfigError, match="not a valid review file"):
        DecisionStore(path)


def test_a_custom_decision_needs_text() -> None:
    with pytest.raises(ValueError, match="needs its text"):
        Decision(verdict="custom", check="abc")


def test_drop_span_parses_only_drop_ids() -> None:
    assert decisions_module.drop_span("x3-9") == (3, 9)
    assert decisions_module.drop_span("x3") is None


def test_a_second_writer_is_noticed_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "review.json"
    one, two = DecisionStore(path), DecisionStore(path)
    one.apply([Change("doc", "e0", ACCEPT)], "one")
    with pytest.raises(ConfigError, match="changed by another program"):
        two.apply([Change("doc", "e1", REJECT)], "two")
    assert load_review(path).decisions == {"doc": {"e0": ACCEPT}}
    assert two.decisions("doc") == {}
