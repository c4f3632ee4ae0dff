"""The pipeline over documents: provenance across stages, failures, and jobs."""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import pytest

from cleaner.config import PipelineConfig
from cleaner.errors import ConfigError, DocumentError, FatalError
from cleaner.inputs import InputFailure, iter_sources
from cleaner.model import Document, Flag
from cleaner.pipeline import Pipeline, _bounded, clean_text
from cleaner.stages.base import Stage, StageConfig, StageResult
from cleaner.trace import Change, apply_edits, revert_edits


class Shout(Stage):
    """Unit-test stage: upper-cases every 'x'."""

    name: ClassVar[str] = "test-shout"
    order: ClassVar[int] = 1

    def process(self, text: str, doc: Document) -> StageResult:
        return StageResult(changes=[Change(i, i + 1, "X", "shout", "x to X") for i, c in enumerate(text) if c == "x"])


class DropFirstLine(Stage):
    """Unit-test stage: drops the first line; refuses documents containing 'poison'."""

    name: ClassVar[str] = "test-drop"
    order: ClassVar[int] = 2

    def process(self, text: str, doc: Document) -> StageResult:
        if "poison" in text:
            msg = "poisoned document"
            raise DocumentError(msg)
        end = text.find("\n") + 1
        return StageResult(changes=[Change(0, end, "", "drop", "first line")] if end else [], metadata={"dropped": 1})


class CountRunWords(Stage):
    """Unit-test stage: surveys the words of the run and reports their total on every document."""

    name: ClassVar[str] = "test-count"
    order: ClassVar[int] = 3
    needs_survey: ClassVar[bool] = True

    def __init__(self, config: StageConfig | None = None) -> None:
        super().__init__(config)
        self.words = 0

    def survey(self, text: str) -> None:
        self.words += len(text.split())

    def take_survey(self) -> int:
        gathered, self.words = self.words, 0
        return gathered

    def merge_survey(self, gathered: int) -> None:
        self.words += gathered

    def process(self, text: str, doc: Document) -> StageResult:
        return StageResult(stats=Counter(run_words=self.words))


class FixAndFlag(Stage):
    """Unit-test stage, like the grammar stage with fixes on: removes a doubled first word and
    flags the word "go", both found in the text it was given."""

    name: ClassVar[str] = "test-fix"
    order: ClassVar[int] = 4

    def process(self, text: str, doc: Document) -> StageResult:
        at = text.index(" go ") + 1
        flag = Flag(
            stage=self.name, kind="grammar", rule="verb", start=at, end=at + 2, text="go", score=1, message="goes?"
        )
        return StageResult(changes=[Change(0, 4, "", "double", "doubled word")], flags=[flag])


def test_a_stages_flags_move_past_its_own_changes() -> None:
    """A flag came out at its place in the text before the stage's fix: "o " instead of "go"."""
    pipe = Pipeline(config=PipelineConfig(stages=(), settings={}))
    pipe.stages = [FixAndFlag(StageConfig())]
    result = pipe.process(Document(id="d", source="-", text="The The man go home."))
    assert result.text == "The man go home."
    [flag] = result.flags
    assert (result.text[flag.start : flag.end], flag.text, flag.source_start) == ("go", "go", 12)


def pipeline() -> Pipeline:
    pipe = Pipeline(config=PipelineConfig(stages=(), settings={}))
    pipe.stages = [Shout(StageConfig()), DropFirstLine(StageConfig())]
    return pipe


def docs() -> Iterator[Document | InputFailure]:
    for number in range(23):
        text = f"head x{number}\nbody x and x {number}\n"
        yield Document(id=f"d{number}", source="test", text=text if number != 7 else "poison\n")
    yield InputFailure(id="bad", source="bad.txt", reason="binary file")


def test_process_records_every_stage_and_replays() -> None:
    doc = Document(id="d", source="-", text="head x\nbody x\n")
    result = pipeline().process(doc)
    assert result.text == "body X\n"
    assert apply_edits(doc.text, result.edits) == result.text
    assert revert_edits(result.text, result.edits) == doc.text
    assert result.metadata == {"dropped": 1}
    assert result.stats["test-shout"]["edits"] == 2
    assert result.stats["test-drop"]["changed"] == 1


def test_failures_are_reported_and_the_run_goes_on() -> None:
    results = list(pipeline().run(docs()))
    failed = {r.id: r.error for r in results if r.failed}
    assert failed == {"d7": "test-drop: poisoned document", "bad": "binary file"}
    assert len(results) == 24


def test_the_api_takes_a_str_path_and_refuses_a_string_of_stages_or_no_jobs(tmp_path: Path) -> None:
    config = tmp_path / "cfg.yaml"
    config.write_text("encoding:\n  strip_hashtags: false\n", encoding="utf-8")
    assert clean_text("#Armenia  today", stages=["encoding"], config_path=str(config)).text == "#Armenia today"
    with pytest.raises(ConfigError, match="not the string 'encoding'"):
        clean_text("text", stages="encoding")
    with pytest.raises(ValueError, match="jobs must be"):
        Pipeline(stages=[]).run([], jobs=0)


def test_a_text_with_a_lone_surrogate_fails_with_the_reason() -> None:
    with Pipeline(stages=["encoding", "boilerplate"]) as real:
        real.survey(["lone \ud800 half", "fine"])  # the survey leaves it out instead of failing
        result = real.process(Document(id="d", source="-", text="lone \ud800 half"))
    assert result.failed
    assert result.error is not None and "(U+D800) at character 5" in result.error


@pytest.mark.parametrize("jobs", [2, 3])
def test_jobs_give_identical_output(jobs: int) -> None:
    serial = [r.model_dump() for r in pipeline().run(docs(), jobs=1)]
    parallel = [r.model_dump() for r in pipeline().run(docs(), jobs=jobs)]
    assert parallel == serial


def test_leaving_with_stops_the_workers_of_a_run_not_read_to_the_end() -> None:
    """They stayed until the caller's generator was deleted."""
    with pipeline() as pipe:
        results = pipe.run(docs(), jobs=2)
        next(results)
        assert multiprocessing.active_children()
    assert multiprocessing.active_children() == []
    assert list(results) == []  # the run is over


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_survey_in_workers_adds_up_to_the_serial_survey(tmp_path: Path, jobs: int) -> None:
    for number in range(40):  # more than one survey chunk per worker
        (tmp_path / f"doc{number:02}.txt").write_text(f"word {number} " * (number + 1), encoding="utf-8")
    expected = sum(2 * (n + 1) for n in range(40))
    pipe = Pipeline(config=PipelineConfig(stages=(), settings={}))
    pipe.stages = [CountRunWords(StageConfig())]
    pipe.survey_sources(iter_sources([str(tmp_path)]), jobs=jobs)
    results = list(pipe.run(iter_sources([str(tmp_path)]), jobs=jobs))
    assert [r.id for r in results] == [f"doc{n:02}" for n in range(40)]
    assert {r.stats["test-count"]["run_words"] for r in results} == {expected}


def test_a_bug_in_a_stage_fails_only_that_document() -> None:
    class Broken(Shout):
        def process(self, text: str, doc: Document) -> StageResult:
            return StageResult(changes=[Change(0, 1, str(1 // 0), "x", "x")])

    pipe = pipeline()
    pipe.stages = [Broken(StageConfig())]
    result = pipe.process(Document(id="d", source="-", text="x"))
    assert result.error is not None
    assert "internal error" in result.error
    assert "ZeroDivisionError" in result.error


def test_the_grammar_stage_used_outside_with_raises_once_instead_of_failing_every_document() -> None:
    """A pipeline used without ``with`` never started the server: a usage error, not each document's."""
    pipe = Pipeline(stages=["encoding", "grammar"])
    with pytest.raises(FatalError, match="use the Pipeline as a context manager"):
        pipe.process(Document(id="d", source="-", text="A sentence."))


def test_a_broken_rule_file_met_mid_run_stops_the_run_as_a_config_error(tmp_path: Path) -> None:
    """The spin stage reads its fingerprint packs on first use: a malformed one is the user's file to fix,
    not an internal error of every document."""
    (tmp_path / "mine.yaml").write_text("phrases: [unclosed\n", encoding="utf-8")
    pipe = Pipeline(stages=["spin"], overrides={"spin": {"fingerprints": str(tmp_path), "use_lm": False}})
    with pipe, pytest.raises(ConfigError, match="cannot read the fingerprint pack"):
        pipe.process(Document(id="d", source="-", text="A sentence about the harmony talks."))


class DieInWorker(Stage):
    """Unit-test stage: the worker process dies on the document named 'kill'."""

    name: ClassVar[str] = "test-die"
    order: ClassVar[int] = 4

    def process(self, text: str, doc: Document) -> StageResult:
        if doc.id == "kill":
            os._exit(3)
        return StageResult()


def test_a_worker_that_dies_stops_the_run_with_a_fatal_error() -> None:
    pipe = Pipeline(config=PipelineConfig(stages=(), settings={}))
    pipe.stages = [DieInWorker(StageConfig())]
    docs = [Document(id=name, source="-", text="x") for name in ("a", "kill", "b")]
    with pytest.raises(FatalError, match="worker process stopped"):
        list(pipe.run(docs, jobs=2))


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_a_second_survey_adds_the_same_counts_whatever_jobs_is(tmp_path: Path, jobs: int) -> None:
    for number in range(40):
        (tmp_path / f"doc{number:02}.txt").write_text("one two\n", encoding="utf-8")
    pipe = Pipeline(config=PipelineConfig(stages=(), settings={}))
    stage = CountRunWords(StageConfig())
    pipe.stages = [stage]
    pipe.survey_sources(iter_sources([str(tmp_path)]), jobs=jobs)
    assert stage.words == 80
    # the workers of the second survey start as copies of this pipeline: they must not hand back its counts
    pipe.survey_sources(iter_sources([str(tmp_path)]), jobs=jobs)
    assert stage.words == 160


R = TypeVar("R")


class FirstOnly(Executor):
    """Unit-test executor: runs the first task at once and leaves the others queued, never started."""

    def __init__(self) -> None:
        self.futures: list[Future[Any]] = []

    def submit(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> Future[R]:
        future: Future[R] = Future()
        if not self.futures:
            future.set_result(fn(*args, **kwargs))
        self.futures.append(future)
        return future


def test_a_run_stopped_early_cancels_the_tasks_queued_ahead() -> None:
    # else the pool's shutdown runs them all first: minutes of spin after Ctrl-C or a full disk
    pool = FirstOnly()
    results = _bounded(pool, str, range(10), in_flight=4)
    assert next(results) == "0"
    results.close()  # the caller stops
    queued = pool.futures[1:]
    assert len(queued) == 3
    assert all(future.cancelled() for future in queued)
