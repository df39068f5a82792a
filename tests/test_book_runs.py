"""Every chapter ran, once, on each of the three data sets the book promises to support.

scripts/book.py (called by scripts/test.sh with --real-format) executes every chapter of _toc.yml on the
embedded data and on two real-format files and records the outcome in _build/executed/timings.json;
the build fails on any error, and this test makes sure the runs happened and covered every chapter.
"""
from __future__ import annotations

import json
import os

import pytest

from ._scripts import load_script
from .test_book_sources import ROOT

EXECUTED = ROOT / "_build" / "executed"
LABELS = ("embedded", "real-format-3task", "real-format-mbpp")
REQUIRED = os.environ.get("RBU_REQUIRE_BROWSER") == "1"  # set by scripts/test.sh after the full run


def _chapters() -> list[str]:
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc.get("parts", []) for c in part["chapters"]]
    return sorted(f.split("/")[-1] for f in files if (ROOT / (f + ".ipynb")).exists())


@pytest.fixture(scope="module")
def timings() -> list[dict]:
    path = EXECUTED / "timings.json"
    if not path.exists():
        if REQUIRED:
            pytest.fail("no record of executed chapters: run scripts/test.sh")
        pytest.skip("chapters not executed (run scripts/book.py execute --real-format)")
    return json.loads(path.read_text())


@pytest.mark.parametrize("label", LABELS)
def test_every_chapter_ran_cleanly_on(label, timings):
    ran = {r["chapter"]: r for r in timings if r["data"] == label}
    if not ran and not REQUIRED:
        pytest.skip(f"no run on {label}")
    assert sorted(ran) == _chapters()
    failed = {c: r["error"][:200] for c, r in ran.items() if r["error"]}
    assert not failed, failed
    for chapter, record in ran.items():
        if record.get("skipped"):  # a chapter that reads no data set runs on the embedded run only
            assert label != "embedded" and not _reads_data(chapter), (chapter, label, record)
            continue
        executed = EXECUTED / label / "book" / f"{chapter}.ipynb"
        outputs = [o for c in json.loads(executed.read_text())["cells"] for o in c.get("outputs", [])]
        assert outputs, f"{chapter} on {label} has no outputs"


def _reads_data(chapter: str) -> bool:
    return load_script("book").reads_data(ROOT / "book" / f"{chapter}.ipynb")


def test_a_chapter_runs_once_only_if_it_reads_no_data_set(timings):
    """The build runs a chapter flagged ``rbu.reads_data: false`` on the embedded run only. The flag is
    checked on that run: the chapter called ``rbu.load`` not once (every call is logged), its source
    names no data file, and every other chapter did call it (so the log is not empty by accident)."""
    embedded = {r["chapter"] for r in timings if r["data"] == "embedded" and not r.get("skipped")}
    if not embedded:
        pytest.skip("no embedded run")
    loads = EXECUTED / "embedded" / "loads"
    for chapter in sorted(embedded):
        log = loads / f"{chapter}.jsonl"
        calls = log.read_text().splitlines() if log.exists() else []
        if _reads_data(chapter):
            assert calls, f"{chapter} reads the data set but its run logged no rbu.load call"
        else:
            assert not calls, f"{chapter} is flagged reads_data: false but called rbu.load: {calls[:2]}"
            source = (ROOT / "book" / f"{chapter}.ipynb").read_text()
            assert not any(word in source for word in ("ROUTERBENCH_DATA", "rbu.load(", "load_routerbench")), \
                chapter
