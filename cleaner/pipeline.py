"""Running the stages over documents: one at a time, or streamed through worker processes.

>>> from cleaner.pipeline import Pipeline
>>> with Pipeline(stages=[]) as pipeline:
...     pipeline.process(Document(id="d", source="-", text="unchanged")).text
'unchanged'
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import traceback
import weakref
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import partial
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from cleaner.config import PipelineConfig, load_config
from cleaner.errors import ConfigError, DocumentError, FatalError
from cleaner.inputs import InputFailure, Source, load, surrogate_problem
from cleaner.model import Document, DocumentResult
from cleaner.processes import die_with_parent
from cleaner.registry import stage_class
from cleaner.spin.lm import loaded_in_this_process
from cleaner.stages.base import Stage
from cleaner.trace import Trace

CHUNK = 4  # documents per task sent to a worker: small, so results stream in order (1 with a slow stage)
SURVEY_CHUNK = 16  # documents per survey task: only counts come back
AHEAD = 4  # tasks submitted per worker before the first result is awaited: keeps workers busy, memory flat


class Pipeline:
    """The configured stages, ready to process documents.

    Use it as a context manager so that what stages share across a run (a grammar server)
    is started once and always stopped.
    """

    def __init__(
        self,
        config: PipelineConfig | None = None,
        *,
        stages: Sequence[str] | None = None,
        config_path: Path | str | None = None,
        overrides: dict[str, Any] | None = None,
    ) -> None:
        self.config = config if config is not None else load_config(config_path, stages, overrides)
        self.stages: list[Stage] = [stage_class(name)(self.config.settings[name]) for name in self.config.stages]
        self._running: weakref.WeakSet[Generator[Any, None, None]] = weakref.WeakSet()  # see :meth:`close`

    def __getstate__(self) -> dict[str, Any]:
        """What a worker process gets: the stages, not the runs going on in this process."""
        return {k: v for k, v in self.__dict__.items() if k != "_running"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, _running=weakref.WeakSet())

    @property
    def needs_survey(self) -> bool:
        """Whether any stage wants to see the whole corpus before the run."""
        return any(stage.needs_survey for stage in self.stages)

    def survey(self, texts: Iterable[str]) -> None:
        """Show every raw document to the stages that gather corpus statistics (not those
        :meth:`process` will refuse for a surrogate)."""
        surveying = [stage for stage in self.stages if stage.needs_survey]
        for text in texts:
            if surrogate_problem(text) is not None:
                continue
            for stage in surveying:
                stage.survey(text)

    def survey_sources(self, sources: Iterable[Source], jobs: int = 1) -> None:
        """:meth:`survey` over the documents of ``sources``; ``jobs > 1`` reads and counts in workers.

        Each worker counts its share of the corpus and hands the counts over; they are added
        up here, so the stages end with the same statistics as with one process. Counts add up
        over calls: use a fresh pipeline for each corpus.
        """
        _check_jobs(jobs)
        if jobs == 1:
            self.survey(_texts(sources))
            return
        with _worker_pool(jobs, _init_survey_worker, self) as pool:
            for gathered in _bounded(pool, _survey_chunk, _chunked(sources, SURVEY_CHUNK), AHEAD * jobs):
                for stage, part in zip(self.stages, gathered, strict=True):
                    stage.merge_survey(part)

    def __enter__(self) -> Pipeline:
        try:
            for stage in self.stages:
                stage.start_run()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Stop the runs not read to the end (their worker processes too), then end the run for
        every stage (safe to call more than once)."""
        try:
            for results in list(self._running):
                results.close()
        finally:
            for stage in reversed(self.stages):
                stage.end_run()

    def process(self, doc: Document) -> DocumentResult:
        """Run every stage over one document; its failure is reported in the result, not raised
        (a :class:`FatalError` or :class:`ConfigError`, which stop the run, are)."""
        problem = surrogate_problem(doc.text)
        if problem is not None:
            return _failed(doc, f"the text cannot be processed: {problem}")
        trace = Trace(doc.text)
        metadata = dict(doc.metadata)
        stats: dict[str, dict[str, int]] = {}
        for stage in self.stages:
            try:
                result = stage.process(trace.text, doc.model_copy(update={"metadata": metadata}))
                trace.add_flags(result.flags)  # in the text the stage read: its own changes move them
                trace.apply(stage.name, result.changes)
            except DocumentError as exc:
                return _failed(doc, f"{stage.name}: {exc}")
            except (FatalError, ConfigError):  # the run cannot go on, or a file of the user's is wrong:
                raise  # not this document's fault, nor a bug to report
            except Exception as exc:  # a bug in one stage must not sink the run
                where = traceback.extract_tb(exc.__traceback__)[-1]
                detail = f"{type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})"
                return _failed(doc, f"{stage.name}: internal error, please report it: {detail}")
            metadata.update(result.metadata)
            counters = Counter(result.stats)
            counters.update(
                documents=1, changed=int(bool(result.changes)), edits=len(result.changes), flags=len(result.flags)
            )
            stats[stage.name] = dict(counters)
        return DocumentResult(
            id=doc.id,
            source=doc.source,
            text=trace.text,
            edits=trace.edits,
            flags=trace.flags(),
            metadata=metadata,
            stats=stats,
        )

    def run(self, docs: Iterable[Source], jobs: int = 1) -> Iterator[DocumentResult]:
        """Process ``docs`` in order, streaming; ``jobs > 1`` uses that many worker processes.

        The output is the same whatever ``jobs`` is. At most a few chunks per worker are in
        flight, so memory does not grow with the corpus.
        """
        _check_jobs(jobs)
        return self.map(docs, _result_only, jobs)

    def map(self, docs: Iterable[Source], finish: Finisher[T], jobs: int = 1) -> Generator[T, None, None]:
        """Like :meth:`run`, but yield ``finish(doc, result)``, computed where the document was.

        With workers, text files are read there and ``finish`` runs there too, so per-document
        work that follows the stages (writing its files) is parallel as well. It must pickle:
        a module-level function, or an instance of a module-level class. Leaving the
        pipeline's ``with`` stops a run not read to the end (:meth:`close`).
        """
        _check_jobs(jobs)
        results = self._results(docs, finish, jobs)
        self._running.add(results)
        return results

    def _results(self, docs: Iterable[Source], finish: Finisher[T], jobs: int) -> Generator[T, None, None]:
        if jobs == 1:
            for source in docs:
                doc = load(source)
                yield finish(doc, self.process_loaded(doc))
            return
        with _worker_pool(jobs, _init_worker, self) as pool:
            chunks = _chunked(docs, self.chunk_size())
            for results in _bounded(pool, partial(_process_chunk, finish=finish), chunks, AHEAD * jobs):
                yield from results

    def chunk_size(self) -> int:
        """Documents per task sent to a worker: one at a time when a stage takes seconds a document.

        >>> Pipeline(stages=["encoding"]).chunk_size(), Pipeline(stages=["encoding", "spin"]).chunk_size()
        (4, 1)
        """
        return 1 if any(stage.slow for stage in self.stages) else CHUNK

    def process_loaded(self, doc: Document | InputFailure) -> DocumentResult:
        """:meth:`process`, or the failed result of an input that could not be read."""
        if isinstance(doc, InputFailure):
            return DocumentResult(id=doc.id, source=doc.source, text="", error=doc.reason)
        return self.process(doc)


T = TypeVar("T")
A = TypeVar("A")
R = TypeVar("R")
Finisher = Callable[[Document | InputFailure, DocumentResult], T]


def _check_jobs(jobs: int) -> None:
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        msg = f"jobs must be a whole number of processes, 1 or more, not {jobs!r}"
        raise ValueError(msg)


def _result_only(_doc: Document | InputFailure, result: DocumentResult) -> DocumentResult:
    return result


def _failed(doc: Document, reason: str) -> DocumentResult:
    return DocumentResult(id=doc.id, source=doc.source, text="", metadata=dict(doc.metadata), error=reason)


def _texts(sources: Iterable[Source]) -> Iterator[str]:
    """The texts of the documents of ``sources`` that could be read."""
    return (doc.text for doc in map(load, sources) if isinstance(doc, Document))


def _chunked(items: Iterable[Source], size: int) -> Iterator[list[Source]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _bounded(pool: Executor, task: Callable[[A], R], items: Iterable[A], in_flight: int) -> Generator[R, None, None]:
    """``task`` over ``items`` in ``pool``, results in order, at most ``in_flight`` submitted ahead.

    If the caller stops early (an error, Ctrl-C), the tasks not started yet are cancelled, so
    the pool's shutdown waits only for those running.
    """
    pending: deque[Future[R]] = deque()
    try:
        for item in items:
            pending.append(pool.submit(task, item))
            if len(pending) >= in_flight:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool as exc:
        pending.clear()  # the pool fails them itself: cancelling them as well races with it
        msg = "a worker process stopped unexpectedly (killed, or out of memory?): try fewer --jobs"
        raise FatalError(msg) from exc
    finally:
        for future in pending:
            future.cancel()


MANAGER_WAIT = 5.0  # seconds the pool's manager thread gets to end once its workers were killed


@contextmanager
def _worker_pool(
    jobs: int, initializer: Callable[[Pipeline], None], pipeline: Pipeline
) -> Iterator[ProcessPoolExecutor]:
    """``jobs`` worker processes, each given ``pipeline`` by ``initializer``; shut down on leaving.

    Forked, so that workers start at once with what the process has loaded; but started fresh
    ("spawn") once this process has run the language model (:func:`loaded_in_this_process`),
    whose threads a forked worker would wait on for ever. A fresh start imports the calling
    script again, so a script must then keep its work under ``if __name__ == "__main__":``.

    Left on an error or Ctrl-C, the pool waits for the documents in hand (those not started
    are cancelled by :func:`_bounded`). A second Ctrl-C (or SIGTERM) while it waits kills the
    workers: otherwise it broke the pool's shutdown, and the process hung at exit waiting on
    a worker. A killed worker's half-written file is a temporary one, never an output.
    """
    method = "spawn" if loaded_in_this_process() else "fork"
    context = multiprocessing.get_context(method)
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=initializer, initargs=(pipeline,))
    try:
        yield pool
    except BaseException:
        try:
            pool.shutdown(wait=True, cancel_futures=True)
        except KeyboardInterrupt:
            _kill_workers(pool)
            raise
        raise
    pool.shutdown(wait=True)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """End the pool's worker processes at once, and let the pool see them gone.

    The pool's manager thread is then waited for (a few seconds at most): left to end on its
    own, it could close its wake-up pipe just as Python's exit wrote to it (a race in Python
    3.11's concurrent.futures, which printed "OSError: [Errno 9] Bad file descriptor" at exit).
    """
    processes = list((pool._processes or {}).values())  # the pool offers no public way to stop its workers
    manager: threading.Thread | None = getattr(pool, "_executor_manager_thread", None)  # (typeshed mistypes it)
    for process in processes:
        process.kill()
    for process in processes:
        process.join()
    pool.shutdown(wait=False, cancel_futures=True)
    if manager is not None:
        manager.join(timeout=MANAGER_WAIT)


_WORKER: Pipeline | None = None


def _init_worker(pipeline: Pipeline) -> None:
    """Set the worker's pipeline, in a session of its own.

    Ctrl-C and ``timeout``'s SIGTERM go to the run's whole process group. A worker hit
    mid-document would leave a half-written temporary file, and a pool whose worker dies
    while handing back a result can hang its shutdown. Out of the group, workers hear only
    the main process, which cancels the documents not started and waits for those in hand.
    A main process killed outright takes its workers with it (``die_with_parent``).
    """
    global _WORKER  # one pipeline per worker process, set once by the pool
    _WORKER = pipeline
    pipeline._running = weakref.WeakSet()  # a forked copy holds the parent's run, which is not its own
    parent = os.getppid()
    os.setsid()
    die_with_parent(signal.SIGKILL)
    if os.getppid() != parent:  # the main process died before the line above
        os._exit(1)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker would inherit the parent's handler


def _init_survey_worker(pipeline: Pipeline) -> None:
    """:func:`_init_worker`, less the survey counts the copy came with: the main process has them."""
    _init_worker(pipeline)
    for stage in pipeline.stages:
        stage.take_survey()


def _survey_chunk(chunk: list[Source]) -> list[Any]:
    assert _WORKER is not None, "worker used before _init_worker"
    _WORKER.survey(_texts(chunk))
    return [stage.take_survey() for stage in _WORKER.stages]


def _process_chunk(chunk: list[Source], finish: Finisher[T]) -> list[T]:
    assert _WORKER is not None, "worker used before _init_worker"
    loaded = [load(source) for source in chunk]
    return [finish(doc, _WORKER.process_loaded(doc)) for doc in loaded]


def clean_text(
    text: str, *, stages: Sequence[str] | None = None, config_path: Path | str | None = None
) -> DocumentResult:
    """Clean one text with a fresh pipeline: the cleaned text, its edits and its flags.

    For many texts, build one :class:`Pipeline` and call :meth:`Pipeline.process` or
    :meth:`Pipeline.run` inside ``with``: setting up the stages once is much cheaper.

    >>> clean_text("plain text", stages=[]).text
    'plain text'
    """
    with Pipeline(stages=stages, config_path=config_path) as pipeline:
        return pipeline.process(Document(id="text", source="-", text=text))
