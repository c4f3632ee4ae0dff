"""``cleaner learn``: what the next run can take from a reviewed one, so it needs less review.

* **Spin fingerprints.** Every spin flag whose suggestion (or the reviewer's own text) was
  accepted becomes a ``{phrase, original}`` entry of ``rules/spin/learned.yaml``, in the
  fingerprint pack format of :mod:`cleaner.spin.fingerprints` (``id``, ``source``, ``kind``,
  ``phrases``), with the sentence it was found in as a ``must_match`` example and the run and
  document it came from. Entries already in a pack are not repeated. A fingerprint applies to
  every later text, so a one-word correction is learned with a neighbour (``thunder offensive``
  -> ``lightning offensive``, not ``thunder`` -> ``lightning``): the next word, else the one
  before, when it is a content word, else both. Alone, ``help`` -> ``support`` would flag
  every ``help``.
* **Boilerplate rules.** Lines the reviewer removed by hand, and lines the boilerplate
  classifier removed that the reviewer accepted, are lines no rule caught. Each distinct
  line (digits generalised) becomes a proposed whole-line rule in
  ``OUT_DIR/learned-boilerplate.yaml`` (a line only the classifier removed needs two
  documents), a rule pack with the removed lines as ``match``
  examples and lines the reviewer kept as ``no_match`` examples. A proposal that would also
  remove a line the reviewer kept is dropped. Proposals are not used until a person copies
  the file into ``rules/boilerplate/`` (keeping its name: rule ids start with the file stem).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cleaner.boilerplate.packs import load_packs, pack_files
from cleaner.config import rules_root
from cleaner.model import DocumentResult
from cleaner.report.files import write_atomic
from cleaner.review.apply import ApplyConfig, apply_document, load_report
from cleaner.review.decisions import REVIEW_FILE, Decision, document_keys, drop_span, load_review, valid_decisions
from cleaner.spin.candidates import STOPWORDS, sentences
from cleaner.spin.fingerprints import load_fingerprints
from cleaner.trace import cleaned_spans

SPIN_FILE = "learned.yaml"
BOILERPLATE_FILE = "learned-boilerplate.yaml"
BOILERPLATE_PACK = "learned-boilerplate"
MAX_RULE_LINE = 160  # longer removed lines are prose, not furniture a rule should name
# Boilerplate rules that remove lines by structure, not by what the line says.
STRUCTURAL_RULES = frozenset({"blank.collapse", "title.repeated", "repeat.adjacent"})
_SENTENCE = re.compile(r"[^.!?\n]*[.!?]?")


@dataclass
class Outcome:
    """What ``learn`` found and wrote."""

    spin_added: list[tuple[str, str]] = field(default_factory=list)
    spin_file: Path | None = None
    rules: list[dict[str, Any]] = field(default_factory=list)
    rules_file: Path | None = None
    skipped: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """A few lines for the terminal."""
        lines = [f"spin: {len(self.spin_added)} new fingerprints" + (f" in {self.spin_file}" if self.spin_file else "")]
        lines += [f"  {phrase!r} -> {original!r}" for phrase, original in self.spin_added]
        where = f" in {self.rules_file} (review it, then copy it to rules/boilerplate/)" if self.rules_file else ""
        lines.append(f"boilerplate: {len(self.rules)} proposed rules{where}")
        lines += [f"  {rule['id']}: {rule['pattern']}" for rule in self.rules]
        lines += [f"  not proposed: {why}" for why in self.skipped]
        return "\n".join(lines)


def sentence_at(text: str, start: int, end: int) -> str:
    """The sentence (or line) of ``text`` around ``text[start:end]``.

    >>> sentence_at("One. Two words here. Three.", 9, 14)
    'Two words here.'
    """
    for match in _SENTENCE.finditer(text):
        if match.start() <= start and end <= match.end() and match.group().strip():
            return match.group().strip()
    return text[start:end]


def in_context(text: str, start: int, end: int, replacement: str) -> tuple[str, str]:
    """The phrase at ``text[start:end]`` and what it becomes with ``replacement``, lower-cased;
    one word gets a neighbour from its sentence (see the module docstring).

    >>> in_context("Azerbaijan's thunder offensive ended.", 13, 20, "Lightning")
    ('thunder offensive', 'lightning offensive')
    >>> in_context("It reaffirmed its help for peace deals.", 18, 22, "support")
    ('its help for', 'its support for')
    >>> in_context("Two causes attacked.", 4, 10, "forces")
    ('causes attacked', 'forces attacked')
    """
    phrase, original = " ".join(text[start:end].lower().split()), " ".join(replacement.lower().split())
    sentence = next((s for s in sentences(text) if s.start <= start and end <= s.end), None)
    if sentence is None:
        return phrase, original
    inside = [t for t in sentence.tokens if start <= t.start and t.end <= end]
    if len(inside) != 1:
        return phrase, original
    index = inside[0].index
    before = sentence.tokens[index - 1].word.lower() if index > 0 else None
    after = sentence.tokens[index + 1].word.lower() if index + 1 < len(sentence.tokens) else None
    if after is not None and after not in STOPWORDS:
        before = None
    elif before is not None and before not in STOPWORDS:
        after = None
    left, right = [before] if before else [], [after] if after else []
    return " ".join([*left, phrase, *right]), " ".join([*left, original, *right])


def spin_entries(
    run: str, key: str, result: DocumentResult, decisions: dict[str, Decision]
) -> Iterator[dict[str, Any]]:
    """Fingerprint entries from the spin flags of one document whose correction was accepted."""
    for item, decision in decisions.items():
        if not item.startswith("f") or decision.verdict == "reject" or not decision.text:
            continue
        flag = result.flags[int(item[1:])]
        if flag.stage != "spin" or not flag.text.strip():
            continue
        phrase, original = in_context(result.text, flag.start, flag.end, decision.text)
        if phrase == original:
            continue
        yield {
            "phrase": phrase,
            "original": original,
            "source": f"{run}:{key} (reviewed {flag.kind} flag {flag.rule})",
            "examples": {"must_match": [sentence_at(result.text, flag.start, flag.end)]},
        }


def learn_spin(rules_dir: Path, found: list[dict[str, Any]]) -> tuple[list[tuple[str, str]], Path | None]:
    """Add ``found`` entries not yet known to ``rules_dir/spin/learned.yaml``; what was added."""
    folder = rules_dir / "spin"
    known = load_fingerprints(folder)
    path = folder / SPIN_FILE
    data: dict[str, Any] = (yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None) or {}
    phrases = list(data.get("phrases") or [])
    seen = {(p["phrase"], p["original"]) for p in phrases}
    added = []
    for entry in found:
        pair = (entry["phrase"], entry["original"])
        hits = list(known.find(entry["phrase"]))
        already = any(h.fingerprint.original.lower() == pair[1] and h.end - h.start == len(pair[0]) for h in hits)
        if pair in seen or already:
            continue
        seen.add(pair)
        phrases.append(entry)
        added.append(pair)
    if not added:
        return [], None
    write_atomic(path, _spin_yaml(phrases))
    return added, path


def _spin_yaml(phrases: list[dict[str, Any]]) -> str:
    head = (
        "# Spin fingerprints learned by `cleaner learn` from reviewers' accepted corrections:\n"
        "# phrase (as the spinner wrote it) -> original. Each entry names the run and document it\n"
        "# came from and the sentence as a must_match example. Delete an entry to forget it.\n"
        "# Format (the fingerprint pack of cleaner/spin/fingerprints.py):\n"
        "#   - phrase: colossal information          # lower case, single spaces\n"
        "#     original: big data\n"
        '#     source: "<run folder>:<document> (reviewed spin flag <rule>)"\n'
        '#     examples: {must_match: ["The sentence it was found in."]}\n'
    )
    body = {"id": "learned", "source": "cleaner learn (reviewers' decisions)", "kind": "spin", "phrases": phrases}
    return head + yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=100)


def removed_lines(
    result: DocumentResult, decisions: dict[str, Decision], rule_ids: set[str], skipped: frozenset[str] = frozenset()
) -> Iterator[tuple[str, bool]]:
    """Lines of one document that were removed without a rule: by the reviewer, or by the
    classifier with the reviewer's acceptance; with whether the reviewer removed it by hand.
    A removal `cleaner apply` could not place (``skipped``) removed nothing."""
    for item, decision in decisions.items():
        span = drop_span(item)
        if span is not None and decision.verdict != "reject" and item not in skipped:
            yield result.text[span[0] : span[1]], True
    for index, _start, _end in cleaned_spans(result.edits):
        edit = result.edits[index]
        verdict = decisions[f"e{index}"].verdict if f"e{index}" in decisions else None
        caught = set(edit.rule.split("+")) & (rule_ids | STRUCTURAL_RULES)
        if edit.stage == "boilerplate" and verdict == "accept" and not caught:
            yield from ((line, False) for line in edit.before.splitlines() if line.strip())


def line_pattern(line: str) -> str:
    r"""A whole-line pattern for ``line``, runs of digits generalised.

    >>> line_pattern("Page 3 of 12")
    '^\\s*Page\\ \\d+\\ of\\ \\d+\\s*$'
    """
    parts = re.split(r"(\d+)", line.strip())
    return r"^\s*" + "".join(r"\d+" if p.isdigit() else re.escape(p) for p in parts) + r"\s*$"


def _slug(line: str, taken: set[str]) -> str:
    words = re.findall(r"[a-z0-9]+", line.lower())[:5] or ["line"]
    slug = "-".join(words)[:40].strip("-")
    name, n = slug, 1
    while name in taken:
        n += 1
        name = f"{slug}-{n}"
    taken.add(name)
    return name


def propose_rules(
    removed: dict[str, list[tuple[str, bool]]], kept: list[str], rule_ids: set[str]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Rules for the removed lines (line -> [(document, by hand)]); kept lines are counter-examples.

    A line only the classifier removed (the reviewer merely agreeing) is proposed when it was
    removed from at least two documents: a rule for one article's caption would never fire again.
    """
    by_pattern: dict[str, list[str]] = {}
    skipped = []
    for line in removed:
        if len(line.strip()) > MAX_RULE_LINE:
            skipped.append(f"{line.strip()[:40]!r}...: longer than {MAX_RULE_LINE} characters")
            continue
        by_pattern.setdefault(line_pattern(line), []).append(line)
    rules: list[dict[str, Any]] = []
    taken: set[str] = set()
    for pattern, lines in by_pattern.items():
        compiled = re.compile(pattern)
        clash = next((k for k in kept if compiled.search(k)), None)
        if clash is not None:
            skipped.append(f"{lines[0].strip()!r}: would also remove the kept line {clash.strip()!r}")
            continue
        no_match = [k.strip() for k in kept if k.strip()][:2]
        if not no_match:
            skipped.append(f"{lines[0].strip()!r}: no kept line to serve as a counter-example")
            continue
        docs = sorted({d for line in lines for d, _ in removed[line]})
        by_hand = any(hand for line in lines for _, hand in removed[line])
        if not by_hand and len(docs) < 2:
            skipped.append(f"{lines[0].strip()!r}: removed by the classifier in one document only")
            continue
        rules.append(
            {
                "id": f"{BOILERPLATE_PACK}.{_slug(lines[0], taken | rule_ids)}",
                "description": f"Removed by a reviewer in {len(docs)} document(s): {', '.join(docs[:5])}.",
                "pattern": pattern,
                "examples": {"match": sorted({line.strip() for line in lines})[:3], "no_match": no_match},
            }
        )
    return rules, skipped


def learn(out_dir: Path, rules_dir: Path | None = None) -> Outcome:
    """Learn from the review of the run in ``out_dir``; write what was learned."""
    rules_dir = rules_dir if rules_dir is not None else rules_root()
    report = load_report(out_dir)
    review = load_review(out_dir / REVIEW_FILE)
    packs = load_packs(pack_files([rules_dir / "boilerplate"])) if (rules_dir / "boilerplate").is_dir() else []
    rule_ids = {rule.id for pack in packs for rule in pack.rules}
    found: list[dict[str, Any]] = []
    removed: dict[str, list[tuple[str, bool]]] = {}
    kept: list[str] = []
    for key, result in zip(document_keys(report.documents), report.documents, strict=True):
        if result.failed:
            continue
        decisions = valid_decisions(result, review.decisions.get(key, {}))
        found += spin_entries(out_dir.name, key, result, decisions)
        applied = apply_document(result, decisions, ApplyConfig()) if decisions else None
        skipped = applied.skipped if applied is not None else frozenset()
        for line, by_hand in removed_lines(result, decisions, rule_ids, skipped):
            if not any(rule.matches(line.rstrip("\n")) for pack in packs for rule in pack.rules):
                removed.setdefault(line.rstrip("\n"), []).append((key, by_hand))
        if applied is not None:  # only a document someone reviewed tells which lines a reviewer kept
            kept += [line for line in applied.result.text.splitlines() if line.strip()]
    outcome = Outcome()
    outcome.spin_added, outcome.spin_file = learn_spin(rules_dir, found)
    outcome.rules, outcome.skipped = propose_rules(removed, kept, rule_ids)
    if outcome.rules:
        outcome.rules_file = out_dir / BOILERPLATE_FILE
        write_atomic(outcome.rules_file, _rules_yaml(outcome.rules))
    return outcome


def _rules_yaml(rules: list[dict[str, Any]]) -> str:
    head = (
        "# Boilerplate rules proposed by `cleaner learn` from the lines reviewers removed that no\n"
        "# rule caught. Check each pattern, then copy this file into rules/boilerplate/ under the\n"
        f"# same name ({BOILERPLATE_FILE}): rule ids must start with the file stem.\n"
    )
    body = {"description": "Lines reviewers removed that no rule caught (proposed by cleaner learn).", "rules": rules}
    return head + yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=100)
