"""When the encoding stage may leave ftfy out: the proof on ftfy's own pattern and tables, and a
property test of the answer against ftfy itself."""

from __future__ import annotations

import re
import unicodedata
import warnings
from typing import Any

import ftfy
from ftfy.badness import BADNESS_RE
from ftfy.chardata import CONTROL_CHARS, LIGATURES
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.stages.encoding_ftfy import FTFY_CONFIG, PLAIN_PUNCTUATION, config_for, ftfy_may_change

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
    assert _badness_branches_possible(PRINTABLE_ASCII + list(PLAIN_PUNCTUATION)) == []
    # The analysis does see what makes mojibake: "Ã©", "é”x" can match.
    assert _badness_branches_possible([*PRINTABLE_ASCII, "Ã", "©"])
    assert _badness_branches_possible([*PRINTABLE_ASCII, "é", "”"])


def test_ftfy_other_fixes_leave_plain_punctuation_alone() -> None:
    """The character-level fixes of ftfy do not touch the plain punctuation, and Unicode
    normalization (NFC) leaves any pair of it and ASCII as it is."""
    for char in PLAIN_PUNCTUATION:
        assert ord(char) not in CONTROL_CHARS and ord(char) not in LIGATURES
        assert not 0x80 <= ord(char) <= 0x9F and not 0xD800 <= ord(char) <= 0xDFFF
        assert char not in "\x1b\x85\u2028\u2029"
    alphabet = PRINTABLE_ASCII + list(PLAIN_PUNCTUATION)
    assert all(unicodedata.normalize("NFC", a + b) == a + b for a in alphabet for b in alphabet)


# Lines mixing what ftfy leaves alone with what it fixes: entities, mojibake, ligatures, C1 and
# other control characters, line breaks, terminal escapes, decomposed accents, surrogates.
FTFY_LINES = st.lists(
    st.sampled_from(
        [
            *PRINTABLE_ASCII,
            *PLAIN_PUNCTUATION,
            *"éÉçñüßЖжВГРСёΑαあ中\u0301\ufb01\x85\x80\x9d\x1b\x00\x0c\u2028\ud800°£€¨¤",
            *["&amp;", "&#39;", "&nbsp", "&x;", "Ã©", "â€™", "Ã ", "Â ", "вЂ", "\x1b[31m", "e\u0301", "Ð°Ð"],
        ]
    ),
    max_size=30,
).map("".join)


@given(FTFY_LINES, st.booleans())
@settings(max_examples=1500, deadline=None)
def test_ftfy_is_identity_where_it_is_skipped(line: str, html: bool) -> None:
    config = config_for("<p>" if html else "")
    if not ftfy_may_change(line, config):
        assert ftfy.fix_and_explain(line, config) == (line, [])


def test_ftfy_skip_decides_both_ways() -> None:
    """The property above is not vacuous: lines are skipped and kept, for each reason."""
    kept = ["todayâ€™s", "ﬁnal", "a\x85b", "e\u0301", "x &amp; y", "\x1b[31mred", "\x9d", "\ud800"]
    skipped = ["It’s “fine” – ok…", "Éric’s café", "Жизнь — «хорошо»", "x & y", "a\x0cb"]
    assert all(ftfy_may_change(line, FTFY_CONFIG) for line in kept)
    assert not any(ftfy_may_change(line, FTFY_CONFIG) for line in skipped)
    assert all(ftfy.fix_and_explain(line, FTFY_CONFIG).text == line for line in skipped)
