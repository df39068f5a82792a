#!/usr/bin/env bash
# Run every test: build the book strictly, then the unit/property tests and the notebooks under nbval.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/build-book.sh
export PATH="$root/.venv/bin:$PATH"
python -m pytest -n 2 --dist loadfile --nbval-lax tests book
