"""Execute the book's chapters on one or more data sets, two kernels at a time, re-using every result
whose inputs did not change.

Why not the stock tools. MyST-NB executes inside Sphinx's read phase, one notebook after another, each in
a new kernel, with one environment for all: it cannot run a chapter on three data sets, collect the
claims each run checked, or keep both cores busy. Its cache mode (jupyter-cache) keys a notebook on its
code cells and kernel name only: an edit to the package, the requirements or the data file the chapter
reads would serve stale pages. So this script executes with nbclient (the library MyST-NB and nbval run
on) and keeps a small cache of its own, keyed by content:

- the chapter's code cells (their source, in order) and its ``kernelspec`` and ``rbu`` metadata: an edit
  to the prose changes no output, so the cached outputs are merged into the edited notebook, as
  jupyter-cache does;
- every file of the package, ``requirements.txt`` and this script;
- the data set: the embedded data (made by the package, so keyed by it), or the file's path (the data
  note names it) and its bytes.

A chapter is re-executed only when one of these changed; one entry is kept per chapter and data set
(``_build/cache/executed/<data set>/<chapter>/``) and only a clean run is stored. nbval
(``scripts/test.sh``) re-executes every chapter in fresh kernels and compares with these pages.

Each worker reuses one kernel, emptied before every chapter (namespace, figures and style, environment,
the warnings already shown): the imports and the first figure are paid once per worker, not once per
chapter (about 4 s a chapter). Each kernel is limited to one BLAS/OpenMP thread so that two share the two
cores instead of fighting over them.
"""
from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
#: Everything the build writes; ``$RBU_BUILD_DIR`` puts it elsewhere (a test builds beside the main build).
BUILD = Path(os.environ.get("RBU_BUILD_DIR") or ROOT / "_build").resolve()
EXECUTED = BUILD / "executed"
DATA_DIR = BUILD / "data"
CACHE = BUILD / "cache" / "executed"
#: One thread per kernel: two kernels share the two cores instead of oversubscribing them.
SINGLE_THREAD = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                  "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")}
#: The data sets of the test matrix: label -> file name under _build/data (None: embedded).
DATA_SETS = {"embedded": None, "real-format-3task": "routerbench_3task.pkl",
             "real-format-mbpp": "routerbench_mbpp.pkl"}
#: The label of the reader's own file, ``$ROUTERBENCH_DATA`` (the README's real-file build).
READER_FILE = "reader-file"


def chapters() -> list[Path]:
    """The notebooks of the table of contents, in reading order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part["chapters"]]
    return [ROOT / (f + ".ipynb") for f in files if (ROOT / (f + ".ipynb")).exists()]


def cell_timeout() -> int:
    """Seconds a cell may run: ``execute.timeout`` of ``_config.yml``."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return int(config.get("execute", {}).get("timeout", 600))


def make_real_format_files() -> None:
    """Write the two real-format files the chapters are tested on (quirks included)."""
    import routerbench_utils as rbu  # installed into .venv by scripts/setup.sh

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    specs = {"routerbench_3task.pkl": ["arc-challenge", "mbpp", "winogrande"],
             "routerbench_mbpp.pkl": ["mbpp"]}
    for name, datasets in specs.items():
        # Written under a temporary name and renamed: a kernel reading the file never sees half of it.
        partial = DATA_DIR / f".{name}.{os.getpid()}"
        rbu.embedded_routerbench(random_state=0, quirks=True, datasets=datasets).to_pickle(partial)
        os.replace(partial, DATA_DIR / name)


#: Code that warms a reused kernel once: the imports and the first figure every chapter pays for, and
#: the start-up state each chapter gets back (figure style, warning filters).
WARM_UP = """\
import sys, types, warnings
import matplotlib, matplotlib.pyplot as plt, numpy, pandas, sklearn, seaborn
import routerbench_utils
sys.modules["_rbu_start"] = types.SimpleNamespace(rc=matplotlib.rcParams.copy(), filters=list(warnings.filters))
plt.subplots()[0].savefig(__import__("io").BytesIO(), format="png"); plt.close("all")
"""

#: Code run before each chapter in a reused kernel: an empty namespace, the start-up figure style, the
#: chapter's environment, and warnings that show again: ``resetwarnings`` also invalidates every
#: module's record of the warnings it already showed (a warning seen by an earlier chapter must not go
#: quiet; in today's stack a call above happens to do it too, this does not depend on that), then the
#: start-up filters are put back.
RESET = """\
%reset -f
import os as _os, sys as _sys, warnings as _warnings, matplotlib as _mpl, matplotlib.pyplot as _plt
_plt.close("all"); _mpl.rcParams.update(_sys.modules["_rbu_start"].rc)
_os.environ.pop("ROUTERBENCH_DATA", None); _os.environ.update({env!r})
_warnings.resetwarnings(); _warnings.filters[:] = _sys.modules["_rbu_start"].filters
del _os, _sys, _warnings, _mpl, _plt
"""

_WARM_KERNEL = {}  # per worker process: the kernel reused by warm jobs


def _warm_kernel(env: dict, cwd: Path):
    """This worker's reused kernel, started and warmed on first use."""
    from jupyter_client.manager import KernelManager

    km = _WARM_KERNEL.get("km")
    if km is None or not km.is_alive():
        km = KernelManager(kernel_name="python3")
        km.start_kernel(env=env, cwd=str(cwd), stderr=subprocess.DEVNULL)
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        reply = kc.execute_interactive(WARM_UP, timeout=300)
        kc.stop_channels()
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"warming the kernel failed: {reply['content']}")
        _WARM_KERNEL["km"] = km
        atexit.register(km.shutdown_kernel, now=True)
    return km


def execute_one(path: str, label: str, data_file: str | None, out_dir: str, timeout: int,
                warm: bool = True) -> dict:
    """Execute one notebook into ``out_dir``; return its timing and any error (never raises).

    By default in this worker's reused kernel, emptied before the chapter (namespace, figures and
    style, environment, warnings already shown). The outputs are those of a fresh kernel: execution
    counts are renumbered from 1 and consecutive prints are merged into one output (in any kernel, how a
    print is split into messages depends on timing); nbval checks every chapter in fresh kernels.
    ``warm=False`` uses a fresh kernel. No cell timing is recorded, so that two runs write the same file.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    source = Path(path)
    nb = nbformat.read(source, as_version=4)
    claims = Path(out_dir) / "claims" / (source.stem + ".jsonl")
    claims.parent.mkdir(parents=True, exist_ok=True)
    claims.unlink(missing_ok=True)
    loads = Path(out_dir) / "loads" / (source.stem + ".jsonl")  # every rbu.load() of the chapter
    loads.parent.mkdir(parents=True, exist_ok=True)
    loads.unlink(missing_ok=True)
    env = {**os.environ, **SINGLE_THREAD, "RBU_CLAIMS_LOG": str(claims), "RBU_DATA_LOG": str(loads),
           "PYDEVD_DISABLE_FILE_VALIDATION": "1",
           # the embedded data is generated by the first kernel and read by the others (keyed by the
           # generator's source, so an edited generator is never read stale)
           "RBU_CACHE_DIR": str(BUILD / "cache")}
    env.pop("ROUTERBENCH_DATA", None)  # the job's data set, not the caller's, below
    if data_file:
        env["ROUTERBENCH_DATA"] = data_file
    start = time.perf_counter()
    error = None
    try:
        if warm:
            chapter_env = {k: env[k] for k in ("RBU_CLAIMS_LOG", "RBU_DATA_LOG", "ROUTERBENCH_DATA") if k in env}
            nb.cells.insert(0, nbformat.v4.new_code_cell(RESET.format(env=chapter_env)))
            client = NotebookClient(nb, timeout=timeout, km=_warm_kernel(env, source.parent),
                                    coalesce_streams=True, record_timing=False)
            try:
                client.execute()
            finally:
                del nb.cells[0]
                _renumber(nb)
        else:
            client = NotebookClient(nb, timeout=timeout, kernel_name="python3", coalesce_streams=True,
                                    record_timing=False, resources={"metadata": {"path": str(source.parent)}})
            client.execute(env=env, stderr=subprocess.DEVNULL)  # the kernel's own start-up chatter
    except CellExecutionError as exc:
        error = str(exc)
    except Exception as exc:  # a kernel that dies or times out is a failure too, reported the same way
        error = f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    stderr = [f"cell {k}: {o.get('text', '')[:400]}" for k, c in enumerate(nb.cells) if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr"]
    if error is None and stderr:
        error = "the chapter printed to stderr (a warning):\n" + "\n".join(stderr)
    target = Path(out_dir) / source.relative_to(ROOT)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return {"chapter": source.stem, "data": label, "seconds": round(seconds, 1), "error": error}


def _renumber(nb) -> None:
    """Execution counts from 1, as in a fresh kernel (a reused kernel continues its own count)."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            count += 1
            cell.execution_count = count
            for output in cell.get("outputs", []):
                if "execution_count" in output:
                    output["execution_count"] = count


NOT_READ = "reads no data set (its metadata says rbu.reads_data: false; tests/test_book_runs.py checks)"


def reads_data(path: Path) -> bool:
    """Whether a chapter reads the data set (``rbu.load``): true unless its notebook metadata says
    ``"rbu": {"reads_data": false}``, as a chapter that generates its own data does (the RAG chapter).
    Such a chapter runs the same on every data set, so it is executed on the pages' data set only;
    tests/test_book_runs.py checks that its embedded run never called ``rbu.load``."""
    nb = nbformat.read(path, as_version=4)
    return bool(nb.metadata.get("rbu", {}).get("reads_data", True))


# ---- the cache ---------------------------------------------------------------------------------------

def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def dependencies_key(root: Path = ROOT) -> str:
    """What every chapter depends on besides its own code: the package's files, the pinned requirements
    (``root`` is the project) and this script (how chapters are run)."""
    files = sorted(p for p in (root / "routerbench_utils").rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts)
    files += [root / "requirements.txt", root / "pyproject.toml"]
    script = Path(__file__).resolve()
    return _digest(script.read_bytes(), *(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes()
                                          for p in files))


def data_key(data_file: str | None) -> str:
    """The data set's identity: the embedded data (made by the package, in the dependencies' key), or a
    file's path as given (the data note names it) and its bytes."""
    if data_file is None:
        return "embedded"
    h = hashlib.sha256()
    with open(data_file, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return f"{data_file}\0{h.hexdigest()}"


def chapter_key(path: Path, data_file: str | None, dependencies: str, data_keys: dict) -> str:
    """The content key of one chapter on one data set (see the module's docstring)."""
    nb = nbformat.read(path, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    meta = {k: nb.metadata.get(k) for k in ("kernelspec", "rbu")}
    if data_file not in data_keys:
        data_keys[data_file] = data_key(data_file)
    return _digest(json.dumps([code, meta], sort_keys=True).encode(), dependencies.encode(),
                   data_keys[data_file].encode())


def merge_outputs(source: Path, executed: Path):
    """The notebook ``source`` (its prose, cell metadata and code) with the outputs and execution counts of
    ``executed``, a run of the same code cells: what executing ``source`` gives."""
    nb = nbformat.read(source, as_version=4)
    ran = nbformat.read(executed, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    done = [c for c in ran.cells if c.cell_type == "code"]
    if [c.source for c in code] != [c.source for c in done]:
        raise ValueError(f"{executed} is not a run of the code cells of {source}")
    for cell, result in zip(code, done):
        cell.outputs = result.outputs
        cell.execution_count = result.execution_count
    if "language_info" in ran.metadata:  # what nbclient writes into a run: the kernel's language
        nb.metadata["language_info"] = ran.metadata["language_info"]
    return nb


def _restore(entry: Path, source: Path, out_dir: Path) -> dict:
    """Put a cached run of ``source`` in ``out_dir`` as ``execute_one`` would have written it."""
    target = out_dir / source.relative_to(ROOT)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(merge_outputs(source, entry / "notebook.ipynb"), target)
    for log in ("claims", "loads"):
        (out_dir / log).mkdir(parents=True, exist_ok=True)
        destination = out_dir / log / f"{source.stem}.jsonl"
        destination.unlink(missing_ok=True)
        if (entry / f"{log}.jsonl").exists():
            shutil.copy(entry / f"{log}.jsonl", destination)
    return {**json.loads((entry / "record.json").read_text()), "cached": True}


def _store(entry: Path, key: str, source: Path, out_dir: Path, record: dict) -> None:
    """Keep a clean run (written to a fresh folder, then renamed: a reader never sees half an entry)."""
    partial = entry.with_name(f".{entry.name}.{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    shutil.copy(out_dir / source.relative_to(ROOT), partial / "notebook.ipynb")
    for log in ("claims", "loads"):
        if (out_dir / log / f"{source.stem}.jsonl").exists():
            shutil.copy(out_dir / log / f"{source.stem}.jsonl", partial / f"{log}.jsonl")
    (partial / "record.json").write_text(json.dumps(record))
    (partial / "key").write_text(key)
    shutil.rmtree(entry, ignore_errors=True)
    os.replace(partial, entry)


# ---- a run over the data sets ------------------------------------------------------------------------

def execute_all(data_sets: dict[str, str | None], workers: int, timeout: int, only: list[str] | None = None,
                pages: str = "embedded", use_cache: bool = True) -> list[dict]:
    """Execute every chapter (or those named in ``only``) on every data set of ``data_sets`` (label ->
    file, None for the embedded data), ``workers`` kernels at a time, re-using the cached runs whose key
    did not change. A chapter that reads no data set runs on ``pages`` (the pages' data set) only."""
    jobs, results = [], []
    previous = _previous_timings()
    dependencies, data_keys = dependencies_key(), {}
    for label, data in data_sets.items():
        out = EXECUTED / label
        if only is None:
            shutil.rmtree(out, ignore_errors=True)
        # A chapter named with --chapter may be new and not yet in the table of contents.
        candidates = chapters() if only is None else sorted((ROOT / "book").glob("[!_]*.ipynb"))
        for path in candidates:
            if only is not None and path.stem not in only:
                continue
            if label != pages and not reads_data(path):
                results.append({"chapter": path.stem, "data": label, "seconds": 0.0, "error": None,
                                "skipped": NOT_READ})
                print(f"  {label:<18} {path.stem:<14}    -    not run: {NOT_READ}", flush=True)
                continue
            key = chapter_key(path, data, dependencies, data_keys)
            entry = CACHE / label / path.stem
            if use_cache and (entry / "key").exists() and (entry / "key").read_text() == key:
                record = _restore(entry, path, out)
                results.append(record)
                print(f"  {label:<18} {path.stem:<14}    -    unchanged (cached run of {record['seconds']} s)",
                      flush=True)
                continue
            jobs.append(((str(path), label, data, str(out), timeout), key, entry))
    # Longest first, so the two workers finish together.
    jobs.sort(key=lambda j: -previous.get((Path(j[0][0]).stem, j[0][1]), 30.0))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(execute_one, *job): (key, entry, job) for job, key, entry in jobs}
        for future in as_completed(futures):
            r = future.result()
            results.append(r)
            key, entry, job = futures[future]
            if r["error"] is None:
                _store(entry, key, Path(job[0]), Path(job[3]), r)
            status = "FAILED" if r["error"] else "ok"
            print(f"  {r['data']:<18} {r['chapter']:<14} {r['seconds']:6.1f} s  {status}", flush=True)
    if only is None:  # partial runs do not overwrite the full run's timings
        (EXECUTED / "timings.json").write_text(
            json.dumps(sorted(results, key=lambda r: (r["data"], r["chapter"])), indent=1))
    return results


def _previous_timings() -> dict:
    """Each chapter's seconds on each data set: from the last run, or on a fresh clone from
    scripts/chapter_seconds.json (a run of the test command, kept with the sources; only the order of
    the jobs depends on it, longest first, so stale numbers cost a little speed, never a result)."""
    for path in (EXECUTED / "timings.json", ROOT / "scripts" / "chapter_seconds.json"):
        try:
            return {(r["chapter"], r["data"]): r["seconds"] for r in json.loads(path.read_text())}
        except (OSError, ValueError):
            continue
    return {}


def claims_report(labels: list[str], files: dict[str, str | None] | None = None) -> str:
    """A Markdown table: every checked claim and whether it held on each data set (``files`` names each
    data set's file above the table). A summary sentence chosen by ``conclude`` is one row per glued name
    whose cells give the sentence each data set's page printed."""
    table: dict[tuple[str, str], dict[str, str]] = {}
    for label in labels:
        for log in sorted((EXECUTED / label / "claims").glob("*.jsonl")):
            for line in log.read_text().splitlines():
                entry = json.loads(line)
                if "conclusion" in entry:
                    # a summary sentence: its wording follows the data, so one row per glued name, and
                    # each data set's cell says what that page printed
                    cell = table.setdefault((log.stem, f"conclusion `{entry['conclusion']}`"), {})
                    cell[label] = (f"holds: {entry['claim']}" if entry["holds"]
                                   else f"FLAGGED (the page says instead): {entry['observed']}")
                    continue
                cell = table.setdefault((log.stem, entry["claim"]), {})
                cell[label] = "holds" if entry["holds"] else f"FLAGGED: {entry['observed']}"
    head = [f"- {label}: {(files or {}).get(label) or 'the embedded synthetic data'}" for label in labels]
    rows = ["| chapter | claim | " + " | ".join(labels) + " |", "|---|---|" + "---|" * len(labels)]
    for (chapter, text), status in sorted(table.items()):
        rows.append(f"| {chapter} | {text} | " + " | ".join(status.get(lb, "not checked") for lb in labels) + " |")
    return "Data sets:\n\n" + "\n".join(head) + "\n\n" + "\n".join(rows) + "\n"
