"""The lines of a text, and the changes that take lines out of it.

The boilerplate stage decides which lines go (:data:`~cleaner.boilerplate.rules.Drops`: line
index -> rule and reason); this module turns that into :class:`~cleaner.trace.Change` objects,
each dropped line with its line break, and tidies the blank lines that removals leave meeting.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from cleaner.boilerplate.rules import Drops
from cleaner.trace import Change


@dataclass(frozen=True)
class Line:
    """One line of the text: ``text[start:end]`` is its content, ``text[start:stop]`` adds its line break."""

    start: int
    end: int
    stop: int
    text: str


def split_lines(text: str) -> list[Line]:
    """The lines of ``text`` with their offsets; the last one may lack a line break.

    >>> [(x.text, x.start, x.stop) for x in split_lines("ab\\n\\ncd")]
    [('ab', 0, 3), ('', 3, 4), ('cd', 4, 6)]
    """
    lines, start = [], 0
    for content in text.split("\n"):
        end = start + len(content)
        stop = min(end + 1, len(text))
        lines.append(Line(start, end, stop, content))
        start = stop
    if lines and lines[-1].start == len(text) and len(lines) > 1:
        lines.pop()  # text ends with a line break: no empty line after it
    return lines


def line_at(lines: list[Line], offset: int) -> int:
    """The index of the line that holds ``offset``."""
    return bisect_right([line.start for line in lines], offset) - 1


def drop_adjacent_repeats(texts: list[str]) -> Drops:
    """Lines equal to the previous non-blank line (folded for spacing) go; the first copy stays.

    >>> drop_adjacent_repeats(["Title", "", "Title", "", "Body text."])
    {2: ('title.repeated', 'the title is repeated right after itself')}
    """
    drops: Drops = {}
    previous: str | None = None
    first = True
    for i, t in enumerate(texts):
        if not t.strip():
            continue
        key = " ".join(t.split())
        if key == previous:
            if first:
                drops[i] = ("title.repeated", "the title is repeated right after itself")
            else:
                drops[i] = ("repeat.adjacent", "the line repeats the line before it")
        else:
            first = first and previous is None
            previous = key
    return drops


# A sentence ends inside the line and another begins: "?" or "!" before a capital, or "." after a
# lower-case word of 3+ letters ("advertiser. All"; not "Gov. Kristi", "L.A. Auto", "Inc. and").
_INNER_SENTENCE_END = re.compile(r"(?:[?!]|\b[a-z]{3,}\.)[\"'”’)]*\s+[\"'“‘(]*[A-Z]")
_ADDRESS = re.compile(r"\bwww\.|https?://|\S@\w+\.\w")  # a web or e-mail address
_FIELD = re.compile(r"\w:\s")  # "Tested by: ...", "RRP: ...": a label and its value


def headline_shaped(line: str) -> bool:
    """Whether a line reads as a headline: one phrase of 3 to 25 words that does not end a sentence in "." or ":".

    A "?" or "!" may end it. Not a headline: a line written all in capitals (a kicker, a label,
    a shouted subheading such as "CLICK FOR FULL RESULTS"), a line with a second sentence
    in it, one with a web or e-mail address, or one of two or more "label: value" fields.
    One colon stays allowed ("Hong Kong chaos: troops deployed").

    >>> headline_shaped("Fed holds rates steady as inflation cools")
    True
    >>> headline_shaped("Is the boom over?"), headline_shaped("The Fed held rates on Wednesday.")
    (True, False)
    >>> headline_shaped("Home"), headline_shaped("Related stories:")
    (False, False)
    >>> headline_shaped("Gov. Kristi Noem defends the L.A. Auto Show ad: 'Meth. We're on it'")
    True
    >>> headline_shaped("SEE THE FULL RESULTS HERE"), headline_shaped("Never been? Book a table today!")
    (False, False)
    >>> headline_shaped("Paid for by our partners. All views are my own #ad")
    False
    >>> headline_shaped("Reviewed by: Ann Poe Price: $20 Details: www.example.com")
    False
    """
    words = len(line.split())
    if not 3 <= words <= 25 or line.rstrip().rstrip("\"'”’)").endswith((".", ":", ";", ",")):
        return False
    if line.upper() == line or _INNER_SENTENCE_END.search(line) or _ADDRESS.search(line):
        return False
    return len(_FIELD.findall(line)) < 2


def removal_changes(lines: list[Line], drops: Drops) -> list[Change]:
    """One change per dropped line (with its line break), then the blank-line runs that meet.

    >>> ls = split_lines("A\\n\\nJUNK\\n\\nB\\n")
    >>> [(c.start, c.end, c.rule) for c in removal_changes(ls, {2: ("r", "why")})]
    [(3, 8, 'r'), (8, 9, 'blank.collapse')]
    """
    changes = [Change(lines[i].start, lines[i].stop, "", rule, reason) for i, (rule, reason) in drops.items()]
    kept = [i for i in range(len(lines)) if i not in drops]
    blank = [not lines[i].text.strip() for i in kept]
    reason = "blank line left behind where boilerplate lines were removed"
    run: list[int] = []  # positions in ``kept`` of the current run of blank lines
    for pos in range(len(kept) + 1):
        if pos < len(kept) and blank[pos]:
            run.append(pos)
            continue
        if run:
            for pos_extra in _excess_blanks(run, kept, len(lines), drops):
                line = lines[kept[pos_extra]]
                changes.append(Change(line.start, line.stop, "", "blank.collapse", reason))
        run = []
    return sorted(changes, key=lambda c: c.start)


def _excess_blanks(run: list[int], kept: list[int], n_lines: int, drops: Drops) -> list[int]:
    """Which blank lines of a run to remove: the ones beyond the longest original run it joins."""
    first, last = kept[run[0]], kept[run[-1]]
    if not any(i in drops for i in range(first, last + 1)):
        at_start = first > 0 and all(i in drops for i in range(first))
        at_end = last < n_lines - 1 and all(i in drops for i in range(last + 1, n_lines))
        return run if at_start or at_end else []
    touches_start = all(i in drops for i in range(first))
    touches_end = all(i in drops for i in range(last + 1, n_lines))
    if touches_start or touches_end:
        return run
    longest, current = 0, 0
    for i in range(first, last + 1):
        current = 0 if i in drops else current + 1
        longest = max(longest, current)
    return run[longest:]
