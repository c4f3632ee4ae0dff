"""What the classifier sees of a line: its own shape, its neighbours', and the main block of prose.

Each line's own shape comes from :mod:`cleaner.boilerplate.lines`; here it is put in its context:
the neighbouring lines (jusText's idea), position, lines repeated inside the document, and
the main block of prose. Text extraction has lost the
markup, so the article has to be found from the text alone: :func:`main_block` takes the
longest dense run of sentences, because the article is usually the biggest stretch of prose
on a page while navigation, teasers and footers come in runs of short lines around it.

Everything here is a pure function of the lines of one document, so that training
(``scripts/train_boilerplate.py``) and the stage compute exactly the same numbers.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from itertools import accumulate

from cleaner.boilerplate.lines import LineMemo, LineShape, normalise, shape_of

NAMES = (
    "log_words",
    "log_chars",
    "ends_sentence",
    "ends_colon",
    "ends_alnum",
    "stop_density",
    "title_ratio",
    "upper_ratio",
    "digit_ratio",
    "alpha_ratio",
    "linkish",
    "separators",
    "comma_rate",
    "inner_sentences",
    "bullet",
    "mean_word_len",
    "position",
    "is_first",
    "is_last",
    "log_dup_in_doc",
    "blank_before",
    "blank_after",
    "rel_words",
    "prev_log_words",
    "prev_stop_density",
    "prev_ends_sentence",
    "next_log_words",
    "next_stop_density",
    "next_ends_sentence",
    "window_prose",
    "in_block",
    "block_distance",
    "block_word_gap",
    "block_share",
    "doc_log_lines",
    "near_prose_before",
    "near_prose_after",
    "prose_distance_before",
    "prose_distance_after",
    "prose_share_before",
    "doc_prose_share",
    "block_cohesion",
    "segment_share",
    "ends_ellipsis",
)


def main_block(shapes: Sequence[LineShape]) -> tuple[int, int]:
    """The run of lines ``[start, end)`` that holds the most prose net of the non-prose inside it.

    Each prose line scores its word count; every other line costs its word count plus four
    (a stack of short menu entries costs more than its few words). The best run is the
    maximum-sum subarray (Kadane). An empty list gives ``(0, 0)``.

    >>> menu, prose = shape_of("Home"), shape_of("The talks, which began in May, ended without a deal on Friday.")
    >>> main_block([menu, menu, prose, prose, menu, prose, menu])
    (2, 6)
    """
    return best_span([shape.words if shape.prose else -(shape.words + 4.0) for shape in shapes])


def best_span(values: Sequence[float]) -> tuple[int, int]:
    """The run ``[start, end)`` with the highest sum (Kadane); ``(0, 0)`` when every value is negative.

    >>> best_span([-1.0, 2.0, -0.5, 3.0, -4.0, 1.0])
    (1, 4)
    """
    best, span, run, start = 0.0, (0, 0), 0.0, 0
    for i, value in enumerate(values):
        if run <= 0:
            run, start = 0.0, i
        run += value
        if run > best:
            best, span = run, (start, i + 1)
    return span


def document_features(
    lines: Sequence[str],
    measure: Callable[[str], LineShape] | None = None,
    skip: Collection[int] = (),
    fold: Callable[[str], str] = normalise,
) -> list[list[float] | None]:
    """The feature vector (in :data:`NAMES` order) of every line; ``None`` for blank lines and
    for the lines in ``skip`` (which still count as the neighbours and context of the others).

    ``measure`` measures the lines and ``fold`` folds them (:func:`normalise`); give the same
    memos to all pages of a run to work on a line once.
    """
    measure = measure if measure is not None else LineMemo(shape_of)  # an empty memo is falsy
    blank = [not line.strip() for line in lines]
    index = [i for i, is_blank in enumerate(blank) if not is_blank]
    shapes = [measure(lines[i]) for i in index]
    keys = [fold(lines[i]) for i in index]
    counts = Counter(keys)
    start, end = main_block(shapes)
    words = [s.words for s in shapes]
    cum = [0, *accumulate(words)]
    max_words = max(words, default=1) or 1
    prose = [1.0 if s.prose else 0.0 for s in shapes]
    around = prose_context(shapes)
    cohesion = block_cohesion([shape.content for shape in shapes], start, end)
    segments = segment_shares(shapes)
    # log words, stop density, ends a sentence: what a line's neighbours see of it (as in _own)
    context = [[math.log1p(s.words), s.stop_density, float(s.ends_sentence)] for s in shapes]
    n = len(shapes)
    edge = [0.0, 0.0, 0.0]
    document = [(cum[end] - cum[start]) / max(1, cum[-1]), math.log1p(n)]
    out: list[list[float] | None] = [None] * len(lines)
    for k, i in enumerate(index):
        if i in skip:
            continue
        gap = 0 if start <= k < end else (start - k if k < start else k - end + 1)
        gap_words = cum[start] - cum[k + 1] if k < start else cum[k] - cum[end] if k >= end else 0
        window = prose[max(0, k - 2) : k + 3]
        out[i] = [
            *_own(shapes[k]),
            k / max(1, n - 1),
            float(k == 0),
            float(k == n - 1),
            math.log1p(counts[keys[k]] - 1),
            float(i > 0 and blank[i - 1]),
            float(i + 1 < len(lines) and blank[i + 1]),
            words[k] / max_words,
            *(context[k - 1] if k > 0 else edge),
            *(context[k + 1] if k + 1 < n else edge),
            sum(window) / len(window),
            float(gap == 0),
            math.log1p(gap),
            math.log1p(gap_words),
            *document,
            *around[k],
            cohesion[k],
            segments[k],
            float(shapes[k].ends_ellipsis),
        ]
    return out


def block_cohesion(words: Sequence[Sequence[str]], start: int, end: int) -> list[float]:
    """Per line, the share of its content words (:attr:`LineShape.content`) that the main block uses elsewhere.

    Teasers for other stories, comments and the next article on the page are prose too,
    but about something else; the article's own lines share its vocabulary. A line of the
    block is measured against the rest of the block (its own words taken out). Lines
    without content words get 0.

    >>> lines = ["Storm hits coast", "The storm hit the coast.", "Coast storm damage.", "Shoes sale"]
    >>> block_cohesion([shape_of(line).content for line in lines], 1, 3)
    [0.6666666666666666, 1.0, 0.6666666666666666, 0.0]
    """
    vocabulary: Counter[str] = Counter()
    for k in range(start, end):
        vocabulary.update(words[k])
    out: list[float] = []
    for k, ws in enumerate(words):
        if not ws:
            out.append(0.0)
        elif start <= k < end:  # its own uses of a word do not count (lines are short: count, not Counter)
            out.append(sum([vocabulary[w] > ws.count(w) for w in ws]) / len(ws))
        else:
            out.append(sum([vocabulary[w] > 0 for w in ws]) / len(ws))
    return out


def segment_shares(shapes: Sequence[LineShape], gap: int = 3) -> list[float]:
    """Per line, the prose of its segment over the prose of the biggest segment.

    Segments are runs of lines split wherever ``gap`` or more non-prose lines follow each
    other; a line inside such a split gets 0. The article is usually the biggest segment,
    the comment thread or the next story a smaller one.

    >>> menu, prose = shape_of("Home"), shape_of("The talks, which began in May, ended without a deal on Friday.")
    >>> segment_shares([prose, menu, prose, menu, menu, menu, prose])
    [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.5]
    """
    n = len(shapes)
    seg = [-1] * n
    current, run_start, last_prose = -1, 0, -(10**9)
    for k, shape in enumerate(shapes):
        if not shape.prose:
            continue
        if k - last_prose - 1 >= gap or current < 0:
            current += 1
            run_start = k
        for j in range(max(run_start, last_prose + 1), k + 1):
            seg[j] = current
        last_prose = k
    totals: Counter[int] = Counter()
    for k, shape in enumerate(shapes):
        if shape.prose and seg[k] >= 0:
            totals[seg[k]] += shape.words
    biggest = max(totals.values(), default=0) or 1
    return [totals[seg[k]] / biggest if seg[k] >= 0 else 0.0 for k in range(n)]


def prose_context(shapes: Sequence[LineShape], reach: int = 5, far: int = 50) -> list[tuple[float, ...]]:
    """Per line, where the prose around it is (jusText's context, measured rather than voted).

    The six numbers: words of prose in the ``reach`` lines before and after (log), lines to
    the nearest prose line before and after (log, ``far`` when there is none), the share of
    the document's prose that comes before the line, and the document's share of prose.
    A short line between paragraphs (a list inside the article) has prose close on both
    sides; a menu or a teaser list has it on one side at most.

    >>> menu, prose = shape_of("Home"), shape_of("The talks, which began in May, ended without a deal on Friday.")
    >>> [round(v, 2) for v in prose_context([prose, menu, prose])[1]]
    [2.56, 2.56, 0.69, 0.69, 0.5, 0.96]
    """
    pw = [s.words if s.prose else 0 for s in shapes]
    cum = [0, *accumulate(pw)]
    total_prose = max(1, cum[-1])
    doc_share = cum[-1] / max(1, sum(s.words for s in shapes))
    last_before: list[int | None] = []
    seen: int | None = None
    for k, words in enumerate(pw):
        last_before.append(seen)
        if words:
            seen = k
    next_after: list[int | None] = [None] * len(pw)
    seen = None
    for k in range(len(pw) - 1, -1, -1):
        next_after[k] = seen
        if pw[k]:
            seen = k
    out: list[tuple[float, ...]] = []
    for k in range(len(pw)):
        before, after = last_before[k], next_after[k]
        out.append(
            (
                math.log1p(cum[k] - cum[max(0, k - reach)]),
                math.log1p(cum[min(len(pw), k + 1 + reach)] - cum[k + 1]),
                math.log1p(k - before if before is not None else far),
                math.log1p(after - k if after is not None else far),
                cum[k] / total_prose,
                doc_share,
            )
        )
    return out


def _own(s: LineShape) -> list[float]:
    return [
        math.log1p(s.words),
        math.log1p(s.chars),
        float(s.ends_sentence),
        float(s.ends_colon),
        float(s.ends_alnum),
        s.stop_density,
        s.title_ratio,
        s.upper_ratio,
        s.digit_ratio,
        s.alpha_ratio,
        float(s.linkish),
        float(s.separators),
        s.commas / max(1, s.words),
        float(s.inner_sentences),
        float(s.bullet),
        s.mean_word_len,
    ]
