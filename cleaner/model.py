"""The data model every other module imports: documents, edits, flags and results.

Offsets are Python string indices (code points), half-open ``[start, end)``.

* An :class:`Edit` is a change the pipeline made. Its span is in the *input* text
  (``source_start``/``source_end``) and edits of one document never overlap, so the
  cleaned text is the input with every edit's span replaced by its ``after``, and the
  input is the cleaned text with every edit undone (see :mod:`cleaner.trace`).
* A :class:`Flag` is something a detection stage (spin, grammar) thinks a human should
  look at. It changes nothing. ``start``/``end`` point into the cleaned text;
  ``source_start``/``source_end`` point into the input, or are ``None`` when the flagged
  span lies in text an edit produced.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator
from pydantic.dataclasses import dataclass

EvidenceValue = float | int | str | bool | None


class Document(BaseModel):
    """One text to clean, as it came in (already decoded to ``str``)."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Document id: the file stem, or the JSONL `id`.")
    source: str = Field(description="Where it came from: a path, `path:line` for JSONL, or `-`.")
    text: str = Field(description="The input text, decoded.")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Input metadata.")


# A slotted dataclass, validated like the models here (the docstring is the schema's
# description): a huge page can bring hundreds of thousands of edits, and as a model each
# took about 1 KB (its field dict and set of set fields) against about 100 bytes, and was
# 2.5 times slower to build. Copy one with ``dataclasses.replace``.
@dataclass(frozen=True, slots=True)
class Edit:
    """One change to the text, replayable in both directions."""

    stage: str = Field(description="Stage that made the change, e.g. `encoding`.")
    rule: str = Field(description="Rule or fix inside the stage, e.g. `ftfy:unescape_html`.")
    source_start: int = Field(ge=0, description="Start of the replaced span in the input.")
    source_end: int = Field(ge=0, description="End (exclusive) of the replaced span in the input.")
    before: str = Field(description="The input text of the span.")
    after: str = Field(description="What replaced it in the cleaned text.")
    reason: str = Field(description="Why, in words a reviewer understands.")

    @model_validator(mode="after")
    def _check_span(self) -> Edit:
        if self.source_end < self.source_start:
            msg = f"edit span ends before it starts: {self.source_start}..{self.source_end}"
            raise ValueError(msg)
        if self.source_end - self.source_start != len(self.before):
            msg = "edit `before` must be exactly the input text of its span"
            raise ValueError(msg)
        return self


EDIT = TypeAdapter(Edit)  # an Edit to and from JSON: ``EDIT.dump_json(edit)``


class Flag(BaseModel):
    """A suspect span for a human to decide on; the pipeline does not act on it."""

    model_config = ConfigDict(frozen=True)

    stage: str = Field(description="Stage that raised it: `spin` or `grammar`.")
    kind: str = Field(description="What sort of problem: `spin`, `entity`, `grammar`, `spelling`, ...")
    rule: str = Field(description="Rule or signal id inside the stage.")
    start: int = Field(ge=0, description="Start of the span in the cleaned text.")
    end: int = Field(ge=0, description="End (exclusive) of the span in the cleaned text.")
    source_start: int | None = Field(default=None, description="Start in the input, if it maps.")
    source_end: int | None = Field(default=None, description="End in the input, if it maps.")
    text: str = Field(description="The flagged text as it stands in the cleaned text.")
    suggestions: list[str] = Field(default_factory=list, description="Replacements, best first.")
    score: float = Field(ge=0.0, le=1.0, description="Confidence that this is a real problem.")
    message: str = Field(description="What is wrong, for a reviewer.")
    evidence: dict[str, EvidenceValue] = Field(
        default_factory=dict, description="Each signal behind the flag with its figure."
    )


class DocumentResult(BaseModel):
    """Everything the pipeline knows about one document after the run."""

    id: str
    source: str
    text: str = Field(description="The cleaned text (empty when the document failed).")
    edits: list[Edit] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)
    stats: dict[str, dict[str, int]] = Field(
        default_factory=dict,
        description="Per-stage counters, e.g. {'boilerplate': {'lines_dropped': 3}}. A stage's 'edits' counts the "
        "changes it made; in `edits` above, a change a later stage made to the same text is merged with it into "
        "one edit of the later stage, so fewer edits may carry a stage's name than it counted.",
    )
    error: str | None = Field(default=None, description="Why the document failed, if it did.")
    file: str | None = Field(
        default=None,
        description="In report.json: the name of the document's `.txt` and `.diff` in the run folder, without the "
        "suffix (its id made safe for a file name: `a~2` -> `a_2`, `j/k` -> `j_k`).",
    )

    @property
    def failed(self) -> bool:
        return self.error is not None


class Summary(BaseModel):
    """Run-wide totals."""

    documents: int = 0
    changed: int = 0
    failed: int = 0
    stages: list[str] = Field(default_factory=list)
    stats: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="The documents' stats added up, stage by stage (see DocumentResult.stats)."
    )


class Report(BaseModel):
    """The content of `report.json`."""

    documents: list[DocumentResult] = Field(default_factory=list)
    summary: Summary = Field(default_factory=Summary)
