#!/usr/bin/env bash
# Build llama-cpp-python (the spin stage's model runtime) for a portable x86-64 CPU and install
# it into .venv, before `pip install -e .` would build it with the compiler's defaults.
#
# Why not the defaults: llama.cpp compiles for the build machine's own CPU (GGML_NATIVE), and on
# Intel Sapphire Rapids and later that turns on its AMX matrix kernels, which crash with a
# segmentation fault at the first decode on these virtual machines (ggml-org/llama.cpp#20824;
# seen here on 2026-11-23 with Gemma 3 270M Q4_K_M). A native build also cannot move to another
# machine through pip's wheel cache. So: AVX2/FMA/F16C, which every x86-64 CPU of the last ten
# years has, and no AMX or AVX-512.
#
# The wheel is kept in .cache/wheels/<flags>/ (pip's own cache ignores CMAKE_ARGS, so a wheel
# built natively elsewhere could come back from it); it takes about 4 minutes on 2 cores, once.
set -euo pipefail
cd "$(dirname "$0")/.."
# The version is pyproject.toml's lower bound for llama-cpp-python (the version measured).
version=$(sed -n 's/.*"llama-cpp-python>=\([0-9][0-9.]*\)".*/\1/p' pyproject.toml)
if [[ -z "$version" ]]; then
    echo "setup: pyproject.toml has no \"llama-cpp-python>=X.Y.Z\" requirement for scripts/build-llama.sh to build" >&2
    exit 1
fi
flags="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
wheels=.cache/wheels/llama-cpp-avx2
py=.venv/bin/python

if "$py" -c "import importlib.metadata as m, sys; sys.exit(m.version('llama-cpp-python') != '$version')" 2>/dev/null \
    && [[ -f .venv/.llama-portable ]]; then
    exit 0
fi
if ! compgen -G "$wheels/llama_cpp_python-$version-*.whl" >/dev/null; then
    echo "setup: building llama-cpp-python $version for a portable x86-64 CPU (about 4 minutes, once)"
    CMAKE_ARGS="$flags" "$py" -m pip wheel -q --no-deps --no-cache-dir -w "$wheels" "llama-cpp-python==$version"
fi
"$py" -m pip install -q --force-reinstall --no-deps "$wheels"/llama_cpp_python-"$version"-*.whl
"$py" -m pip install -q "llama-cpp-python==$version"  # its own dependencies (numpy, jinja2, ...)
touch .venv/.llama-portable
