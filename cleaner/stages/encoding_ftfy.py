"""ftfy inside the encoding stage: its settings, whether it could change a line, and its repair of a
line as span changes labelled with the steps it took.

ftfy says which steps it took for a line, not where; the difference between the line before and
after (:func:`diff_spans`) gives the spans. Most lines of a news page are ASCII with curly
quotes and dashes, which ftfy provably leaves alone: :func:`ftfy_may_change` says so without
calling it.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

import ftfy
from ftfy.badness import is_bad
from ftfy.chardata import CONTROL_CHARS, HTML_ENTITY_RE, LIGATURES

from cleaner.trace import Change

__all__ = ["FTFY_CONFIG", "PLAIN_PUNCTUATION", "config_for", "diff_spans", "ftfy_changes", "ftfy_may_change"]

# ftfy's settings, all spelled out so that a reader sees every choice. Non-defaults carry
# their reason; the rest are ftfy's defaults, kept on purpose.
FTFY_CONFIG = ftfy.TextFixerConfig(
    # "auto": decode entities like "&amp;" unless the text contains "<" (then it is probably
    # HTML source, where entities are meant literally). Decided per document, see config_for.
    unescape_html="auto",
    remove_terminal_escapes=True,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=True,  # "ﬁ" from PDF extraction breaks word matching downstream
    # Non-default (False): fullwidth forms are the correct published form in CJK text ("，",
    # "。", U+3000 ideographic space); ftfy would turn them into ASCII.
    fix_character_width=False,
    # Non-default (False): the reviewer wants the text as published, with its curly quotes and
    # apostrophes; straight quotes would also hide the quote repairs of this stage.
    uncurl_quotes=False,
    fix_line_breaks=True,
    fix_surrogates=True,
    remove_control_chars=True,
    normalization="NFC",
    max_decode_length=1_000_000,
    explain=True,  # the explanation names the steps each change is labelled with
)

# Words for ftfy's step names in a reviewer's reason.
_STEP_REASONS = {
    "unescape_html": "an HTML entity was decoded",
    "remove_terminal_escapes": "terminal colour codes were removed",
    "fix_c1_controls": "C1 control characters were read as Windows-1252",
    "fix_latin_ligatures": "a ligature was split into letters",
    "fix_line_breaks": "an unusual line break was made a newline",
    "fix_surrogates": "UTF-16 surrogates were joined into one character",
    "remove_control_chars": "control characters were removed",
    "restore_byte_a0": "a no-break space lost in transcoding was restored",
    "replace_lossy_sequences": "a damaged mojibake sequence was replaced",
    "decode_inconsistent_utf8": "mojibake mixed with correct text was decoded",
}

# Typographic punctuation that ftfy leaves alone in text made of ASCII and these: no pattern of
# its mojibake detector (ftfy.badness) can match such text, they are NFC whatever their
# neighbours, and no other fix of ftfy touches them (tests/stages/test_encoding.py proves both
# on ftfy's own pattern and tables, so an ftfy upgrade that changes them fails a test).
PLAIN_PUNCTUATION = "\u00a0\u00a9\u00ab\u00ae\u00bb\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u2122"
# A character that makes a closer look necessary ("&" is looked at separately).
_FTFY_TRIGGER = re.compile(rf"[^\t\x20-\x7e{PLAIN_PUNCTUATION}]")
# The characters ftfy's fixes other than decoding act on, from its own tables: C1 controls,
# ligatures, line breaks, surrogates, terminal escapes, control characters.
_FTFY_FIX_CHAR = re.compile(
    "[\x1b\r\u2028\u2029\x85\x80-\x9f\ud800-\udfff"
    + "".join(re.escape(chr(code)) for code in sorted({*LIGATURES, *CONTROL_CHARS}))
    + "]"
)


def config_for(text: str) -> ftfy.TextFixerConfig:
    """ftfy's settings for one document: ``unescape_html="auto"`` decided on the whole text.

    ``ftfy.fix_text`` decides it line by line and keeps the decision for later lines only;
    one decision per document treats all its lines alike.
    """
    if FTFY_CONFIG.unescape_html == "auto":
        return FTFY_CONFIG._replace(unescape_html="<" not in text)
    return FTFY_CONFIG


def ftfy_changes(line: str, config: ftfy.TextFixerConfig = FTFY_CONFIG) -> list[Change]:
    """ftfy's repair of one line as minimal span changes, labelled with ftfy's steps.

    >>> [(c.start, c.end, c.after, c.rule) for c in ftfy_changes("todayâ€™s news")]
    [(5, 8, '’', 'ftfy:sloppy-windows-1252->utf-8')]
    >>> ftfy_changes("already fine")
    []
    """
    fixed, steps = ftfy.fix_and_explain(line, config)
    if fixed == line:
        return []
    names = _step_names(steps or [])
    rule = "+".join(f"ftfy:{name}" for name in names)
    reason = "; ".join(dict.fromkeys(_STEP_REASONS.get(name, _describe_step(name)) for name in names))
    return [Change(start, end, after, rule, reason) for start, end, after in diff_spans(line, fixed)]


# Tokens for aligning long lines: ASCII words, whitespace runs, and every other character
# alone (mojibake and its repair are non-ASCII, so they never hide inside a long token).
_TOKEN = re.compile(r"[\x21-\x7e]+|\s+|.", re.DOTALL)
_CHAR_DIFF_LIMIT = 2000  # longer differing stretches are walked (:func:`_walked_spans`; difflib is quadratic)


def diff_spans(before: str, after: str) -> list[tuple[int, int, str]]:
    """Small ``(start, end, replacement)`` spans of ``before`` that turn it into ``after``.

    >>> diff_spans("naÃ¯ve cafÃ©", "naïve café")
    [(2, 4, 'ï'), (10, 12, 'é')]
    """
    head = 0
    limit = min(len(before), len(after))
    while head < limit and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < limit - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    old, new = before[head : len(before) - tail], after[head : len(after) - tail]
    if len(old) + len(new) <= _CHAR_DIFF_LIMIT:
        return _char_spans(old, new, head)
    return _walked_spans(old, new, head)


# ftfy's repairs are local: mojibake and its repair are a few characters each. A long stretch
# is walked from the left; at a difference, the nearest offsets (at most _LOOKAHEAD characters
# on either side) after which _RESYNC characters agree again end the span.
_RESYNC = 8
_LOOKAHEAD = 48


def _walked_spans(old: str, new: str, offset: int) -> list[tuple[int, int, str]]:
    """:func:`diff_spans` of a long stretch, in time linear in its length; where the two texts
    do not agree again within reach, the rest is aligned by tokens (:func:`_token_spans`).

    >>> _walked_spans("a todayâ€™s â€œnewsâ€ cafÃ©", "a today’s “news” café", 10)
    [(17, 20, '’'), (22, 25, '“'), (29, 31, '”'), (35, 37, 'é')]
    """
    spans = []
    i = j = 0
    while i < len(old) and j < len(new):
        if old[i] == new[j]:
            i, j = i + 1, j + 1
            continue
        step = _resync(old, new, i, j)
        if step is None:
            break
        spans += _char_spans(old[i : i + step[0]], new[j : j + step[1]], offset + i)
        i, j = i + step[0], j + step[1]
    if i < len(old) or j < len(new):
        spans += _token_spans(old[i:], new[j:], offset + i)
    return spans


def _resync(old: str, new: str, i: int, j: int) -> tuple[int, int] | None:
    """The fewest characters to replace at ``old[i]`` and ``new[j]`` after which they agree again."""
    for total in range(1, 2 * _LOOKAHEAD + 1):
        for skip_old in range(max(0, total - _LOOKAHEAD), min(total, _LOOKAHEAD) + 1):
            skip_new = total - skip_old
            a, b = old[i + skip_old : i + skip_old + _RESYNC], new[j + skip_new : j + skip_new + _RESYNC]
            at_ends = i + skip_old == len(old) and j + skip_new == len(new)
            if a == b and (len(a) == _RESYNC or at_ends):
                return skip_old, skip_new
    return None


def _token_spans(old: str, new: str, offset: int) -> list[tuple[int, int, str]]:
    """Spans from aligning ``old`` and ``new`` by tokens (difflib's heuristic keeps it fast on a
    long text, at the price of coarse spans where it gives up on common tokens)."""
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    spans = []
    old_at = [0]
    for token in old_tokens:
        old_at.append(old_at[-1] + len(token))
    new_at = [0]
    for token in new_tokens:
        new_at.append(new_at[-1] + len(token))
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_tokens, new_tokens).get_opcodes():
        if tag != "equal":
            spans += _char_spans(old[old_at[i1] : old_at[i2]], new[new_at[j1] : new_at[j2]], offset + old_at[i1])
    return spans


def _char_spans(old: str, new: str, offset: int) -> list[tuple[int, int, str]]:
    if not old or not new or len(old) + len(new) > _CHAR_DIFF_LIMIT:
        return [(offset, offset + len(old), new)] if old != new else []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    return [(offset + i1, offset + i2, new[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _step_names(steps: list[ftfy.ExplanationStep]) -> list[str]:
    """ftfy's explanation as names: an encode/decode pair becomes ``from->to``.

    >>> _step_names([ftfy.ExplanationStep("encode", "sloppy-windows-1252"),
    ...              ftfy.ExplanationStep("decode", "utf-8"), ftfy.ExplanationStep("normalize", "NFC")])
    ['sloppy-windows-1252->utf-8', 'normalize_NFC']
    """
    names: list[str] = []
    for step in steps:
        if step.action == "decode" and names and names[-1].startswith("encode:"):
            names[-1] = f"{names[-1].removeprefix('encode:')}->{step.parameter}"
        elif step.action == "encode":
            names.append(f"encode:{step.parameter}")
        elif step.action == "normalize":
            names.append(f"normalize_{step.parameter}")
        else:
            names.append(step.parameter)
    return list(dict.fromkeys(names))


def _describe_step(name: str) -> str:
    if "->" in name:
        wrong, right = name.split("->")
        return f"mojibake: {right} text had been read as {wrong}; decoded it back"
    if name.startswith("normalize_"):
        return f"Unicode normalization ({name.removeprefix('normalize_')})"
    return f"ftfy step {name}"


def ftfy_may_change(line: str, config: ftfy.TextFixerConfig) -> bool:
    """Whether ftfy with ``config`` could change ``line``; False means it provably would not.

    This follows the steps of ``ftfy.fix_and_explain``: ftfy decodes only text its detector
    calls bad (:func:`ftfy.badness.is_bad`, about half the cost of a call to ftfy); its other
    fixes act on HTML entities, on the characters in its tables (:data:`_FTFY_FIX_CHAR`) and on
    text that is not normalized. ASCII with the plain punctuation needs no look at all. A
    property test holds the answer against ftfy itself, so a new ftfy step would be noticed.

    >>> ftfy_may_change("It’s “plain” – Smith & Co…", FTFY_CONFIG), ftfy_may_change("todayâ€™s", FTFY_CONFIG)
    (False, True)
    >>> ftfy_may_change("Smith &amp; Co", FTFY_CONFIG), ftfy_may_change("Smith &amp; Co", config_for("<b>"))
    (True, False)
    >>> ftfy_may_change("Éric’s «café»", FTFY_CONFIG), ftfy_may_change("ﬁnal", FTFY_CONFIG)
    (False, True)
    """
    if config.unescape_html and "&" in line and HTML_ENTITY_RE.search(line):
        return True
    if not _FTFY_TRIGGER.search(line):
        return False
    if config.fix_character_width or config.uncurl_quotes:
        return True  # fixes this look does not cover (both off in FTFY_CONFIG)
    if _FTFY_FIX_CHAR.search(line):
        return True
    if config.normalization and not unicodedata.is_normalized(config.normalization, line):
        return True
    return bool(config.fix_encoding) and not line.isascii() and is_bad(line)
