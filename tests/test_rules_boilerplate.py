"""Every shipped boilerplate rule against its own examples, and malformed packs refused with file and line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cleaner.boilerplate.packs import load_pack, load_packs
from cleaner.boilerplate.rules import Rule, lines_after_end, teaser_list_lines
from cleaner.config import rules_root
from cleaner.errors import ConfigError
from cleaner.model import Document
from cleaner.stages.boilerplate import BoilerplateConfig, BoilerplateStage
from cleaner.trace import Trace

ROOT = Path(__file__).resolve().parents[1]
PACK_DIR = rules_root() / "boilerplate"
PACKS = sorted(PACK_DIR.glob("*.yaml"))
RULES = [rule for path in PACKS for rule in load_pack(path).rules]
RULE_CASES = sorted((ROOT / "tests" / "data" / "boilerplate" / "rules").glob("*.json"))
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*$")
LIST_MARK = re.compile(r"^\s*(?:[-–—•·*]|\d{1,2}[.)])\s")  # list items are teasers on the seeds' pages, not prose


def test_the_shipped_packs_are_there():
    assert {p.stem for p in PACKS} >= {"generic", "oilprice"}
    assert len(RULES) == len({r.id for r in RULES})


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_matches_its_examples(rule: Rule):
    for text in rule.must_match:
        assert rule.matches(text), f"{rule.id} should match {text!r}"
    for text in rule.must_not_match:
        assert not rule.matches(text), f"{rule.id} should not match {text!r}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_has_what_a_reader_needs(rule: Rule):
    assert rule.description.strip()
    assert rule.must_match and rule.must_not_match
    assert rule.id.split(".")[0] in {p.stem for p in PACKS}


GOOD_RULE = """\
description: test pack
rules:
  - id: mine.ad
    description: an ad marker
    pattern: '^AD$'
    examples:
      match: [AD]
      no_match: [ADS]
"""

BAD_PACKS = [
    ("not a mapping", "- just\n- a list\n", None, "mapping"),
    ("no rules", "description: x\nrules: []\n", 2, "non-empty list"),
    ("unknown key", GOOD_RULE.replace("    pattern:", "    patern: x\n    pattern:"), 5, "unknown key"),
    ("bad regex", GOOD_RULE.replace("'^AD$'", "'^(AD$'"), 5, "not a valid regex"),
    ("id outside the pack", GOOD_RULE.replace("mine.ad", "other.ad"), 3, "mine.some-name"),
    ("example does not match", GOOD_RULE.replace("match: [AD]", "match: [AB]"), 7, "does not match its own example"),
    ("no_match example matches", GOOD_RULE.replace("no_match: [ADS]", "no_match: [AD]"), 8, "listed under no_match"),
    ("no examples", GOOD_RULE.split("    examples:")[0], 3, "needs `examples`"),
    ("metadata, no groups", GOOD_RULE.replace("    pattern:", "    kind: metadata\n    pattern:"), 6, "named groups"),
    ("bad kind", GOOD_RULE.replace("    pattern:", "    kind: erase\n    pattern:"), 5, "kind must be"),
    ("not yaml", "description: [unclosed\n", None, "not valid YAML"),
    ("keywords not a list", GOOD_RULE.replace("    pattern:", "    keywords: ad\n    pattern:"), 5, "keywords must"),
    ("an empty keyword", GOOD_RULE.replace("    pattern:", "    keywords: [ad, '']\n    pattern:"), 5, "keywords must"),
    (
        "example without a keyword",
        GOOD_RULE.replace("    pattern:", "    keywords: [advert]\n    pattern:"),
        8,
        "does not match its own example",
    ),
]


@pytest.mark.parametrize(("label", "text", "line", "words"), BAD_PACKS, ids=[b[0] for b in BAD_PACKS])
def test_malformed_pack_is_refused_with_file_and_line(tmp_path: Path, label: str, text: str, line, words: str):
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_pack(path)
    message = str(caught.value)
    assert str(path) in message
    assert words in message
    if line is not None:
        assert f"{path}:{line}:" in message


def test_a_good_pack_loads(tmp_path: Path):
    path = tmp_path / "mine.yaml"
    path.write_text(GOOD_RULE, encoding="utf-8")
    (rule,) = load_pack(path).rules
    assert rule.id == "mine.ad" and rule.matches("AD") and not rule.matches("ADS")


def test_keywords_gate_the_pattern_in_any_case(tmp_path: Path):
    path = tmp_path / "mine.yaml"
    keyed = GOOD_RULE.replace("'^AD$'", "'^.*sponsored'").replace("[AD]", "[Sponsored by X]").replace("[ADS]", "[News]")
    keyed = keyed.replace("    pattern:", "    ignore_case: true\n    keywords: [SPONSORED, paid post]\n    pattern:")
    path.write_text(keyed, encoding="utf-8")
    (rule,) = load_pack(path).rules
    assert rule.keywords == ("sponsored", "paid post")
    assert rule.matches("SPONSORED CONTENT") and rule.matches("Sponsored by X")
    assert rule.may_match("a paid post") and not rule.may_match("news of the day")


def test_duplicate_ids_across_files_are_refused(tmp_path: Path):
    (tmp_path / "mine.yaml").write_text(GOOD_RULE, encoding="utf-8")
    other = tmp_path / "other"
    other.mkdir()
    (other / "mine.yaml").write_text(GOOD_RULE, encoding="utf-8")
    with pytest.raises(ConfigError, match="already used"):
        load_packs([tmp_path / "mine.yaml", other])


def test_missing_pack_path_is_a_config_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_packs([tmp_path / "nope.yaml"])


@pytest.mark.parametrize("path", RULE_CASES, ids=lambda p: p.stem)
def test_rule_golden_cases_with_the_rules_alone(path: Path):
    """The shipped packs without the classifier: what goes is what the rules say, whatever the model learns."""
    stage = BoilerplateStage(BoilerplateConfig(classifier=False))
    for case in json.loads(path.read_text(encoding="utf-8")):
        text = case["input"]
        trace = Trace(text)
        trace.apply(stage.name, stage.process(text, Document(id="doc", source="doc", text=text)).changes)
        assert trace.text == case["expected"], f"{case['label']}: {case['comment']}"


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_no_drop_rule_matches_a_sentence_of_the_seeds(path: Path):
    sentences = [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if len(line.split()) > 8 and SENTENCE_END.search(line.strip()) and not LIST_MARK.match(line)
    ]
    assert len(sentences) >= 5
    hits = [(rule.id, s) for s in sentences for rule in RULES if rule.kind == "drop" and rule.matches(s)]
    assert hits == []


THREAD = [
    "The council approved the budget on Tuesday after a long debate.",
    "The mayor said the plan would fund 300 new teachers.",
    "Leave a Reply",
    "",
    "Great news for the schools, finally.",
    "Reply",
]


def test_a_comment_thread_heading_ends_the_article():
    found = lines_after_end(THREAD, RULES)
    assert sorted(found) == [2, 4, 5]
    assert {rule for rule, _ in found.values()} == {"news.comment-thread-start"}


def test_pasted_pages_keep_every_page_after_a_comment_thread():
    """Pages pasted into one text: no page's comment heading takes the pages after it, not even
    the last page's, once more than a thread followed the first."""
    later = [f"In story {k}, the council of town {k} met on Monday to debate its budget." for k in range(300)]
    last_page = [*THREAD[:2], "Leave a Reply", "The vote was 8 to 3, the clerk said on Friday."]
    found = lines_after_end([*THREAD, *later, *last_page], RULES)
    assert sorted(found) == [2, len(THREAD) + len(later) + 2]
    assert all("only this line goes" in why for _, why in found.values())


def test_a_comments_link_above_the_article_ends_nothing():
    text = ["Home", "Comments", *THREAD[:2], "The vote was 8 to 3."]
    assert lines_after_end(text, RULES) == {}


def test_a_teaser_heading_takes_the_headlines_under_it_up_to_the_prose():
    text = [
        "The council approved the budget on Tuesday after a long debate.",
        "You may also like...",
        "Ten towns to visit this winter",
        "Who will win the cup?",
        "Critics said the plan relied on optimistic forecasts.",
        "Short line without an end",
    ]
    found = teaser_list_lines(text, RULES)
    assert sorted(found) == [1, 2, 3]
    assert {rule for rule, _ in found.values()} == {"news.teaser-heading"}


def test_a_related_line_with_its_headline_heads_no_list():
    text = ["Related: Ten towns to visit this winter", "Snow fell early", "The roads closed."]
    assert teaser_list_lines(text, RULES) == {}
