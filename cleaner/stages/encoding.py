"""The encoding stage: repair mojibake and character-level damage, one line at a time.

Two passes over each line, every change recorded:

1. ftfy (:data:`FTFY_CONFIG`, :mod:`cleaner.stages.encoding_ftfy`): mojibake (``todayâ€™s`` →
   ``today’s``), HTML entities, control characters, ligatures. ftfy says which steps it took
   for the line, not where; the difference between the line before and after
   (:class:`difflib.SequenceMatcher`) gives the spans, labelled with those steps
   (``ftfy:sloppy-windows-1252->utf-8``).
2. The repairs of :mod:`cleaner.stages.encoding_repairs` that ftfy does not make (quotes facing
   the wrong way, ``Nagorno- Karabakh``, odd spaces, hashtags), each switched by the config.

Across lines, runs of blank lines shrink to one and blank lines at the start and end go;
paragraph breaks stay, since later stages work by line. Lines that provably need nothing (plain
ASCII without ``&``, ``#``, control characters or doubled, trailing or hyphen-split spaces) are
skipped, and ftfy is only called on a line it could change
(:func:`~cleaner.stages.encoding_ftfy.ftfy_may_change`): most lines of a news page are ASCII
with curly quotes and dashes, which ftfy provably leaves alone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import accumulate

import ftfy
from pydantic import Field

from cleaner.model import Document
from cleaner.registry import register
from cleaner.stages import encoding_repairs as repairs
from cleaner.stages.base import Stage, StageConfig, StageResult
from cleaner.stages.encoding_ftfy import FTFY_CONFIG, config_for, diff_spans, ftfy_changes, ftfy_may_change
from cleaner.trace import Change, Trace

__all__ = ["FTFY_CONFIG", "EncodingConfig", "EncodingStage", "diff_spans", "ftfy_changes"]

# Lines with a non-ASCII or control character or "&" (an HTML entity) are the ones ftfy might
# change (counted as "lines_ftfy"): on other ASCII text every ftfy fix is the identity
# (tests/stages/test_encoding.py checks it).
_NEEDS_FTFY = re.compile(r"[^\t\x20-\x25\x27-\x7e]")  # not printable ASCII, or &
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
        ftfy_config = config_for(text) if self.settings.fix_with_ftfy else None
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
        changes = _kept_line_changes(lines, {i: c for i, (_, c) in fixed.items() if c}, dropped)
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
            if ftfy_config is not None and ftfy_may_change(text, ftfy_config):
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


def _kept_line_changes(lines: _Lines, line_changes: dict[int, list[Change]], dropped: set[int]) -> list[Change]:
    """The changes of the lines that stay, moved into the text's coordinates, line by line, each
    line's followed by the one making its line break plain."""
    changes: list[Change] = []
    for index in sorted(line_changes.keys() | lines.odd_breaks):
        if index in dropped:
            continue
        start = lines.starts[index]
        changes += [
            Change(start + c.start, start + c.end, c.after, c.rule, c.reason) for c in line_changes.get(index, [])
        ]
        if index in lines.odd_breaks:
            reason = "line break made a plain newline (\\r\\n, \\r or a Unicode line separator)"
            changes.append(Change(start + len(lines.contents[index]), lines.ends[index], "\n", "line_break", reason))
    return changes


def _drop_lines(lines: _Lines, dropped: set[int]) -> list[Change]:
    """Changes deleting the ``dropped`` lines, each with its line break."""
    changes: list[Change] = []
    for index in sorted(dropped):
        start, end = lines.starts[index], lines.ends[index]
        if changes and changes[-1].end == start:
            start = changes.pop().start
        changes.append(Change(start, end, "", "blank_lines", "extra blank lines"))
    return changes
