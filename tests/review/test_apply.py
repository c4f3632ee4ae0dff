"""Applying a review: what each decision does to the text, and provenance kept throughout."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.cli import main
from cleaner.model import DocumentResult, Flag, Report
from cleaner.review.apply import ApplyConfig, apply_document
from cleaner.review.decisions import Decision, item_check, valid_decisions
from cleaner.trace import Change, Trace, apply_edits, revert_edits
from tests.review.runs import ARTICLE, make_run

SOURCE = "Hello wrld.\nAd line\nIt is a colossal information day.\n"


def _result() -> DocumentResult:
    """Two stages of changes and a flag, built the way the pipeline builds them."""
    trace = Trace(SOURCE)
    trace.apply("encoding", [Change(6, 10, "world", "typo", "spelling")])
    trace.apply("boilerplate", [Change(13, 21, "", "ad", "an ad line")])
    at = trace.text.index("colossal information")
    flag = Flag(
        stage="spin",
        kind="spin",
        rule="lm",
        start=at,
        end=at + 20,
        text="colossal information",
        suggestions=["big data", "vast data"],
        score=0.9,
        message="spun",
    )
    trace.add_flags([flag])
    return DocumentResult(id="d", source="-", text=trace.text, edits=trace.edits, flags=trace.flags())


def _decide(result: DocumentResult, item: str, verdict: str, text: str | None = None) -> dict[str, Decision]:
    target = result.edits[int(item[1:])] if item[0] == "e" else result.flags[int(item[1:])]
    return {item: Decision(verdict=verdict, text=text, check=item_check(target))}  # type: ignore[arg-type]


def _check_provenance(result: DocumentResult, source: str) -> None:
    assert apply_edits(source, result.edits) == result.text
    assert revert_edits(result.text, result.edits) == source


def test_the_fixture_is_what_the_pipeline_would_make() -> None:
    result = _result()
    assert result.text == "Hello world.\nIt is a colossal information day.\n"
    assert [e.rule for e in result.edits] == ["typo", "ad"]


def test_no_decisions_keep_changes_and_leave_flags() -> None:
    result = _result()
    applied = apply_document(result, {}, ApplyConfig())
    assert applied.result.text == result.text
    assert applied.source == SOURCE
    assert [f.text for f in applied.result.flags] == ["colossal information"]
    assert applied.result.stats["review"]["changes_undecided"] == 2
    _check_provenance(applied.result, SOURCE)


def test_a_rejected_change_is_reverted() -> None:
    result = _result()
    applied = apply_document(result, _decide(result, "e1", "reject"), ApplyConfig())
    assert applied.result.text == "Hello world.\nAd line\nIt is a colossal information day.\n"
    assert [e.rule for e in applied.result.edits] == ["typo"]
    _check_provenance(applied.result, SOURCE)


def test_an_accepted_flag_replaces_its_span_and_is_recorded_as_a_review_edit() -> None:
    result = _result()
    decisions = _decide(result, "f0", "accept", "big data") | _decide(result, "e1", "reject")
    applied = apply_document(result, decisions, ApplyConfig())
    assert applied.result.text == "Hello world.\nAd line\nIt is a big data day.\n"
    review = [e for e in applied.result.edits if e.stage == "review"]
    assert [(e.before, e.after, e.rule) for e in review] == [("colossal information", "big data", "accepted:spin:lm")]
    assert applied.result.flags == []
    _check_provenance(applied.result, SOURCE)


def test_own_text_on_a_change_and_on_a_flag() -> None:
    result = _result()
    decisions = _decide(result, "e0", "custom", "World") | _decide(result, "f0", "custom", "sunny")
    applied = apply_document(result, decisions, ApplyConfig())
    assert applied.result.text == "Hello World.\nIt is a sunny day.\n"
    corrected = next(e for e in applied.result.edits if e.before == "wrld")
    assert (corrected.stage, corrected.rule, corrected.after) == ("review", "custom:encoding:typo", "World")
    _check_provenance(applied.result, SOURCE)


def test_undecided_handling_follows_the_config() -> None:
    result = _result()
    config = ApplyConfig(undecided_changes="revert", undecided_flags="apply", min_score=0.5)
    applied = apply_document(result, {}, config)
    assert applied.result.text == "Hello wrld.\nAd line\nIt is a big data day.\n"
    below = apply_document(result, {}, ApplyConfig(undecided_flags="apply", min_score=0.95))
    assert "colossal information" in below.result.text


def test_a_flag_on_text_a_rejected_change_made_is_a_conflict() -> None:
    trace = Trace("teh cat")
    trace.apply("encoding", [Change(0, 3, "the", "typo", "spelling")])
    flag = Flag(stage="grammar", kind="grammar", rule="g", start=0, end=7, text="the cat", score=0.5, message="m")
    trace.add_flags([flag])
    result = DocumentResult(id="d", source="-", text=trace.text, edits=trace.edits, flags=trace.flags())
    decisions = _decide(result, "e0", "reject") | _decide(result, "f0", "custom", "The cat")
    applied = apply_document(result, decisions, ApplyConfig())
    assert applied.result.text == "teh cat"
    assert len(applied.conflicts) == 1
    assert applied.result.metadata["review_conflicts"] == list(applied.conflicts)


def test_a_removed_line_and_a_stale_decision() -> None:
    result = _result()
    line = "It is a colossal information day.\n"
    start = result.text.index(line)
    drop = {f"x{start}-{start + len(line)}": Decision(verdict="custom", text="", check=item_check(line))}
    stale = {"e0": Decision(verdict="reject", check="000000000000")}
    applied = apply_document(result, drop | stale, ApplyConfig())
    assert applied.result.text == "Hello world.\n"
    assert applied.result.stats["review"]["lines_dropped"] == 1
    # the line held an undecided flag: it went with it, not left as an empty span
    assert applied.result.flags == []
    assert applied.result.stats["review"]["flags_gone_with_their_text"] == 1
    _check_provenance(applied.result, SOURCE)


def test_a_removal_that_overlaps_another_is_skipped_and_not_counted() -> None:
    result = _result()
    line = "It is a colossal information day.\n"
    start = result.text.index(line)
    whole = f"x{start}-{start + len(line)}"
    part = f"x{start + 6}-{start + len(line)}"
    decisions = {
        item: Decision(verdict="custom", text="", check=item_check(result.text[a:b]))
        for item, (a, b) in ((whole, (start, start + len(line))), (part, (start + 6, start + len(line))))
    }
    applied = apply_document(result, decisions, ApplyConfig())
    assert applied.result.text == "Hello world.\n"
    assert applied.skipped == {part} and len(applied.conflicts) == 1
    assert applied.result.stats["review"]["lines_dropped"] == 1


ARABIC_INDIC = str.maketrans("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669")


def test_item_ids_that_name_no_item_are_left_out() -> None:
    # Written by hand into review.json: a superscript digit (str.isdigit says yes, int() says
    # no), a leading zero, a removal span in Arabic-Indic digits.
    result = _result()
    line = result.text[: result.text.index("\n") + 1]
    odd = {
        "e\u00b2": Decision(verdict="reject", check=item_check(result.edits[0])),
        "e00": Decision(verdict="reject", check=item_check(result.edits[0])),
        "x\u0660-" + str(len(line)).translate(ARABIC_INDIC): Decision(
            verdict="custom", text="", check=item_check(line)
        ),
    }
    assert valid_decisions(result, odd) == {}
    assert apply_document(result, odd, ApplyConfig()).result.text == result.text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([None, "accept", "reject", "custom"]), min_size=3, max_size=3))
def test_any_decisions_keep_provenance(verdicts: list[str | None]) -> None:
    result = _result()
    decisions: dict[str, Decision] = {}
    for item, verdict in zip(["e0", "e1", "f0"], verdicts, strict=True):
        if verdict is not None:
            text = "big data" if verdict == "accept" and item == "f0" else "X" if verdict == "custom" else None
            decisions |= _decide(result, item, verdict, text)
    applied = apply_document(result, decisions, ApplyConfig())
    _check_provenance(applied.result, SOURCE)


def test_cleaner_apply_writes_the_final_texts(tmp_path: Path) -> None:
    out = make_run(tmp_path / "run", {"alpha": ARTICLE})
    report = Report.model_validate_json((out / "report.json").read_text(encoding="utf-8"))
    result = report.documents[0]
    ad = next(i for i, e in enumerate(result.edits) if e.before == "ADVERTISEMENT\n")
    target = result.edits[ad]
    review = {"decisions": {"alpha": {f"e{ad}": {"verdict": "reject", "check": item_check(target)}}}}
    (out / "review.json").write_text(json.dumps(review), encoding="utf-8")
    assert main(["apply", str(out), "--to", str(tmp_path / "final")]) == 0
    final = (tmp_path / "final" / "alpha.txt").read_text(encoding="utf-8")
    assert final == result.text.replace("Tuesday.\n", "Tuesday.\nADVERTISEMENT\n")
    final_report = Report.model_validate_json((tmp_path / "final" / "report.json").read_text(encoding="utf-8"))
    _check_provenance(final_report.documents[0], ARTICLE)
    diff = (tmp_path / "final" / "alpha.diff").read_text(encoding="utf-8")
    assert "-Share this article" in diff
    assert "-ADVERTISEMENT" not in diff
    assert (tmp_path / "final" / "report.html").is_file()


def test_apply_refuses_to_write_over_the_run(tmp_path: Path) -> None:
    out = make_run(tmp_path / "run", {"alpha": ARTICLE})
    assert main(["apply", str(out), "--to", str(out)]) == 2


def test_a_flag_the_config_would_apply_on_reverted_text_is_no_conflict() -> None:
    """Nobody accepted anything, yet apply said "accepted corrections could not be placed", exit 1."""
    trace = Trace("teh cat")
    trace.apply("encoding", [Change(0, 3, "the", "typo", "spelling")])
    flag = Flag(stage="grammar", kind="grammar", rule="g", start=0, end=7, text="the cat", score=0.5, message="m")
    trace.add_flags([flag.model_copy(update={"suggestions": ["The cat"]})])
    result = DocumentResult(id="d", source="-", text=trace.text, edits=trace.edits, flags=trace.flags())
    applied = apply_document(result, {}, ApplyConfig(undecided_changes="revert", undecided_flags="apply"))
    assert applied.result.text == "teh cat"
    assert applied.conflicts == ()
    assert applied.result.stats["review"]["flags_not_applied_text_changed"] == 1


def test_two_stages_flagging_one_word_are_no_conflict_when_the_config_applies_flags() -> None:
    """Nobody accepted either: the surer flag goes in, the other is counted as not applied, exit 0."""
    base = _result()
    at = base.text.index("colossal")
    grammar = Flag(
        stage="grammar",
        kind="spelling",
        rule="lt:SPELLING",
        start=at,
        end=at + 8,
        text="colossal",
        suggestions=["colossus"],
        score=0.5,
        message="spelling",
    )
    result = base.model_copy(update={"flags": [*base.flags, grammar]})
    applied = apply_document(result, {}, ApplyConfig(undecided_flags="apply"))
    assert applied.conflicts == ()
    assert applied.result.text == "Hello world.\nIt is a big data day.\n"
    stats = applied.result.stats["review"]
    assert (stats["flags_applied"], stats["flags_not_applied_overlapping"]) == (1, 1)
    assert stats["flags_applied"] == sum(e.stage == "review" for e in applied.result.edits)
    _check_provenance(applied.result, SOURCE)
    # The reviewer's own choice still wins over a flag the config would apply.
    chosen = _decide(result, "f1", "accept", "colossus")
    applied = apply_document(result, chosen, ApplyConfig(undecided_flags="apply"))
    assert applied.conflicts == ()
    assert applied.result.text == "Hello world.\nIt is a colossus information day.\n"
