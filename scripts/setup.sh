#!/usr/bin/env bash
# Idempotent set-up used by `make setup` (and so by `make clean` and `make test`):
#   1. Debian packages listed in tools/apt-packages.txt that are missing,
#   2. the virtualenv in .venv with llama-cpp-python built for a portable CPU (build-llama.sh),
#      then cleaner and its dev tools,
#   3. every tools/*/install.sh (LanguageTool, models, ...), each idempotent itself.
# A second run with nothing to do takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
while read -r pkg; do
    [[ -z "$pkg" || "$pkg" == \#* ]] && continue
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done < tools/apt-packages.txt
if ((${#missing[@]})); then
    echo "setup: installing Debian packages: ${missing[*]}"
    sudo=""
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null || { echo "setup: need root (or sudo) to apt-get install ${missing[*]}" >&2; exit 1; }
        sudo="sudo"
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

stamp=.venv/.setup-stamp
if [[ ! -x .venv/bin/python ]]; then
    python3 -m venv .venv
fi
bash scripts/build-llama.sh  # before pyproject's dependencies would build it natively
if [[ ! -f $stamp || pyproject.toml -nt $stamp ]]; then
    echo "setup: installing cleaner into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[dev]'
    touch "$stamp"
fi

for installer in tools/*/install.sh; do
    [[ -f "$installer" ]] && bash "$installer"
done
exit 0
