"""The course kit's share of the build: the package wheel published with the pages, the first cell of
every download (it installs that wheel), and the staging of the wheel and the weekly slides into an
edition.

- ``build_wheel()``: ``_build/wheel/routerbench_utils-<version>-py3-none-any.whl``, built by pip from a
  copy of the working tree's package (the commit the chapters ran on), offline (no build isolation).
- ``install_cell()``: installs that wheel by its path from the notebook (``../../wheels/<wheel>``: every
  download sits two folders below the site's root, ``_sources/book/<page>.ipynb`` for a chapter and
  ``_downloads/<hash>/<set>.ipynb`` for a problem set), or from the notebook's own folder; then, only
  when ``_config.yml`` configures them, from the published site (``html.baseurl``) or from the git
  repository at the build's commit (``package_repository``). It prints the version it ends with.
- ``publish(html)``: the wheel into ``wheels/`` and the weekly slides (scripts/slides.py) into
  ``slides/`` of a built HTML edition (``_ext/course_files.py``, a Sphinx extension of ``_config.yml``).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
#: Everything the build writes; ``$RBU_BUILD_DIR`` puts it elsewhere, as for scripts/book_execute.py.
BUILD = Path(os.environ.get("RBU_BUILD_DIR") or ROOT / "_build").resolve()
WHEEL_DIR = BUILD / "wheel"
#: Where the wheel is published, from the site's root (both editions).
PUBLISHED = "wheels"
#: How many folders below the site's root every download sits (see the module's docstring).
DEPTH = 2


def version() -> str:
    """The package's version, from ``pyproject.toml`` (the wheel's and the page's)."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def wheel_name() -> str:
    return f"routerbench_utils-{version()}-py3-none-any.whl"


def _sources() -> list[Path]:
    return [ROOT / "pyproject.toml", *sorted((ROOT / "routerbench_utils").rglob("*.py"))]


def build_wheel(out: Path = WHEEL_DIR) -> Path:
    """Build the package's wheel into ``out`` (replacing any older one) and return its path.

    Built from a copy of the package (so no ``build/`` folder lands in the working tree), with the
    setuptools already installed (``--no-build-isolation``: nothing downloaded).
    """
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("routerbench_utils-*.whl"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(ROOT / "routerbench_utils", src / "routerbench_utils",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        for name in ("pyproject.toml", "README.md"):
            shutil.copy(ROOT / name, src / name)
        cmd = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
               "--no-index", "--disable-pip-version-check", "-w", str(out), str(src)]
        done = subprocess.run(cmd, capture_output=True, text=True)
    built = out / wheel_name()
    if done.returncode != 0 or not built.exists():
        raise RuntimeError(f"pip wheel failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return built


def wheel(out: Path = WHEEL_DIR) -> Path:
    """The wheel, built when missing or older than a package source (cheap when current)."""
    built = out / wheel_name()
    if not built.exists() or built.stat().st_mtime < max(p.stat().st_mtime for p in _sources()):
        return build_wheel(out)
    return built


def _commit() -> str | None:
    done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def install_sources(config: dict | None = None) -> list[str]:
    """Where a download looks for the package, in order: the published wheel by its relative path,
    the wheel next to the notebook, then the configured fallbacks (none by default)."""
    config = config if config is not None else yaml.safe_load((ROOT / "_config.yml").read_text())
    name = wheel_name()
    sources = ["/".join([".."] * DEPTH + [PUBLISHED, name]), name]
    baseurl = ((config.get("html") or {}).get("baseurl") or "").rstrip("/")
    if baseurl:
        sources.append(f"{baseurl}/{PUBLISHED}/{name}")
    repository = (config.get("package_repository") or "").rstrip("/")
    commit = _commit()
    if repository and commit:
        sources.append(f"routerbench_utils @ git+{repository}@{commit}")
    return sources


INSTALL_CELL = '''# Makes this notebook run by itself in a fresh JupyterLab or Colab: installs routerbench_utils {version},
# the version of the page this notebook came from, and what else is missing.
import importlib
import importlib.metadata
import os
import subprocess
import sys
import types

_VERSION = {version!r}
_SOURCES = [  # the wheel published with the book's pages (by its path from this notebook), then fallbacks
{sources}]
try:
    _installed = importlib.metadata.version("routerbench_utils")
except importlib.metadata.PackageNotFoundError:
    _installed = None
if _installed != _VERSION:
    _found = [s for s in _SOURCES if "://" in s or os.path.exists(s)]
    if not _found:
        raise RuntimeError(f"routerbench_utils {{_VERSION}} is needed: put {{_SOURCES[1]}} (published with the "
                           f"book's pages, in their wheels/ folder) next to this notebook, or pip install it")
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", _found[0]])
    importlib.invalidate_caches()
for _module, _requirement in [
{extra}]:
    try:
        importlib.import_module(_module)
    except ModuleNotFoundError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", _requirement])
        importlib.invalidate_caches()
print("routerbench_utils", importlib.metadata.version("routerbench_utils"))
try:
    import myst_nb  # noqa: F401  (in the book's build, glue() puts computed numbers in the text)
except ModuleNotFoundError:  # elsewhere a stand-in shows each value that the text would quote
    def _glue(name, value, display=True):
        if display:
            from IPython.display import display as _show
            _show(value)
    sys.modules["myst_nb"] = types.ModuleType("myst_nb")
    sys.modules["myst_nb"].glue = _glue'''


def install_cell(extra: list[tuple[str, str]] = (), config: dict | None = None) -> "nbformat.NotebookNode":
    """The first cell of every download: installs ``routerbench_utils`` of this build (the wheel, see
    ``install_sources``) unless that version is installed, and each ``(module, requirement)`` of
    ``extra`` that is missing; prints the package's version; a stand-in for MyST-NB's ``glue`` outside
    the book's build. Tagged ``remove-cell``: pages hide it, downloads keep it."""
    sources = "".join(f"    {source!r},\n" for source in install_sources(config))
    listed = "".join(f"    ({module!r}, {requirement!r}),\n" for module, requirement in extra)
    cell = nbformat.v4.new_code_cell(INSTALL_CELL.format(version=version(), sources=sources, extra=listed))
    cell.id = "rbu-install"  # fixed, so that two builds write the same download
    cell.metadata["tags"] = ["remove-cell"]
    return cell


def publish(html: Path) -> None:
    """Put the wheel (``wheels/``) and the weekly slides (``slides/``, when the chapters have been
    executed) at the root of a built HTML edition (called by ``_ext/course_files.py`` when Sphinx is
    done). The two editions build at once: one of them makes the wheel and slides, the other waits."""
    import fcntl

    start = time.perf_counter()
    BUILD.mkdir(exist_ok=True)
    with open(BUILD / ".course_kit.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        built = wheel()
        sys.path.insert(0, str(Path(__file__).parent))
        import slides  # scripts/slides.py

        decks = slides.ensure_built()
    (html / PUBLISHED).mkdir(exist_ok=True)
    for old in (html / PUBLISHED).glob("routerbench_utils-*.whl"):
        old.unlink()
    shutil.copy(built, html / PUBLISHED / built.name)
    if decks is not None:
        shutil.rmtree(html / "slides", ignore_errors=True)
        shutil.copytree(decks, html / "slides")
    print(f"course kit: wheel and slides published in {html} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    start = time.perf_counter()
    print(f"course kit: {build_wheel().relative_to(ROOT)} in {time.perf_counter() - start:.1f} s")
