"""The encoding stage: repair mojibake and character-level damage, one line at a time.

Two passes over each line, every change recorded:

1. ftfy (:data:`FTFY_CONFIG`): mojibake (``todayâ€™s`` → ``today’s``), HTML entities, control
   characters, ligatures. ftfy says which steps it took for the line, not where; the
   difference between the line before and after (:class:`difflib.SequenceMatcher`) gives the
   spans, labelled with those steps (``ftfy:sloppy-windows-1252->utf-8``).
2. The repairs of :mod:`cleaner.stages.encoding_repairs` that ftfy does not make (quotes facing
   the wrong way, ``Nagorno- Karabakh``, odd spaces, hashtags), each switched by the config.

Across lines, runs of blank lines shrink to one and blank lines at the start and end go;
paragraph breaks stay, since later stages work by line. Lines that provably need nothing (plain
ASCII without ``&``, ``#``, control characters or doubled, trailing or hyphen-split spaces) are
skipped, and ftfy is only called on a line it could change (:func:`_ftfy_may_change`): most
lines of a news page are ASCII with curly quotes and dashes, which ftfy provably leaves alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import partial
from itertools import accumulate

import ftfy
from ftfy.badness import is_bad
from ftfy.chardata import CONTROL_CHARS, HTML_ENTITY_RE, LIGATURES
from pydantic import Field

from cleaner.model import Document
from cleaner.registry import register
from cleaner.stages import encoding_repairs as repairs
from cleaner.stages.base import Stage, StageConfig, StageResult
from cleaner.trace import Change, Trace

__all__ = ["FTFY_CONFIG", "EncodingConfig", "EncodingStage", "diff_spans", "ftfy_changes"]

# ftfy's settings, all spelled out so that a reader sees every choice. Non-defaults carry
# their reason; the rest are ftfy's defaults, kept on purpose.
FTFY_CONFIG = ftfy.TextFixerConfig(
    # "auto": decode entities like "&amp;" unless the text contains "<" (then it is probably
    # HTML source, where entities are meant literally). Decided per document, see _config_for.
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

# Lines with a non-ASCII or control character or "&" (an HTML entity) are the ones ftfy might
# change (counted as "lines_ftfy"): on other ASCII text every ftfy fix is the identity
# (tests/stages/test_encoding.py checks it).
_NEEDS_FTFY = re.compile(r"[^\t\x20-\x25\x27-\x7e]")  # not printable ASCII, or &
# Typographic punctuation that ftfy leaves alone in text made of ASCII and these: no pattern of
# its mojibake detector (ftfy.badness) can match such text, they are NFC whatever their
# neighbours, and no other fix of ftfy touches them (tests/stages/test_encoding.py proves both
# on ftfy's own pattern and tables, so an ftfy upgrade that changes them fails a test).
_PLAIN_PUNCTUATION = "\u00a0\u00a9\u00ab\u00ae\u00bb\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u2122"
# A character that makes a closer look necessary ("&" is looked at separately).
_FTFY_TRIGGER = re.compile(rf"[^\t\x20-\x7e{_PLAIN_PUNCTUATION}]")
# The characters ftfy's fixes other than decoding act on, from its own tables: C1 controls,
# ligatures, line breaks, surrogates, terminal escapes, control characters.
_FTFY_FIX_CHAR = re.compile(
    "[\x1b\r\u2028\u2029\x85\x80-\x9f\ud800-\udfff"
    + "".join(re.escape(chr(code)) for code in sorted({*LIGATURES, *CONTROL_CHARS}))
    + "]"
)
# A line needs any work at all if it needs ftfy or has what a repair looks for.
# One character class (fast in `re`) for anything but plain printable ASCII, or & and #.
_UNUSUAL_CHAR = re.compile(r"[^\t\x20-\x22\x24\x25\x27-\x7e]")
_MAX_ROUNDS = 3


class EncodingConfig(StageConfig):
    """Settings of the ``encoding`` section. Every repair can be switched off."""

    fix_with_ftfy: bool = Field(default=True, description="Run ftfy (mojibake, HTML entities, control characters).")
    swap_misplaced_quotes: bool = Field(
        default=True, description="`said” no deal”` → `said “no deal”`: an opening quote typed as a closing one."
    )
    fix_spaced_possessives: bool = Field(
        default=True, description="`States ‘ mediation` → `States’ mediation`: a spaced plural possessive."
    )
    join_spaced_hyphens: bool = Field(
        default=True, description="`Nagorno- Karabakh` → `Nagorno-Karabakh`; suspended hyphens stay."
    )
    remove_invisible_characters: bool = Field(
        default=True, description="Remove zero-width spaces, word joiners, stray BOMs and soft hyphens."
    )
    normalize_spaces: bool = Field(
        default=True,
        description="Odd-width spaces → plain space; collapse runs of spaces between words; strip trailing spaces.",
    )
    keep_no_break_spaces: bool = Field(
        default=True,
        description=(
            "Keep a lone no-break space between two visible characters (`10\u00a0km`, `M.\u00a0Dupont`): the "
            "publisher chose it. False makes every no-break space plain. Runs and line-edge ones always go."
        ),
    )
    collapse_blank_lines: bool = Field(
        default=True, description="Shrink runs of blank lines to one; drop blank lines at the start and end."
    )
    strip_hashtags: bool = Field(
        default=True,
        description="`talks with #Armenia.` → `talks with Armenia.`; tags ending a line and tag lists stay.",
    )


LineRepair = Callable[[str], list[Change]]


@register
class EncodingStage(Stage):
    """Repair encoding damage and character-level noise, recording every change."""

    name = "encoding"
    order = 10
    config_model = EncodingConfig

    def __init__(self, config: StageConfig | None = None) -> None:
        super().__init__(config)
        self.settings = EncodingConfig.model_validate(self.config.model_dump())
        self._repairs = _line_repairs(self.settings)

    def process(self, text: str, doc: Document) -> StageResult:
        """Changes for ``text``, in its coordinates; ``doc`` is not needed."""
        stats: Counter[str] = Counter()
        ftfy_config = _config_for(text) if self.settings.fix_with_ftfy else None
        lines = _split_lines(text)
        # Only the lines that need work are looked at (in order, which the stats keep).
        fixed = {
            index: self._fix_line(content, ftfy_config, stats)
            for index, content in enumerate(lines.contents)
            if _needs_work(content)
        }
        dropped: set[int] = set()
        if self.settings.collapse_blank_lines:
            fixed_contents = list(lines.contents)
            for index, (after, _) in fixed.items():
                fixed_contents[index] = after
            dropped = _blank_lines_to_drop(lines.contents, fixed_contents)
        changes: list[Change] = []
        for index in sorted({i for i, (_, line_changes) in fixed.items() if line_changes}.union(lines.odd_breaks)):
            if index in dropped:
                continue
            start, (_, line_changes) = lines.starts[index], fixed.get(index, ("", []))
            changes += [Change(start + c.start, start + c.end, c.after, c.rule, c.reason) for c in line_changes]
            if index in lines.odd_breaks:
                reason = "line break made a plain newline (\\r\\n, \\r or a Unicode line separator)"
                changes.append(
                    Change(start + len(lines.contents[index]), lines.ends[index], "\n", "line_break", reason)
                )
        changes += _drop_lines(lines, dropped)
        stats.update(f"rule:{c.rule}" for c in changes)
        stats["lines_dropped"] += len(dropped)
        return StageResult(changes=changes, stats=stats)

    def _fix_line(
        self, line: str, ftfy_config: ftfy.TextFixerConfig | None, stats: Counter[str]
    ) -> tuple[str, list[Change]]:
        """The repaired line and its changes (in the line's coordinates)."""
        stats["lines_ftfy"] += bool(ftfy_config and _NEEDS_FTFY.search(line))
        trace: Trace | None = None  # made at the first change: most lines get none
        text = line
        # Until nothing changes: a repair can uncover mojibake ftfy did not dare to fix
        # ("\u00adÃ©" becomes "Ã©" once the soft hyphen goes). Unchanged lines take one round.
        for _round in range(_MAX_ROUNDS):
            before = text
            if ftfy_config is not None and _ftfy_may_change(text, ftfy_config):
                changes = ftfy_changes(text, ftfy_config)
                if changes:
                    trace = trace or Trace(line)
                    trace.apply(self.name, changes)
                    text = trace.text
            for repair in self._repairs:
                changes = repair(text)
                if changes:
                    trace = trace or Trace(line)
                    trace.apply(self.name, changes)
                    text = trace.text
            if text == before:
                break
        if trace is None or not trace.edits:
            return text, []
        stats["lines_changed"] += 1
        return text, [Change(e.source_start, e.source_end, e.after, e.rule, e.reason) for e in trace.edits]


def _ftfy_may_change(line: str, config: ftfy.TextFixerConfig) -> bool:
    """Whether ftfy with ``config`` could change ``line``; False means it provably would not.

    ftfy decodes only text its detector calls bad (:func:`ftfy.badness.is_bad`, about half
    the cost of a call to ftfy); its other fixes act on HTML entities, on the characters in
    its tables (:data:`_FTFY_FIX_CHAR`) and on text that is not normalized. ASCII with the
    plain punctuation needs no look at all.

    >>> _ftfy_may_change("It’s “plain” – Smith & Co…", FTFY_CONFIG), _ftfy_may_change("todayâ€™s", FTFY_CONFIG)
    (False, True)
    >>> _ftfy_may_change("Smith &amp; Co", FTFY_CONFIG), _ftfy_may_change("Smith &amp; Co", _config_for("<b>"))
    (True, False)
    >>> _ftfy_may_change("Éric’s «café»", FTFY_CONFIG), _ftfy_may_change("ﬁnal", FTFY_CONFIG)
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


def _needs_work(line: str) -> bool:
    """Whether ftfy or a repair could change ``line`` (most lines of a page it could not).

    >>> _needs_work("A plain line."), _needs_work("Nagorno- Karabakh"), _needs_work("todayâ€™s")
    (False, True, True)
    """
    return bool(_UNUSUAL_CHAR.search(line)) or "- " in line or "  " in line or line[-1:].isspace()


def _line_repairs(settings: EncodingConfig) -> list[LineRepair]:
    """The enabled repairs, in the order they run (spaces last: others may leave some)."""
    chosen: list[tuple[bool, LineRepair]] = [
        (settings.remove_invisible_characters, repairs.remove_invisible_characters),
        (settings.swap_misplaced_quotes, repairs.swap_misplaced_quotes),
        (settings.fix_spaced_possessives, repairs.fix_spaced_possessive),
        (settings.join_spaced_hyphens, repairs.join_spaced_hyphens),
        (settings.strip_hashtags, repairs.strip_running_hashtags),
        (settings.normalize_spaces, partial(repairs.normalize_spaces, keep_no_break=settings.keep_no_break_spaces)),
    ]
    return [repair for enabled, repair in chosen if enabled]


def _config_for(text: str) -> ftfy.TextFixerConfig:
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
_CHAR_DIFF_LIMIT = 2000  # longer differing stretches are aligned by tokens first (difflib is quadratic)


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
            spans += _char_spans(old[old_at[i1] : old_at[i2]], new[new_at[j1] : new_at[j2]], head + old_at[i1])
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


@dataclass(frozen=True)
class _Lines:
    """A text cut into lines: ``contents[i]`` starts at ``starts[i]`` and is followed by its
    line break, which ends at ``ends[i]`` (the last line has none). ``odd_breaks``: the lines
    whose break is not a plain ``\\n``."""

    contents: list[str]
    starts: list[int]
    ends: list[int]
    odd_breaks: frozenset[int]


# Line breaks (what ftfy's fix_line_breaks turns into "\n"; NEL, U+0085, is left to ftfy, which
# reads it as the "…" of Windows-1252 mojibake first).
_LINE_BREAK = re.compile("\r\n|[\n\r\u2028\u2029]")
_ODD_LINE_BREAK = re.compile("[\r\u2028\u2029]")


def _split_lines(text: str) -> _Lines:
    """The lines of ``text``; the last one has no line break (and is empty after a final one).

    >>> lines = _split_lines("a\\r\\nb\\n")
    >>> lines.contents, lines.starts, lines.ends, sorted(lines.odd_breaks)
    (['a', 'b', ''], [0, 3, 5], [3, 5, 5], [0])
    """
    if not _ODD_LINE_BREAK.search(text):  # only "\n": cut by str.split, much faster
        contents = text.split("\n")
        ends = list(accumulate(len(content) + 1 for content in contents))
        ends[-1] = len(text)
        return _Lines(contents, [0, *ends[:-1]], ends, frozenset())
    contents, starts, ends, start = [], [], [], 0
    for match in _LINE_BREAK.finditer(text):
        contents.append(text[start : match.start()])
        starts.append(start)
        ends.append(match.end())
        start = match.end()
    contents.append(text[start:])
    starts.append(start)
    ends.append(len(text))
    odd = frozenset(
        i
        for i, (start, end) in enumerate(zip(starts, ends, strict=True))
        if end - start > len(contents[i]) and text[start + len(contents[i]) : end] != "\n"
    )
    return _Lines(contents, starts, ends, odd)


def _blank_lines_to_drop(lines: list[str], fixed_lines: list[str]) -> set[int]:
    """Indexes of lines to delete: all but the first of each run of blank lines, and every
    blank line before the first and after the last line with content.

    ``lines`` are the lines' contents; an empty last one (after a final line break) is not
    a line and is never dropped.

    >>> sorted(_blank_lines_to_drop(*[["", "a", "", " ", "", "b", " ", ""]] * 2))
    [0, 3, 4, 6]
    """
    last = len(lines) - 1
    blank = [not line or line.isspace() for line in fixed_lines]
    content = [i for i, is_blank in enumerate(blank) if not is_blank]
    first, final = (content[0], content[-1]) if content else (last + 1, last)
    drop = set(range(first)) | set(range(final + 1, last + 1))
    drop |= {i for i in range(first + 1, final) if blank[i] and blank[i - 1]}
    if not lines[last]:
        drop.discard(last)
    return drop


def _drop_lines(lines: _Lines, dropped: set[int]) -> list[Change]:
    """Changes deleting the ``dropped`` lines, each with its line break."""
    changes: list[Change] = []
    for index in sorted(dropped):
        start, end = lines.starts[index], lines.ends[index]
        if changes and changes[-1].end == start:
            start = changes.pop().start
        changes.append(Change(start, end, "", "blank_lines", "extra blank lines"))
    return changes
