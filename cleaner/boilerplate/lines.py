"""What one line of text looks like on its own: its shape, and the form under which lines repeat.

The boilerplate classifier's per-line numbers (jusText's length, stop-word density and
link-like words, plus title case, digits and end punctuation) are measured here, once per
distinct line of a run (:class:`LineMemo`); :mod:`cleaner.boilerplate.features` adds what
depends on the neighbouring lines and on the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Generic, NamedTuple, TypeVar

WORD = re.compile(r"\w+")
_CLOSERS = "\"'”’»)] \t"
_ENDS = (".", "!", "?")
_INNER_SENTENCE = re.compile(r"[.!?][\"'”’)]*\s+[\"'“‘(]*[A-Z]")
_SEPARATORS = re.compile(r"[|•·»›>/]|\s[-–—]\s")
_BULLET = re.compile(r"^\s*(?:[-–—•·*»›>]|\d{1,2}[.)])\s")
_DIGIT = re.compile(r"\d")
_NORM_DIGITS = re.compile(r"\d+")
T = TypeVar("T")

# Short function words of the languages news pages most often come in (English, German,
# French, Spanish, Portuguese, Italian, Dutch); a line of prose in any of them is dense with
# these, a menu or a teaser list is not. After the stop lists jusText ships, cut to the
# commonest words so that one list serves all seven.
STOP_WORDS = frozenset(
    """
    a about after all also an and are as at be been but by can could did do does for from had
    has have he her his how i if in into is it its just like more my no not of on one or our
    out over said she so some than that the their them then there these they this to up was
    we were what when which while who will with would you your
    aber als auch auf aus bei das dem den der des die dies ein eine einem einen einer es für
    hat ich ist mit nach nicht noch nur oder sich sie sind so über um und uns von vor war wie
    wir wird zu zum zur
    au aux avec ce ces cette dans de des du elle en est et il ils je la le les leur mais ne nous
    on ont ou par pas plus pour qu que qui sa se son sont sur un une
    al como con de del el en es esta este la las lo los más mas para pero por que se sin su sus
    una uno y
    ao as com da das do dos e em foi mais na nas no nos o os ou para pela pelo por se sua seu
    um uma
    ad che con da dal dei del della di e gli il in la le lo nel nella non per più si sono su un
    una
    aan als bij dat de een en het in is met niet om op te van voor was wordt zijn
    """.split()  # noqa: SIM905 - a word list reads better as running text
)


class LineShape(NamedTuple):
    """The numbers of one non-blank line that do not depend on its neighbours.

    A named tuple rather than a frozen dataclass: a page has hundreds of lines and the
    tuple is several times cheaper to build.
    """

    words: int
    chars: int
    ends_sentence: bool
    ends_colon: bool
    ends_alnum: bool
    stop_density: float
    title_ratio: float
    upper_ratio: float
    digit_ratio: float
    alpha_ratio: float
    linkish: int
    separators: int
    commas: int
    inner_sentences: int
    bullet: bool
    mean_word_len: float
    ends_ellipsis: bool
    content: list[str]
    prose: bool
    """Whether the line reads like running text: long enough, dense in function words, ended
    (:func:`is_prose`; a field, not a property, because every line is asked several times)."""


def is_prose(words: int, stop_density: float, ends_sentence: bool) -> bool:
    """Running text: 30 words or more, or 8 or more ending a sentence; either dense in function words.

    >>> is_prose(12, 0.3, True), is_prose(12, 0.3, False), is_prose(40, 0.3, False), is_prose(40, 0.1, True)
    (True, False, True, False)
    """
    return stop_density >= 0.15 and (words >= 30 or (words >= 8 and ends_sentence))


def shape_of(line: str) -> LineShape:
    """Measure one line.

    >>> s = shape_of("The company said on Monday that it would cut 4,000 jobs.")
    >>> s.words, s.ends_sentence, s.prose, s.content
    (12, True, True, ['company', 'monday', 'jobs'])
    >>> shape_of("Privacy | Terms | Contact").separators
    2
    """
    text = line.strip()
    words = WORD.findall(text)
    lowered = [w.lower() for w in words]
    n = len(words)
    alpha_words = [w for w in words if w[0].isalpha()]
    capitalised = [w for w in alpha_words if w[0].isupper()]
    n_alpha = max(1, len(alpha_words))
    chars = len(text)
    non_space = max(1, chars - text.count(" "))
    digits = len(_DIGIT.findall(text))
    word_chars = sum(map(len, words))
    core = text.rstrip(_CLOSERS)  # the end of the line without closing quotes and brackets
    ellipsis = core.endswith(("...", "…"))
    last = text[-1:]
    ends = core[-1:] in _ENDS and not ellipsis
    stop_density = sum(map(STOP_WORDS.__contains__, lowered)) / max(1, n)
    return LineShape(  # positional: several times cheaper than keywords for a hot path
        n,
        chars,
        ends,
        last == ":",
        last.isalnum(),
        stop_density,
        len(capitalised) / n_alpha,
        # an all-capitals word (two letters or more) starts with a capital: only those need the test
        sum([len(w) > 1 and w.isupper() for w in capitalised]) / n_alpha,
        digits / non_space,
        (word_chars - digits - text.count("_")) / non_space,
        _count_linkish(text),
        len(_SEPARATORS.findall(text)),
        text.count(","),
        len(_INNER_SENTENCE.findall(text)),
        _BULLET.match(text) is not None,
        word_chars / max(1, n),
        ellipsis,
        [w for w in lowered if len(w) >= 4 and w not in STOP_WORDS and not w.isdigit()],
        is_prose(n, stop_density, ends),
    )


def _count_linkish(text: str) -> int:
    """Marks of links, addresses and handles: ``http``, ``www.``, ``.com``, ``@``, ``#``.

    Plain substring counts, not a regex, because this runs on every line.

    >>> _count_linkish("Follow @jane or see www.example.com")
    3
    """
    lower = text.lower()
    return lower.count("http") + lower.count("www.") + lower.count(".com") + text.count("@") + text.count("#")


class LineMemo(Generic[T]):
    """A function of one line that remembers its answers: menus, share buttons and footers repeat
    within a page and across the pages of a site, and are worked on once per run. Lines longer
    than ``longest`` characters are worked on each time: prose seldom repeats, and remembering
    it would hold most of a run's text. Forgets all when ``limit`` lines are remembered.

    >>> measure = LineMemo(shape_of, limit=2)
    >>> measure("Home") is measure("Home"), measure("Home").words, len(measure)
    (True, 1, 1)
    >>> count = LineMemo(len, longest=4)
    >>> count("Home"), count("Homepage"), len(count)
    (4, 8, 1)
    """

    def __init__(self, function: Callable[[str], T], limit: int = 100_000, longest: int = 200) -> None:
        self.function = function
        self.limit = limit
        self.longest = longest
        self._answers: dict[str, T] = {}

    def __call__(self, line: str) -> T:
        if line in self._answers:
            return self._answers[line]
        if len(line) > self.longest:
            return self.function(line)
        if len(self._answers) >= self.limit:
            self._answers.clear()
        answer = self._answers[line] = self.function(line)
        return answer

    def __len__(self) -> int:
        return len(self._answers)


def normalise(line: str) -> str:
    """The form under which lines count as the same: case, digits and spacing folded (after CCNet).

    >>> normalise("  Updated 12:45 PM,  Nov 3 ")
    'updated 0:0 pm, nov 0'
    """
    return " ".join(_NORM_DIGITS.sub("0", line.lower()).split())
