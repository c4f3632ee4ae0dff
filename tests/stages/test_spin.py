"""The spin stage: config, flags and their fields, pickling, run-wide name counts.

The language model is replaced by a small fake here (it prefers the words it is told to);
tests/spin/test_lm.py and tests/integration/test_spin_seed.py use the real one.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from pathlib import Path

import pytest
from pydantic import ValidationError

from cleaner.model import Document, Flag
from cleaner.spin.candidates import Token
from cleaner.spin.engine import Detector, settings_from
from cleaner.spin.language import word_count
from cleaner.spin.scoring import Figures
from cleaner.spin.suspects import AGREEMENT_BONUS, PROPOSAL, Suspect, lm_checks
from cleaner.spin.weights import fitted_weights, pair_weights
from cleaner.stages.spin import SpinConfig, SpinStage, _Resources


class PreferringLM:
    """A fake LM: a continuation containing one of ``liked`` scores 8 nats better (only after a
    left context ending in ``after``, if given)."""

    def __init__(self, liked: set[str], proposals: Sequence[str] = (), after: str = "") -> None:
        self.liked = liked
        self.proposals = list(proposals)
        self.after = after
        self.calls = 0
        self.scored: list[str] = []
        self.checked: list[str] = []  # the word as written, per check

    def continuation_logprobs(
        self,
        left: str,
        continuations: Sequence[str],
        shortlist: int | None = None,
        keep: int = 1,
    ) -> list[float | None]:
        self.calls += 1
        self.scored += continuations
        self.checked.append(continuations[0].split()[0])
        liked = self.liked if left.endswith(self.after) else set()
        return [-20.0 + (8.0 if any(w in c.split() for w in liked) else 0.0) for c in continuations]

    def next_words(self, left: str, count: int) -> list[tuple[str, float]]:
        return [(w, -1.0) for w in self.proposals[:count]]


@pytest.fixture(scope="module")
def offline_detector() -> Detector:
    if not Path("/usr/share/wordnet").is_dir():
        pytest.skip("wordnet-base is not installed (make setup)")
    return Detector.load(settings_from(SpinConfig(use_lm=False)))


def stage_with(
    detector: Detector, lm: PreferringLM | None, second: PreferringLM | None = None, **config: object
) -> SpinStage:
    """The stage with fake models; without the document step unless ``document_weights`` are given,
    so that a position's score is its own."""
    config.setdefault("document_weights", {})
    stage = SpinStage(SpinConfig(**config))  # type: ignore[arg-type]
    detector.lm, detector.second = lm, second
    detector.settings = settings_from(stage.config)
    stage._resources = _Resources(detector)
    return stage


TEXT = "Officials said the harmony talks between the two countries would resume next week in Geneva."


def test_unknown_setting_is_rejected() -> None:
    with pytest.raises(ValidationError):
        SpinConfig(treshold=0.5)  # type: ignore[call-arg]


def test_a_model_comes_with_its_own_weights_unless_weights_are_given() -> None:
    gemma, smollm = SpinConfig(), SpinConfig(model="smollm2-135m")
    assert (gemma.full_weights, gemma.prefilter_weights) == fitted_weights("gemma-3-270m")
    assert (smollm.full_weights, smollm.prefilter_weights) == fitted_weights("smollm2-135m")
    assert gemma.full_weights != smollm.full_weights
    mine = {"intercept": -1.0, "lm_gain": 1.0}
    assert SpinConfig(model="smollm2-135m", full_weights=mine).full_weights == mine


def test_the_second_model_goes_with_the_first() -> None:
    assert SpinConfig().second_model == "smollm2-135m"
    assert SpinConfig().pair_weights == pair_weights("gemma-3-270m", "smollm2-135m")
    assert SpinConfig(model="smollm2-135m").second_model is None
    assert SpinConfig(second_model=None).pair_weights == SpinConfig().full_weights
    with pytest.raises(ValidationError, match="second_model is the model itself"):
        SpinConfig(second_model="gemma-3-270m")
    with pytest.raises(ValidationError, match="the lower first"):
        SpinConfig(second_band=(0.9, 0.3))


def test_a_model_that_is_neither_packaged_nor_a_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="neither a packaged model"):
        SpinConfig(model="gpt-17")
    (tmp_path / "mine.gguf").write_bytes(b"GGUF")
    assert SpinConfig(model=str(tmp_path / "mine.gguf")).model == str(tmp_path / "mine.gguf")
    (tmp_path / "bogus.gguf").write_text("not a model", encoding="utf-8")
    with pytest.raises(ValidationError, match="is not a GGUF file"):
        SpinConfig(model=str(tmp_path / "bogus.gguf"))


def test_a_fingerprint_folder_that_does_not_exist_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="is not a folder"):
        SpinConfig(fingerprints=tmp_path / "nowhere")


def test_flags_a_swap_the_model_prefers_reverting(offline_detector: Detector) -> None:
    lm = PreferringLM({"peace"})
    # An 8-nat preference scores about 0.6 with the fitted weights: below the default 0.7.
    stage = stage_with(offline_detector, lm, threshold=0.5)
    result = stage.process(TEXT, Document(id="t", source="-", text=TEXT))
    assert result.changes == []
    flags = [f for f in result.flags if f.text == "harmony"]
    assert len(flags) == 1
    flag = flags[0]
    assert (flag.kind, flag.stage) == ("spin", "spin")
    assert TEXT[flag.start : flag.end] == "harmony"
    assert flag.suggestions[0] == "peace"
    assert 0.5 <= flag.score <= 1.0
    assert flag.evidence["lm_gain"] == pytest.approx(8.0)
    assert "peace" in flag.message
    assert sum(v for k, v in result.stats.items() if k.startswith("flags_")) == len(result.flags)


PHRASE_TEXT = "Rebels in the north said the two prisoners were put to death at dawn on Tuesday."


def test_a_phrase_swapped_in_for_one_word_is_flagged_whole(offline_detector: Detector) -> None:
    """A spinner writes a thesaurus's phrase for a word ("executed" -> "put to death"); none of its
    words is a swap on its own, so no word of it was checked."""
    lm = PreferringLM({"executed", "killed"})
    stage = stage_with(offline_detector, lm, threshold=0.5, lm_budget=1000, lm_budget_spun=1000)
    flags = stage.process(PHRASE_TEXT, Document(id="t", source="-", text=PHRASE_TEXT)).flags
    phrase = [f for f in flags if f.rule == "thesaurus:phrase"]
    assert [(f.text, f.start) for f in phrase] == [("put to death", PHRASE_TEXT.index("put to death"))]
    assert phrase[0].suggestions[0] in {"executed", "killed"}
    assert not [f for f in flags if f is not phrase[0] and f.start < phrase[0].end and phrase[0].start < f.end]


def test_phrases_are_not_checked_when_turned_off(offline_detector: Detector) -> None:
    lm = PreferringLM({"executed", "killed"})
    stage = stage_with(offline_detector, lm, threshold=0.5, lm_budget=1000, lm_budget_spun=1000, phrases=False)
    flags = stage.process(PHRASE_TEXT, Document(id="t", source="-", text=PHRASE_TEXT)).flags
    assert [f for f in flags if f.rule == "thesaurus:phrase"] == []


def test_a_phrase_does_not_vouch_for_the_other_positions_of_its_document(offline_detector: Detector) -> None:
    """A clean text's rare compound can score high alone (one word is likelier than several); it
    lifted "stage" on a clean aeb-dev page from 0.40 to 0.87."""
    lm = PreferringLM({"peace", "executed", "killed"})
    fitted = SpinConfig().document_weights
    stage = stage_with(
        offline_detector, lm, threshold=0.0, lm_budget=1000, lm_budget_spun=1000, document_weights=fitted
    )
    text = " ".join([PHRASE_TEXT] * 6 + [TEXT])
    flags = stage.process(text, Document(id="t", source="-", text=text)).flags
    assert len([f for f in flags if f.rule == "thesaurus:phrase"]) == 6
    (harmony,) = [f for f in flags if f.text == "harmony"]
    phrase_score = max(float(f.evidence["score_alone"] or 0) for f in flags if f.rule == "thesaurus:phrase")
    assert phrase_score > 0.5  # six of these would have made the document look spun
    assert float(harmony.evidence["document_support"] or 0) < 0.1  # only the unchanged words count


def test_words_of_web_and_mail_addresses_are_not_checked(offline_detector: Detector) -> None:
    """A URL's slug and a mailbox are no one's prose: "harmony@talks.example.org" was flagged at 0.94."""
    lm = PreferringLM({"peace"})
    stage = stage_with(offline_detector, lm, threshold=0.5, lm_budget=1000, lm_budget_spun=1000)
    text = "Write to harmony@talks.example.org or see https://example.org/harmony-talks-resume. " + TEXT
    flags = stage.process(text, Document(id="t", source="-", text=text)).flags
    assert [checked for checked in lm.checked if "example" in checked] == []  # the model is not asked
    assert [(f.text, f.start) for f in flags if f.text == "harmony"] == [("harmony", text.index("the harmony") + 4)]


def test_a_word_of_thousands_of_letters_is_left_out_of_the_models_window(offline_detector: Detector) -> None:
    """Its tokens overflowed the model's context: the document failed with a NULL pointer access."""
    lm = PreferringLM({"peace"})
    stage = stage_with(offline_detector, lm, threshold=0.5, lm_budget=1000, lm_budget_spun=1000)
    text = TEXT.replace("harmony", "harmony " + "x" * 30_000) + " " + TEXT
    flags = stage.process(text, Document(id="t", source="-", text=text)).flags
    assert all(len(c) < 2000 for c in lm.scored)
    assert [f.start for f in flags if f.text == "harmony"] == [text.rindex("harmony")]  # the rest is checked


# Ordinary English that the imported pack lists as tortured phrases (with science "originals"),
# and phrases of the pack in the place of their originals.
IDIOMS = [
    "Be that as it may, the council voted to keep the library open until the spring.",
    "She kept a spare key in her coat on the off chance that the door was locked.",
    "The old mill is a place of interest for walkers on the coast path.",
    "It gets dark out early in December, so the race starts at noon.",
]
TORTURED = "Newsrooms are testing counterfeit consciousness to sort their archives."


def fingerprint_flags(stage: SpinStage, text: str) -> list[Flag]:
    flags = stage.process(text, Document(id="t", source="-", text=text)).flags
    return [f for f in flags if f.rule.startswith("fingerprint:")]


def test_a_fingerprint_is_flagged_where_the_model_prefers_its_original(offline_detector: Detector) -> None:
    stage = stage_with(offline_detector, PreferringLM({"intelligence"}))
    (flag,) = fingerprint_flags(stage, TORTURED)
    assert (flag.text, flag.suggestions) == ("counterfeit consciousness", ["artificial intelligence"])
    assert flag.evidence["lm_gain"] == pytest.approx(8.0)
    assert "times likelier" in flag.message


def test_a_fingerprint_the_model_does_not_confirm_is_not_flagged(offline_detector: Detector) -> None:
    """The imported pack lists "on the off chance" and "place of interest": every one was flagged at 0.75."""
    lm = PreferringLM(set())
    stage = stage_with(offline_detector, lm)
    assert fingerprint_flags(stage, TORTURED) == []
    assert any("counterfeit consciousness" in c for c in lm.scored)


def test_without_the_model_the_trigram_model_confirms_fingerprints(offline_detector: Detector) -> None:
    stage = stage_with(offline_detector, None)
    assert [float(f.evidence["ngram_gain"] or 0) > 3 for f in fingerprint_flags(stage, TORTURED)] == [True]
    for idiom in IDIOMS:
        assert fingerprint_flags(stage, idiom) == [], idiom


def test_no_piece_of_a_word_with_accents_is_checked(offline_detector: Detector) -> None:
    """Words were runs of ASCII letters: "rich" of "Zürich" and "cafe" of a decomposed "café" were suspects."""
    stage_with(offline_detector, None)
    text = "The cafe\u0301 owners of Zürich said the new rule would hurt small firms across the region."
    words = [s.token.word for s in offline_detector.analyse(text)[1]]
    assert "rule" in words
    assert not {"rich", "cafe"} & set(words)


def test_no_flag_when_the_model_prefers_the_text(offline_detector: Detector) -> None:
    lm = PreferringLM({"harmony"})
    stage = stage_with(offline_detector, lm, threshold=0.5)
    result = stage.process(TEXT, Document(id="t", source="-", text=TEXT))
    assert [f for f in result.flags if f.text == "harmony"] == []
    assert lm.calls > 0


def harmony_flag(stage: SpinStage) -> Flag:
    result = stage.process(TEXT, Document(id="t", source="-", text=TEXT))
    return next(f for f in result.flags if f.text == "harmony")


def test_an_undecided_position_gets_the_second_models_opinion(offline_detector: Detector) -> None:
    # 8 nats from the first model alone score about 0.6: inside the default band, so the second is asked.
    agreeing, doubting = PreferringLM({"peace"}), PreferringLM(set())
    agreed = harmony_flag(stage_with(offline_detector, PreferringLM({"peace"}), agreeing, threshold=0.0))
    doubted = harmony_flag(stage_with(offline_detector, PreferringLM({"peace"}), doubting, threshold=0.0))
    assert "harmony" in agreeing.checked and "harmony" in doubting.checked
    assert (agreed.evidence["second_model_gain"], doubted.evidence["second_model_gain"]) == (8.0, 0.0)
    assert agreed.evidence["lm_gain"] == doubted.evidence["lm_gain"] == 8.0
    assert agreed.score > 0.5 > doubted.score
    assert "(a second model: about 3,000 times likelier)" in agreed.message


def test_a_decided_position_is_not_asked_again(offline_detector: Detector) -> None:
    second = PreferringLM({"peace"})
    flag = harmony_flag(
        stage_with(offline_detector, PreferringLM({"peace"}), second, threshold=0.0, second_band=(0.0, 0.1))
    )
    assert "harmony" not in second.checked
    assert "second_model_gain" not in flag.evidence


def test_a_position_scores_higher_in_a_document_where_other_positions_look_spun_too(
    offline_detector: Detector,
) -> None:
    other = "The minister said the budget would be published on Monday after a long debate in parliament. "
    alone_in_clean = other * 5 + TEXT
    swaps = [
        "The company reported a giant loss for the year and cut its staff.",
        "Prices climbed sharply after the storm hit the coast on Sunday.",
        "The mayor stated that the bridge would reopen before the winter.",
        "Voters will choose a new parliament in the autumn after the vote.",
        "The police detained three men near the station late on Friday.",
    ]
    among_swaps = " ".join([TEXT, *swaps])
    fitted = SpinConfig().document_weights
    assert fitted, "the default model pair ships fitted document weights"

    def harmony_scores(text: str, weights: dict[str, float]) -> list[Flag]:
        lm = PreferringLM({"peace", "big", "huge", "rose", "said", "elect", "arrested"})
        stage = stage_with(offline_detector, lm, threshold=0.0, lm_budget=100.0, document_weights=weights)
        result = stage.process(text, Document(id="t", source="-", text=text))
        return [f for f in result.flags if f.text == "harmony"]

    (lonely,) = harmony_scores(alone_in_clean, fitted)
    (crowded,) = harmony_scores(among_swaps, fitted)
    (plain,) = harmony_scores(alone_in_clean, {})
    assert crowded.score > lonely.score
    assert float(crowded.evidence["document_support"] or 0) > float(lonely.evidence["document_support"] or 0)
    assert lonely.evidence["score_alone"] == crowded.evidence["score_alone"] == plain.score
    assert "document_support" not in plain.evidence


def test_the_model_checks_more_of_a_document_its_first_checks_find_likely_spun(offline_detector: Detector) -> None:
    text = " ".join([TEXT] * 6)
    first = lm_checks(5.0, word_count(text))

    def checks(spun_support: float) -> int:
        lm = PreferringLM({"peace"})
        stage = stage_with(offline_detector, lm, lm_budget=5.0, lm_budget_spun=100.0, spun_support=spun_support)
        stage.process(text, Document(id="t", source="-", text=text))
        return lm.calls

    assert checks(spun_support=1.0) == first  # never likely spun: the first round only
    assert checks(spun_support=0.05) > first  # any sure position is enough: on to the second round


def test_rounds_count_the_checks_of_the_first_round_and_of_both(offline_detector: Detector) -> None:
    stage_with(offline_detector, None, lm_budget=5.0, lm_budget_spun=20.0)
    assert offline_detector.rounds(200) == (10, 40)
    stage_with(offline_detector, None, lm_budget=5.0, lm_budget_spun=2.0)
    assert offline_detector.rounds(200) == (10, 10), "a second budget under the first: no second round"


def test_lm_budget_bounds_the_checks(offline_detector: Detector) -> None:
    lm = PreferringLM(set())
    stage = stage_with(offline_detector, lm, lm_budget=0.1)
    stage.process(TEXT * 3, Document(id="t", source="-", text=TEXT * 3))
    assert lm.calls == 1


def test_stage_pickles_without_its_models(offline_detector: Detector) -> None:
    stage = stage_with(offline_detector, None)
    stage.survey("Mr Kean spoke. Kean left.")
    copy = pickle.loads(pickle.dumps(stage))
    assert copy._resources is None
    assert copy.run_names["Kean"] == 2


@pytest.mark.parametrize(
    ("mention", "better"),
    [("O’Brian", "O’Brien"), ("O’Brian’s", "O’Brien’s")],
    ids=["plain", "possessive, which the suggestion keeps"],
)
def test_misspelled_name_is_an_entity_flag(offline_detector: Detector, mention: str, better: str) -> None:
    text = f"James O’Brien spoke on Monday. Later, {mention} aide said the talks would go on. O’Brien left."
    stage = stage_with(offline_detector, PreferringLM({better}))
    flags = [f for f in stage.process(text, Document(id="t", source="-", text=text)).flags if f.kind == "entity"]
    assert [(f.text, f.suggestions[0]) for f in flags] == [(mention, better)]
    assert flags[0].evidence["edit_distance"] == 1


def test_a_plural_demonym_swap_is_flagged_with_a_plural_suggestion(offline_detector: Detector) -> None:
    """Written for this test: a text about Armenia and Armenians with one plural swapped for Iranians."""
    text = (
        "Armenia said on Monday that Armenians who left the region may go back. The Armenian government "
        "set up camps near the border of Armenia, and many Iranians who fled in September are still there."
    )
    lm = PreferringLM({"Armenians"})
    stage = stage_with(offline_detector, lm)
    flags = [f for f in stage.process(text, Document(id="t", source="-", text=text)).flags if f.kind == "entity"]
    assert [(f.text, f.rule, f.suggestions[0]) for f in flags] == [("Iranians", "entity:demonym", "Armenians")]


def test_entity_flags_have_their_own_threshold(offline_detector: Detector) -> None:
    """The misspelt name's flag answers to ``entity_threshold``, the swap's to ``threshold``."""
    text = "James O’Brien spoke on Monday. Later, O’Brian aide said the harmony talks would go on. O’Brien left."
    lm = PreferringLM({"O’Brien", "peace"})

    def flagged(threshold: float, entity_threshold: float) -> dict[str, float]:
        stage = stage_with(
            offline_detector,
            lm,
            threshold=threshold,
            entity_threshold=entity_threshold,
            lm_budget=1000,
            lm_budget_spun=1000,
        )
        return {f.text: f.score for f in stage.process(text, Document(id="t", source="-", text=text)).flags}

    both = flagged(threshold=0.0, entity_threshold=0.0)
    assert {"O’Brian", "harmony"} <= both.keys()
    assert max(both["O’Brian"], both["harmony"]) < 1.0
    name, swap = (both["O’Brian"] + 1.0) / 2, (both["harmony"] + 1.0) / 2  # above each flag's score
    assert "O’Brian" not in flagged(threshold=0.0, entity_threshold=name)
    assert "harmony" in flagged(threshold=0.0, entity_threshold=name)
    assert "O’Brian" in flagged(threshold=swap, entity_threshold=0.0)
    assert "harmony" not in flagged(threshold=swap, entity_threshold=0.0)


def test_a_british_spelling_is_no_swap(offline_detector: Detector) -> None:
    """A model trained mostly on American text finds criticized likelier: that is spelling, not spinning."""
    text = "The council criticised the plan for the new harbour on Monday, and the mayor agreed with it."
    lm = PreferringLM({"criticized", "harbor"})
    stage = stage_with(offline_detector, lm, threshold=0.0)
    flagged = {f.text for f in stage.process(text, Document(id="t", source="-", text=text)).flags}
    assert not flagged & {"criticised", "harbour"}


def test_the_models_own_proposal_is_a_candidate_no_thesaurus_lists(offline_detector: Detector) -> None:
    # "trade" is no thesaurus neighbour of "harmony"; the model proposes it and likes it best.
    assert "trade" not in {c.word for c in offline_detector.candidates("harmony")}
    lm = PreferringLM({"trade"}, proposals=["trade"])
    stage = stage_with(offline_detector, lm, threshold=0.0)
    flags = [f for f in stage.process(TEXT, Document(id="t", source="-", text=TEXT)).flags if f.text == "harmony"]
    assert flags[0].suggestions[0] == "trade"
    assert flags[0].evidence["thesauri"] == "language-model"
    assert flags[0].evidence["model_gain"] == pytest.approx(8.0)


def test_proposals_that_are_forms_of_the_word_or_function_words_are_not_scored(offline_detector: Detector) -> None:
    lm = PreferringLM(set(), proposals=["harmonies", "the", "trade"])
    stage = stage_with(offline_detector, lm, threshold=0.0, lm_budget=100.0, lm_proposals=3)
    stage.process(TEXT, Document(id="t", source="-", text=TEXT))
    assert any(c.startswith(" trade talks") for c in lm.scored)
    assert not any(c.startswith((" harmonies talks", " the talks")) for c in lm.scored)


def test_no_proposals_when_turned_off(offline_detector: Detector) -> None:
    lm = PreferringLM(set(), proposals=["trade"])
    stage = stage_with(offline_detector, lm, threshold=0.0, lm_budget=100.0, lm_proposals=0)
    stage.process(TEXT, Document(id="t", source="-", text=TEXT))
    assert lm.scored and not any(c.startswith(" trade") for c in lm.scored)


def test_suggestions_rank_by_model_gain_agreement_of_thesauri_and_a_handicap_on_proposals(
    offline_detector: Detector,
) -> None:
    suspect = Suspect(Token(4, 11, "harmony", 1), [], ["the", "harmony", "track"], Figures(0.0, 4.0, 0.0, 1, -5.0))
    scored = [
        (4.6, ("concord", 0.5, 0b1)),  # one thesaurus
        (4.4, ("peace", 1.5, 0b111)),  # three thesauri: ranks as 4.4 + 2 x 0.5
        (9.0, ("trade", 2.0, PROPOSAL)),  # the model's own word, no thesaurus: ranks as 9.0 - 5.0
    ]
    offline_detector.set_lm_figures(suspect, scored)
    assert [w for w, _, _ in suspect.candidates] == ["peace", "concord", "trade"]
    assert suspect.lm_gains == [4.4, 4.6, 9.0]
    assert (suspect.figures.lm_gain, suspect.figures.model_gain) == (4.6, 9.0)
    assert (suspect.figures.ngram_gain, suspect.figures.sources) == (1.5, 3)


def test_a_proposal_a_thesaurus_also_lists_keeps_the_thesaurus(offline_detector: Detector) -> None:
    lm = PreferringLM({"peace"}, proposals=["peace"])
    stage = stage_with(offline_detector, lm, threshold=0.0)
    flags = [f for f in stage.process(TEXT, Document(id="t", source="-", text=TEXT)).flags if f.text == "harmony"]
    sources = str(flags[0].evidence["thesauri"]).split(",")
    assert flags[0].suggestions[0] == "peace"
    assert "language-model" in sources and len(sources) > 1


def test_the_budget_checks_the_first_suspects_of_the_check_order(offline_detector: Detector) -> None:
    text = TEXT + " The tranquility accord was signed by the chief envoys of both states."
    stage = stage_with(offline_detector, None, lm_budget=10.0)
    _, suspects = offline_detector.analyse(text)
    order = [s.token.word for s in offline_detector.check_order(suspects)]
    budget = lm_checks(10.0, word_count(text))
    assert 1 < budget < len(order)
    lm = PreferringLM(set())
    offline_detector.lm = lm
    stage.process(text, Document(id="t", source="-", text=text))
    assert lm.checked == order[:budget]


def test_candidates_rank_by_trigram_gain_and_agreement(offline_detector: Detector) -> None:
    from cleaner.spin.candidates import sentences

    stage_with(offline_detector, None)  # the candidates as the prefilter ranks them, before any model
    sentence = sentences(TEXT)[0]
    token = next(t for t in sentence.tokens if t.word == "harmony")
    ranked = offline_detector.ranked_candidates(sentence.words, token)
    assert {w for _, w, _ in ranked} == {c.word for c in offline_detector.candidates("harmony")}
    keys = [gain + AGREEMENT_BONUS * (bin(bits).count("1") - 1) for gain, _, bits in ranked]
    assert keys == sorted(keys, reverse=True)
    _, suspects = offline_detector.analyse(TEXT)
    suspect = next(s for s in suspects if s.token.word == "harmony")
    shortlist = offline_detector.settings.lm_shortlist_from
    assert [w for w, _, _ in suspect.candidates] == [w for _, w, _ in ranked[:shortlist]]


class ShortlistingLM(PreferringLM):
    """A fake LM that scores only ``keep`` + ``shortlist`` continuations: the last ones (a model
    that likes them best)."""

    def continuation_logprobs(
        self,
        left: str,
        continuations: Sequence[str],
        shortlist: int | None = None,
        keep: int = 1,
    ) -> list[float | None]:
        scores: list[float | None] = list(super().continuation_logprobs(left, continuations))
        rest = list(range(keep, len(continuations)))
        picked = rest if shortlist is None else rest[len(rest) - min(shortlist, len(rest)) :]
        return [s if i < keep or i in picked else None for i, s in enumerate(scores)]


def test_sure_candidates_are_scored_whatever_the_model_picks(offline_detector: Detector) -> None:
    from cleaner.spin.candidates import sentences

    sentence = sentences(TEXT)[0]
    token = next(t for t in sentence.tokens if t.word == "harmony")
    shortlist = [w for _, w, _ in offline_detector.ranked_candidates(sentence.words, token)]
    shortlist = shortlist[: offline_detector.settings.lm_shortlist_from]
    scored = {}
    for sure in (0, 1, 2):
        lm = ShortlistingLM(set())
        stage_with(offline_detector, lm, lm_budget=100.0, lm_proposals=0, max_candidates=2, lm_sure_candidates=sure)
        _, suspects = offline_detector.analyse(TEXT)
        scored[sure] = {w for w, _, _ in next(s for s in suspects if s.token.word == "harmony").candidates}
    assert scored[0] == set(shortlist[-2:]), "the model's pick alone: the last two"
    assert scored[1] == {shortlist[0], shortlist[-1]}
    assert scored[2] == set(shortlist[:2])


NAME_CASES = {
    "misspelt name": (
        "James O’Brien spoke on Monday. Later, O’Brian said the talks would go on. Then O’Brian left.",
        PreferringLM({"O’Brien"}, after="Later,"),
        "O’Brian",
        "entity:spelling",
    ),
    "demonym out of place": (
        "Armenia said on Monday that Armenian refugees had crossed the border into Armenia. The Armenian "
        "government and Armenian officials said ethnic Iranian refugees fled. A local Iranian family took them in. "
        "A Turkish aid team came too.",
        PreferringLM({"Armenian"}, after="ethnic"),
        "Iranian",
        "entity:demonym",
    ),
}


@pytest.mark.parametrize("case", NAME_CASES.values(), ids=NAME_CASES.keys())
def test_every_occurrence_of_a_suspect_name_gets_one_decision(
    offline_detector: Detector, case: tuple[str, PreferringLM, str, str]
) -> None:
    text, lm, name, rule = case
    stage = stage_with(offline_detector, lm, threshold=0.0)
    flags = [f for f in stage.process(text, Document(id="t", source="-", text=text)).flags if f.kind == "entity"]
    pooled = [f for f in flags if f.text == name]
    assert [f.rule for f in pooled] == [rule, rule]
    assert [f.evidence["lm_gain"] for f in pooled] == [8.0, 0.0], "each keeps its own figure"
    assert [f.evidence["name_lm_gain"] for f in pooled] == [4.0, 4.0]
    assert pooled[0].score == pooled[1].score
    for other in (f for f in flags if f.text != name):  # another name keeps its own decision
        assert "name_lm_gain" not in other.evidence and other.score < pooled[0].score


GERMAN = (
    "Die Digitalisierung verändert die Versorgung der Patienten: Krankenhäuser führen neue Systeme ein, "
    "die Versicherten erhalten ihre Befunde schneller, und die Ärzte sprechen mit den Patienten über "
    "die Ergebnisse, bevor die Systeme der Versicherer die Daten weitergeben."
)


def test_an_english_text_full_of_names_is_english(offline_detector: Detector) -> None:
    """A match report with its team sheets was skipped as another language: names are seldom common words."""
    stage = stage_with(offline_detector, None)
    sheet = (
        "Arsenal: Raya; White, Saliba, Gabriel, Zinchenko; Odegaard, Rice, Havertz; Saka, Jesus, Martinelli. "
        "Subs: Ramsdale, Tomiyasu, Kiwior, Jorginho, Trossard, Nketiah, Vieira, Nelson, Smith Rowe.\n"
        "Chelsea: Sanchez; Gusto, Disasi, Colwill, Cucurella; Caicedo, Enzo, Gallagher; Palmer, Jackson, Mudryk. "
        "Subs: Petrovic, Chilwell, Badiashile, Chukwuemeka, Madueke, Broja, Sterling, Maatsen, Casadei.\n"
    )
    report = " ".join([TEXT] * 2) + "\n" + sheet
    assert stage.process(report, Document(id="en", source="-", text=report)).stats["skipped_other_language"] == 0


def test_a_text_that_is_not_english_is_left_alone(offline_detector: Detector) -> None:
    stage = stage_with(offline_detector, PreferringLM({"System", "Patient"}), threshold=0.0)
    result = stage.process(GERMAN, Document(id="de", source="-", text=GERMAN))
    assert result.flags == [] and result.stats["skipped_other_language"] == 1
    assert "another language" in result.metadata["spin_skipped"]
    english = " ".join([TEXT] * 3)
    assert stage.process(english, Document(id="en", source="-", text=english)).flags
    everything = stage_with(offline_detector, PreferringLM(set()), threshold=0.0, min_english_share=0.0)
    stats = everything.process(GERMAN, Document(id="de", source="-", text=GERMAN)).stats
    assert stats["skipped_other_language"] == 0 and stats["words"] > 20
