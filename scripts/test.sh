#!/usr/bin/env bash
# Run every test: execute every chapter once on each of three data sets (the embedded default and two
# real-format files with the official files' quirks), build the book strictly, then the unit, property
# and hygiene tests, the browser test of the built pages in headless Chromium and, in the same pytest
# session, nbval: every chapter re-executed in a fresh kernel, its outputs compared with the built pages'.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
unset ROUTERBENCH_DATA  # the tests check the pages of the embedded data (and run the real-format files)
start=$(date +%s)
bash scripts/build-book.sh --real-format
export PATH="$root/.venv/bin:$PATH"
export RBU_REQUIRE_BROWSER=1  # the browser test fails, rather than skips, without Chromium or the build
tests=$(date +%s)
# One pytest session, two workers: the unit, property and hygiene tests, the browser test, and nbval:
# every chapter the pages were built from (_build/executed/embedded), re-executed in a fresh kernel (the
# build reuses kernels) and compared output by output, after the sanitizers of tests/nbval_sanitize.cfg
# (object addresses). Strict everywhere: no chapter's output is random (every draw is seeded). Figures are
# not compared (nbval compares images only with nbdime). --dist loadscope as tests/conftest.py defines it:
# a notebook's cells on one worker (they share a kernel), notebooks first, then every other test to
# whichever worker is free (two sessions each ended with one worker idle). One BLAS thread per process
# and kernel; the embedded data read from the build's cache (keyed by the generator's source).
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMEXPR_NUM_THREADS=1 \
PYDEVD_DISABLE_FILE_VALIDATION=1 RBU_CACHE_DIR="$root/_build/cache" \
    python -m pytest -n 2 --dist loadscope -p no:cacheprovider --nbval \
        --nbval-sanitize-with tests/nbval_sanitize.cfg _build/executed/embedded/book tests
end=$(date +%s)
echo "test: OK in $(( end - start )) s (pytest and nbval $(( end - tests )) s)"
