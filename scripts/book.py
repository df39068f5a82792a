"""Build the book: execute the chapters, stage the two editions, render them, print the PDF.

    python scripts/book.py build                  # the pages' data set: execute, editions, PDF
    python scripts/book.py build --real-format    # also every chapter on two real-format files (tests)
    python scripts/book.py build --chapter hull   # a preview of one page, into _build/preview/html
    python scripts/book.py build --fresh          # from clean: no cached run, page or print re-used

The pages are computed on ``$ROUTERBENCH_DATA`` when it is set (the reader's file, data set
``reader-file``), else on the embedded synthetic data. Every step is a script with one job, and a
chapter, page or print is redone only when what it is made from changed:

1. ``book_execute.py`` executes the chapters (nbclient, two kernels at a time), re-using a cached run
   whose content key (code cells, package, requirements, data) did not change;
2. the problem sets are generated (``scripts/problemsets.py``, the ``generate_problem_sets`` step);
3. ``book_editions.py`` stages the reader's and the student's editions from the executed chapters;
4. ``book_render.py`` renders each with Jupyter Book, strictly, keeping Sphinx's state between builds;
5. ``book_pdf.py`` prints the reader's edition to one PDF, re-using the prints of unchanged pages
   (the ``build_pdf`` step).

Every ``rbu.claim`` checked on the way is collected into ``_build/claims.md``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
import book_editions  # noqa: E402  (scripts/book_editions.py: the staged sources of each edition)
import book_execute  # noqa: E402  (scripts/book_execute.py: the chapters run, with their cache)
import book_pdf  # noqa: E402  (scripts/book_pdf.py: the PDF printed from the reader's HTML)
import book_render  # noqa: E402  (scripts/book_render.py: the incremental strict HTML build)
from book_editions import install_cell, strip_solutions  # noqa: E402,F401  (used by problemsets.py, tests)
from book_execute import (BUILD, DATA_DIR, DATA_SETS, EXECUTED, READER_FILE, chapters,  # noqa: E402,F401
                          execute_one, reads_data)

ROOT = Path(__file__).resolve().parents[1]
PROBLEM_SETS = BUILD / "problemsets"
PDF = BUILD / "pdf" / "routerbench-book.pdf"


def pages_data() -> tuple[str, str | None]:
    """The data set the pages are computed on: ``("reader-file", path)`` when ``$ROUTERBENCH_DATA`` is
    set (made absolute: chapters run in ``book/``), else ``("embedded", None)``."""
    own = os.environ.get("ROUTERBENCH_DATA")
    if not own:
        return "embedded", None
    path = Path(own).expanduser().resolve()
    if not path.is_file():
        raise SystemExit(f"book: ROUTERBENCH_DATA={own}: no such file. Set it to a RouterBench pickle "
                         "(routerbench_0shot.pkl or routerbench_5shot.pkl), or unset it for the embedded data.")
    return READER_FILE, str(path)


def _problemsets_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("problemsets", ROOT / "scripts" / "problemsets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _problem_sets_key() -> str:
    """What the generated problem sets are made from: their sources, the script, the package."""
    files = sorted((ROOT / "problemsets").rglob("*")) + [ROOT / "scripts" / "problemsets.py",
                                                         ROOT / "scripts" / "course_kit.py",
                                                         Path(book_editions.__file__)]
    parts = [str(p.relative_to(ROOT)).encode() + p.read_bytes() for p in files if p.is_file()]
    return hashlib.sha256(b"".join(parts) + book_execute.dependencies_key().encode()).hexdigest()


def generate_problem_sets(fresh: bool = False) -> None:
    """Every problem set's student notebook and autograder (scripts/problemsets.py), unless those of
    the same sources and package are there already (``fresh``: always)."""
    start = time.perf_counter()
    key, stamp = _problem_sets_key(), PROBLEM_SETS / ".key"
    if not fresh and stamp.exists() and stamp.read_text() == key:
        print("book: problem sets unchanged")
        return
    problemsets = _problemsets_script()
    stamp.unlink(missing_ok=True)
    problemsets.generate(PROBLEM_SETS)
    stamp.write_text(key)
    print(f"book: {len(problemsets.names())} problem sets (student notebooks, autograders) in "
          f"{time.perf_counter() - start:.0f} s")


def stage_sources(edition: str = "reader", label: str = "embedded", toc: dict | None = None) -> Path:
    """The staged sources of one edition, from the chapters executed on ``label``."""
    problemsets = _problemsets_script()
    problemsets.ensure_generated(PROBLEM_SETS)
    return book_editions.stage_sources(EXECUTED / label, BUILD / "stage", edition, PROBLEM_SETS, toc=toc)


def build_editions(label: str = "embedded", pdf: bool = False, fresh: bool = False) -> bool:
    """The reader's edition (solutions in dropdowns) into _build/html and the student edition (no
    solutions) into _build/student/html, from the chapters executed on ``label``; with ``pdf=True``,
    the book's PDF printed from the reader's edition as soon as it is built, while the student edition
    is still building."""
    stages = {edition: stage_sources(edition, label) for edition in ("reader", "student")}
    targets = {"reader": BUILD / "html", "student": BUILD / "student" / "html"}

    def render(edition: str) -> bool:
        ok = book_render.build_html(stages[edition], targets[edition], BUILD / "out" / edition, fresh)
        if ok and pdf and edition == "reader":
            build_pdf(fresh=fresh)
        return ok

    # Two Sphinx processes at once, one per core (each is single-threaded); both run even if one fails.
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = [pool.submit(render, "reader"), pool.submit(render, "student")]
    return all(future.result() for future in done)


def build_preview(chapters_: list[str], label: str) -> bool:
    """The reader's pages of ``chapters_`` alone (with the root page), into _build/preview/html: a quick
    look at a chapter. Links to pages left out cannot resolve, so this build is not strict."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    toc["parts"] = [{"caption": "Preview", "chapters": [{"file": f"book/{c}"} for c in chapters_]}]
    stage = book_editions.stage_sources(EXECUTED / label, BUILD / "stage", "preview", None, toc=toc,
                                        only=chapters_)
    return book_render.build_html(stage, BUILD / "preview" / "html", BUILD / "out" / "preview", strict=False)


def build_pdf(publish: bool = True, fresh: bool = False) -> float:
    """``_build/pdf/routerbench-book.pdf`` printed from the reader's HTML edition in ``_build/html``
    (solutions open; scripts/book_pdf.py), re-using the prints of unchanged pages unless ``fresh``;
    also copied to the root of ``_build/html`` for the download menu unless ``publish=False``.
    Returns its seconds."""
    if not (BUILD / "html" / "index.html").exists():
        raise SystemExit("book: the PDF is printed from the reader's HTML: build it first "
                         "(python scripts/book.py build, or render after an execute)")
    cache = BUILD / "cache" / "pdf-pages"
    if fresh:
        shutil.rmtree(cache, ignore_errors=True)
    seconds = book_pdf.build_pdf(BUILD / "html", ROOT / "_toc.yml", PDF, workers=2, cache=cache)
    if publish:
        publish_pdf()
    return seconds


def publish_pdf() -> None:
    """Put the last PDF at the root of the reader's HTML, where the download menu links it."""
    if PDF.exists() and (BUILD / "html").exists():
        shutil.copy(PDF, BUILD / "html" / PDF.name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build", "execute", "render", "pdf"],
                        help="build: execute then render; execute: only run chapters; render: only the HTML "
                             "from the last executed copies; pdf: only the PDF, printed from the last "
                             "reader's HTML")
    parser.add_argument("--real-format", action="store_true",
                        help="also execute every chapter on the two real-format files")
    parser.add_argument("--data", action="append", choices=list(DATA_SETS),
                        help="execute on this data set only (repeatable; with execute)")
    parser.add_argument("--chapter", action="append",
                        help="only this chapter (file stem, e.g. hull; repeatable); with build: a preview "
                             "of its page in _build/preview/html")
    parser.add_argument("--fresh", action="store_true",
                        help="from clean: re-execute every chapter, re-render every page, re-print the PDF")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=book_execute.cell_timeout(),
                        help="seconds per cell (default: _config.yml's execute.timeout)")
    args = parser.parse_args()
    label, own = pages_data()
    if args.command == "render":
        ok = build_editions(label, fresh=args.fresh)
        publish_pdf()  # the last PDF, if any, for the download menu
        return 0 if ok else 1
    if args.command == "pdf":
        build_pdf(fresh=args.fresh)
        return 0
    data_sets = {label: own}
    if args.data:
        data_sets = {lb: (str(DATA_DIR / DATA_SETS[lb]) if DATA_SETS[lb] else None) for lb in args.data}
    if args.real_format:
        data_sets.update({lb: str(DATA_DIR / f) for lb, f in DATA_SETS.items() if f})
    start = time.perf_counter()
    if any(f and f.startswith(str(DATA_DIR)) for f in data_sets.values()):
        book_execute.make_real_format_files()
    named = ", ".join(f"{lb} ({f})" if lb == READER_FILE else lb for lb, f in data_sets.items())
    print(f"book: {len(args.chapter or chapters())} chapters on {named} ({args.workers} at a time)")
    results = book_execute.execute_all(data_sets, args.workers, args.timeout, args.chapter, pages=label,
                                       use_cache=not args.fresh)
    executed = time.perf_counter() - start
    ran = [r for r in results if not r.get("cached") and not r.get("skipped")]
    total = sum(r["seconds"] for r in ran)
    if not args.chapter:  # the wall time of the whole run, for benchmarks/bench_book.py
        (EXECUTED / "run.json").write_text(json.dumps(
            {"labels": list(data_sets), "workers": args.workers, "wall_seconds": round(executed, 1),
             "executed": len(ran), "cached": sum(1 for r in results if r.get("cached"))}))
    print(f"book: {len(ran)} chapter runs executed, {sum(1 for r in results if r.get('cached'))} unchanged, "
          f"in {executed:.0f} s wall, {total:.0f} s of chapter time")
    if not args.chapter:
        (BUILD / "claims.md").write_text(book_execute.claims_report(list(data_sets), data_sets))
    failed = [r for r in results if r["error"]]
    for r in failed:
        plain = re.sub(r"\x1b\[[0-9;]*m", "", r["error"])  # tracebacks arrive coloured
        print(f"\n=== {r['chapter']} on {r['data']} FAILED ===\n{plain}", file=sys.stderr)
    if failed:
        return 1
    if args.command == "build" and args.chapter:
        ok = build_preview(args.chapter, label)
        print(f"book: preview of {', '.join(args.chapter)} in {BUILD / 'preview' / 'html'}")
        return 0 if ok else 1
    if args.command == "build":
        html_start = time.perf_counter()
        generate_problem_sets(args.fresh)  # first: every edition's staging copies the student notebooks
        if not build_editions(label, pdf=True, fresh=args.fresh):
            print("book: the strict HTML build failed (warnings above)", file=sys.stderr)
            return 1
        print(f"book: problem sets, HTML editions and PDF in {time.perf_counter() - html_start:.0f} s")
    print(f"book: done in {time.perf_counter() - start:.0f} s; claims on each data set in {BUILD / 'claims.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
