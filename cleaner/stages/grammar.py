"""The grammar stage: LanguageTool's matches on each paragraph, as flags for a reviewer.

One local LanguageTool server serves the whole run (:mod:`cleaner.languagetool`):
:meth:`GrammarStage.start_run` starts it (or connects to ``server_url``), every document is
checked through it, :meth:`GrammarStage.end_run` stops it. Each paragraph (text between
blank lines) is checked on its own, so that its result depends on nothing else and can be
cached on disk, keyed by (paragraph, LanguageTool version, check options): a rerun, or a
paragraph repeated across documents, costs no request.

A match becomes a :class:`~cleaner.model.Flag` whose ``kind`` comes from the LanguageTool
category (``spelling``, ``grammar``, ``style``, ``typography``...). Spelling matches on a
capitalised word that recurs in the run's documents are dropped: such a word is almost always
a name LanguageTool's dictionary lacks. With ``apply_fixes`` the matches of a few rules whose
one suggestion is unambiguous (a doubled word, a space before a comma) become edits instead.

If the server dies, it is restarted (``max_restarts``) and the document retried once; a
document that still cannot be checked fails with the reason, and the others go on.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from cleaner.errors import ConfigError, DocumentError, FatalError
from cleaner.languagetool import (
    Checker,
    CheckFailed,
    CheckOptions,
    LanguageToolClient,
    LanguageToolServer,
    LTMatch,
    ServerUnavailable,
    language_codes,
    normalise_url,
    recorded_failure,
    server_version,
    wait_until_healthy,
)
from cleaner.model import Document, Flag
from cleaner.registry import register
from cleaner.stages.base import Stage, StageConfig, StageResult
from cleaner.stages.grammar_cache import MatchCache
from cleaner.stages.grammar_config import ISSUE_KINDS, GrammarConfig
from cleaner.stages.grammar_text import (
    BRITISH_MIN_WORDS,
    NON_LATIN_LANGUAGES,
    NameCounts,
    british_spellings,
    is_recurring_name,
    only_decomposed,
    safe_fixes,
    split_paragraphs,
    unknown_word_share,
)
from cleaner.trace import Change
from cleaner.variants import british_words

__all__ = ["GrammarConfig", "GrammarStage", "NameCounts", "split_paragraphs", "unknown_word_share"]

# How long to wait for a server we did not start (``server_url``) to answer again before
# failing a document: nobody restarts it, so waiting longer would only slow a broken run.
EXTERNAL_SERVER_WAIT = 10.0


def english_zipf() -> Callable[[str], float]:
    """wordfreq's English word frequencies (the spin stage's, loaded once per process), for :func:`british_words`."""
    from cleaner.spin.prefilter import load_zipf

    return load_zipf()


# -- the stage -----------------------------------------------------------------------------


@register
class GrammarStage(Stage):
    """LanguageTool over each paragraph; flags (and, if configured, a few safe fixes)."""

    name = "grammar"
    order = 40
    config_model = GrammarConfig
    needs_survey = True
    slow = True
    config: GrammarConfig

    def __init__(self, config: StageConfig | None = None) -> None:
        super().__init__(config)
        self._names = NameCounts()
        self._surveyed = False
        self._url: str | None = None
        self._version = ""
        self._managed = False
        self._failure_path: Path | None = None  # where a server we started records that it is gone for good
        # Per process, never pickled (see __getstate__): made on first use in each process.
        self._server: LanguageToolServer | None = None  # only in the process that started it
        self._clients: dict[str, Checker] = {}  # by language
        self._fixed_clients: dict[str, Checker] = {}  # set by use_client, for tests ("": any language)
        self._cache: MatchCache | None = None
        self._pid = 0  # the process _clients and _cache belong to
        self._down: str | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.update(_server=None, _clients={}, _fixed_clients={}, _cache=None, _pid=0, _down=None)
        return state

    def survey(self, text: str) -> None:
        self._names.add(text)
        self._surveyed = True

    def take_survey(self) -> tuple[bool, NameCounts]:
        """Whether anything was surveyed, and the name counts; handed over and forgotten."""
        gathered = (self._surveyed, self._names)
        self._surveyed, self._names = False, NameCounts()
        return gathered

    def merge_survey(self, gathered: tuple[bool, NameCounts]) -> None:
        """Add the name counts of documents surveyed in another process."""
        surveyed, names = gathered
        self._surveyed |= surveyed
        self._names.update(names)

    def use_client(self, client: Checker, version: str = "test", british: Checker | None = None) -> None:
        """Check with ``client`` (and ``british`` for en-GB) instead of a LanguageTool server, in this
        process only: for tests."""
        self._fixed_clients = {"": client} | ({"en-gb": british} if british is not None else {})
        self._url, self._version = "fake://", version

    def start_run(self) -> None:
        """Start a LanguageTool server for the run, or check that ``server_url`` answers."""
        if self._url is not None:
            return
        if self.config.server_url:
            url = normalise_url(self.config.server_url)
            try:
                if not wait_until_healthy(url, EXTERNAL_SERVER_WAIT):
                    msg = "no answer to the health check"
                    raise ServerUnavailable(msg)
                self._check_language(url)
                version = server_version(url, timeout=self.config.start_timeout, language=self.config.language)
            except ServerUnavailable as exc:
                msg = f"grammar.server_url: no LanguageTool server answers at {url} ({exc}); start one with "
                msg += "`cleaner grammar-server`, or leave server_url unset to let the stage start its own"
                raise ConfigError(msg) from None
            self._url, self._version, self._managed = url, version, False
            return
        server = LanguageToolServer(
            self.config.languagetool_dir,
            java=self.config.java,
            java_options=self.config.java_options,
            start_timeout=self.config.start_timeout,
            max_restarts=self.config.max_restarts,
        )
        server.start()
        self._server, self._failure_path = server, server.failure_path
        self._url, self._version, self._managed = server.url, server.version, True
        self._check_language(server.url)

    def _check_language(self, url: str) -> None:
        """A :class:`ConfigError` when the server does not know ``language`` (not every document failing)."""
        known = language_codes(url)
        wanted = self.config.language.lower()
        if known and wanted != "auto" and wanted not in known:
            some = ", ".join(sorted(c for c in known if c.startswith("en-")))
            msg = f"grammar.language: LanguageTool does not know {self.config.language!r} (English ones: {some})"
            raise ConfigError(msg)

    def end_run(self) -> None:
        """Stop the server this stage started and close the cache; safe to call twice."""
        server = self._local_server()
        if server is not None:
            server.stop()
        if self._cache is not None:
            self._cache.close()
        self._server, self._clients, self._cache = None, {}, None
        self._url = self._failure_path = None

    def process(self, text: str, doc: Document) -> StageResult:
        if self._url is None:
            msg = "the grammar stage was used before start_run(): use the Pipeline as a context manager"
            raise FatalError(msg)
        result = StageResult()
        language, matches, british = self._checked(text, result.stats)
        if british:
            result.metadata["grammar_language"] = f"{language}: {british} words are spelled the British way"
            result.stats["checked_as_british"] += 1
        result.metadata["languagetool_version"] = self._version
        latin = language.split("-")[0].lower() not in NON_LATIN_LANGUAGES
        unknown = unknown_word_share(text, matches, latin)
        if unknown > self.config.max_unknown_word_share:
            result.metadata["grammar_skipped"] = (
                f"{unknown:.0%} of the words (capitalised ones left out) are unknown to LanguageTool ({language}): "
                "probably another language, so no grammar flags"
            )
            result.stats["skipped_other_language"] += 1
            return result
        counts = self._names if self._surveyed else NameCounts.of(text)
        threshold = self.config.accept_recurring_names
        kept, names = [], set()
        for match in matches:
            if only_decomposed(text[match.start : match.end], match.replacements):
                result.stats["accepted_decomposed"] += 1  # spelled right; the encoding stage composes it
            elif match.category == "TYPOS" and is_recurring_name(text[match.start : match.end], counts, threshold):
                result.stats["accepted_names"] += 1
                names.add(text[match.start : match.end])
            else:
                kept.append(match)
        if names:  # not flagged, but not hidden either: the reviewer can see which words were let through
            result.metadata["grammar_accepted_names"] = sorted(names)
        fixes = safe_fixes(kept, self.config.fix_rules) if self.config.apply_fixes else []
        for match in fixes:
            reason = f"LanguageTool {match.rule_id}: {match.message}"
            result.changes.append(Change(match.start, match.end, match.replacements[0], f"lt:{match.rule_id}", reason))
        fixed = set(fixes)
        for match in kept:
            if match not in fixed:
                flag = self._flag(match, text)
                result.flags.append(flag)
                result.stats[f"flags_{flag.kind}"] += 1
        return result

    # -- internals -------------------------------------------------------------------------

    def _flag(self, match: LTMatch, text: str) -> Flag:
        kind = self.config.kinds.get(match.category) or ISSUE_KINDS.get(match.issue_type, "grammar")
        return Flag(
            stage=self.name,
            kind=kind,
            rule=f"lt:{match.rule_id}",
            start=match.start,
            end=match.end,
            text=text[match.start : match.end],
            suggestions=list(match.replacements[: self.config.max_suggestions]),
            score=self.config.scores.get(kind, 0.5),
            message=match.message,
            evidence={"category": match.category, "issue_type": match.issue_type, "languagetool": self._version},
        )

    def _checked(self, text: str, stats: Counter[str]) -> tuple[str, list[LTMatch], int]:
        """The language ``text`` is checked in, LanguageTool's matches, and how many British
        spellings made it en-GB (0: checked in the configured language; see ``british_as_british``)."""
        language = self.config.language
        if not (self.config.british_as_british and language.lower() == "en-us"):
            return language, self._check_document(text, stats), 0
        british = british_words(text, english_zipf())  # plainly British: checked as such at once
        if british < BRITISH_MIN_WORDS:
            matches = self._check_document(text, stats)
            british = british_spellings(text, matches)  # LanguageTool's speller may see what the word list missed
            if british < BRITISH_MIN_WORDS:
                return language, matches, 0
        return "en-GB", self._check_document(text, stats, "en-GB"), british

    def _check_document(self, text: str, stats: Counter[str], language: str | None = None) -> list[LTMatch]:
        """Every match in ``text``; the server lost once is waited for and the document retried."""
        if self._down is not None:
            msg = f"LanguageTool server unavailable since an earlier document: {self._down}"
            raise DocumentError(msg)
        try:
            return self._check_paragraphs(text, stats, language)
        except ServerUnavailable as first:
            stats["retries"] += 1
            if self._await_server():
                try:
                    return self._check_paragraphs(text, stats, language)
                except ServerUnavailable as second:
                    self._down = f"{second} (again after the server came back)"
            else:
                self._down = self._server_failure() or f"{first} (did not come back)"
            msg = f"LanguageTool server unavailable: {self._down}"
            raise DocumentError(msg) from None
        except CheckFailed as exc:
            msg = f"LanguageTool could not check a paragraph: {exc}"
            raise DocumentError(msg) from None

    def _await_server(self) -> bool:
        """Wait for the server to answer again (restarted by the watchdog if we started it)."""
        self._clients = {}  # new clients for the new server process
        assert self._url is not None
        if not self._managed:
            return wait_until_healthy(self._url, EXTERNAL_SERVER_WAIT)
        return wait_until_healthy(self._url, self.config.start_timeout, gave_up=self._server_failure)

    def _server_failure(self) -> str | None:
        """Why the server this stage started is gone for good, if it is; known in worker processes too."""
        server = self._local_server()
        return server.failure if server is not None else recorded_failure(self._failure_path)

    def _check_paragraphs(self, text: str, stats: Counter[str], language: str | None = None) -> list[LTMatch]:
        matches: list[LTMatch] = []
        options = self.config.check_options(language)
        cache = self._cache_here()
        for offset, paragraph in split_paragraphs(text):
            key = MatchCache.key(paragraph, self._version, options) if cache else ""
            found = cache.get(key) if cache else None
            if found is None:
                found = self._client_here(options).check(paragraph)
                stats["paragraphs_checked"] += 1
                if cache:
                    cache.put(key, found)
            else:
                stats["paragraphs_cached"] += 1
            matches += [m.__class__(**{**asdict(m), "start": m.start + offset, "end": m.end + offset}) for m in found]
        return matches

    def _local_server(self) -> LanguageToolServer | None:
        """The server handle, if this process started the server (a forked worker inherits a copy)."""
        return self._server if self._server is not None and self._server.owner_pid == os.getpid() else None

    def _enter_process(self) -> None:
        """Drop the client and cache of another process (a forked worker starts with copies)."""
        if self._pid != os.getpid():
            self._clients, self._cache, self._down, self._pid = {}, None, None, os.getpid()

    def _client_here(self, options: CheckOptions) -> Checker:
        self._enter_process()
        if self._fixed_clients:
            return self._fixed_clients.get(options.language.lower(), self._fixed_clients[""])
        if options.language not in self._clients:
            assert self._url is not None
            self._clients[options.language] = LanguageToolClient(self._url, options)
        return self._clients[options.language]

    def _cache_here(self) -> MatchCache | None:
        self._enter_process()
        if self.config.cache and self._cache is None:
            self._cache = MatchCache(self.config.cache_dir)
        return self._cache
