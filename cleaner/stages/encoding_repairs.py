"""Line repairs of the encoding stage that ftfy does not make.

Each repair is a pure function from one line (no ``\\n`` in it) to the changes it wants,
as :class:`~cleaner.trace.Change` objects in that line's coordinates, so the stage can
record every one. :func:`apply_fixes` turns them into the repaired line; the doctests use it.

The repairs aim at damage that scraping, spinning and careless editing leave in news text.
Each says what it deliberately leaves alone: correct text, including ftfy's negative test
cases, must come through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cleaner.trace import Change

__all__ = [
    "apply_fixes",
    "fix_spaced_possessive",
    "join_spaced_hyphens",
    "normalize_spaces",
    "remove_invisible_characters",
    "strip_running_hashtags",
    "swap_misplaced_quotes",
]


def apply_fixes(line: str, changes: Sequence[Change]) -> str:
    """The line with ``changes`` (non-overlapping, in its coordinates) made.

    >>> apply_fixes("abc", [Change(1, 2, "X", "r", "why")])
    'aXc'
    """
    pieces, last = [], 0
    for change in sorted(changes, key=lambda c: c.start):
        pieces += [line[last : change.start], change.after]
        last = change.end
    pieces.append(line[last:])
    return "".join(pieces)


# -- quotes ------------------------------------------------------------------------------

_DOUBLE_QUOTES = re.compile("[\u201c\u201d\u201e]")  # “ ” „
_OPEN, _CLOSE, _LOW_OPEN = "\u201c", "\u201d", "\u201e"


def _is_word(char: str) -> bool:
    return char.isalnum()


def swap_misplaced_quotes(line: str) -> list[Change]:
    """Turn ``word” next …”`` into ``word “next …”``: an opening quote typed as a closing one.

    Spinners and bad smart-quote conversion leave an opening quote glued to the word before it,
    facing the wrong way, with the space on the wrong side. It is recognised when no quote is
    open at that point, the glyph sits between a word and ``space + word``, and the next
    double-quote glyph on the line closes (so the pair is balanced after the repair).

    >>> apply_fixes(s := "He said” no deal” today.", swap_misplaced_quotes(s))
    'He said “no deal” today.'

    Left alone: correct quoting (``“biased” remarks``: the ” closes an open quote), German and
    Croatian ``„…“`` pairs, a closing quote with no partner later on the line (a quotation
    carried over from the previous paragraph), lines that use ” as an opening quote too
    (Swedish ``han sa ”ja” och``, ``[link=”url” type=”big”]``), and inch marks (``a 15” and a 16” one``).

    >>> swap_misplaced_quotes("a “biased” remark, „so“ what, done” he said")
    []
    >>> swap_misplaced_quotes("a 15” and a 16” one") + swap_misplaced_quotes("sa ”ja” och sen” nej”")
    []
    """
    if _CLOSE not in line or _CLOSE_AS_OPENER.search(line):
        return []  # nothing to swap, or the line opens quotes with ” on purpose (Swedish, Finnish, shortcodes)
    glyphs = [(m.start(), m.group()) for m in _DOUBLE_QUOTES.finditer(line)]
    changes: list[Change] = []
    opener = ""
    for k, (pos, glyph) in enumerate(glyphs):
        if glyph in (_OPEN, _LOW_OPEN) and not opener:
            opener = glyph
        elif glyph in (_CLOSE, _OPEN) and opener:
            opener = ""
        elif glyph == _CLOSE and _opens_misplaced(line, pos, glyphs[k + 1 :]):
            reason = "an opening quote was typed as a closing one, stuck to the previous word"
            changes.append(Change(pos, pos + 2, " " + _OPEN, "quote_direction", reason))
            opener = _OPEN
    return changes


# A ” at the start of a line or after a space, "=" or bracket is used as an opening quote.
_CLOSE_AS_OPENER = re.compile(r"(?:^|[\s=(\[])\u201d")


def _opens_misplaced(line: str, pos: int, later: list[tuple[int, str]]) -> bool:
    glued = pos > 0 and line[pos - 1].isalpha()  # not a digit: 15” is fifteen inches
    then_word = line[pos + 1 : pos + 2] == " " and _is_word(line[pos + 2 : pos + 3] or " ")
    partner = bool(later) and later[0][1] == _CLOSE and not line[later[0][0] - 1].isdigit()
    return glued and then_word and partner


_SPACED_POSSESSIVE = re.compile(r"\b(\w+[sS]) [\u2018\u2019] (?=\w)")
# Function words that end in "s" but are never plural possessives.
_NOT_PLURAL = frozenset(
    [
        "as",
        "is",
        "was",
        "has",
        "his",
        "hers",
        "its",
        "ours",
        "yours",
        "theirs",
        "this",
        "us",
        "yes",
        "does",
        "thus",
        "plus",
        "whereas",
        "perhaps",
        "always",
        "less",
        "unless",
    ]
)


def fix_spaced_possessive(line: str) -> list[Change]:
    """Turn ``States ‘ mediation`` into ``States’ mediation``: a plural possessive apostrophe.

    A lone curly single quote with a space on each side, after a plural word ending in *s* and
    before a word, can only be the apostrophe of a plural possessive.

    >>> apply_fixes(s := "the United States ‘ mediation role", fix_spaced_possessive(s))
    'the United States’ mediation role'

    Left alone: quotes attached to a word (``‘business as usual’``), a lone quote after a word
    not ending in *s* or after a function word such as *was* or *this*.

    >>> fix_spaced_possessive("it was ‘ usual ’ for him") + fix_spaced_possessive("the ‘dirt cheap’ one")
    []
    """
    if " \u2018 " not in line and " \u2019 " not in line:
        return []  # cheap test first: most lines have no lone quote
    reason = "a plural possessive apostrophe had spaces around it"
    return [
        Change(m.end(1), m.end(), "\u2019 ", "spaced_possessive", reason)
        for m in _SPACED_POSSESSIVE.finditer(line)
        if m.group(1).lower() not in _NOT_PLURAL
    ]


# -- hyphens -----------------------------------------------------------------------------

# "X- Y": the word before the hyphen, the one after it, and whether that one is suspended too.
_SPACED_HYPHEN = re.compile(r"([^\W\d_]+)- (?=([^\W_]+)(- )?)")
# Words after which "X- " is a suspended hyphen ("pre- and post-war", "two- to three-year",
# German "Wachstums- und Entwicklungstreiber"): conjunctions, comparisons and range words of
# the languages news is commonly scraped in (English, German, French, Spanish, Italian,
# Portuguese, Dutch, the Nordic languages, Finnish, Polish, Russian).
_SUSPENDING_WORDS = frozenset(
    {
        # English
        *("and", "or", "nor", "to", "through", "till", "until", "versus", "vs", "as", "but", "not", "if", "plus"),
        *("than", "rather", "into", "of"),
        # German, French, Spanish, Italian, Portuguese, Dutch
        *("und", "oder", "bis", "sowie", "bzw", "als", "noch", "wie", "statt", "zu", "beziehungsweise", "respektive"),
        *("resp", "et", "ou", "à", "y", "o", "e", "u", "ni", "a", "en", "tot"),
        # Danish, Norwegian, Swedish, Finnish, Polish, Russian
        *("og", "och", "eller", "samt", "ja", "tai", "i", "lub", "oraz", "albo", "и", "или"),
    }
)
# Credit ratings, grades and blood groups end in a minus ("BBB- from BBB", "an A- in
# chemistry", "type O-"): after one to three capitals the hyphen is joined only to a word that
# makes a compound with an abbreviation ("US- led" -> "US-led", "UK- based" -> "UK-based").
_ABBREVIATION = re.compile(r"[A-Z]{1,3}")
_COMPOUND_HEADS = frozenset(
    {
        *("based", "led", "backed", "owned", "born", "made", "wide", "style", "funded", "brokered", "sponsored"),
        *("run", "controlled", "bound", "friendly", "linked", "related", "specific", "registered", "listed"),
        *("approved", "allied", "aligned"),
    }
)


def join_spaced_hyphens(line: str) -> list[Change]:
    """Turn ``Nagorno- Karabakh`` into ``Nagorno-Karabakh``: a compound split after its hyphen.

    >>> apply_fixes(s := "the Nagorno- Karabakh region, COVID- 19", join_spaced_hyphens(s))
    'the Nagorno-Karabakh region, COVID-19'

    Left alone: suspended hyphens (``pre- and post-war``, ``short- or long-term``,
    ``two- to three-year``, ``Wachstums- und Entwicklungs…``), an open range after a number
    (``© 2000- Example Inc.``), dashes between spaces (``word - word``), list bullets (``- item``)
    and a hyphen at the end of a line.

    >>> join_spaced_hyphens("pre- and post-war, short- or long-term, a - b, 2000- Acme")
    []
    >>> join_spaced_hyphens("- item") + join_spaced_hyphens("hyphen-")
    []

    Nor a chain of them without commas (``mother- father- and child-friendly``), or a rating,
    grade or blood group (``rated BBB- with``, ``an A- in``), though ``US- led`` is joined.

    >>> join_spaced_hyphens("mother- father- and child-friendly, rated BBB- with an A- in it")
    []
    >>> apply_fixes(s := "a US- led and UK- based effort", join_spaced_hyphens(s))
    'a US-led and UK-based effort'
    """
    if "- " not in line:
        return []
    changes = []
    for match in _SPACED_HYPHEN.finditer(line):
        before, after, suspended = match.groups()
        if after.lower() in _SUSPENDING_WORDS or suspended:
            continue
        if _ABBREVIATION.fullmatch(before) and after.lower() not in _COMPOUND_HEADS:
            continue
        reason = "a space split a hyphenated compound"
        changes.append(Change(match.end() - 2, match.end(), "-", "hyphen_space", reason))
    return changes


# -- spaces ------------------------------------------------------------------------------

# Invisible characters that only get in the way of matching words: zero-width space, word
# joiner, byte order mark, soft hyphen. Zero-width (non-)joiners (U+200C, U+200D) stay: emoji
# sequences and Persian or Indic spelling need them.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad]+")


def remove_invisible_characters(line: str) -> list[Change]:
    """Remove zero-width spaces, word joiners, stray byte order marks and soft hyphens.

    >>> apply_fixes(s := "news\\u00adpaper\\u200b text", remove_invisible_characters(s))
    'newspaper text'

    Left alone: zero-width joiners and non-joiners (emoji sequences, Persian, Indic scripts).

    >>> remove_invisible_characters("\\U0001f469\\u200d\\U0001f4bb")
    []
    """
    reason = "invisible character (zero-width space, soft hyphen or byte order mark)"
    return [Change(m.start(), m.end(), "", "invisible_char", reason) for m in _INVISIBLE.finditer(line)]


# Runs of two or more spaces, or a single odd one: a lone plain space never needs work, and
# skipping it keeps this cheap on ordinary lines.
_SPACE_RUN = re.compile("[ \u00a0\u1680\u2000-\u200a\u202f\u205f]{2,}|[\u00a0\u1680\u2000-\u200a\u202f\u205f]")
_ODD_SPACE = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f]")
_TRAILING_SPACE = re.compile(r"\s+$")
# Spaces that forbid a line break: a lone one between visible characters is a typographic
# choice of the publisher ("10 km", "M. Dupont", French "« oui »").
_NO_BREAK = frozenset("\u00a0\u2007\u202f")
# A run of spaces is collapsed only between words: after a word or closing punctuation and
# before a word or opening punctuation. Runs among symbols (emoticons, ASCII art) stay.
_BEFORE_RUN = re.compile(r"[\w.,;:!?%)\]}\u201d\u2019\"']")
_AFTER_RUN = re.compile(r"[\w(\[{\u201c\u2018\"'$\u20ac\u00a3]")


# A line with two or more runs between words, one of them this wide, and no sentence end is
# set out in columns ("Arsenal    10   2   32"): its runs are the layout, not stray spaces.
_COLUMN_GAP = 3
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s*$")


def _between_words(line: str, start: int, end: int) -> bool:
    return start > 0 and bool(_BEFORE_RUN.match(line, start - 1)) and bool(_AFTER_RUN.match(line, end))


def normalize_spaces(line: str, keep_no_break: bool = True) -> list[Change]:
    """Make odd spaces plain, collapse runs of spaces between words, strip trailing spaces.

    >>> s = "Prices\\u2009rose  sharply.\\u00a0 Then\\u00a0they fell.  "
    >>> apply_fixes(s, normalize_spaces(s))
    'Prices rose sharply. Then\\xa0they fell.'
    >>> apply_fixes(s, normalize_spaces(s, keep_no_break=False))
    'Prices rose sharply. Then they fell.'

    Left alone: leading indentation (its odd spaces become plain ones, its width stays), tabs,
    a lone no-break space between visible characters when ``keep_no_break`` (the publisher's
    choice), runs of spaces among symbols (``:(   `¬´    ):``) and the gaps of a line set out
    in columns (two or more runs between words, one at least three spaces wide, and no full
    stop, question or exclamation mark at its end).

    >>> normalize_spaces("  - item\\tcol :(   `¬´    ): x,\\u00a0y")
    []
    >>> normalize_spaces("Arsenal    10   2   32")
    []
    """
    if not line[-1:].isspace() and "  " not in line and not _ODD_SPACE.search(line):
        return []  # cheap test first: most lines have single plain spaces only
    changes = []
    trailing = _TRAILING_SPACE.search(line)
    stop = trailing.start() if trailing else len(line)
    runs = [(m.group(), m.start(), m.end()) for m in _SPACE_RUN.finditer(line, 0, stop)]
    gaps = [len(run) if len(run) > 1 and _between_words(line, start, end) else 0 for run, start, end in runs]
    in_columns = sum(map(bool, gaps)) >= 2 and max(gaps) >= _COLUMN_GAP and not _SENTENCE_END.search(line)
    for (run, start, end), gap in zip(runs, gaps, strict=True):
        if gap and not in_columns:
            changes.append(Change(start, end, " ", "space_run", "several spaces between two words"))
        elif len(run) == 1 and run in _NO_BREAK and keep_no_break and start > 0:
            continue
        elif run.strip(" "):
            plain = " " * len(run)
            changes.append(Change(start, end, plain, "odd_space", "no-break or odd-width space made plain"))
    if trailing:
        changes.append(Change(trailing.start(), len(line), "", "trailing_space", "spaces at the end of a line"))
    return changes


# -- hashtags ----------------------------------------------------------------------------

# A "#" that opens a word (after a space, an opening bracket or quote, or at the start), not
# one inside a URL ("…/wiki/Mercury_(planet)#Orbit", "?x=#top") or a code.
_HASHTAG = re.compile(r"(?<![^\s(\[{“‘\"'«])#([^\W\d_]\w*)")
# Tags that are names, not a word with a "#" stuck on: coined multi-word tags (#MeToo,
# #BlackLivesMatter: a capital after a small letter), a letter with digits ("Apt #B", "#B12"),
# hex colours (#FFF, #ff0000).
_KEPT_TAG = re.compile(r"\w*[^\W\d_A-Z][A-Z]\w*|[A-Za-z]\d*|(?=\w*\d)[0-9a-fA-F]{6}|[0-9A-F]{3}(?:[0-9A-F]{3})?")
# Tags appended to a post ("… today #news #oil") end the line without sentence punctuation.
# "use the hashtag #MeToo": the tag is quoted as a tag, its "#" belongs to the text.
_NAMES_TAG = re.compile(r"\b(?:hash)?tags?\s+$", re.IGNORECASE)
_TRAILING_TAGS = re.compile(r"#[^\W\d_][\w-]*(?:\s+#[^\W\d_][\w-]*)*\s*$")


def strip_running_hashtags(line: str) -> list[Change]:
    """Drop the ``#`` of hashtags used as words of a sentence (``talks with #Armenia.``).

    >>> apply_fixes(s := "USA urges #Azerbaijan to talk with #Armenia.", strip_running_hashtags(s))
    'USA urges Azerbaijan to talk with Armenia.'

    Left alone: ``#1``, ``C#``, a lone ``#``, HTML-like ``&#39;``, tags appended at the end of
    a line (``… today #news #oil``), a tag named as such (``the hashtag #MeToo and``), and
    lines that are mostly tags (the boilerplate stage judges those).

    >>> strip_running_hashtags("C# is #1 # of 3") + strip_running_hashtags("Big match today #football #uefa")
    []
    >>> strip_running_hashtags("#news #oil #opec today") + strip_running_hashtags("the hashtag #MeToo and more")
    []

    Nor names: coined multi-word tags (``the #MeToo movement``), ``Apt #B``, colours
    (``#ff0000``), or a ``#`` inside a URL.

    >>> strip_running_hashtags("The #MeToo movement, room #B12 and colour #FFF at example.com/a?x=#top today")
    []
    """
    if "#" not in line:
        return []
    tags = list(_HASHTAG.finditer(line))
    if not tags or 2 * len(tags) > len(line.split()):
        return []
    trailing = _TRAILING_TAGS.search(line)
    cut = trailing.start() if trailing else len(line)
    reason = "hashtag mark on a word of running text"
    return [
        Change(m.start(), m.start() + 1, "", "hashtag", reason)
        for m in tags
        if m.start() < cut and not _NAMES_TAG.search(line, 0, m.start()) and not _KEPT_TAG.fullmatch(m.group(1))
    ]
