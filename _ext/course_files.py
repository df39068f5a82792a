"""Publish the course kit's files with each HTML edition: the package's wheel in ``wheels/`` (which
every download's first cell installs by its path from the page) and the weekly slides in ``slides/``
(linked from the syllabus). Both are made by ``scripts/course_kit.py`` (the wheel from the package's
sources; the slides by ``scripts/slides.py`` from the executed chapters), found by walking up from the
book's configuration, or from the working directory, to the repository."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path


def _course_kit(confdir: str):
    # The build stages the sources inside the repository's _build/ (or, with $RBU_BUILD_DIR, elsewhere)
    # and runs Jupyter Book from the repository: one of the two leads to scripts/.
    cwd = Path.cwd().resolve()
    for folder in [*Path(confdir).resolve().parents, cwd, *cwd.parents]:
        if (folder / "scripts" / "course_kit.py").is_file():
            sys.path.insert(0, str(folder / "scripts"))
            import course_kit

            return course_kit
    raise RuntimeError(f"course_files: no scripts/course_kit.py above {confdir}")


def _publish(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    course_kit = _course_kit(app.confdir)
    course_kit.publish(Path(app.outdir))


def setup(app):
    app.connect("build-finished", _publish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
