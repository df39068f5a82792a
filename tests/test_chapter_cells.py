"""Chapters as an analyst and a careful reader meet them.

An analyst copies the visible code of a chapter into a script: it must use the public API only (no glue,
claim checks, notices or data notes, which live in hidden cells) and run top to bottom without the hidden
cells. A reader trusts a chapter's summary: a summary sentence that states a result must be the sentence
that :func:`routerbench_utils.book.conclude` chose after checking it on the data the page ran on. And the
prose speaks of routing, not of the book's own machinery.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import routerbench_utils as rbu

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p for p in (ROOT / "book").glob("*.ipynb") if not p.name.startswith("_"))
#: Tags whose cells the reader never sees as code (the output may show, the source does not).
HIDDEN = {"remove-cell", "remove-input"}
#: What belongs to the page and not to an analysis.
PLUMBING = re.compile(r"\b(glue|myst_nb|claim|conclude|notice|data_note|describe_data)\b|\bpage\.|rbu\.book\b")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def _visible_code(path: Path) -> list[tuple[int, str]]:
    return [(k, "".join(c["source"])) for k, c in enumerate(_cells(path))
            if c["cell_type"] == "code" and not HIDDEN & set(c.get("metadata", {}).get("tags", []))]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_visible_cells_carry_no_page_plumbing(path):
    bad = [(k, PLUMBING.search(src).group(0)) for k, src in _visible_code(path) if PLUMBING.search(src)]
    assert not bad, (f"visible code cells use the page's helpers {bad}: move glue, claims, notices and "
                     "data notes into a hidden cell (tag remove-cell) after the cell that computes the value")


@pytest.fixture(scope="module")
def small_real_file(tmp_path_factory) -> Path:
    """A real-format pickle of three tasks (quirks included), small enough to run every chapter fast."""
    path = tmp_path_factory.mktemp("data") / "routerbench_3task.pkl"
    datasets = ["arc-challenge", "mbpp", "winogrande"]
    # the generator's seed is passed by position: its keyword is being renamed to random_state
    rbu.embedded_routerbench(0, quirks=True, datasets=datasets).to_pickle(path)
    return path


#: Runs scripts as ``python script.py`` would, each in a fork of one process that imported the libraries
#: every chapter imports (NumPy, pandas, Matplotlib, the package) once: 15 interpreters importing them
#: cost 1.7 s of CPU each. A script's own state (rcParams, globals) dies with its fork.
SCRIPT_SERVER = """import os, runpy, sys, time, traceback
import numpy, pandas, matplotlib.pyplot, routerbench_utils
for line in sys.stdin:
    script, out, err = line.rstrip("\\n").split("\\t")
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.chdir(os.path.dirname(script))
            for fd, name in ((1, out), (2, err)):
                os.dup2(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
            sys.path[0] = os.path.dirname(script)
            runpy.run_path(script, run_name="__main__")
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (stop.code is not None)
        except BaseException:
            traceback.print_exc()
            code = 1
        sys.stdout.flush(); sys.stderr.flush()
        os._exit(code)
    deadline = time.monotonic() + 300
    while (done := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    if done[0] == 0:
        os.kill(pid, 9); os.waitpid(pid, 0)
    print(os.waitstatus_to_exitcode(done[1]) if done[0] else "timeout", flush=True)
"""


@pytest.fixture(scope="module")
def script_runner(small_real_file, tmp_path_factory):
    """Runs a script on the real-format file, without the RBU_ settings of the test run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RBU_")}
    env.update(ROUTERBENCH_DATA=str(small_real_file), MPLBACKEND="Agg", OMP_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1")
    server = subprocess.Popen([sys.executable, "-c", SCRIPT_SERVER], env=env, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              cwd=tmp_path_factory.mktemp("scripts"))

    def run(script: Path) -> tuple[str, str]:
        out, err = script.with_suffix(".out"), script.with_suffix(".err")
        server.stdin.write(f"{script}\t{out}\t{err}\n")
        server.stdin.flush()
        return server.stdout.readline().strip(), err.read_text() if err.exists() else ""

    yield run
    server.stdin.close()
    server.wait(timeout=60)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_visible_code_runs_as_a_script(path, script_runner, tmp_path):
    """The chapter's visible code cells, pasted into one script in order, run on a real-format file."""
    script = tmp_path / f"{path.stem}.py"
    script.write_text("\n\n".join(src for _, src in _visible_code(path)) + "\n")
    code, stderr = script_runner(script)
    assert code == "0", f"{path.name} as a script fails ({code}):\n{stderr[-3000:]}"


#: Words that state a result (a comparison, a count, a finding on this data) rather than a definition.
RESULT_WORDS = re.compile(
    r"\b(on this data|here|beats?|beating|loses?|ties|wins?|gains?|lifts?|outperforms?|most|fewer|"
    r"more than|less than|cheaper|dearer|higher|lower|better|worse|vanish(es)?)\b|\d", re.I)


def _summary_items(path: Path) -> list[str]:
    """The bullets (or sentences) of the chapter's Summary / What we learned section."""
    text = "\n".join("".join(c["source"]) for c in _cells(path) if c["cell_type"] == "markdown")
    match = re.search(r"^## (Summary|What we learned)[^\n]*\n(.*?)(?=^#{1,2} |\Z)", text, re.S | re.M)
    if not match:
        return []
    body = match.group(2)
    items = re.split(r"\n(?=- )", body.strip()) if body.lstrip().startswith("- ") else \
        re.split(r"(?<=[.!?])\s+", body.strip())
    return [item for item in items if item.strip()]


#: Marks a summary bullet that states an idea (a definition, a theorem, a method), not a finding on data.
IDEA = "<!-- idea -->"


def _strip_markup(item: str) -> str:
    """Drop math, code spans, cross-references and bounds words: their digits and words are not results."""
    item = re.sub(r"\bat (most|least)\b", " ", item)
    item = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", item, flags=re.S)
    item = re.sub(r"`[^`]*`", " ", item)
    return re.sub(r"\{(prf:ref|ref|numref|doc|eq)\}", " ", item)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_summary_results_are_conclusions_checked_on_the_data(path):
    concluded = set(re.findall(r"conclude\(\s*[\"'](\w+)[\"']",
                               "\n".join(src for _, src in
                                         [(0, "".join(c["source"])) for c in _cells(path)
                                          if c["cell_type"] == "code"])))
    for item in _summary_items(path):
        glued = set(re.findall(r"\{glue:text\}`(\w+)", item))
        if glued & concluded or IDEA in item:
            continue  # the sentence conclude() chose on this data, or an idea marked as such
        plain = _strip_markup(re.sub(r"\{glue:text\}`[^`]*`", " ", item))
        word = RESULT_WORDS.search(plain)
        assert not word, (f"{path.name}: the summary states a result ({word.group(0)!r}) with no checked "
                          f"conclusion behind it: {item.strip()[:160]!r}. Glue the sentence with "
                          "routerbench_utils.book.conclude(name, holds, text, instead) and write "
                          "{glue:text}`name` in its place; a definition or theorem ends with <!-- idea -->.")


#: Phrases about the book's machinery instead of the idea.
MACHINERY = re.compile(r"\b(the tests?|test suite|the build|build time|this machine|page's time|"
                       r"continuous integration|CI run)\b", re.I)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_prose_speaks_of_ideas_not_the_machinery(path):
    for k, cell in enumerate(_cells(path)):
        if cell["cell_type"] == "markdown":
            found = MACHINERY.search("".join(cell["source"]))
            assert not found, f"{path.name} cell {k} speaks of the machinery: {found.group(0)!r}"
