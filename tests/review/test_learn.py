"""`cleaner learn`: spin fingerprints from accepted corrections, boilerplate rules from removed lines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cleaner.boilerplate.packs import load_pack as load_rule_pack
from cleaner.cli import main
from cleaner.config import rules_root
from cleaner.model import DocumentResult, Flag
from cleaner.review.decisions import Decision, item_check
from cleaner.review.learn import learn, line_pattern, propose_rules, spin_entries
from cleaner.review.state import ReviewState
from cleaner.spin.fingerprints import Fingerprint, Fingerprints
from cleaner.spin.fingerprints import load_pack as load_fingerprint_pack
from tests.review.runs import ARTICLE, make_run

PHOTO = "Photo courtesy of the Riverside Press Office\n"
OTHER = f"A second story about the river.\n{PHOTO}It ends here.\nShare this article\n"


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A copy of the shipped rules to learn into."""
    target = tmp_path / "rules"
    shutil.copytree(rules_root(), target)
    return target


def _review(out: Path, doc: int, *, drop_photo: bool) -> ReviewState:
    state = ReviewState(out)
    view = state.doc_view(doc)
    for flag in view["flags"]:
        state.decide({"doc": doc, "item": flag["item"], "verdict": "accept", "text": flag["suggestions"][0]})
    for edit in view["edits"]:
        state.decide({"doc": doc, "item": edit["item"], "verdict": "accept"})
    if drop_photo:
        start = view["text"].index(PHOTO)
        state.decide({"doc": doc, "item": f"x{start}-{start + len(PHOTO)}", "verdict": "custom", "text": ""})
    return state


def test_accepted_spin_corrections_become_fingerprints(tmp_path: Path, rules: Path) -> None:
    out = make_run(tmp_path / "run", {"alpha": ARTICLE})
    _review(out, 0, drop_photo=False)
    outcome = learn(out, rules)
    assert outcome.spin_added == [("verdant vehicle", "green car")]
    learned = load_fingerprint_pack(rules / "spin" / "learned.yaml")
    assert [(f.phrase, f.original) for f in learned] == [("verdant vehicle", "green car")]
    example = "The mayor arrived in a verdant vehicle on Monday."
    assert [h.fingerprint.original for h in Fingerprints(learned).find(example)] == ["green car"]
    assert learn(out, rules).spin_added == []  # known now: not added twice
    shipped = (rules_root() / "spin" / "learned.yaml").read_text(encoding="utf-8")
    header = [line for line in shipped.splitlines() if line.startswith("#")]
    assert (rules / "spin" / "learned.yaml").read_text(encoding="utf-8").splitlines()[: len(header)] == header


def test_a_removed_line_becomes_a_proposed_rule_that_loads(tmp_path: Path, rules: Path) -> None:
    out = make_run(tmp_path / "run", {"alpha": ARTICLE})
    _review(out, 0, drop_photo=True)
    outcome = learn(out, rules)
    assert outcome.rules_file == out / "learned-boilerplate.yaml"
    pack = load_rule_pack(outcome.rules_file)  # checks every rule against its own examples
    assert len(pack.rules) == 1
    rule = pack.rules[0]
    assert rule.matches(PHOTO.strip())
    assert not rule.matches("The mayor arrived in a green car on Monday.")
    assert rule.must_not_match  # lines the reviewer kept


def test_no_rule_that_would_remove_a_line_a_reviewer_kept(tmp_path: Path, rules: Path) -> None:
    out = make_run(tmp_path / "run", {"alpha": ARTICLE, "beta": OTHER})
    _review(out, 0, drop_photo=True)
    _review(out, 1, drop_photo=False)  # reviewed, and the same line kept there
    outcome = learn(out, rules)
    assert outcome.rules == []
    assert any("would also remove the kept line" in why for why in outcome.skipped)


def test_a_removal_apply_could_not_place_teaches_nothing(tmp_path: Path, rules: Path) -> None:
    out = make_run(tmp_path / "run", {"alpha": ARTICLE})
    state = ReviewState(out)
    view = state.doc_view(0)
    line = next(line for line in view["text"].splitlines(keepends=True) if line.startswith("Officials said"))
    start = view["text"].index(line)
    repair = next(e for e in view["edits"] if e["stage"] == "encoding" and start <= e["start"] < start + len(line))
    state.decide({"doc": 0, "item": repair["item"], "verdict": "reject"})  # the line changes back...
    state.decide({"doc": 0, "item": f"x{start}-{start + len(line)}", "verdict": "custom", "text": ""})
    assert main(["apply", str(out), "--to", str(tmp_path / "final")]) == 1  # ...so its removal is a conflict
    assert "Officials said" in (tmp_path / "final" / "alpha.txt").read_text(encoding="utf-8")
    outcome = learn(out, rules)
    assert outcome.rules == []


def test_cleaner_learn_on_the_command_line(tmp_path: Path, rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = make_run(tmp_path / "run", {"alpha": ARTICLE})
    _review(out, 0, drop_photo=True)
    assert main(["learn", str(out), "--rules", str(rules)]) == 0
    printed = capsys.readouterr().out
    assert "spin: 1 new fingerprints" in printed
    assert "boilerplate: 1 proposed rules" in printed


def test_a_line_only_the_classifier_removed_needs_two_documents() -> None:
    kept = ["The story goes on."]
    rules, skipped = propose_rules({"Caption: a dam at dusk": [("a", False)]}, kept, set())
    assert rules == [] and "one document only" in skipped[0]
    rules, _ = propose_rules({"Caption: a dam at dusk": [("a", False), ("b", False)]}, kept, set())
    assert [r["pattern"] for r in rules] == [line_pattern("Caption: a dam at dusk")]
    rules, _ = propose_rules({"Caption: a dam at dusk": [("a", True)]}, kept, set())
    assert len(rules) == 1


def test_a_one_word_correction_is_learned_with_a_neighbour() -> None:
    """A fingerprint applies to every later text: 'help' -> 'support' alone would flag every 'help'."""
    text = "Washington reaffirmed its help for the talks. The thunder offensive ended."
    at_help, at_thunder = text.index("help"), text.index("thunder")
    flags = [
        Flag(stage="spin", kind="spin", rule="lm", start=at, end=at + len(word), text=word, score=0.8, message="m")
        for at, word in ((at_help, "help"), (at_thunder, "thunder"))
    ]
    result = DocumentResult(id="d", source="-", text=text, flags=flags)
    decisions = {
        f"f{i}": Decision(verdict="accept", text=original, check=item_check(flag))
        for i, (flag, original) in enumerate(zip(flags, ("support", "lightning"), strict=True))
    }
    entries = list(spin_entries("run", "d", result, decisions))
    assert [(e["phrase"], e["original"]) for e in entries] == [
        ("its help for", "its support for"),
        ("thunder offensive", "lightning offensive"),
    ]
    learned = Fingerprints([Fingerprint(e["phrase"], e["original"], "learned") for e in entries])
    assert list(learned.find("Aid groups asked for help on Monday.")) == []
    assert [h.fingerprint.original for h in learned.find(text)] == ["its support for", "lightning offensive"]
