"""Finished runs to review, made by the real pipeline (encoding and boilerplate stages) with a
small stand-in for the spin stage that flags listed phrases, written by the real RunWriter."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from cleaner.config import PipelineConfig
from cleaner.model import Document, Flag
from cleaner.pipeline import Pipeline
from cleaner.registry import stage_class
from cleaner.report.writer import RunWriter
from cleaner.stages.base import Stage, StageResult

# Written for these tests (not taken from the seeds or benchmarks).
ARTICLE = (
    "Council approves new bridge budget\n"
    "The city council approved the budget for the new bridge on Tuesday.\n"
    "ADVERTISEMENT\n"
    "Officials said the project wonâ€™t raise local taxes.\n"
    "The mayor arrived in a verdant vehicle on Monday.\n"
    "Photo courtesy of the Riverside Press Office\n"
    "Construction starts in May and should take two years.\n"
    "Share this article\n"
)
HOSTILE = (
    "Markup in scraped text\n"
    "The page said <script>window.__xss = 1</script> in the middle.\n"
    'An image <img src=x onerror="window.__xss = 2"> came next.\n'
    "Its caption was a verdant vehicle about <b>nothing</b>.\n"
)
PHRASES = {
    "verdant vehicle": (["green car", "electric car"], 0.91),
    "<script>": (['<img src=y onerror="window.__xss = 3">'], 0.42),
}


class StubSpin(Stage):
    """Stands in for the spin stage: flags every listed phrase with its suggestions."""

    name: ClassVar[str] = "spin"
    order: ClassVar[int] = 30

    def process(self, text: str, doc: Document) -> StageResult:
        flags = []
        for phrase, (suggestions, score) in PHRASES.items():
            at = text.find(phrase)
            while at >= 0:
                flags.append(
                    Flag(
                        stage="spin",
                        kind="spin",
                        rule="stub.phrase",
                        start=at,
                        end=at + len(phrase),
                        text=phrase,
                        suggestions=suggestions,
                        score=score,
                        message=f"{phrase!r} looks spun",
                        evidence={"lm_ratio": 12.5, "thesaurus": "stub"},
                    )
                )
                at = text.find(phrase, at + 1)
        return StageResult(flags=flags)


def make_run(out: Path, texts: dict[str, str]) -> Path:
    """Run encoding, boilerplate and the stub spin stage over ``texts`` into ``out``."""
    docs = [Document(id=doc_id, source=f"{doc_id}.txt", text=text) for doc_id, text in texts.items()]
    # The boilerplate stage by its rule packs only: what the line classifier drops depends on
    # its trained weights, which these tests are not about.
    settings = {
        "encoding": stage_class("encoding").config_model(),
        "boilerplate": stage_class("boilerplate").config_model.model_validate({"classifier": False}),
    }
    pipeline = Pipeline(config=PipelineConfig(stages=("encoding", "boilerplate"), settings=settings))
    pipeline.stages.append(StubSpin())
    pipeline.survey(d.text for d in docs)
    writer = RunWriter(out, [*pipeline.config.stages, "spin"])
    with pipeline:
        for doc, result in zip(docs, pipeline.run(docs), strict=True):
            writer.add(result, doc.text)
    writer.close()
    return out
