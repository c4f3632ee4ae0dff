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
