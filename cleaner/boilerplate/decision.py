"""How the boilerplate stage's classifier decides: the models' probabilities, then a trim from the edges in.

:func:`line_probabilities` asks the line model (:mod:`cleaner.boilerplate.classifier`) or,
on a whole page, its sequence model (:mod:`cleaner.boilerplate.sequence`); :func:`classify_lines`
turns the probabilities into the lines to drop (see :class:`cleaner.stages.boilerplate.BoilerplateStage`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from typing import NamedTuple

from cleaner.boilerplate.classifier import LineClassifier
from cleaner.boilerplate.features import NAMES, document_features
from cleaner.boilerplate.lines import LineShape, shape_of
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
    count = 0
    for t in texts:
        if not t.strip():
            continue
        if count >= limit or (measure or shape_of)(t).prose:
            break
        count += 1
    return count


def classify_lines(
    texts: list[str],
    model: LineClassifier,
    trim: Trim,
    keep: int | None = None,
    skip: Collection[int] = (),
    sequence: bool = False,
    measure: Callable[[str], LineShape] | None = None,
) -> Drops:
    """The lines the classifier finds to be boilerplate: trimmed at the edges, sparing the inside.

    Walking in from the top, and again from the bottom, a line below ``trim.edge_drop`` goes,
    until the first line at or above ``trim.edge_stop`` (the article has begun). The lines
    between the two stops are the article's block: there only lines below ``trim.inner_drop``
    go, so that a table or a list inside the article stays although its lines look like a
    menu. Lines in ``skip`` (already dropped by a rule) are not judged and do not stop a walk;
    line ``keep`` (the title) always stays. With ``sequence``, the probabilities come from the
    model's second (sequence) model when it has one (:func:`line_probabilities`). ``measure``
    measures the lines (see :func:`cleaner.boilerplate.features.document_features`).
    """
    prob = line_probabilities(texts, model, skip, sequence, measure)
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


def line_probabilities(
    texts: list[str],
    model: LineClassifier,
    skip: Collection[int] = (),
    sequence: bool = False,
    measure: Callable[[str], LineShape] | None = None,
) -> dict[int, float]:
    """The probability of article text of every non-blank line not in ``skip``, in the order of the lines.

    From the line model alone; or, with ``sequence`` and a model that has a second (sequence)
    model, from that one: it reads each line's features together with where the line sits
    among the line model's log-odds of the whole page (:mod:`cleaner.boilerplate.sequence`);
    the lines in ``skip`` (dropped by a rule) are left out of that sequence, so that an ad
    marker between two paragraphs does not split the article.
    """
    rows = [(i, x) for i, x in enumerate(document_features(texts, measure)) if x is not None and i not in skip]
    second = model.sequence if sequence else None
    if second is None:
        return {i: model.probability(x) for i, x in rows}
    z = [model.margin(x) for _, x in rows]
    # the word count back from its feature log1p(words): exact, and cheaper than counting again
    context = sequence_features(z, [round(math.expm1(x[_LOG_WORDS])) for _, x in rows])
    return {i: second.probability(x, c) for (i, x), c in zip(rows, context, strict=True)}
