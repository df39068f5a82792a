#!/usr/bin/env bash
# Run every test: execute every chapter once on each of three data sets (the embedded default and two
# real-format files with the official files' quirks), build the book strictly, then the unit, property
# and hygiene tests and the browser test of the built pages in headless Chromium.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/build-book.sh --real-format
export PATH="$root/.venv/bin:$PATH"
export RBU_REQUIRE_BROWSER=1  # the browser test fails, rather than skips, without Chromium or the build
# Tests go to the two workers one by one (--dist load): a module's fixtures may be made on both, which
# costs a few seconds, while whole files per worker (loadfile) left one worker alone with the slow
# browser and grading files. (loadgroup does not group with pytest 9.2 and pytest-xdist 3.8.)
python -m pytest -n 2 --dist load tests
