"""Each line repair alone: valid changes on any line, and nothing left to do on its own output."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.stages import encoding_repairs as repairs
from cleaner.trace import Change

REPAIRS: list[tuple[str, Callable[[str], list[Change]]]] = [
    ("swap_misplaced_quotes", repairs.swap_misplaced_quotes),
    ("fix_spaced_possessive", repairs.fix_spaced_possessive),
    ("join_spaced_hyphens", repairs.join_spaced_hyphens),
    ("remove_invisible_characters", repairs.remove_invisible_characters),
    ("normalize_spaces", repairs.normalize_spaces),
    ("normalize_spaces(keep_no_break=False)", partial(repairs.normalize_spaces, keep_no_break=False)),
    ("strip_running_hashtags", repairs.strip_running_hashtags),
]

# One line of news-like text, rich in what the repairs look for.
LINE = st.lists(
    st.sampled_from([*"aZs1 -#'.,:(\t\u00a0\u2009\u200b\u00ad“”‘’„", "States", "and", "the", "C#", "#1"]), max_size=40
).map("".join)


@pytest.mark.parametrize(("name", "repair"), REPAIRS, ids=[n for n, _ in REPAIRS])
@given(line=st.text(max_size=120).map(lambda s: s.replace("\n", " ")))
@settings(max_examples=100, deadline=None)
def test_changes_are_valid_on_any_line(name: str, repair: Callable[[str], list[Change]], line: str) -> None:
    last_end = 0
    for change in repair(line):
        assert last_end <= change.start <= change.end <= len(line), name
        assert line[change.start : change.end] != change.after
        last_end = change.end


@pytest.mark.parametrize(("name", "repair"), REPAIRS, ids=[n for n, _ in REPAIRS])
@given(line=LINE)
@settings(max_examples=150, deadline=None)
def test_repair_is_idempotent(name: str, repair: Callable[[str], list[Change]], line: str) -> None:
    once = repairs.apply_fixes(line, repair(line))
    assert repair(once) == [], (name, line, once)


# Correct text of the kinds an outside check found damaged (2026-11-23), written for this test.
CORRECT = [
    "Fitch rated the bonds BBB- with a stable outlook.",
    "S&P cut Italy to BBB- from BBB, citing debt.",
    "She got an A- in chemistry; patients with type O- can donate to anyone.",
    "Sowohl Import- als auch Exportzölle stiegen, weder Bundes- noch Landesmittel flossen.",
    "Nord- og Sydamerika, Nord- och Sydamerika, kansallis- ja maakuntapuisto, przed- i powojenna.",
    "Long- rather than short-term thinking in mother- father- and child-friendly spaces.",
    "The #MeToo movement and the hashtags #MeToo and #TimesUp trended.",
    "See https://en.wikipedia.org/wiki/Mercury_(planet)#Orbit or example.com/page?x=#top for more.",
    "Set the colour to #ff0000 or #FFF in apartment #B12.",
    "Arsenal       10    2    32",
    "Name  Age   City",
]


@pytest.mark.parametrize("line", CORRECT)
def test_correct_text_is_left_alone(line: str) -> None:
    for name, repair in REPAIRS:
        assert repair(line) == [], name


@pytest.mark.parametrize(
    ("line", "repaired"),
    [
        ("the Nagorno- Karabakh region", "the Nagorno-Karabakh region"),
        ("a US- led coalition and a UK- based firm", "a US-led coalition and a UK-based firm"),
        ("COVID- 19 cases in the Nagorno- Karabakh-based group", "COVID-19 cases in the Nagorno-Karabakh-based group"),
        ("USA urges #Azerbaijan to talk with #Armenia.", "USA urges Azerbaijan to talk with Armenia."),
        ("the  war in  Ukraine and   its cost.", "the war in Ukraine and its cost."),
        ("the  war in  Ukraine", "the war in Ukraine"),
        ("one   wide gap", "one wide gap"),
    ],
)
def test_the_damage_is_still_repaired(line: str, repaired: str) -> None:
    for repair in (repairs.join_spaced_hyphens, repairs.strip_running_hashtags, repairs.normalize_spaces):
        line = repairs.apply_fixes(line, repair(line))
    assert line == repaired
