"""The spin detector: candidates, prefilter, language-model check, score, flags.

:class:`Detector` holds what is loaded once per process (thesaurus index, trigram model,
language model, fingerprints); :meth:`Detector.detect` is the per-document work. The
stage module (:mod:`cleaner.stages.spin`) only wires it to the pipeline; a suspect position
and the small decisions over a document's suspects are in :mod:`cleaner.spin.suspects`, and
the language model's check of the suspects in :mod:`cleaner.spin.checking`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.model import Flag
from cleaner.spin import document, entities, scoring
from cleaner.spin.candidates import (
    Candidate,
    CandidateSource,
    Sentence,
    Token,
    is_content,
    is_plain,
    match_case,
    sentences,
)
from cleaner.spin.checking import LMChecks
from cleaner.spin.document import PHRASE_RULE
from cleaner.spin.fingerprints import Fingerprints, Hit, load_fingerprints, plain_original
from cleaner.spin.flags import Scored, fingerprint_flag, suspect_flag
from cleaner.spin.language import english_share
from cleaner.spin.lm import ContinuationScorer
from cleaner.spin.morph import Exceptions
from cleaner.spin.phrases import Found, PhraseIndex, load_phrases, merged
from cleaner.spin.prefilter import TrigramScorer, load_zipf
from cleaner.spin.suspects import Suspect, inside, one_per_token, ranking_key, spelling_evidence, thesauri
from cleaner.spin.thesaurus import WORDNET_DIR, load_thesaurus
from cleaner.variants import american_forms

name_counts = entities.name_counts
# A pack's phrase is flagged only where its original reads better in its place by this many nats
# (by the language model; by the trigram model when the LM is off). The imported pack also lists
# ordinary English ("on the off chance", "place of interest", "fresh set"). Measured
# (bench/results/spin-fingerprints.md): 121 of its phrases put in the place of their originals in
# aeb-dev news read 3.8 nats or more worse by the LM (115 of 121 by 3 or more by the trigram
# model); of its 8 phrases found in ordinary English (aeb-dev, WordNet's examples), only "thick
# woods" (dense forest) reads better with the original, by 4.6 nats by the LM and 0.3 by trigrams.
FINGERPRINT_MIN_GAIN = 3.0


@dataclass(frozen=True)
class Settings:
    """The stage settings the detector reads, taken from :class:`cleaner.stages.spin.SpinConfig`
    by :func:`settings_from`. No defaults here: SpinConfig is the one place that sets them."""

    threshold: float
    entity_threshold: float
    use_lm: bool
    lm_budget: float
    lm_budget_spun: float
    spun_support: float
    prefilter_gain: float
    max_candidates: int
    lm_shortlist_from: int
    lm_sure_candidates: int
    lm_proposals: int
    left_words: int
    demonym_left_words: int
    right_words: int
    min_candidate_zipf: float
    min_english_share: float
    model: str
    second_model: str | None
    second_band: tuple[float, float]
    threads: int
    entities: bool
    phrases: bool
    fingerprints: Path
    cache_dir: Path
    full_weights: Mapping[str, float]
    prefilter_weights: Mapping[str, float]
    pair_weights: Mapping[str, float]
    document_weights: Mapping[str, float]


def settings_from(config: Any) -> Settings:
    """:class:`Settings` from a config object with the same field names."""
    return Settings(**{name: getattr(config, name) for name in Settings.__dataclass_fields__})


# Web and e-mail addresses: their words are no one's prose ("harmony@talks.example.org").
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)


class Detector(LMChecks):
    """Everything loaded once per process, and the per-document detection (the language
    model's checks in :class:`~cleaner.spin.checking.LMChecks`)."""

    def __init__(
        self,
        settings: Settings,
        candidates: CandidateSource,
        trigram: TrigramScorer,
        zipf: Callable[[str], float],
        fingerprints: Fingerprints,
        lm: ContinuationScorer | None,
        second: ContinuationScorer | None = None,
        phrases: PhraseIndex | None = None,
    ) -> None:
        self.settings = settings
        self.candidates = candidates
        self.trigram = trigram
        self.zipf = zipf
        self.fingerprints = fingerprints
        self.lm = lm
        self.second = second  # the model asked for a second opinion on undecided positions
        self.phrases = phrases  # one-word-to-phrase swaps; None when the setting is off
        self.demonyms = entities.wordnet_demonyms(WORDNET_DIR)

    @classmethod
    def load(cls, settings: Settings) -> Detector:
        """Load the thesauri, the trigram model, the fingerprints and (if used) the LM."""
        zipf = load_zipf()
        thesaurus = load_thesaurus(settings.cache_dir)
        exceptions = Exceptions.from_wordnet(WORDNET_DIR) if WORDNET_DIR.is_dir() else Exceptions()
        source = CandidateSource(thesaurus, exceptions, zipf, settings.min_candidate_zipf)
        lm: ContinuationScorer | None = None
        second: ContinuationScorer | None = None
        if settings.use_lm:
            from cleaner.spin.lm import LlamaScorer

            lm = LlamaScorer.load(settings.model, settings.cache_dir, settings.threads)
            if settings.second_model:
                second = LlamaScorer.load(settings.second_model, settings.cache_dir, settings.threads)
        fingerprints = load_fingerprints(settings.fingerprints)
        phrases = load_phrases(settings.cache_dir) if settings.phrases else None
        return cls(settings, source, TrigramScorer.load(), zipf, fingerprints, lm, second, phrases)

    # -- per document ------------------------------------------------------------------

    def detect(self, text: str, run_names: Counter[str] | None = None) -> list[Flag]:
        """The flags of one document scoring at least the threshold, in text order."""
        return self.flags_of(text, self.analyse(text, run_names), self.settings.threshold)

    def flags_of(self, text: str, analysis: tuple[list[Flag], list[Suspect]], threshold: float) -> list[Flag]:
        """The flags of an :meth:`analyse` result, in text order: spin suspects scoring at least
        ``threshold``, entity suspects at least the setting ``entity_threshold`` (their scores are
        not the document step's). Of flags that overlap (a phrase and one of its words), the one
        with the higher score is kept."""
        fingerprint_flags, suspects = analysis
        scored = self.document_scores(text, suspects)
        entity = self.settings.entity_threshold
        flags = [
            self.flag(text, s, v)
            for s, v in zip(suspects, scored, strict=True)
            if v.score >= (entity if s.kind == "entity" else threshold)
        ]
        kept: list[Flag] = []
        for flag in sorted(flags, key=lambda f: -f.score):
            if not any(flag.start < k.end and k.start < flag.end for k in kept):
                kept.append(flag)
        return sorted(fingerprint_flags + kept, key=lambda f: (f.start, f.end))

    def not_english(self, text: str) -> str | None:
        """Why ``text`` is left alone, when too few of its words are English (:func:`english_share`)."""
        share = english_share(text, self.zipf)
        if share >= self.settings.min_english_share:
            return None
        return (
            f"only {share:.0%} of the words (capitalised ones left out) are common English words: "
            "probably another language, so no spin flags"
        )

    def analyse(self, text: str, run_names: Counter[str] | None = None) -> tuple[list[Flag], list[Suspect]]:
        """Fingerprint flags and every suspect position with its figures (LM-checked within budget);
        nothing for a text that is not English (:meth:`not_english`)."""
        if self.not_english(text) is not None:
            return [], []
        sents = sentences(text)
        tokens = [t for s in sents for t in s.tokens]
        addresses = [m.span() for m in _ADDRESS.finditer(text)]
        hits = [h for h in self.fingerprints.find(text) if not any(a < h.end and h.start < b for a, b in addresses)]
        gains = [(hit, self.fingerprint_gain(text, sents, tokens, hit)) for hit in hits]
        fingerprint_flags = [
            fingerprint_flag(text, hit, gain, by_lm=self.lm is not None)
            for hit, gain in gains
            if gain is not None and gain >= FINGERPRINT_MIN_GAIN
        ]
        taken = [(f.start, f.end) for f in fingerprint_flags] + addresses
        found = self._spin_suspects(sents) + self._phrase_suspects(text, sents)
        suspects = [s for s in found if not inside(s.token, taken)]
        if self.settings.entities:
            suspects += self._entity_suspects(text, sents, run_names or Counter(), taken)
        suspects = one_per_token(suspects)
        self._check_with_lm(text, tokens, suspects)
        return fingerprint_flags, suspects

    def _spin_suspects(self, sents: list[Sentence]) -> list[Suspect]:
        found = []
        for sentence in sents:
            words = sentence.words
            for token in sentence.tokens:
                if not is_content(token):
                    continue
                gains = self.ranked_candidates(words, token)
                if not gains or max(g[0] for g in gains) < self.settings.prefilter_gain:
                    continue
                if american_forms(token.lower) & {word for _, word, _ in gains}:
                    continue  # a British spelling (criticised, among its candidates criticized): no swap
                best = gains[: self.settings.lm_shortlist_from]
                found.append(self._suspect(token, words, [(w, g, b) for g, w, b in best]))
        return found

    def _phrase_suspects(self, text: str, sents: list[Sentence]) -> list[Suspect]:
        """Phrases a thesaurus links to single words ("put to death"; :mod:`cleaner.spin.phrases`),
        each one suspect spanning its words, checked like a word."""
        if self.phrases is None or not self.settings.phrases:
            return []
        found = []
        for sentence in sents:
            for phrase in self.phrases.find(sentence.words, self.candidates.exceptions):
                suspect = self._phrase_suspect(text, sentence, phrase, self.phrases.neighbours(phrase.lemma))
                if suspect is not None:
                    found.append(suspect)
        return found

    def _phrase_suspect(self, text: str, sentence: Sentence, phrase: Found, linked: dict[str, int]) -> Suspect | None:
        tokens = sentence.tokens[phrase.first : phrase.first + phrase.width]
        written = text[tokens[0].start : tokens[-1].end]
        if written != " ".join(t.word for t in tokens) or not all(is_plain(t) for t in tokens):
            return None  # words apart ("death, the") or a name among them
        lower = written.lower()
        words = merged(sentence.words, phrase.first, phrase.first + phrase.width - 1, lower)
        gains = self.gains(words, phrase.first, lower, self.candidates.of_phrase(phrase.forms, linked))
        if not gains or max(g[0] for g in gains) < self.settings.prefilter_gain:
            return None
        best = [(w, g, b) for g, w, b in gains[: self.settings.lm_shortlist_from]]
        suspect = self._suspect(Token(tokens[0].start, tokens[-1].end, written, phrase.first), words, best)
        suspect.rule = PHRASE_RULE
        return suspect

    def ranked_candidates(self, words: list[str], token: Token) -> list[tuple[float, str, int]]:
        """Every thesaurus candidate of ``token`` as ``(trigram gain, word, source bits)``, ranked
        by the gain plus :data:`~cleaner.spin.suspects.AGREEMENT_BONUS` per extra source; the first
        ``lm_shortlist_from`` of them are the suspect's candidates."""
        return self.gains(words, token.index, token.lower, self.candidates(token.lower))

    def gains(
        self, words: list[str], at: int, written: str, options: tuple[Candidate, ...]
    ) -> list[tuple[float, str, int]]:
        """``(trigram gain, word, source bits)`` of each candidate in the place of ``words[at]``
        (``written``), ranked as :meth:`ranked_candidates` says."""
        if not options:
            return []
        base = self.trigram.window(words, at, written)
        gains = [(self.trigram.window(words, at, c.word) - base, c.word, c.sources) for c in options]
        gains.sort(key=lambda g: -ranking_key(g[0], g[2]))
        return gains

    def _suspect(self, token: Token, words: list[str], best: list[tuple[str, float, int]]) -> Suspect:
        top, gain, bits = best[0]
        prev = words[token.index - 1] if token.index > 0 else "<s>"
        prev2 = words[token.index - 2] if token.index > 1 else "<s>"
        figures = scoring.Figures(
            ngram_gain=gain,
            zipf_word=self.zipf(token.lower),
            zipf_lift=self.zipf(top) - self.zipf(token.lower),
            sources=thesauri(bits),
            ngram_fit=self.trigram.logprob(token.lower.split()[0], prev, prev2),  # a phrase's first word
        )
        return Suspect(token, best, words, figures)

    def _entity_suspects(
        self, text: str, sents: list[Sentence], run_names: Counter[str], taken: list[tuple[int, int]]
    ) -> list[Suspect]:
        counts = entities.name_counts(text, self.zipf)
        spelled = entities.near_spellings(counts, run_names, self.zipf)
        support = entities.demonym_support(counts, self.demonyms)
        demonyms = entities.demonym_alternatives(
            counts, self.demonyms, support, self.zipf, self.settings.min_candidate_zipf
        )
        found = []
        for sentence in sents:
            words = sentence.words
            for token in sentence.tokens:
                if inside(token, taken):
                    continue
                alternatives: list[tuple[str, str, dict[str, Any]]] = []
                name = entities.without_possessive(token.word)  # names are counted without it
                possessive = token.word[len(name) :]
                if name in spelled:
                    alt = spelled[name]
                    alternatives.append((alt.better + possessive, "entity:spelling", spelling_evidence(alt)))
                for other in demonyms.get(name, []):
                    own, theirs = entities.demonym_of(name, self.demonyms), entities.demonym_of(other, self.demonyms)
                    evidence = {"support": support[own or name], "other_support": support[theirs or other]}
                    alternatives.append((other + possessive, "entity:demonym", evidence))
                if not alternatives:
                    continue
                base = self.trigram.window(words, token.index, token.lower)
                best = [(w, self.trigram.window(words, token.index, w.lower()) - base, 0) for w, _, _ in alternatives]
                suspect = self._suspect(token, words, best)
                suspect.kind, suspect.rule, suspect.evidence = "entity", alternatives[0][1], alternatives[0][2]
                found.append(suspect)
        return found

    def score(self, suspect: Suspect) -> float:
        """The suspect's calibrated score (entity suspects also weigh name support)."""
        value = scoring.score(
            suspect.figures, self.settings.full_weights, self.settings.prefilter_weights, self.settings.pair_weights
        )
        # Entity suspects have no thesaurus figures; their score is set by hand (not fitted:
        # the spinner makes no misspelt names): support lift and LM gain, a demonym swap
        # needing a clearer LM preference (4 nats for 0.5) than a misspelling (2 nats).
        lm_gain = suspect.figures.lm_gain or 0.0
        if suspect.rule == "entity:spelling":
            lift = float(suspect.evidence.get("support_lift", 0.0) or 0.0)
            value = scoring.sigmoid(-1.0 + 1.5 * lift + 0.5 * lm_gain)
        elif suspect.rule == "entity:demonym":
            value = scoring.sigmoid(-2.0 + 0.5 * lm_gain)
        return value

    def document_scores(self, text: str, suspects: list[Suspect]) -> list[Scored]:
        """The final score of each of a document's suspects (in order): :func:`cleaner.spin.document.document_scores`
        with the stage's ``document_weights`` (none: each suspect's score alone)."""
        alone = [self.score(s) for s in suspects]
        return document.document_scores(text, suspects, alone, self.settings.document_weights)

    def flag(self, text: str, suspect: Suspect, scored: Scored) -> Flag:
        """The flag a reviewer sees for a suspect with its final score (:meth:`document_scores`)."""
        return suspect_flag(text, suspect, scored, self.settings.max_candidates)

    def fingerprint_gain(self, text: str, sents: list[Sentence], tokens: list[Token], hit: Hit) -> float | None:
        """How much likelier (nats) the text reads with the hit's original in place of its phrase:
        by the language model over the usual window, by the trigram model when the LM is off.
        None when there is nothing to compare (no words in the original, a window too long)."""
        original = plain_original(hit.fingerprint.original)
        inner = [i for i, t in enumerate(tokens) if hit.start < t.end and t.start < hit.end]
        if not original or not inner:
            return None
        phrase = text[hit.start : hit.end]
        original = match_case(original, phrase)
        if self.lm is None:
            sentence = next(s for s in sents if s.start <= tokens[inner[0]].start < s.end)
            at, end = tokens[inner[0]].index, tokens[inner[-1]].index
            words = merged(sentence.words, at, end, phrase.lower())
            return self.trigram.window(words, at, original.lower()) - self.trigram.window(words, at, phrase.lower())
        window = self.window(text, tokens, (inner[0], inner[-1]), (hit.start, hit.end), self.settings.left_words)
        if window is None:
            return None
        left, gap, right = window
        written, replaced = self.lm.continuation_logprobs(left, [gap + phrase + right, gap + original + right])
        assert written is not None and replaced is not None
        return replaced - written
