#!/usr/bin/env bash
# Build the book into _build/html (reader's edition), _build/student/html and _build/pdf: every chapter
# executed, two at a time, on $ROUTERBENCH_DATA when it is set, else on the embedded data, then the strict
# HTML build (a chapter that raises or warns, or a broken reference, fails) and the PDF. Only what changed
# since the last build is redone (scripts/book.py; --fresh: everything). Extra arguments go to
# scripts/book.py (test.sh passes --real-format; --chapter NAME builds a preview of one page).
set -euo pipefail
if [ -n "${ROUTERBENCH_DATA:-}" ]; then
    # Made absolute before the cd below (and the chapters run in book/): a path relative to the caller.
    if [ ! -f "$ROUTERBENCH_DATA" ]; then
        echo "build-book: ROUTERBENCH_DATA=$ROUTERBENCH_DATA: no such file (a RouterBench pickle, or unset it)" >&2
        exit 1
    fi
    export ROUTERBENCH_DATA=$(cd "$(dirname "$ROUTERBENCH_DATA")" && pwd)/$(basename "$ROUTERBENCH_DATA")
fi
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
