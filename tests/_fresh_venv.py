"""A fresh virtual environment without routerbench_utils and without the repository, offline.

The book's dependencies (NumPy, pandas, Otter, Jupyter...) are made visible from the project's
environment through one ``.pth`` line pointing at a folder of links to its site-packages, with every
trace of routerbench_utils left out (the editable install's finder, its ``.pth`` and its metadata): so
``import routerbench_utils`` fails until something installs the package into the new environment,
and pip, told ``PIP_NO_INDEX=1``, can only install it from a file.
"""
from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
from pathlib import Path


def _hidden(name: str) -> bool:
    lowered = name.lower()
    return "routerbench" in lowered or lowered.startswith("__editable__")


def fresh_venv(where: Path) -> Path:
    """Create the environment in ``where``; returns its Python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where / "venv")], check=True)
    python = where / "venv" / "bin" / "python"
    deps = where / "deps"
    deps.mkdir()
    for folder in {sysconfig.get_paths()["purelib"], *site.getsitepackages()}:
        for entry in Path(folder).iterdir():
            if not _hidden(entry.name) and not (deps / entry.name).exists():
                (deps / entry.name).symlink_to(entry)
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    (Path(purelib) / "book_dependencies.pth").write_text(str(deps) + "\n")
    return python


def offline_env(home: Path) -> dict:
    """The environment for commands run in the fresh venv: no index, no repository on the path, one
    BLAS thread, the embedded data (no ROUTERBENCH_DATA, no cache of the project's build)."""
    drop = {"ROUTERBENCH_DATA", "RBU_CACHE_DIR", "PYTHONPATH", "VIRTUAL_ENV", "PIP_INDEX_URL",
            "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update({"PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "OMP_NUM_THREADS": "1",
                "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
                "HOME": str(home), "JUPYTER_PLATFORM_DIRS": "1"})
    return env
