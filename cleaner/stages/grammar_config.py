"""The grammar stage's settings (section ``grammar:`` of the config) and their defaults.

Which LanguageTool to use and how long to wait for it, what to check (language, rules,
categories), and how a match becomes a flag (its kind and score). The stage itself is
:mod:`cleaner.stages.grammar`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator

from cleaner.config import cache_root
from cleaner.languagetool import CheckOptions
from cleaner.stages.base import StageConfig
from cleaner.stages.grammar_text import BRITISH_MIN_WORDS

# Off when the stage checks a document as en-GB on its own (british_as_british): en-GB's
# LanguageTool suggests the Oxford -ize for every -ise, a house style and not a mistake.
BRITISH_RULES_OFF = ("OXFORD_SPELLING_Z_NOT_S",)

# LanguageTool's English categories (ids from language-en's grammar.xml and Java rules).
DEFAULT_KINDS = {
    "TYPOS": "spelling",
    "GRAMMAR": "grammar",
    "MISC": "grammar",
    "PUNCTUATION": "punctuation",
    "TYPOGRAPHY": "typography",
    "CASING": "casing",
    "CONFUSED_WORDS": "usage",
    "COLLOCATIONS": "usage",
    "NONSTANDARD_PHRASES": "usage",
    "SEMANTICS": "meaning",
    "STYLE": "style",
    "REDUNDANCY": "style",
    "PLAIN_ENGLISH": "style",
    "REPETITIONS_STYLE": "style",
    "WIKIPEDIA": "style",
}
# The kind of a match in a category not in `kinds` (other languages' and variants' categories,
# such as en-GB's BRE_STYLE_OXFORD_SPELLING), from LanguageTool's issue type.
ISSUE_KINDS = {"misspelling": "spelling", "typographical": "typography", "style": "style", "locale-violation": "usage"}
# A prior per kind, for ordering flags in review; not measured. Style suggestions are the
# least often real errors in edited news text, grammar matches the most often.
DEFAULT_SCORES = {
    "spelling": 0.5,
    "grammar": 0.7,
    "punctuation": 0.6,
    "typography": 0.5,
    "casing": 0.5,
    "usage": 0.6,
    "meaning": 0.5,
    "style": 0.3,
}


class GrammarConfig(StageConfig):
    """Settings of the grammar stage (section ``grammar:`` of the config)."""

    server_url: str | None = Field(
        default=None,
        description="URL of a LanguageTool server to use (e.g. one kept up by `cleaner grammar-server`); "
        "unset: the stage starts its own server for the run.",
    )
    languagetool_dir: Path | None = Field(
        default=None,
        description="Folder of the LanguageTool jars; unset: $CLEANER_LANGUAGETOOL_DIR or tools/languagetool/lib.",
    )
    java: str = Field(default="java", description="The Java 17+ executable.")
    java_options: tuple[str, ...] = Field(default=(), description="Extra JVM options, e.g. ['-Xmx1g'].")
    start_timeout: float = Field(default=300.0, gt=0, description="Seconds the server may take to start and warm up.")
    request_timeout: float = Field(
        default=120.0,
        gt=0,
        description="Seconds one paragraph's check may take. A check that takes longer fails its document only, "
        "while the server answers.",
    )
    max_restarts: int = Field(default=1, ge=0, description="How often a server that died is restarted in one run.")

    language: str = Field(default="en-US", description="LanguageTool language code.")
    disabled_rules: tuple[str, ...] = Field(default=(), description="LanguageTool rule ids to turn off.")
    enabled_rules: tuple[str, ...] = Field(default=(), description="Rule ids to turn on (e.g. default-off ones).")
    disabled_categories: tuple[str, ...] = Field(default=(), description="Category ids to turn off, e.g. [STYLE].")
    enabled_categories: tuple[str, ...] = Field(default=(), description="Category ids to turn on.")
    enabled_only: bool = Field(default=False, description="Use only enabled_rules/enabled_categories.")
    picky: bool = Field(default=False, description="LanguageTool's picky level: more style and typography rules.")
    kinds: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_KINDS),
        description="Flag kind per LanguageTool category id; other categories get theirs from LanguageTool's "
        "issue type (misspelling: spelling, typographical: typography, style, locale-violation: usage), "
        "else `grammar`.",
    )
    scores: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=lambda: dict(DEFAULT_SCORES), description="Flag score per kind, 0 to 1 (others: 0.5)."
    )
    accept_recurring_names: int = Field(
        default=2,
        ge=0,
        description="A capitalised word occurring at least this often in the run's documents is taken for a name "
        "and not flagged as a spelling mistake (0: off). Without a survey, counts come from the document.",
    )
    max_unknown_word_share: float = Field(
        default=0.25,
        gt=0,
        le=1,
        description="A document with more than this share of its words unknown to LanguageTool's dictionary is "
        "probably not in `language`: it gets no flags, and its metadata says why (1: never skip). Capitalised "
        "words (names, mostly) are left out. On 40 aeb-dev pages, English ones had at most 0.03, the seven in "
        "other languages 0.41 or more.",
    )
    british_as_british: bool = Field(
        default=True,
        description="With language en-US, a document spelled the British way is checked as en-GB: at least "
        f"{BRITISH_MIN_WORDS} British spellings of commoner American words (criticised, colour), or words "
        "LanguageTool's en-US check would respell the American way (then checked again). British spelling is not a "
        "mistake, nor another language.",
    )
    apply_fixes: bool = Field(default=False, description="Apply fix_rules' unambiguous suggestions as edits.")
    fix_rules: tuple[str, ...] = Field(
        default=("ENGLISH_WORD_REPEAT_RULE", "COMMA_PARENTHESIS_WHITESPACE", "WHITESPACE_RULE"),
        description="Rules whose single suggestion may be applied when apply_fixes is on.",
    )
    max_suggestions: int = Field(default=5, ge=0, description="Suggestions kept per flag.")
    cache: bool = Field(default=True, description="Cache LanguageTool's answers per paragraph on disk.")
    cache_dir: Path = Field(
        default_factory=lambda: cache_root() / "grammar",
        description="Cache folder of checked paragraphs; default: `.cache/grammar` of the checkout.",
    )

    @field_validator("server_url")
    @classmethod
    def _an_http_url(cls, url: str | None) -> str | None:
        if url is not None and not re.fullmatch(r"https?://[^/\s:]+(?::\d+)?(?:/\S*)?", url):
            msg = f"{url!r} is not an http:// or https:// URL, e.g. http://127.0.0.1:8081"
            raise ValueError(msg)
        return url

    def check_options(self, language: str | None = None) -> CheckOptions:
        """The part of the config that changes what LanguageTool answers (and so keys the cache);
        ``language`` instead of the configured one, as the stage checks a British document."""
        switched = language is not None and language != self.language
        return CheckOptions(
            language=language or self.language,
            disabled_rules=self.disabled_rules + (BRITISH_RULES_OFF if switched else ()),
            enabled_rules=self.enabled_rules,
            disabled_categories=self.disabled_categories,
            enabled_categories=self.enabled_categories,
            enabled_only=self.enabled_only,
            picky=self.picky,
            timeout=self.request_timeout,
        )
