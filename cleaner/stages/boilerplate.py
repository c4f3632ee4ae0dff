"""Boilerplate: drop the lines of page furniture that text extraction left around the article.

The stage works on lines of the text as the encoding stage left it. In this order:

1. **Metadata prefixes** (``metadata`` rules, e.g. ``generic.meta-date``) on the first lines:
   `` date 2023-11-28 Secretary of State...`` loses its prefix, which goes into the
   document's metadata as ``{"date": "2023-11-28"}``; the rest of the line stays.
2. **A repeated title**: a line equal to the line right before it (blank lines between
   allowed) goes (rule ``title.repeated`` for the first line, ``repeat.adjacent`` elsewhere).
3. **Rule packs** (``rules/boilerplate/*.yaml``, :mod:`cleaner.boilerplate.rules`; read by
   :mod:`cleaner.boilerplate.packs`): a line a ``drop`` rule matches goes, with that rule's
   id; when that line is a heading ending in a colon, the short lines listed right under it
   go too (``teaser.list``); so do a ``heads-list`` rule's heading and the teasers under it;
   from the first line an ``ends-article`` rule matches (the heading of a comment thread)
   after a line of prose, every line goes (before any prose, or before more prose than a
   page's comments hold, only that line goes).
4. **Corpus repetition** (after CCNet): a short line found in many documents of the run
   (folded for case and digits) goes as ``corpus.repeated-line``.
5. **The classifier** (:mod:`cleaner.boilerplate.features`,
   :mod:`cleaner.boilerplate.classifier`): every other line gets the model's probability
   of being article text, and the article's block is found from the edges in: walking in
   from the top and from the bottom, lines below ``edge_drop`` go until the first line at or
   above ``edge_stop``; between the two stops (inside the article) only lines below
   ``inner_drop`` go, so a table or list of the article stays (``generic.classifier``).
   Text that starts with prose within ``extracted_lead`` lines, and has few lines the line
   model doubts (``extracted_doubtful``) or few a rule dropped as furniture
   (``extracted_furniture``), is taken to be an
   extractor's output already and is only trimmed at its edges, below ``extracted_edge_drop``
   (:func:`cleaner.boilerplate.decision.looks_extracted`).
   On a whole page (``sequence``), the probabilities come from the model's second, sequence
   model (:mod:`cleaner.boilerplate.sequence`), which reads each line's features together
   with where the line sits among the line model's verdicts on the whole page (the article's
   span, the segments of the page, the probability mass before and after it).
   The title stays when ``keep_title`` is on: the first line no rule dropped of extracted
   text, when shaped like a headline; on a whole page, the longest headline-shaped line right
   above the article.
6. **The headline** (``title_to_metadata``, off by default): a whole page's headline (as for
   ``keep_title``), else the first line left when shaped like a headline, moves into the
   document's metadata as ``title`` (``title.metadata``).

Every dropped line is one change that removes the line with its line break, so no blank
line is left for it; runs of blank lines that meet where lines were dropped are cut back to
what was there before (``blank.collapse``), and blank lines left at the start or end of the
document go (:mod:`cleaner.boilerplate.removal`). Lines are never edited except for a metadata
prefix.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

from pydantic import Field

from cleaner.boilerplate.classifier import LineClassifier, load_classifier
from cleaner.boilerplate.decision import (
    Trim,
    classify_lines,
    leading_non_prose,
    line_probabilities,
    looks_extracted,
    score_lines,
)
from cleaner.boilerplate.lines import LineMemo, normalise, shape_of
from cleaner.boilerplate.packs import load_packs, pack_files
from cleaner.boilerplate.removal import (
    Line,
    drop_adjacent_repeats,
    headline_shaped,
    line_at,
    removal_changes,
    split_lines,
)
from cleaner.boilerplate.rules import (
    DropRules,
    Drops,
    drop_teaser_lists,
    lines_after_end,
    lines_found,
    teaser_list_lines,
)
from cleaner.config import RULES_ENV, rules_root
from cleaner.errors import ConfigError
from cleaner.model import Document
from cleaner.registry import register
from cleaner.stages.base import Stage, StageConfig, StageResult
from cleaner.trace import Change

MEMO_LINES = 100_000  # distinct lines whose rule match and shape a stage remembers within a run


class BoilerplateConfig(StageConfig):
    """Settings of the boilerplate stage (section ``boilerplate:`` of the config file)."""

    rules_dir: Path | None = Field(
        default=None,
        description="Folder of the shipped packs; default: `boilerplate/` under the rules root "
        "(CLEANER_RULES_DIR, else the source tree's rules/, else <prefix>/share/cleaner/rules).",
    )
    packs: tuple[str, ...] | None = Field(
        default=None, description="Names (file stems) of the shipped packs to use; default: all of them."
    )
    extra_packs: tuple[Path, ...] = Field(
        default=(), description="The user's own pack files, or folders of them, used as well."
    )
    classifier: bool = Field(default=True, description="Drop lines the line classifier finds to be boilerplate.")
    model: Path | None = Field(
        default=None, description="Classifier weights (JSON); default: cleaner/data/boilerplate-model.json."
    )
    edge_drop: float = Field(
        default=0.6,
        ge=0.0,
        le=1.0,
        description="Walking in from the top and from the bottom of a whole page, a line below this probability "
        "of being article text goes (menus, teasers, footers sit at the edges of the article).",
    )
    edge_stop: float = Field(
        default=0.75,
        ge=0.0,
        le=1.0,
        description="The walk in from an edge stops at the first line at or above this probability: the article "
        "has begun (or ended), and lines past it are only judged by `inner_drop`.",
    )
    inner_drop: float = Field(
        default=0.05,
        ge=0.0,
        le=1.0,
        description="Between the edges (inside the article) only lines below this probability go, so that a table "
        "or list that is part of the article stays although its lines look like a menu.",
    )
    extracted_lead: int = Field(
        default=2,
        ge=0,
        description="A text whose first line of prose comes after at most this many lines counts as already "
        "extracted (no navigation above the article): it is only trimmed at its edges, with `extracted_edge_drop`.",
    )
    extracted_doubtful: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Besides `extracted_lead`, a text counts as already extracted if at most this share of its "
        "lines were dropped by a rule or are more likely boilerplate than article text to the line model (held out on "
        "AEB's development pages: trafilatura's output a median 0.07, whole pages 0.90), so that a whole page that "
        "happens to start with prose is not taken for one; or if `extracted_furniture` holds.",
    )
    extracted_furniture: float = Field(
        default=0.05,
        ge=0.0,
        le=1.0,
        description="Besides `extracted_lead`, a text also counts as already extracted if at most this share of its "
        "lines were dropped by a rule as furniture (repeats not counted), however doubtful the rest: an article made "
        "of a table or a list looks doubtful to the line model, but a whole page nearly always has furniture the "
        "rules know (held out, trafilatura F1 0.960 -> 0.962, recall 0.953 -> 0.958; whole pages the same).",
    )
    extracted_edge_drop: float = Field(
        default=0.12,
        ge=0.0,
        le=1.0,
        description="`edge_drop` for already extracted text: a good extractor leaves little, so only lines the "
        "model is quite sure of go. 0 would leave such text to the rules: held out on AEB, trafilatura F1 0.962 -> "
        "0.964, but on an outside check it keeps more furniture of the whole pages that pass for extracted text "
        "(27 -> 34 of 450 lines; bench/results/boilerplate.md).",
    )
    sequence: bool = Field(
        default=True,
        description="On a whole page (not already extracted text), take the probabilities from the model's second, "
        "sequence model, which sees where each line sits among the line model's verdicts on the whole page "
        "(cross-validated by page, html-text F1 0.921 without it, 0.928 with it: bench/results/boilerplate.md).",
    )
    keep_title: bool = Field(
        default=True,
        description="Keep the title whatever the classifier says; rules still apply. The title of extracted text "
        "is its first line, when shaped like a headline; on a whole page, whose first lines are menus, the longest "
        "headline-shaped line right above the article. Not with `title_to_metadata`, which takes the headline out "
        "of the text.",
    )
    title_to_metadata: bool = Field(
        default=False,
        description="Move the headline out of the text into the document's metadata (`title`): on a whole page the "
        "longest headline-shaped line right above the article, otherwise the first line left after every other "
        "decision, when it is shaped like a headline (see `headline_shaped`). For analyses that want the body "
        "alone; the line is removed with an edit like any other.",
    )
    metadata_lines: int = Field(default=3, ge=0, description="How many leading non-blank lines metadata rules look at.")
    corpus_min_docs: int = Field(
        default=3, ge=2, description="A line counts as repeated when this many documents of the run contain it."
    )
    corpus_max_words: int = Field(
        default=20,
        ge=0,
        description="Only lines up to this many words go for being repeated: syndicated articles repeat whole "
        "paragraphs across documents, and those must stay. 0 turns the rule off (a corpus of templated texts, "
        "the same sentences with other figures).",
    )


@register
class BoilerplateStage(Stage):
    """Remove page furniture line by line, each removal with its rule and reason."""

    name = "boilerplate"
    order = 20
    config_model = BoilerplateConfig
    needs_survey = True

    def __init__(self, config: StageConfig | None = None) -> None:
        super().__init__(config)
        cfg = self.settings
        root = cfg.rules_dir if cfg.rules_dir is not None else rules_root() / "boilerplate"
        if not root.is_dir():  # a mistyped folder would quietly turn every shipped rule off
            where = "boilerplate.rules_dir" if cfg.rules_dir is not None else f"the rules root ({RULES_ENV} or rules/)"
            msg = f"{where}: no folder {root}; point it at a folder of rule packs (.yaml)"
            raise ConfigError(msg)
        shipped = _chosen_packs(root, cfg.packs)
        # The first rule that matches names the line, so the most specific packs come first:
        # the user's own, then the shipped site packs, then the generic one.
        shipped.sort(key=lambda path: path.stem == "generic")
        packs = load_packs([*cfg.extra_packs, *shipped])
        rules = [rule for pack in packs for rule in pack.rules]
        self.drop_rules = tuple(r for r in rules if r.kind == "drop")
        self.metadata_rules = tuple(r for r in rules if r.kind == "metadata")
        self.end_rules = tuple(r for r in rules if r.kind == "ends-article")
        self.list_rules = tuple(r for r in rules if r.kind == "heads-list")
        self.model: LineClassifier | None = load_classifier(cfg.model) if cfg.classifier else None
        self.line_docs: Counter[bytes] = Counter()
        self.documents_surveyed = 0
        # Menus, share buttons and footers repeat across the pages of a run: each line is matched
        # against the rules, measured and folded for the classifier and folded for the corpus count
        # once (each bounded to MEMO_LINES lines).
        self.first_rule = LineMemo(DropRules(self.drop_rules).first, MEMO_LINES)
        self.measure = LineMemo(shape_of, MEMO_LINES)
        self.fold = LineMemo(normalise, MEMO_LINES)
        self.line_key = LineMemo(_line_key, MEMO_LINES)

    @property
    def settings(self) -> BoilerplateConfig:
        """The config, typed."""
        assert isinstance(self.config, BoilerplateConfig)
        return self.config

    def survey(self, text: str) -> None:
        """Count each short line once per document, for ``corpus.repeated-line``."""
        self.documents_surveyed += 1
        limit = self.settings.corpus_max_words
        seen = {self.line_key(line) for line in text.split("\n") if line.strip() and len(line.split()) <= limit}
        self.line_docs.update(seen)

    def take_survey(self) -> tuple[int, Counter[bytes]]:
        """The documents surveyed and the line counts, handed over and forgotten."""
        gathered = (self.documents_surveyed, self.line_docs)
        self.documents_surveyed, self.line_docs = 0, Counter()
        return gathered

    def merge_survey(self, gathered: tuple[int, Counter[bytes]]) -> None:
        """Add the counts of documents surveyed in another process."""
        documents, line_docs = gathered
        self.documents_surveyed += documents
        self.line_docs.update(line_docs)

    def process(self, text: str, doc: Document) -> StageResult:
        """Find the metadata prefixes and the lines to drop; see the module docstring for the order."""
        lines = split_lines(text)
        result = StageResult()
        texts = self._take_metadata(lines, result)
        drops = self.rule_drops(texts)
        cfg = self.settings
        headline = None  # a whole page's headline, found above the article the model finds
        if self.model is not None:
            scored = score_lines(texts, self.model, drops, self.measure, self.fold)
            lead = leading_non_prose(texts, cfg.extracted_lead + 1, self.measure)
            extracted = looks_extracted(
                scored, drops, lead, cfg.extracted_lead, cfg.extracted_doubtful, cfg.extracted_furniture
            )
            trim = (
                Trim(cfg.extracted_edge_drop, cfg.edge_stop, 0.0)
                if extracted
                else Trim(cfg.edge_drop, cfg.edge_stop, cfg.inner_drop)
            )
            result.stats["taken_as_extracted"] += int(extracted)
            prob = line_probabilities(scored, self.model, sequence=cfg.sequence and not extracted)
            if not extracted:
                headline = _headline_above(texts, drops, prob, trim.edge_stop)
            title = None
            if cfg.keep_title and not cfg.title_to_metadata:
                title = _shaped_title(texts, drops) if extracted else headline
            found = classify_lines(prob, trim, title)
            drops |= {i: v for i, v in found.items() if i not in drops}
        if cfg.title_to_metadata:
            drops |= self._title_out(texts, drops, result, headline)
        # a line that goes whole takes its metadata prefix with it: one change, not two
        result.changes = [c for c in result.changes if line_at(lines, c.start) not in drops]
        result.changes += removal_changes(lines, drops)
        result.stats["lines_seen"] += sum(1 for t in texts if t.strip())
        result.stats["lines_dropped"] += len(drops)
        result.stats.update(f"dropped:{rule}" for rule, _ in drops.values())
        result.stats["blank_lines_removed"] += sum(1 for c in result.changes if c.rule == "blank.collapse")
        return result

    def rule_drops(self, texts: list[str]) -> Drops:
        """The lines that go before the classifier is asked: repeats, rules, teasers, comment threads, corpus."""
        drops = drop_adjacent_repeats(texts)
        found = lines_found(texts, self.first_rule)
        drops |= {i: v for i, v in found.items() if i not in drops}
        drops |= drop_teaser_lists(texts, drops)
        drops |= {i: v for i, v in teaser_list_lines(texts, self.list_rules).items() if i not in drops}
        drops |= {i: v for i, v in lines_after_end(texts, self.end_rules).items() if i not in drops}
        drops |= {i: v for i, v in self._repeated_in_corpus(texts).items() if i not in drops}
        return drops

    def _take_metadata(self, lines: list[Line], result: StageResult) -> list[str]:
        """Strip metadata prefixes from the first lines; return every line's remaining text."""
        texts = [line.text for line in lines]
        head = [i for i, t in enumerate(texts) if t.strip()][: self.settings.metadata_lines]
        for i in head:
            for rule in self.metadata_rules:
                match = rule.pattern.match(texts[i])
                if match is None or match.end() == 0:
                    continue
                found = {k: v for k, v in match.groupdict().items() if v is not None}
                result.metadata.update(found)
                where = lines[i].start
                reason = f"metadata prefix moved to the document metadata: {found}"
                result.changes.append(Change(where, where + match.end(), "", rule.id, reason))
                result.stats[f"metadata:{rule.id}"] += 1
                texts[i] = texts[i][match.end() :]
                break
        return texts

    def _title_out(self, texts: list[str], drops: Drops, result: StageResult, headline: int | None) -> Drops:
        """The headline's line, its text put into ``result.metadata["title"]``; nothing if there is none.

        A whole page's ``headline`` (:func:`_headline_above`) goes even if the classifier dropped it
        already; otherwise the first line left is the headline if it is shaped like one (:func:`_shaped_title`).
        """
        first = headline if headline is not None else _shaped_title(texts, drops)
        if first is None:
            return {}
        result.metadata["title"] = texts[first].strip()
        result.stats["title_to_metadata"] += 1
        return {first: ("title.metadata", "the headline, moved to the document metadata as 'title'")}

    def _repeated_in_corpus(self, texts: list[str]) -> Drops:
        cfg = self.settings
        if self.documents_surveyed < cfg.corpus_min_docs:
            return {}
        drops: Drops = {}
        for i, t in enumerate(texts):
            if not t.strip() or len(t.split()) > cfg.corpus_max_words:
                continue
            docs = self.line_docs.get(self.line_key(t), 0)
            if docs >= cfg.corpus_min_docs:
                drops[i] = ("corpus.repeated-line", f"the same line is in {docs} documents of this run")
        return drops


def _chosen_packs(root: Path, names: tuple[str, ...] | None) -> list[Path]:
    available = {p.stem: p for p in pack_files([root])}
    if names is None:
        return sorted(available.values())
    missing = [n for n in names if n not in available]
    if missing:
        msg = f"boilerplate.packs: no pack named {', '.join(missing)} in {root}; available: {sorted(available)}"
        raise ConfigError(msg)
    return [available[n] for n in names]


def _line_key(line: str) -> bytes:
    """A stable digest of the folded line (the same in every worker process, unlike ``hash``)."""
    return hashlib.blake2b(normalise(line).encode("utf-8"), digest_size=8).digest()


def _title_index(texts: list[str], drops: Drops) -> int | None:
    """The title: the first non-blank line that no rule has dropped."""
    return next((i for i, t in enumerate(texts) if t.strip() and i not in drops), None)


def _shaped_title(texts: list[str], drops: Drops) -> int | None:
    """Extracted text's title: its first line no rule dropped, if that is shaped like a headline.

    >>> _shaped_title(["Storm floods the coastal towns overnight", "The storm hit on Monday."], {})
    0
    >>> _shaped_title(["Supported by", "Storm floods the coastal towns overnight"], {}) is None
    True
    """
    first = _title_index(texts, drops)
    return first if first is not None and headline_shaped(texts[first]) else None


TITLE_REACH = 8  # lines above a whole page's article, past those a rule dropped, searched for its headline
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# a clock time, a day-month-year or month-day-year date, or a byline's "Posted by": a dateline, not a headline
_DATED = re.compile(
    rf"\b\d{{1,2}}:\d{{2}}\b|\b\d{{1,2}}\.?\s+{_MONTH}\s+\d{{4}}\b|\b{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}\b"
    r"|^\s*(?:posted|written|published|updated)\s+(?:by|on)\b",
    re.IGNORECASE,
)


def _headline_above(texts: list[str], drops: Drops, prob: dict[int, float], sure: float) -> int | None:
    """A whole page's headline: of the ``TITLE_REACH`` lines right above the article's first sure
    line (probability ``sure`` or more) that no rule dropped, the longest one shaped like a headline
    and holding no date or clock time; the nearest of equals.

    A whole page starts with its menus, so its first line is no title. The headline sits above
    the article, after the navigation; between them come bylines, dates, share buttons and
    photo credits, most of which a rule drops, and an author's name or a "Name, Outlet" line,
    which can be headline-shaped too but is shorter; a dateline ("Posted by Jane Doe on 11 Apr
    2019") can be longer, but has a date. Of the 27 AEB development pages whose
    trafilatura output starts with a headline-shaped line (two of them a reading time), the
    whole page keeps that line on 21 (with the first line no rule dropped as the title: on 5;
    the nearest headline-shaped line instead: on 9, the farthest: on 8).

    >>> texts = ["Home", "World", "Storm floods the coastal towns overnight", "Jane Doe, Daily Planet",
    ...          "The storm hit the coast on Monday night, and the towns flooded."]
    >>> _headline_above(texts, {}, {0: 0.1, 1: 0.1, 2: 0.4, 3: 0.3, 4: 0.9}, 0.75)
    2
    """
    start = next((i for i, p in prob.items() if p >= sure), None)
    if start is None:
        return None
    above = [i for i in range(start - 1, -1, -1) if texts[i].strip() and i not in drops][:TITLE_REACH]
    shaped = [i for i in above if headline_shaped(texts[i]) and not _DATED.search(texts[i])]
    return max(shaped, key=lambda i: len(texts[i].split()), default=None)
