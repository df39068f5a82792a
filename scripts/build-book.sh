#!/usr/bin/env bash
# Build the whole book from clean into _build/html: every chapter executed once, two at a time, on the
# embedded data, then the strict HTML build (a chapter that raises or warns, or a broken reference, fails).
# Extra arguments go to scripts/book.py (test.sh passes --real-format).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/debian-packages.sh
bash scripts/setup.sh
export PATH="$root/.venv/bin:$PATH"
start=$(date +%s)
if ! python scripts/book.py build "$@"; then
    echo "build-book: FAILED (the failing chapters and their tracebacks are printed above)" >&2
    exit 1
fi
echo "build-book: OK in $(( $(date +%s) - start )) s; open _build/html/index.html"
