"""How the boilerplate stage's classifier decides: the models' probabilities, then a trim from the edges in.

:func:`score_lines` asks the line model (:mod:`cleaner.boilerplate.classifier`) once per line;
from its log-odds come whether the text is an extractor's output already (:func:`looks_extracted`)
and the probabilities (:func:`line_probabilities`: the line model's, or on a whole page its sequence
model's, :mod:`cleaner.boilerplate.sequence`); :func:`classify_lines` turns them into the lines
to drop (see :class:`cleaner.stages.boilerplate.BoilerplateStage`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from typing import NamedTuple

from cleaner.boilerplate.classifier import LineClassifier, logistic
from cleaner.boilerplate.features import NAMES, document_features
from cleaner.boilerplate.lines import LineShape, normalise, shape_of
from cleaner.boilerplate.rules import Drops
from cleaner.boilerplate.sequence import sequence_features


class Trim(NamedTuple):
    """How the classifier's probabilities decide (see :func:`classify_lines`)."""

    edge_drop: float
    edge_stop: float
    inner_drop: float


def leading_non_prose(texts: list[str], limit: int, measure: Callable[[str], LineShape] | None = None) -> int:
    """How many non-blank lines come before the first line of prose, counting up to ``limit``.

    A whole page starts with navigation; text an extractor produced starts with the title and the
    article's first paragraph.

    >>> leading_non_prose(["Home", "News", "", "The talks, which began in May, ended without a deal."], 5)
    2
    """
    measure = measure if measure is not None else shape_of  # an empty memo is falsy
    count = 0
    for t in texts:
        if not t.strip():
            continue
        if count >= limit or measure(t).prose:
            break
        count += 1
    return count


class Scored(NamedTuple):
    """The line model's verdict on one non-blank line: its number, its features and their log-odds of article text."""

    line: int
    x: list[float]
    margin: float


def score_lines(
    texts: list[str],
    model: LineClassifier,
    skip: Collection[int] = (),
    measure: Callable[[str], LineShape] | None = None,
    fold: Callable[[str], str] = normalise,
) -> list[Scored]:
    """The line model's log-odds of every non-blank line not in ``skip`` (dropped by a rule), in order.

    ``measure`` and ``fold`` measure and fold the lines (see :func:`cleaner.boilerplate.features.document_features`).
    """
    rows = [(i, x) for i, x in enumerate(document_features(texts, measure, skip, fold)) if x is not None]
    return [Scored(i, x, model.margin(x)) for i, x in rows]


def doubtful_share(scored: list[Scored], dropped: int = 0) -> float:
    """The share of the lines that a rule dropped (``dropped`` of them) or the line model finds more likely boilerplate.

    An extractor's output has few such lines, a whole page many. On AEB's development pages,
    scored by line models that had not seen the page: trafilatura's output has a median share
    of 0.07 (90 % of the pages at most 0.40, 7 of 88 over 0.5: tables and lists); the whole
    pages a median of 0.90 (90 % at least 0.69, 83 of 88 over 0.5).

    >>> doubtful_share([Scored(0, [], 2.0), Scored(1, [], -1.0), Scored(3, [], 0.5)], dropped=1)
    0.5
    """
    total = len(scored) + dropped
    return (dropped + sum(1 for s in scored if s.margin < 0)) / total if total else 0.0


REPEATS = frozenset({"title.repeated", "repeat.adjacent", "corpus.repeated-line"})
"""Drops for a line's repeating another: an extractor's output has them too (a doubled title, equal table cells)."""


def looks_extracted(
    scored: list[Scored], drops: Drops, lead: int, lead_limit: int, doubtful_limit: float, furniture_limit: float
) -> bool:
    """Whether a text is an extractor's output already rather than a whole page.

    It is when its first line of prose comes within ``lead_limit`` lines (``lead`` is how many
    lines come before it: :func:`leading_non_prose`) and either at most ``doubtful_limit`` of its
    lines are doubtful (:func:`doubtful_share`) or at most ``furniture_limit`` of them were
    dropped by a rule for being furniture (``drops``; a repeat, :data:`REPEATS`, does not count).
    The second way is for an article made mostly of a table or a list, whose lines the line
    model doubts: a whole page nearly always carries furniture the rules know (share buttons, a
    copyright line, a menu), an extractor's output little or none. On AEB's development pages
    the 9 whole pages whose prose starts within two lines have 16-66% of their lines dropped by
    rules.

    >>> doubted = [Scored(i, [], -1.0) for i in range(30)]
    >>> looks_extracted(doubted, {}, lead=0, lead_limit=2, doubtful_limit=0.5, furniture_limit=0.05)
    True
    >>> looks_extracted(doubted, {30: ("generic.share-prompt", "")}, 0, 2, 0.5, 0.05)  # 1 of 31
    True
    >>> looks_extracted(doubted, {i: ("generic.share-prompt", "") for i in range(30, 40)}, 0, 2, 0.5, 0.05)
    False
    """
    if lead > lead_limit:
        return False
    lines = len(scored) + len(drops)
    furniture = sum(1 for rule, _ in drops.values() if rule not in REPEATS)
    return furniture <= furniture_limit * lines or doubtful_share(scored, len(drops)) <= doubtful_limit


def classify_lines(prob: Mapping[int, float], trim: Trim, keep: int | None = None) -> Drops:
    """The lines the classifier finds to be boilerplate: trimmed at the edges, sparing the inside.

    ``prob`` is the probability of article text of each line to judge, in the order of the
    lines (:func:`line_probabilities`). Walking in from the top, and again from the bottom, a
    line below ``trim.edge_drop`` goes, until the first line at or above ``trim.edge_stop``
    (the article has begun). The lines between the two stops are the article's block: there
    only lines below ``trim.inner_drop`` go, so that a table or a list inside the article stays
    although its lines look like a menu. Line ``keep`` (the title) always stays.
    """
    order = list(prob)
    drops: Drops = {}
    edge: set[int] = set()
    for walk in (order, order[::-1]):
        for i in walk:
            if prob[i] >= trim.edge_stop:
                break
            edge.add(i)
            if prob[i] < trim.edge_drop and i != keep:
                reason = f"line classifier: {prob[i]:.2f} probability of article text, outside the article's block"
                drops[i] = ("generic.classifier", reason)
    for i in order:
        if i not in edge and prob[i] < trim.inner_drop and i != keep:
            drops[i] = ("generic.classifier", f"line classifier: {prob[i]:.2f} probability of article text")
    return drops


_LOG_WORDS = NAMES.index("log_words")


def line_probabilities(scored: list[Scored], model: LineClassifier, sequence: bool = False) -> dict[int, float]:
    """The probability of article text of every scored line, in the order of the lines.

    From the line model alone; or, with ``sequence`` and a model that has a second (sequence)
    model, from that one: it reads each line's features together with where the line sits
    among the line model's log-odds of the whole page (:mod:`cleaner.boilerplate.sequence`).
    Lines a rule dropped are not scored (:func:`score_lines`), so they are not in that sequence
    either: an ad marker between two paragraphs does not split the article.
    """
    second = model.sequence if sequence else None
    if second is None:
        return {s.line: logistic(s.margin) for s in scored}
    # the word count back from its feature log1p(words): exact, and cheaper than counting again
    context = sequence_features([s.margin for s in scored], [round(math.expm1(s.x[_LOG_WORDS])) for s in scored])
    return {s.line: second.probability(s.x, c) for s, c in zip(scored, context, strict=True)}
