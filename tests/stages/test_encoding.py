"""The encoding stage, through StageResult + Trace: golden cases, ftfy's test cases, real files."""

from __future__ import annotations

import json
import re
import unicodedata
import warnings
from pathlib import Path
from typing import Any

import ftfy
import pytest
from ftfy.badness import BADNESS_RE
from ftfy.chardata import CONTROL_CHARS, LIGATURES
from ftfy.fixes import fix_character_width, uncurl_quotes
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.config import load_config
from cleaner.errors import ConfigError
from cleaner.model import Document
from cleaner.registry import stage_class
from cleaner.stages.base import StageResult
from cleaner.stages.encoding import (
    _PLAIN_PUNCTUATION,
    FTFY_CONFIG,
    EncodingConfig,
    EncodingStage,
    _config_for,
    _ftfy_may_change,
    diff_spans,
    ftfy_changes,
)
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


# -- the proof behind calling ftfy only where it could change something ------------------------

with warnings.catch_warnings():  # sre_parse is deprecated but typed; re._parser is the same module
    warnings.simplefilter("ignore", DeprecationWarning)
    import sre_constants
    import sre_parse

PRINTABLE_ASCII = [chr(c) for c in range(0x20, 0x7F)] + ["\t"]
CATEGORY_TESTS = {
    sre_constants.CATEGORY_SPACE: r"\s",
    sre_constants.CATEGORY_WORD: r"\w",
    sre_constants.CATEGORY_DIGIT: r"\d",
}


def _item_accepts(op: Any, av: Any, char: str) -> bool:
    """Whether one element of a parsed regex (a literal, a class, ``.``) matches ``char``."""
    code = ord(char)
    if op is sre_constants.LITERAL:
        return bool(code == av)
    if op is sre_constants.NOT_LITERAL:
        return bool(code != av)
    if op is sre_constants.ANY:
        return char != "\n"
    assert op is sre_constants.IN, f"unexpected regex element {op}"
    negate, hit = False, False
    for item, value in av:
        if item is sre_constants.NEGATE:
            negate = True
        elif item is sre_constants.LITERAL:
            hit |= code == value
        elif item is sre_constants.RANGE:
            hit |= value[0] <= code <= value[1]
        else:
            assert item is sre_constants.CATEGORY, f"unexpected class item {item}"
            hit |= re.fullmatch(CATEGORY_TESTS[value], char) is not None
    return hit != negate


def _can_match(elements: Any, alphabet: list[str]) -> bool:
    """False if some element that must match can match no character of ``alphabet``: then no
    string made of the alphabet matches. (True does not mean that one does.)"""
    for op, av in elements:
        if op is sre_constants.AT:
            continue
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            if av[0] > 0 and not _can_match(av[2], alphabet):
                return False
        elif op is sre_constants.SUBPATTERN:
            if not _can_match(av[-1], alphabet):
                return False
        elif not any(_item_accepts(op, av, char) for char in alphabet):
            return False
    return True


def _badness_branches_possible(alphabet: list[str]) -> list[int]:
    """The alternatives of ftfy's mojibake detector that might match text made of ``alphabet``."""
    parsed: list[Any] = sre_parse.parse(BADNESS_RE.pattern, BADNESS_RE.flags).data
    [(op, (_, branches))] = parsed
    assert op is sre_constants.BRANCH
    return [i for i, branch in enumerate(branches) if _can_match(branch, alphabet)]


def test_ftfy_mojibake_detector_cannot_match_ascii_with_plain_punctuation() -> None:
    """ftfy only decodes text its detector (ftfy.badness) calls bad: on ASCII with the plain
    punctuation, no alternative of the detector's pattern can match, so fix_encoding does nothing."""
    assert _badness_branches_possible(PRINTABLE_ASCII + list(_PLAIN_PUNCTUATION)) == []
    # The analysis does see what makes mojibake: "Ã©", "é”x" can match.
    assert _badness_branches_possible([*PRINTABLE_ASCII, "Ã", "©"])
    assert _badness_branches_possible([*PRINTABLE_ASCII, "é", "”"])


def test_ftfy_other_fixes_leave_plain_punctuation_alone() -> None:
    """The character-level fixes of ftfy do not touch the plain punctuation, and Unicode
    normalization (NFC) leaves any pair of it and ASCII as it is."""
    for char in _PLAIN_PUNCTUATION:
        assert ord(char) not in CONTROL_CHARS and ord(char) not in LIGATURES
        assert not 0x80 <= ord(char) <= 0x9F and not 0xD800 <= ord(char) <= 0xDFFF
        assert char not in "\x1b\x85\u2028\u2029"
    alphabet = PRINTABLE_ASCII + list(_PLAIN_PUNCTUATION)
    assert all(unicodedata.normalize("NFC", a + b) == a + b for a in alphabet for b in alphabet)


# Lines mixing what ftfy leaves alone with what it fixes: entities, mojibake, ligatures, C1 and
# other control characters, line breaks, terminal escapes, decomposed accents, surrogates.
FTFY_LINES = st.lists(
    st.sampled_from(
        [
            *PRINTABLE_ASCII,
            *_PLAIN_PUNCTUATION,
            *"éÉçñüßЖжВГРСёΑαあ中\u0301\ufb01\x85\x80\x9d\x1b\x00\x0c\u2028\ud800°£€¨¤",
            *["&amp;", "&#39;", "&nbsp", "&x;", "Ã©", "â€™", "Ã ", "Â ", "вЂ", "\x1b[31m", "e\u0301", "Ð°Ð"],
        ]
    ),
    max_size=30,
).map("".join)


@given(FTFY_LINES, st.booleans())
@settings(max_examples=1500, deadline=None)
def test_ftfy_is_identity_where_it_is_skipped(line: str, html: bool) -> None:
    config = _config_for("<p>" if html else "")
    if not _ftfy_may_change(line, config):
        assert ftfy.fix_and_explain(line, config) == (line, [])


def test_ftfy_skip_decides_both_ways() -> None:
    """The property above is not vacuous: lines are skipped and kept, for each reason."""
    kept = ["todayâ€™s", "ﬁnal", "a\x85b", "e\u0301", "x &amp; y", "\x1b[31mred", "\x9d", "\ud800"]
    skipped = ["It’s “fine” – ok…", "Éric’s café", "Жизнь — «хорошо»", "x & y", "a\x0cb"]
    assert all(_ftfy_may_change(line, FTFY_CONFIG) for line in kept)
    assert not any(_ftfy_may_change(line, FTFY_CONFIG) for line in skipped)
    assert all(ftfy.fix_and_explain(line, FTFY_CONFIG).text == line for line in skipped)


def test_long_lines_are_diffed_by_tokens() -> None:
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
