"""What a stage is: a named, configured pass from text to changes and flags.

A stage gets the text as the previous stage left it and returns a :class:`StageResult`:
the :class:`~cleaner.trace.Change` objects it wants made (in that text's coordinates), the
:class:`~cleaner.model.Flag` objects it raises, metadata it found, and counters. It never
edits the text itself; :class:`~cleaner.trace.Trace` does, and records every change.

Life cycle, for one run of the pipeline:

1. ``Stage(config)`` in the main process.
2. ``survey(text)`` for every input document, if the stage sets ``needs_survey`` (corpus
   statistics such as lines repeated across documents). Standard input is read once and
   surveyed like a file. With worker processes each surveys part of the corpus and hands its
   counts over with ``take_survey()``; the main process adds them up with ``merge_survey``.
3. ``start_run()`` once in the main process (start a server, say). The stage object is then
   copied into the worker processes, so what these two steps leave on it must pickle.
4. ``process(text, doc)`` for every document, in whichever process.
5. ``end_run()`` once in the main process, also after errors.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from cleaner.model import Document, Flag
from cleaner.trace import Change


class StageConfig(BaseModel):
    """Base of every stage's configuration: immutable, and unknown keys are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass
class StageResult:
    """What one stage found in one document: its changes and its flags, both with spans in
    the text the stage was given (the pipeline moves the flags past the changes)."""

    changes: list[Change] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    stats: Counter[str] = field(default_factory=Counter)


class Stage(ABC):
    """A pass of the pipeline. Subclasses set ``name``, ``order`` and ``config_model``."""

    name: ClassVar[str]
    order: ClassVar[int]
    config_model: ClassVar[type[StageConfig]] = StageConfig
    needs_survey: ClassVar[bool] = False
    # Seconds a document, not milliseconds (a language model, a server): workers then take
    # documents one at a time, so a few long ones do not all land on one worker.
    slow: ClassVar[bool] = False

    def __init__(self, config: StageConfig | None = None) -> None:
        self.config = config if config is not None else self.config_model()

    def survey(self, text: str) -> None:  # noqa: B027 - optional hook, empty on purpose
        """See one raw input document before the run (only if ``needs_survey``)."""

    def take_survey(self) -> Any:
        """Hand over what :meth:`survey` gathered and forget it (to merge across processes)."""
        return None

    def merge_survey(self, gathered: Any) -> None:  # noqa: B027 - optional hook, empty on purpose
        """Add what :meth:`take_survey` handed over in another process."""

    def start_run(self) -> None:  # noqa: B027 - optional hook, empty on purpose
        """Acquire what the whole run shares (in the main process)."""

    def end_run(self) -> None:  # noqa: B027 - optional hook, empty on purpose
        """Release what :meth:`start_run` acquired; must be safe to call twice."""

    @abstractmethod
    def process(self, text: str, doc: Document) -> StageResult:
        """Find what to change or flag in ``text``, the document as the previous stage left it."""
