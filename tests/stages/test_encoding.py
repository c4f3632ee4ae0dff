"""The encoding stage, through StageResult + Trace: golden cases, ftfy's test cases, real files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import ftfy
import pytest
from ftfy.fixes import fix_character_width, uncurl_quotes
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.config import load_config
from cleaner.errors import ConfigError
from cleaner.model import Document
from cleaner.registry import stage_class
from cleaner.stages.base import StageResult
from cleaner.stages.encoding import FTFY_CONFIG, EncodingConfig, EncodingStage, diff_spans, ftfy_changes
from cleaner.trace import Trace, apply_edits, revert_edits

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "encoding"
FTFY_CASES = ROOT.parent / "shared" / "data" / "ftfy-cases"
OILPRICE = ROOT.parent / "shared" / "data" / "news-mojibake" / "oilprice-article.txt"
SEED_000 = next((ROOT / "seeds").glob("000_*.txt"), None)

REPAIRS_OFF = {
    "swap_misplaced_quotes": False,
    "fix_spaced_possessives": False,
    "join_spaced_hyphens": False,
    "remove_invisible_characters": False,
    "normalize_spaces": False,
    "collapse_blank_lines": False,
    "strip_hashtags": False,
}


def run_stage(text: str, **config: Any) -> tuple[str, StageResult]:
    """The stage's output, by replaying its changes through a Trace; checks replay and revert."""
    stage = EncodingStage(EncodingConfig(**config))
    result = stage.process(text, Document(id="t", source="-", text=text))
    trace = Trace(text)
    trace.apply(stage.name, result.changes)
    assert apply_edits(text, trace.edits) == trace.text
    assert revert_edits(trace.text, trace.edits) == text
    return trace.text, result


def rules_of(result: StageResult) -> set[str]:
    return {part for change in result.changes for part in change.rule.split("+")}


def load_cases(path: Path) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return cases


# -- our golden cases ---------------------------------------------------------------------

REPAIR_CASES = load_cases(GOLDEN / "repairs.json")


@pytest.mark.parametrize("case", REPAIR_CASES, ids=[c["label"] for c in REPAIR_CASES])
def test_golden_repairs(case: dict[str, Any]) -> None:
    out, result = run_stage(case["input"])
    assert out == case["expected"]
    assert rules_of(result) == set(case["rules"])


# -- ftfy's own test cases (rspeer/python-ftfy, Apache-2.0) -----------------------------------
#
# Their "fixed" is ftfy's *default* output, which straightens quotes and makes fullwidth
# characters ASCII. We keep both as published (uncurl_quotes=False, fix_character_width=False),
# so our output is compared after doing those two to it: everything else must match exactly.

PASS_FILES = ("in-the-wild.json", "language-names.json", "synthetic.json")
PASS_CASES = [case for name in PASS_FILES for case in load_cases(FTFY_CASES / name)]
NEGATIVE_CASES = load_cases(FTFY_CASES / "negative.json")
KNOWN_FAILURES = load_cases(FTFY_CASES / "known-failures.json")

# Pass cases our repairs legitimately change after ftfy: only their whitespace differs.
WHITESPACE_REPAIRED = {
    # ftfy removes a U+1A control character and leaves the two spaces around it.
    "Synthetic, negative: don't leak our internal use of byte 0x1A",
    # ftfy leaves a trailing space (where a U+1A was); we strip trailing spaces.
    "Synthetic, negative: U+1A on its own",
    # A no-break space at the end of a line is layout, not the publisher's choice.
    "Synthetic, negative: Romanian word before a non-breaking space",
}
# Listed as known failures, but ftfy 6.3 fixes them (a strict xfail would fail on them).
FIXED_BY_FTFY_6_3 = {"Misleading mix-up in Spanish"}


def as_ftfy_default(text: str) -> str:
    """``text`` with the two ftfy fixes our configuration leaves out."""
    return uncurl_quotes(fix_character_width(text))


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [case["label"] for case in cases]


@pytest.mark.parametrize("case", PASS_CASES, ids=_ids(PASS_CASES))
def test_ftfy_pass_cases_ftfy_part(case: dict[str, Any]) -> None:
    out, _ = run_stage(case["original"], **REPAIRS_OFF)
    assert as_ftfy_default(out) == case["fixed"]


@pytest.mark.parametrize("case", PASS_CASES, ids=_ids(PASS_CASES))
def test_ftfy_pass_cases_whole_stage(case: dict[str, Any]) -> None:
    out, _ = run_stage(case["original"])
    if case["label"] in WHITESPACE_REPAIRED:
        ftfy_only, _ = run_stage(case["original"], **REPAIRS_OFF)
        assert out != ftfy_only, "no longer changed by a repair: remove it from WHITESPACE_REPAIRED"
        assert as_ftfy_default(out).split() == case["fixed"].split()
    else:
        assert as_ftfy_default(out) == case["fixed"]


@pytest.mark.parametrize("case", NEGATIVE_CASES, ids=_ids(NEGATIVE_CASES))
def test_ftfy_negative_cases_unchanged_by_whole_stage(case: dict[str, Any]) -> None:
    # "fixed-encoding" is what is left with quotes as they were; one "mostly negative" case
    # (C1 control characters) has a real fix in "fixed".
    out, _ = run_stage(case["original"])
    assert out == case.get("fixed-encoding", case["fixed"])


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, marks=[] if case["label"] in FIXED_BY_FTFY_6_3 else pytest.mark.xfail(strict=True))
        for case in KNOWN_FAILURES
    ],
    ids=_ids(KNOWN_FAILURES),
)
def test_ftfy_known_failures(case: dict[str, Any]) -> None:
    out, _ = run_stage(case["original"])
    assert as_ftfy_default(out) == case["fixed"]


def test_curly_quotes_are_kept() -> None:
    out, result = run_stage("He said “it’s fine” and left.")
    assert out == "He said “it’s fine” and left."
    assert result.changes == []


# -- real files -----------------------------------------------------------------------------


def test_oilprice_mojibake_is_decoded() -> None:
    text = OILPRICE.read_text(encoding="utf-8")
    out, result = run_stage(text)
    assert "todayâ€™s" in text
    assert "today’s EIA" in out
    assert "â€" not in out
    ftfy_rules = {rule for rule in rules_of(result) if rule.startswith("ftfy:")}
    assert ftfy_rules == {"ftfy:sloppy-windows-1252->utf-8"}
    mojibake = [c for c in result.changes if c.rule.startswith("ftfy:")]
    assert all(text[c.start : c.end] in {"â€™", "â€¦"} for c in mojibake)


@pytest.mark.skipif(SEED_000 is None, reason="seed 000 not present")
def test_seed_000_quote_and_hyphen_damage() -> None:
    assert SEED_000 is not None
    text = SEED_000.read_text(encoding="utf-8")
    out, result = run_stage(text)
    assert "Russia’s “terrible” treatment" in out
    assert "continues “to help peace deals" in out
    assert "Armenia” during a press briefing" in out
    assert "that “the United States’ mediation role" in out
    assert "attacked Nagorno-Karabakh," in out
    assert rules_of(result) == {"quote_direction", "spaced_possessive", "hyphen_space"}
    # correct quoting elsewhere in the article is untouched
    assert "reportedly “biased” remarks" in out
    assert "“one-sided and biased remarks”" in out


# -- config and registration ------------------------------------------------------------------


def test_registered_as_encoding() -> None:
    assert stage_class("encoding") is EncodingStage
    assert EncodingStage.order == 10


def test_config_section_is_validated(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("encoding:\n  strip_hashtags: false\n", encoding="utf-8")
    config = load_config(good, stages=["encoding"])
    assert config.settings["encoding"] == EncodingConfig(strip_hashtags=False)
    bad = tmp_path / "bad.yaml"
    bad.write_text("encoding:\n  strip_hashtag: false\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="strip_hashtag"):
        load_config(bad, stages=["encoding"])


SWITCHES = [
    ("fix_with_ftfy", "Itâ€™s here.", "ftfy:sloppy-windows-1252->utf-8"),
    ("swap_misplaced_quotes", "He said” no deal” today.", "quote_direction"),
    ("fix_spaced_possessives", "The workers ‘ union met.", "spaced_possessive"),
    ("join_spaced_hyphens", "The Bosnia- Herzegovina border.", "hyphen_space"),
    ("remove_invisible_characters", "In\u200bvisible.", "invisible_char"),
    ("normalize_spaces", "Two  spaces.", "space_run"),
    ("collapse_blank_lines", "A\n\n\nB", "blank_lines"),
    ("strip_hashtags", "Talks in #Paris ended.", "hashtag"),
]


@pytest.mark.parametrize(("field", "text", "rule"), SWITCHES, ids=[s[0] for s in SWITCHES])
def test_each_repair_can_be_switched_off(field: str, text: str, rule: str) -> None:
    on_text, on = run_stage(text)
    off_text, off = run_stage(text, **{field: False})
    assert rule in rules_of(on)
    assert rule not in rules_of(off)
    assert off_text != on_text


def test_no_break_spaces_can_all_be_made_plain() -> None:
    out, _ = run_stage("A 10\u00a0km queue.", keep_no_break_spaces=False)
    assert out == "A 10 km queue."


def test_stats_count_rules_and_dropped_lines() -> None:
    _, result = run_stage("Itâ€™s\n\n\n\nover  now.")
    assert result.stats["rule:ftfy:sloppy-windows-1252->utf-8"] == 1
    assert result.stats["rule:space_run"] == 1
    assert result.stats["lines_dropped"] == 2


# -- internals worth pinning down ---------------------------------------------------------------


def test_ascii_lines_that_are_skipped_need_no_ftfy() -> None:
    """The fast path skips ftfy on ASCII lines without '&' or control characters; check the
    premise on every printable ASCII character and on text mixing them."""
    printable = "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) != "&") + "\t"
    assert ftfy.fix_text(printable, FTFY_CONFIG) == printable


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters="&") | st.just("\t")))
@settings(max_examples=300, deadline=None)
def test_ftfy_is_identity_on_skipped_ascii(text: str) -> None:
    assert ftfy.fix_text(text, FTFY_CONFIG) == text


def test_repairs_on_a_long_line_of_repeated_words_stay_small() -> None:
    """difflib gave up on common tokens: a 1,440-character line became one edit of all of it."""
    line = "Prices rose “sharply” today — analysts said. todayâ€™s â€œnewsâ€\x9d cafÃ© " * 20
    changes = ftfy_changes(line)
    assert len(changes) == 4 * 20
    assert max(c.end - c.start for c in changes) <= 3


def test_long_lines_are_diffed_in_small_spans() -> None:
    words = " ".join(f"word{i}" for i in range(3000))
    line = "Startâ€™s " + words + " endâ€™s"
    changes = ftfy_changes(line)
    assert [(c.start, c.end, c.after) for c in changes] == [(5, 8, "’"), (len(line) - 4, len(line) - 1, "’")]


def test_diff_spans_rebuild_the_target() -> None:
    before, after = "a" * 1500 + "Ã©" + "b" * 1500 + "Ã¨", "a" * 1500 + "é" + "b" * 1500 + "è"
    spans = diff_spans(before, after)
    rebuilt, last = [], 0
    for start, end, new in spans:
        rebuilt += [before[last:start], new]
        last = end
    assert "".join([*rebuilt, before[last:]]) == after
    assert len(spans) == 2


# -- properties ------------------------------------------------------------------------------

NEWSY = st.lists(
    st.sampled_from([*"ab Zs -#'.,1\n\t\u00a0\u2009\u200b\u00ad“”‘’&;é\r", "Ã©", "â€™", "&amp;"]), max_size=60
).map("".join)


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_any_string_gives_valid_changes(text: str) -> None:
    _, result = run_stage(text)
    last_end = 0
    for change in sorted(result.changes, key=lambda c: c.start):
        assert 0 <= change.start <= change.end <= len(text)
        assert change.start >= last_end
        assert text[change.start : change.end] != change.after
        last_end = change.end


@given(NEWSY)
@settings(max_examples=500, deadline=None)
def test_stage_is_idempotent_on_newsy_text(text: str) -> None:
    once, _ = run_stage(text)
    twice, result = run_stage(once)
    assert twice == once, result.changes


@given(NEWSY)
@settings(max_examples=300, deadline=None)
def test_output_has_no_odd_spaces_or_stray_whitespace(text: str) -> None:
    out, _ = run_stage(text)
    assert not re.search(r"[ \t\u00a0]$", out, flags=re.MULTILINE)
    assert "\n\n\n" not in out
    assert "\u200b" not in out
    assert "\u2009" not in out
    assert "\r" not in out
