"""Boilerplate rule packs: YAML files of line patterns, each rule with its own examples.

A pack is one file in ``rules/boilerplate/`` (or wherever the stage config points)::

    description: Page furniture of oilprice.com.
    rules:
      - id: oilprice.ad-marker          # <pack name>.<rule name>; the pack name is the file stem
        description: The ADVERTISEMENT marker between paragraphs.
        pattern: '^\\s*ADVERTISEMENT\\s*$'
        ignore_case: false              # optional, default false
        keywords: [advertisement]       # optional: tried only on lines holding one of these (any case)
        kind: drop                      # optional: drop (the line goes), metadata, ends-article, heads-list
        examples:
          match: [ADVERTISEMENT]
          no_match: [The advertisement ran for a week.]

A ``drop`` rule removes every line its pattern is found in (``re.search`` on the line
without its line break). A ``metadata`` rule takes the text its pattern matches off the
start of a line and stores its named groups as document metadata; the rest of the line
stays. An ``ends-article`` rule finds the line after which nothing is article any more
(the heading of a comment thread): that line and every line after it go, once a line of
prose came before it; above the article, or before more prose than a page's comments
hold, it is only a line of furniture (:func:`lines_after_end`). A ``heads-list`` rule
finds the heading of a list of teasers ("You may also like", "Don't miss"): it and the
short lines right under it that do not end a sentence go (:func:`teaser_list_lines`).
:meth:`DropRules.first` finds the first ``drop`` rule a line matches, trying all of them as
one pattern first (:func:`any_of`); a rule with ``keywords`` (words or phrases a line must hold
one of, in any case, for its pattern to be tried) stays out of that pattern and costs a
substring test on most lines, cheaper than a pattern that looks for a word anywhere in the
line (:class:`DropRules`). Packs are read and checked against their own examples by
:mod:`cleaner.boilerplate.packs`.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Literal

Kind = Literal["drop", "metadata", "ends-article", "heads-list"]
KINDS: tuple[Kind, ...] = ("drop", "metadata", "ends-article", "heads-list")
Drops = dict[int, tuple[str, str]]  # line index -> (rule id, reason)
_SENTENCE_END = re.compile(r"[.!][\"'”’)\]]*\s*$")  # a teaser may end in "?" (a headline), not in "." or "!"


@dataclass(frozen=True)
class Rule:
    """One line pattern with what it does and the examples that prove it."""

    id: str
    description: str
    pattern: re.Pattern[str]
    kind: Kind
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]
    source: str
    keywords: tuple[str, ...] = ()
    """Words or phrases in lower case; the pattern is tried only on a line holding one of them, in
    any case. Empty: it is tried on every line."""

    def matches(self, line: str) -> bool:
        """Whether the rule fires on ``line`` (a line without its line break)."""
        if self.keywords and not self.may_match(line.lower()):
            return False
        return self.pattern.search(line) is not None

    def may_match(self, lowered: str) -> bool:
        """Whether the line, lower-cased, holds one of the keywords (always true without keywords)."""
        return not self.keywords or holds_any(lowered, self.keywords)


def holds_any(lowered: str, words: Sequence[str]) -> bool:
    """Whether ``lowered`` contains one of ``words`` (plain substring tests).

    >>> holds_any("sign up for our newsletter", ("inbox", "newsletter")), holds_any("oil rose", ("inbox",))
    (True, False)
    """
    for word in words:  # noqa: SIM110 - a loop is several times cheaper than any() over a generator
        if word in lowered:
            return True
    return False


def lines_after_end(texts: Sequence[str], rules: Sequence[Rule]) -> dict[int, tuple[str, str]]:
    """The non-blank lines from the first one an ``ends-article`` rule matches to the end, with rule and reason.

    Such a heading ends the article only once some of the article has been read: a line of
    prose (:func:`reads_as_prose`) before it. Above the article (a "12 Comments" link under
    the headline) it is a line of furniture: it goes alone, and the search goes on. So it
    does when more prose follows it than a page's comments hold (:data:`THREAD_MAX_WORDS`):
    the text is then more than one page (pages pasted into one file), and so is the rest of
    it, so every later heading goes alone too. Other kinds of rules in ``rules`` are
    ignored, so the caller may pass all of them.

    >>> end = Rule("x.thread", "d", re.compile("^Leave a Reply$"), "ends-article", ("Leave a Reply",), ("a",), "x")
    >>> article = "The council approved the new budget on Tuesday."
    >>> sorted(lines_after_end([article, "Leave a Reply", "", "Nice post!"], [end]))
    [1, 3]
    >>> sorted(lines_after_end(["A headline", "Leave a Reply", article, "More of it."], [end]))
    [1]
    """
    enders = [rule for rule in rules if rule.kind == "ends-article"]
    found: dict[int, tuple[str, str]] = {}
    prose: list[int] = []  # words of prose before each line and at the end, counted at the first heading
    pages = False  # whether more than a thread followed a heading: the text holds several pages
    for i, text in enumerate(texts):
        rule = next((r for r in enders if r.matches(text)), None)
        if rule is None:
            continue
        prose = prose or [0, *accumulate(len(t.split()) if reads_as_prose(t) else 0 for t in texts)]
        below = prose[-1] - prose[i + 1]
        if not prose[i]:
            found[i] = (rule.id, f"{text.strip()!r} comes before any of the article: only this line goes")
        elif pages or below > THREAD_MAX_WORDS:
            pages = True
            why = f"{text.strip()!r} is followed by more prose than a page's comments hold: only this line goes"
            found[i] = (rule.id, why)
        else:
            why = f"after {text.strip()!r}, which starts what follows the article"
            return found | {j: (rule.id, why) for j in range(i, len(texts)) if texts[j].strip()}
    return found


# The most words of prose a page's comment thread is taken to hold. On the 88 AEB pages (and
# the two outside checks' 48 pages) whose comment heading follows the article, the most below
# the heading was 1,323 words; a longer thread keeps its comments rather than risk the pages
# after it.
THREAD_MAX_WORDS = 3000


def reads_as_prose(text: str, min_words: int = 6) -> bool:
    """Whether a line reads as a sentence of prose: ``min_words`` words or more, ending in "." or "!".

    >>> reads_as_prose("The council approved the budget on Tuesday."), reads_as_prose("By Jane Doe, Staff Writer")
    (True, False)
    """
    return len(text.split()) >= min_words and _SENTENCE_END.search(text) is not None


def teaser_list_lines(texts: Sequence[str], rules: Sequence[Rule], max_words: int = 20) -> dict[int, tuple[str, str]]:
    """Each line a ``heads-list`` rule matches, with the teasers listed right under it, with rule and reason.

    The list may start after one blank line; it runs while lines are non-blank, at most
    ``max_words`` long and do not end a sentence in "." or "!" (article prose does, headlines
    of other stories do not). Other kinds of rules in ``rules`` are ignored.

    >>> head = Rule("x.more", "d", re.compile("^Don't miss$"), "heads-list", ("Don't miss",), ("a",), "x")
    >>> texts = ["The article.", "Don't miss", "", "Ten towns to visit", "Why prices rose?", "It rained.", "Ok"]
    >>> sorted(teaser_list_lines(texts, [head]))
    [1, 3, 4]
    """
    heads = [rule for rule in rules if rule.kind == "heads-list"]
    found: dict[int, tuple[str, str]] = {}
    for i, text in enumerate(texts):
        rule = next((r for r in heads if r.matches(text)), None)
        if rule is None:
            continue
        found[i] = (rule.id, "the heading of a list of teasers")
        j = i + 2 if i + 1 < len(texts) and not texts[i + 1].strip() else i + 1
        while j < len(texts) and texts[j].strip() and len(texts[j].split()) <= max_words:
            if _SENTENCE_END.search(texts[j]):
                break
            found[j] = (rule.id, f"a teaser listed under {text.strip()!r}")
            j += 1
    return found


_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


def _anchored(pattern: re.Pattern[str]) -> bool:
    """Whether every match of ``pattern`` must start at the start of the string (a leading ``^``, no top-level ``|``).

    >>> _anchored(re.compile("^a|b")), _anchored(re.compile("^(?:a|b)")), _anchored(re.compile("a"))
    (False, True, False)
    """
    if not pattern.pattern.startswith("^"):
        return False
    try:
        # the parser ``re`` itself uses; it is private, so any failure just means "not anchored"
        parser, constants = importlib.import_module("re._parser"), importlib.import_module("re._constants")
        tree = parser.parse(pattern.pattern, pattern.flags)
        return len(tree) > 0 and bool(tree[0] == (constants.AT, constants.AT_BEGINNING))
    except Exception:
        return False


def any_of(rules: tuple[Rule, ...]) -> re.Pattern[str] | None:
    """One pattern that matches where any of ``rules`` does, to test a line once instead of once per rule.

    The rules anchored at the start of the line are joined under one ``^``, so that the union
    is tried at the first position only, as each of them is; the others are added as they are.
    ``None`` when the patterns cannot be joined safely (numbered back-references would shift,
    a global inline flag or a repeated group name does not compile in a union).

    >>> from cleaner.boilerplate.packs import load_pack
    >>> from cleaner.config import rules_root
    >>> pack = load_pack(rules_root() / "boilerplate" / "oilprice.yaml")
    >>> union = any_of(pack.rules)
    >>> union is not None and bool(union.search("BUY 57.15")), union is not None and bool(union.search("Oil rose."))
    (True, False)
    """
    if not rules or any(_BACKREFERENCE.search(r.pattern.pattern) for r in rules):
        return None

    def scoped(rule: Rule, source: str) -> str:
        return f"(?{'i' if rule.pattern.flags & re.IGNORECASE else ''}:{source})"

    at_start = [_anchored(r.pattern) for r in rules]  # parses each pattern: once
    anchored = [scoped(r, r.pattern.pattern[1:]) for r, first in zip(rules, at_start, strict=True) if first]
    others = [scoped(r, r.pattern.pattern) for r, first in zip(rules, at_start, strict=True) if not first]
    parts = ([f"^(?:{'|'.join(anchored)})"] if anchored else []) + others
    try:
        return re.compile("|".join(parts))
    except re.error:
        return None


class DropRules:
    """The ``drop`` rules of a run, asked line by line which of them fires first.

    Most lines match no rule, so a line is first tested against the rules without keywords
    joined in one pattern (:func:`any_of`): if that matches, the rules are tried one by one, in
    order; if not, only the rules with keywords can match, and they are tried, in order, on a
    line that holds one of their keywords.

    >>> from cleaner.boilerplate.packs import load_pack
    >>> from cleaner.config import rules_root
    >>> drop = DropRules(load_pack(rules_root() / "boilerplate" / "oilprice.yaml").rules)
    >>> drop.first("BUY 57.15")[0], drop.first("Oil rose.")
    ('oilprice.quote-order', None)
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        unkeyed = tuple(rule for rule in self.rules if not rule.keywords)
        self.union = any_of(unkeyed)
        self.every_line = bool(unkeyed) and self.union is None  # cannot be joined: try them on every line
        self.keyed = tuple(rule for rule in self.rules if rule.keywords)
        self.keywords = tuple(sorted({word for rule in self.keyed for word in rule.keywords}))

    def first(self, line: str) -> tuple[str, str] | None:
        """The id and description of the first rule that matches ``line``; None if none does."""
        if not line.strip():
            return None
        lowered = line.lower()
        if self.every_line or (self.union is not None and self.union.search(line)):
            candidates = self.rules
        elif holds_any(lowered, self.keywords):
            candidates = self.keyed  # no rule without keywords matches
        else:
            return None
        for rule in candidates:
            if rule.may_match(lowered) and rule.pattern.search(line):
                return rule.id, rule.description.strip()
        return None


def match_rules(texts: list[str], rules: Sequence[Rule]) -> Drops:
    """The lines a drop rule matches, with the first matching rule.

    >>> from cleaner.boilerplate.packs import load_pack
    >>> from cleaner.config import rules_root
    >>> pack = load_pack(rules_root() / "boilerplate" / "oilprice.yaml")
    >>> {i: rule for i, (rule, _) in match_rules(["Oil rose.", "BUY 57.15"], pack.rules).items()}
    {1: 'oilprice.quote-order'}
    """
    return lines_found(texts, DropRules(rules).first)


def lines_found(texts: list[str], find: Callable[[str], tuple[str, str] | None]) -> Drops:
    """The lines ``find`` names a rule and reason for.

    >>> lines_found(["Oil rose.", "ADVERTISEMENT"], lambda t: ("x.ad", "an ad") if t.isupper() else None)
    {1: ('x.ad', 'an ad')}
    """
    return {i: found for i, t in enumerate(texts) if (found := find(t)) is not None}


def drop_teaser_lists(texts: list[str], drops: Drops, max_words: int = 20) -> Drops:
    """The short lines right under a dropped heading that ends in a colon ("More Top Reads From X:").

    The list may start after one blank line and runs until the next blank line or a line
    longer than ``max_words``; lines already dropped keep their own rule.

    >>> texts = ["Oil rose.", "More from us:", "", "Oil sold at a negative price!", "Gas slumps", "", "Next."]
    >>> sorted(drop_teaser_lists(texts, {1: ("generic.read-more", "teaser")}))
    [3, 4]
    """
    found: Drops = {}
    for i in sorted(drops):
        heading = texts[i].strip()
        if not heading.endswith(":"):
            continue
        j = i + 2 if i + 1 < len(texts) and not texts[i + 1].strip() else i + 1
        while j < len(texts) and texts[j].strip() and len(texts[j].split()) <= max_words:
            if j not in drops:
                found[j] = ("teaser.list", f"an item of the list under the boilerplate heading {heading!r}")
            j += 1
    return found
