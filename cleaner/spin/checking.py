"""The language model's check of a document's suspects: which it checks, in which window, and what it finds.

The check is the detector's costliest step, so it has a budget: the suspects of the check
order (:meth:`LMChecks.check_order`) up to ``lm_budget`` checks per 100 words, and more, up to
``lm_budget_spun``, when those find the document likely spun (:meth:`LMChecks.rounds`). A check
scores the word as written, its thesaurus candidates and the model's own proposals in one
window of text, and ranks the candidates by what the model says (:func:`suggestion_rank`);
a second model checks again the positions the first leaves undecided (:meth:`LMChecks.undecided`).
:class:`LMChecks` is a base class of :class:`~cleaner.spin.engine.Detector`: it reads the
detector's settings and models, which tests and benchmarks swap on a loaded detector.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from cleaner.spin import scoring
from cleaner.spin.candidates import STOPWORDS, CandidateSource, Token, match_case
from cleaner.spin.document import PHRASE_RULE, checked_spin
from cleaner.spin.lm import ContinuationScorer
from cleaner.spin.morph import lemmas
from cleaner.spin.prefilter import TrigramScorer
from cleaner.spin.suspects import PROPOSAL, Suspect, lm_checks, one_decision_per_name, thesauri

if TYPE_CHECKING:
    from cleaner.spin.engine import Settings

# A proposal is only an original when it is as common as a thesaurus candidate may be and
# not one of the words so common that they fit every slot ("has", "made": Zipf >= 6).
MAX_PROPOSAL_ZIPF = 6.0
# How the candidates the language model scored rank (:func:`suggestion_rank`): a proposal that
# no thesaurus links to the word must gain this many nats over a linked candidate to come first
# (the model's favourite word often fits better than the original did), and a candidate ranks as
# if it gained LM_AGREEMENT_BONUS nats more per thesaurus beyond the first that links it. 5 and 0.5
# against 3 and 0 made the first suggestion the original for 0.77 of make eval's true flags
# (0.69 before), for one more false flag and one more true one at 0.35
# (bench/results/spin-suggestions.md).
PROPOSAL_HANDICAP = 5.0
LM_AGREEMENT_BONUS = 0.5
# The longest window of text (characters) the language model is given: a usual one is under
# 150; one that holds a "word" of thousands of letters would not fit the model's context.
MAX_WINDOW_CHARS = 1000


def suggestion_rank(lm_gain: float, bits: int) -> float:
    """How a candidate the language model scored ranks: its gain in nats, less
    :data:`PROPOSAL_HANDICAP` for a proposal no thesaurus links to the word, plus
    :data:`LM_AGREEMENT_BONUS` per thesaurus beyond the first that links it.

    >>> suggestion_rank(8.0, PROPOSAL), suggestion_rank(4.0, 0b101), suggestion_rank(4.0, PROPOSAL | 0b1)
    (3.0, 4.5, 4.0)
    """
    linked = thesauri(bits)
    if linked == 0:
        return lm_gain - PROPOSAL_HANDICAP
    return lm_gain + LM_AGREEMENT_BONUS * (linked - 1)


class LMChecks:
    """The language-model checks of :class:`~cleaner.spin.engine.Detector`; what they read of
    the detector is declared here."""

    settings: Settings
    candidates: CandidateSource
    trigram: TrigramScorer
    zipf: Callable[[str], float]
    lm: ContinuationScorer | None
    second: ContinuationScorer | None

    def score(self, suspect: Suspect) -> float:
        """The suspect's calibrated score: :meth:`cleaner.spin.engine.Detector.score`."""
        raise NotImplementedError

    def _check_with_lm(self, text: str, tokens: list[Token], suspects: list[Suspect]) -> None:
        """Check the suspects of the check order the first round allows (``lm_budget`` checks per
        100 words, :meth:`rounds`); if they find the document likely spun (:meth:`looks_spun`),
        go on to what ``lm_budget_spun`` allows. Then every suspect name gets one decision
        (:func:`~cleaner.spin.suspects.one_decision_per_name`)."""
        if self.lm is None or not suspects:
            return
        order = self.check_order(suspects)
        first, _ = self.rounds(len(tokens))
        self._check_batch(text, tokens, order[:first], self.lm)
        both = self.checks_in_rounds(len(tokens), order[:first])
        self._check_batch(text, tokens, order[first:both], self.lm)
        one_decision_per_name(suspects)

    def rounds(self, words: int) -> tuple[int, int]:
        """How many suspects of the check order the model checks in a text of ``words`` words: in the
        first round, and in both rounds together when the first finds the text likely spun."""
        first = lm_checks(self.settings.lm_budget, words)
        return first, max(first, lm_checks(self.settings.lm_budget_spun, words))

    def checks_in_rounds(self, words: int, first_round: list[Suspect]) -> int:
        """How many suspects of the check order the model checks in all, given the first round's
        suspects as the model left them: the second round runs if they look spun."""
        first, both = self.rounds(words)
        return both if both > first and self.looks_spun(first_round) else first

    def looks_spun(self, checked: list[Suspect]) -> bool:
        """Whether the support of the checked thesaurus suspects reaches ``spun_support``."""
        scores = [self.score(checked[i]) for i in checked_spin(checked)]
        return scoring.document_support(scores) >= self.settings.spun_support

    def _check_batch(self, text: str, tokens: list[Token], checked: list[Suspect], lm: ContinuationScorer) -> None:
        """``lm`` checks ``checked``; the second model those it leaves undecided."""
        first = {t.start: i for i, t in enumerate(tokens)}
        last = {t.end: i for i, t in enumerate(tokens)}
        where = [(first[s.token.start], last[s.token.end]) for s in checked]
        # The second model starts from what the prefilter found, not from the first model's ranking.
        as_found = [copy.copy(s) for s in checked] if self.second is not None else []
        for span, suspect in zip(where, checked, strict=True):
            self._check_one(text, tokens, span, suspect, lm)
        if self.second is not None:
            for span, suspect, fresh in zip(where, checked, as_found, strict=True):
                if self.undecided(suspect):
                    self._check_one(text, tokens, span, fresh, self.second)
                    suspect.figures = replace(suspect.figures, second_gain=fresh.figures.lm_gain)

    def undecided(self, suspect: Suspect) -> bool:
        """Whether the first model left a spin suspect with a score in ``second_band``."""
        low, high = self.settings.second_band
        return suspect.kind == "spin" and suspect.figures.lm_gain is not None and low <= self.score(suspect) < high

    def check_order(self, suspects: list[Suspect]) -> list[Suspect]:
        """The order in which the language model checks the suspects (best prefilter score
        first); the budget takes the first :func:`lm_checks` of them."""
        # Entity suspects are few and need the model to decide, so they go first.
        return sorted(suspects, key=lambda s: (s.kind != "entity", -self._prefilter_score(s)))

    def _check_one(
        self, text: str, tokens: list[Token], span: tuple[int, int], suspect: Suspect, lm: ContinuationScorer
    ) -> None:
        """Score the word (or phrase: ``tokens[first..last]``) and its candidates (and ``lm``'s own
        proposals) in their window with ``lm``."""
        demonym = suspect.rule == "entity:demonym"
        left_words = self.settings.demonym_left_words if demonym else self.settings.left_words
        window = self.window(text, tokens, span, (suspect.token.start, suspect.token.end), left_words)
        if window is None:
            return  # left unchecked, as past the budget
        left, gap, right = window
        # No proposals for a phrase: the model's likeliest single word is always far likelier than a
        # phrase of several words, which a clean text's "pistachio nuts" showed ("food", 13.6 nats).
        own_words = gap == " " and suspect.kind == "spin" and suspect.rule != PHRASE_RULE
        proposed = self._proposals(suspect, left, lm) if own_words else []
        taken = {w for w, _, _ in proposed}
        options = proposed + [c for c in suspect.candidates if c[0] not in taken]
        alternatives = [suspect.token.word] + [match_case(w, suspect.token.word) for w, _, _ in options]
        # The proposals and the best `lm_sure_candidates` by trigram ranking are always scored;
        # the model's first token picks the rest of the `max_candidates`.
        sure = min(self.settings.lm_sure_candidates, self.settings.max_candidates)
        keep = 1 + len(proposed) + sure
        scores = lm.continuation_logprobs(
            left, [gap + a + right for a in alternatives], shortlist=self.settings.max_candidates - sure, keep=keep
        )
        original = scores[0]
        assert original is not None
        scored = [(s - original, c) for s, c in zip(scores[1:], options, strict=True) if s is not None]
        if scored:
            self.set_lm_figures(suspect, scored)

    def window(
        self, text: str, tokens: list[Token], span: tuple[int, int], where: tuple[int, int], left_words: int
    ) -> tuple[str, str, str] | None:
        """The language model's window around ``text[start:end]`` (``where``; the tokens
        ``tokens[first..last]``, ``span``): the text of ``left_words`` words before it, the space
        between them and it, and the text of ``right_words`` words after it. None when the window
        is longer than :data:`MAX_WINDOW_CHARS`."""
        (first, last), (start, end) = span, where
        left_start = tokens[max(0, first - left_words)].start
        right_end = tokens[min(len(tokens) - 1, last + self.settings.right_words)].end
        if right_end - left_start > MAX_WINDOW_CHARS:
            return None
        gap_start = max(len(text[:start].rstrip()), left_start)
        return text[left_start:gap_start], text[gap_start:start], text[end:right_end]

    def set_lm_figures(self, suspect: Suspect, scored: list[tuple[float, tuple[str, float, int]]]) -> None:
        """Rank the LM-scored candidates and set the suspect's figures from them.

        ``lm_gain`` is the best thesaurus candidate's gain, ``model_gain`` the best of the
        model's own proposals (how much likelier the model's favourite makes the window);
        the candidates rank by :func:`suggestion_rank`, and the first one's figures are scored.
        """
        ranked = sorted(scored, key=lambda gc: -suggestion_rank(gc[0], gc[1][2]))
        suspect.candidates = [c for _, c in ranked]
        suspect.lm_gains = [g for g, _ in ranked]
        linked = [g for g, c in ranked if c[2] != PROPOSAL]
        proposed = [g for g, c in ranked if c[2] & PROPOSAL]
        best_word, best_gain, best_bits = suspect.candidates[0]
        suspect.figures = replace(
            suspect.figures,
            lm_gain=max(linked) if linked else -15.0,
            model_gain=max(proposed) if proposed else None,
            ngram_gain=best_gain,
            zipf_lift=self.zipf(best_word.lower()) - suspect.figures.zipf_word,
            sources=thesauri(best_bits),
        )

    def _proposals(self, suspect: Suspect, left: str, lm: ContinuationScorer) -> list[tuple[str, float, int]]:
        """The model's own likeliest next words that could be the original of the suspect word.

        A proposal must be a content word of ordinary frequency and not a form of the word
        itself; one that a thesaurus also links to the word keeps that thesaurus's bits (the
        model and a thesaurus agree on it) and is scored whatever the shortlist.
        """
        if self.settings.lm_proposals <= 0:
            return []
        word = suspect.token.lower
        own = {lemma for lemma, _ in lemmas(word, self.candidates.exceptions)}
        known = {w: (gain, bits) for w, gain, bits in suspect.candidates}
        found = []
        for proposal, _ in lm.next_words(left, self.settings.lm_proposals):
            if proposal in known:
                found.append((proposal, known[proposal][0], known[proposal][1] | PROPOSAL))
                continue
            if proposal in STOPWORDS or proposal == word:
                continue
            if not self.settings.min_candidate_zipf <= self.zipf(proposal) < MAX_PROPOSAL_ZIPF:
                continue
            if own & {lemma for lemma, _ in lemmas(proposal, self.candidates.exceptions)}:
                continue
            bits = PROPOSAL | next((c.sources for c in self.candidates(word) if c.word == proposal), 0)
            gain = self.trigram.window(suspect.words, suspect.token.index, proposal) - self.trigram.window(
                suspect.words, suspect.token.index, word
            )
            found.append((proposal, gain, bits))
        return found

    def _prefilter_score(self, suspect: Suspect) -> float:
        return scoring.score(suspect.figures, self.settings.full_weights, self.settings.prefilter_weights)
