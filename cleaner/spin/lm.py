"""Language-model fit: how much likelier is the text with a candidate instead of the word?

The model is a small GGUF model from PyPI (:mod:`cleaner.spin.models`; Gemma 3 270M by
default), run by ``llama-cpp-python``. A causal model sees only the left context, so
the comparison is over the word *and the words after it*: for the left context ``L``, the
word ``w``, the right context ``R`` and a candidate ``c``, the gain is
``log P(c R | L) - log P(w R | L)``, i.e. the difference of the whole windows' scores
(``log P(L)`` is the same on both sides). ``L`` is evaluated once and shared by every
alternative: each alternative is a sequence of its own in the KV cache, copied from ``L``,
and all of them are decoded in one batch.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from cleaner.spin.models import model_file


class ContinuationScorer(Protocol):
    """What the stage needs of a language model."""

    def continuation_logprobs(
        self,
        left: str,
        continuations: Sequence[str],
        shortlist: int | None = None,
        keep: int = 1,
    ) -> list[float | None]:
        """``log P(continuation | left)`` in nats for each continuation.

        With ``shortlist``, the first ``keep`` continuations and the ``shortlist`` others whose
        first token the model likes best after ``left`` are scored; the rest are ``None``.
        """
        ...

    def next_words(self, left: str, count: int) -> list[tuple[str, float]]:
        """The model's own ``count`` likeliest next words after ``left`` + a space, with ``log P``.

        Only whole-word tokens of letters count (``" talks"``, not ``","`` or a word piece
        that needs more tokens to be a word).
        """
        ...


# Rows of logits normalised per numpy call: Gemma's rows are 262,144 wide (1 MiB each), so a
# block of 8 keeps the temporary at 8 MiB whatever the batch.
ROW_BLOCK = 8


def logsumexp_rows(rows: Any) -> Any:
    """``log(sum(exp(row)))`` of each row of a 2-D float32 array, as float64.

    The exponentials in float32 (the logits' own precision, and the bulk of the work), their
    sum in float64; each row is shifted by its maximum first, so nothing overflows.

    >>> import numpy as np
    >>> rows = np.array([[0.0, 0.0], [1000.0, 0.0]], dtype=np.float32)
    >>> [round(float(v), 4) for v in logsumexp_rows(rows)]
    [0.6931, 1000.0]
    """
    import numpy as np

    totals = np.empty(len(rows), dtype=np.float64)
    for start in range(0, len(rows), ROW_BLOCK):
        block = rows[start : start + ROW_BLOCK]
        tops = block.max(axis=1, keepdims=True)
        sums = np.exp(block - tops).sum(axis=1, dtype=np.float64)
        totals[start : start + ROW_BLOCK] = tops[:, 0] + np.log(sums)
    return totals


def chunks(items: Sequence[int], size: int) -> list[list[int]]:
    """``items`` cut into lists of at most ``size``.

    >>> chunks([1, 2, 3, 4, 5], 2)
    [[1, 2], [3, 4], [5]]
    """
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def is_word_piece(piece: str) -> bool:
    """Whether a decoded token is a space and a lower-case word of three letters or more.

    >>> [is_word_piece(p) for p in [" talks", "talks", " ,", " US", " a", " self-"]]
    [True, False, False, False, False, False]
    """
    word = piece[1:]
    return piece[:1] == " " and len(word) >= 3 and word.isalpha() and word.islower()


# How many of the likeliest next tokens :meth:`LlamaScorer.next_words` looks through for
# whole words (most of the top 50 after a news context are words, the rest punctuation).
PROPOSAL_POOL = 50

# Sequences in the KV cache: 0 holds the left context; the alternatives scored against it
# are copies of it (1..7), all decoded in one batch.
MAX_SEQUENCES = 8


# llama.cpp's log levels (ggml.h): DEBUG 1, INFO 2, WARN 3, ERROR 4, and 5 for the rest of the
# previous message. llama-cpp-python's own log callback reads them as an older numbering and
# prints warnings as errors (Gemma's "using full-size SWA cache" on every load), so the scorer
# installs one that passes on errors only.
_LLAMA_ERROR, _LLAMA_CONTINUE = 4, 5
_log_callback: Any = None  # kept referenced: llama.cpp calls it long after it is set


def _errors_only(low: Any) -> None:
    """Route llama.cpp's log to stderr, errors only (once per process)."""
    global _log_callback  # one callback per process, set once
    if _log_callback is not None:
        return
    printing = [False]  # whether the message being continued was printed

    def log(level: int, text: bytes, _user_data: Any) -> None:
        if level != _LLAMA_CONTINUE:
            printing[0] = level >= _LLAMA_ERROR
        if printing[0]:
            sys.stderr.write(text.decode("utf-8", errors="replace"))

    _log_callback = low.llama_log_callback(log)
    low.llama_log_set(_log_callback, ctypes.c_void_p(0))


_loaded_here = False  # whether this process has loaded a model (see :func:`loaded_in_this_process`)


def loaded_in_this_process() -> bool:
    """Whether this process has loaded a language model. Its OpenMP threads do not survive a
    fork: a forked child that runs a model then hangs in its first decode."""
    return _loaded_here


class LlamaScorer:
    """:class:`ContinuationScorer` over a GGUF model with ``llama-cpp-python``.

    The ``Llama`` object gives the model and the tokenizer; the scoring runs on a context
    of its own with several sequences, so one decode scores every alternative after the
    shared left context, with logits only where they are read. The left context of the
    previous call stays in the cache, for the next call with the same one.
    """

    def __init__(self, path: Path, threads: int = 2, context: int = 512) -> None:
        try:
            from llama_cpp import Llama, _internals
            from llama_cpp import llama_cpp as low
        except ImportError:
            msg = "llama-cpp-python is not installed: run `make setup` (it is in pyproject dependencies)"
            raise ImportError(msg) from None
        self.path = path
        _errors_only(low)
        global _loaded_here  # one fact about the process, read by cleaner.pipeline
        _loaded_here = True
        self._llm = Llama(
            model_path=str(path),
            n_ctx=context,
            n_batch=context,
            n_threads=threads,
            n_threads_batch=threads,
            verbose=False,
        )
        params = low.llama_context_params.from_buffer_copy(self._llm.context_params)
        params.n_seq_max = MAX_SEQUENCES
        params.kv_unified = True
        self._ctx = _internals.LlamaContext(model=self._llm._model, params=params, verbose=False)
        self._batch = _internals.LlamaBatch(n_tokens=context, embd=0, n_seq_max=MAX_SEQUENCES, verbose=False)
        self._vocab = int(self._llm.n_vocab())
        # Models trained with a begin-of-text token (Gemma) score badly without it; the others
        # get a line break, so the left context reads as the start of a line.
        self._bos = self._llm.metadata.get("tokenizer.ggml.add_bos_token") == "true"
        self._context = context
        self._cached: list[int] = []  # the tokens of sequence 0 in the KV cache
        self._cached_row: Any = None  # the next token's log-probabilities after them
        self._pieces: dict[int, str] = {}  # decoded tokens

    def close(self) -> None:
        """Free the scoring context before the model it uses."""
        self._batch.close()  # type: ignore[no-untyped-call]
        self._ctx.close()  # type: ignore[no-untyped-call]
        self._llm.close()

    def __del__(self) -> None:
        if hasattr(self, "_batch") and hasattr(self, "_ctx"):
            self.close()

    @classmethod
    def load(cls, model: str, cache_dir: Path, threads: int = 2) -> LlamaScorer:
        """A packaged model by name, or a GGUF file by path; a clear error when it is missing."""
        return cls(model_file(model, cache_dir), threads)

    def tokens(self, text: str, bos: bool = False) -> list[int]:
        """The model's tokens for ``text``."""
        return list(self._llm.tokenize(text.encode("utf-8"), add_bos=bos, special=False))

    def _context_tokens(self, left: str) -> list[int]:
        """The tokens of a left context, as the start of a text."""
        return self.tokens(left, bos=True) if self._bos else self.tokens("\n" + left)

    def _decode(self, entries: Sequence[tuple[int, int, int, bool]]) -> None:
        """One batch of ``(token, position, sequence, wants logits)``."""
        batch = self._batch.batch
        for i, (token, position, sequence, wants) in enumerate(entries):
            batch.token[i] = token
            batch.pos[i] = position
            batch.n_seq_id[i] = 1
            batch.seq_id[i][0] = sequence
            batch.logits[i] = wants
        batch.n_tokens = len(entries)
        self._ctx.decode(self._batch)

    def _row(self, index: int) -> Any:
        """The logits of batch entry ``index`` of the last decode (a view)."""
        import numpy as np

        return np.ctypeslib.as_array(self._ctx.get_logits_ith(index), shape=(self._vocab,))

    def _left_row(self, prefix: list[int]) -> Any:
        """Put ``prefix`` in sequence 0 (unless it is there already); the next token's log-probabilities.

        A new prefix is evaluated whole, even when it starts like the cached one. After a
        partial removal from its cache, a model with sliding-window attention (Gemma 3) gives
        other log-probabilities than for the same tokens evaluated whole (0.1 to 0.7 nats
        measured), so a score would depend on what was scored before it, in the document and
        in the process (and so on ``--jobs``). Windows at different places share only their
        first token, so reusing the cache saved almost nothing.
        """
        if prefix == self._cached:
            return self._cached_row
        self._ctx.kv_cache_seq_rm(0, 0, -1)
        self._cached = []
        last = len(prefix) - 1
        self._decode([(prefix[p], p, 0, p == last) for p in range(len(prefix))])
        row = self._row(last)
        self._cached_row = row - logsumexp_rows(row[None, :])[0]  # a new array: the view is reused
        self._cached = list(prefix)
        return self._cached_row

    def _piece(self, token: int) -> str:
        if token not in self._pieces:
            self._pieces[token] = self._llm.detokenize([token]).decode("utf-8", errors="replace")
        return self._pieces[token]

    def next_words(self, left: str, count: int) -> list[tuple[str, float]]:
        """The ``count`` likeliest whole next words after ``left`` and a space, ``log P`` in nats.

        The row of logits after ``left`` is the one :meth:`continuation_logprobs` computes
        (and caches) anyway, so asking for it first costs nothing extra.
        """
        import numpy as np

        row = self._left_row(self._context_tokens(left))
        pool = np.argpartition(-row, PROPOSAL_POOL)[:PROPOSAL_POOL]
        found = []
        for token in sorted(pool.tolist(), key=lambda t: -float(row[t])):
            piece = self._piece(int(token))
            if is_word_piece(piece):
                found.append((piece[1:], float(row[token])))
            if len(found) == count:
                break
        return found

    def _score_group(self, start: int, tails: Sequence[list[int]], left_row: Any) -> list[float]:
        """``log P(tail | left)`` for up to ``MAX_SEQUENCES - 1`` tails in one decode."""
        import numpy as np

        entries: list[tuple[int, int, int, bool]] = []
        for sequence, tail in enumerate(tails, start=1):
            self._ctx.kv_cache_seq_cp(0, sequence, 0, start)
            entries += [(token, start + i, sequence, i < len(tail) - 1) for i, token in enumerate(tail)]
        self._decode(entries)
        # llama.cpp keeps the logits of the entries that asked for them together, in batch order.
        outputs = sum(wants for *_, wants in entries)
        rows = np.empty((0, self._vocab), dtype=np.float32)
        if outputs:
            logits = self._ctx.get_logits()  # type: ignore[no-untyped-call]
            rows = np.ctypeslib.as_array(logits, shape=(outputs, self._vocab))
        norms = logsumexp_rows(rows)
        totals, row = [], 0
        for tail in tails:
            total = float(left_row[tail[0]])
            for token in tail[1:]:
                total += float(rows[row, token] - norms[row])
                row += 1
            totals.append(total)
        for sequence in range(1, len(tails) + 1):
            self._ctx.kv_cache_seq_rm(sequence, 0, -1)
        return totals

    def continuation_logprobs(
        self,
        left: str,
        continuations: Sequence[str],
        shortlist: int | None = None,
        keep: int = 1,
    ) -> list[float | None]:
        """``log P(continuation | left)`` per continuation, the left context evaluated once.

        The shortlist costs nothing extra: the next-token distribution after ``left`` is
        there anyway, so every candidate's first token is ranked by it before the few best
        are scored in full. The first ``keep`` continuations are always scored.
        """
        import numpy as np

        prefix = self._context_tokens(left)
        tails = [self.tokens(c) for c in continuations]
        width = MAX_SEQUENCES - 1 if shortlist is None else min(MAX_SEQUENCES - 1, shortlist + keep)
        room = self._context - sum(sorted((len(t) for t in tails), reverse=True)[:width]) - 1
        prefix = prefix[-room:]
        left_row = self._left_row(prefix)
        chosen = list(range(len(tails)))
        if shortlist is not None and len(tails) > shortlist + keep:
            first = np.asarray([left_row[t[0]] for t in tails[keep:]])
            chosen = sorted(set(range(keep)) | {keep + int(i) for i in np.argsort(-first)[:shortlist]})
        results: list[float | None] = [None] * len(tails)
        for group in chunks(chosen, MAX_SEQUENCES - 1):
            scores = self._score_group(len(prefix), [tails[i] for i in group], left_row)
            for index, score in zip(group, scores, strict=True):
                results[index] = score
        return results
