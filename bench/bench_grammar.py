"""Speed of the grammar stage against LanguageTool's own HTTP API, server start, and the cache.

1. Server start: seconds to the first answer of the health check, and to the end of the
   warm-up check (LanguageTool loads its English rules on the first check).
2. Throughput in paragraphs per second over the aeb-dev article paragraphs (real news text):
   the same paragraphs posted straight to ``/v2/check`` with ``requests``, and checked through
   the stage with a cold cache, alternating document by document, ``ROUNDS`` times on one
   warmed-up server; the stage's overhead is the ratio of the two medians (target <= 1.2).
3. The stage again on the same documents with the cache filled (a rerun).
4. The server's resident memory after the run.

``python -m bench.bench_grammar`` writes bench/results/grammar.md;
``python -m bench.bench_grammar --seeds`` prints what LanguageTool flags on seeds/ (docs/grammar.md).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

from bench.common import ROOT, aeb_texts, machine, write_section
from cleaner.languagetool import LanguageToolServer
from cleaner.model import Document
from cleaner.pipeline import Pipeline
from cleaner.stages.grammar import GrammarConfig, GrammarStage, split_paragraphs

DOCUMENTS = 20  # aeb-dev articles used (about 17 paragraphs each)
WARM_UP = 100  # paragraphs checked before any timing, so the JIT has compiled LanguageTool's hot code
ROUNDS = 3


def _documents() -> list[Document]:
    texts = sorted(aeb_texts("ground-truth").items())[:DOCUMENTS]
    return [Document(id=page, source="aeb-dev", text=text) for page, text in texts]


def _post_all(url: str, paragraphs: list[str]) -> float:
    start = time.perf_counter()
    for paragraph in paragraphs:
        response = requests.post(url + "v2/check", data={"text": paragraph, "language": "en-US"}, timeout=120)
        response.raise_for_status()
        response.json()
    return time.perf_counter() - start


def _interleaved(url: str, docs: list[Document], cache_dir: Path) -> tuple[float, float]:
    """Seconds for the direct posts and for the stage (cold cache, survey included), document by document.

    Alternating per document means both see the same load on a shared machine.
    """
    stage = GrammarStage(GrammarConfig(server_url=url, cache_dir=cache_dir))
    start = time.perf_counter()
    for doc in docs:
        stage.survey(doc.text)
    stage.start_run()
    staged, direct = time.perf_counter() - start, 0.0
    for doc in docs:
        direct += _post_all(url, [p for _, p in split_paragraphs(doc.text)])
        start = time.perf_counter()
        stage.process(doc.text, doc)
        staged += time.perf_counter() - start
    stage.end_run()
    return direct, staged


def _stage_all(url: str, docs: list[Document], cache_dir: Path) -> tuple[float, int]:
    stage = GrammarStage(GrammarConfig(server_url=url, cache_dir=cache_dir))
    start = time.perf_counter()
    for doc in docs:
        stage.survey(doc.text)
    stage.start_run()
    flags = sum(len(stage.process(doc.text, doc).flags) for doc in docs)
    stage.end_run()
    return time.perf_counter() - start, flags


def _rss_mib(pid: int | None) -> float:
    if pid is None:
        return 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    docs = _documents()
    paragraphs = [p for doc in docs for _, p in split_paragraphs(doc.text)]
    with LanguageToolServer() as server, tempfile.TemporaryDirectory() as tmp:
        _post_all(server.url, paragraphs[:WARM_UP])
        direct, staged = [], []
        for round_ in range(ROUNDS):
            seconds = _interleaved(server.url, docs, Path(tmp) / f"cold{round_}")
            direct.append(seconds[0])
            staged.append(seconds[1])
        rerun, flags = _stage_all(server.url, docs, Path(tmp) / "cold0")
        rss = _rss_mib(server.pid)
        ready, started, version = server.ready_seconds, server.start_seconds, server.version
    n = len(paragraphs)
    d, s = statistics.median(direct), statistics.median(staged)
    rows = "\n".join(
        f"| {i + 1} | {n / a:.1f} | {n / b:.1f} | {b / a:.2f} |"
        for i, (a, b) in enumerate(zip(direct, staged, strict=True))
    )
    write_section(
        "grammar",
        f"""## Grammar stage (LanguageTool {version})

{machine()}. {n} paragraphs of {len(docs)} aeb-dev articles (real news text), one local server,
warmed up with {WARM_UP} paragraphs first; direct posts and the stage alternate document by
document. `python -m bench.bench_grammar`.

| | figure |
|---|---|
| server start to first health-check answer | {ready:.1f} s |
| server start to end of warm-up check (rules loaded) | {started:.1f} s |
| direct `POST /v2/check`, median of {ROUNDS} rounds | {n / d:.1f} paragraphs/s |
| through the stage (survey included), cold cache, median of {ROUNDS} rounds | {n / s:.1f} paragraphs/s |
| **stage overhead** (stage time / direct time; target <= 1.2) | **{s / d:.2f}x** |
| rerun through the stage, cache filled | {n / rerun:.0f} paragraphs/s ({d / rerun:.0f}x faster than direct) |
| flags raised on these paragraphs | {flags} |
| server resident memory after the run | {rss:.0f} MiB |

| round | direct (par./s) | stage (par./s) | ratio |
|---|---|---|---|
{rows}
""",
    )


def seeds_report() -> None:
    """Print every flag the stage raises on seeds/, after encoding and boilerplate, as Markdown."""
    docs = [Document(id=p.stem, source=str(p), text=p.read_text()) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    with tempfile.TemporaryDirectory() as tmp:
        config_path = Path(tmp) / "config.yaml"
        config_path.write_text(f"grammar:\n  cache_dir: {tmp}\n")
        with Pipeline(stages=["encoding", "boilerplate", "grammar"], config_path=config_path) as pipeline:
            pipeline.survey(doc.text for doc in docs)
            for doc in docs:
                result = pipeline.process(doc)
                stats = result.stats.get("grammar", {})
                print(f"\n### {doc.id}: {len(result.flags)} flags, {stats.get('accepted_names', 0)} names accepted\n")
                names = result.metadata.get("grammar_accepted_names", [])
                print(f"accepted as names: {', '.join(names) or 'none'}\n")
                for flag in result.flags:
                    suggestion = f" → `{flag.suggestions[0]}`" if flag.suggestions else ""
                    print(f"- {flag.kind}, `{flag.rule[3:]}`: `{flag.text}`{suggestion}")


if __name__ == "__main__":
    seeds_report() if "--seeds" in sys.argv else main()
