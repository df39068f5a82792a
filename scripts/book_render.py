"""Render a staged edition to HTML with Jupyter Book, strictly, re-rendering only the pages that changed.

Why this exists beside ``jupyter-book build``: the build command itself is stock (warnings as errors,
nitpicky references, execution off in the stage); what it lacks is a place for its output that survives
between builds while the published folder stays a plain folder. Sphinx decides which pages to re-read
and re-write from its saved environment and file times, so this keeps Jupyter Book's output folder
(``_build/out/<edition>``) from build to build, and copies into the published folder (``_build/html``,
``_build/student/html``) only the files whose bytes changed (``sync_tree``; the stage is synced the
same way, so an unchanged page keeps its time and is not re-read).

A strict build is only trusted when it starts from a state that built cleanly: after a failed build
(or when the output folder is missing its marker) the next build starts fresh, so that a page that
warned once is read again and warns again rather than being skipped as unchanged.
"""
from __future__ import annotations

import filecmp
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLEAN = ".rbu-clean-build"  # marker left in the output folder by a build that passed


#: Sphinx stamps a link to a static file with its checksum (``style.css?v=1a2b3c4d``) when the file is
#: already in the output folder as the page is written: in an incremental build, not in a clean one
#: (extensions copy their CSS at the end). Published pages drop the stamps, so that a page is the same
#: byte for byte whichever way it was built.
STAMP = re.compile(rb'\?v=[0-9a-f]{8}(?=")')


def sync_tree(source: Path, target: Path, unstamp: bool = False) -> int:
    """Make ``target`` a copy of ``source``, writing only the files whose bytes differ (an unchanged file
    keeps its time) and removing what ``source`` lacks; ``unstamp``: HTML pages without Sphinx's
    checksum stamps (``STAMP``). Returns the number of files written."""
    source, target = Path(source), Path(target)
    target.mkdir(parents=True, exist_ok=True)
    written = 0
    wanted = set()
    for path in source.rglob("*"):
        relative = path.relative_to(source)
        wanted.add(relative)
        destination = target / relative
        if path.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
        elif unstamp and path.suffix == ".html":
            data = STAMP.sub(b"", path.read_bytes())
            if not (destination.is_file() and destination.read_bytes() == data):
                destination.write_bytes(data)
                written += 1
        elif not (destination.is_file() and filecmp.cmp(path, destination, shallow=False)):
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
            written += 1
    for path in sorted(target.rglob("*"), reverse=True):  # children before their folders
        if path.relative_to(target) not in wanted:
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    return written


def prune_images(html: Path) -> int:
    """Remove the figures no page shows any more from ``html/_images`` (Sphinx never deletes the images of
    an earlier build: after the data or a figure changed they would stay in the published folder).
    Returns how many were removed."""
    shown = set()
    for page in html.rglob("*.html"):
        shown |= set(re.findall(r'_images/([^"\'?#)\s]+)', page.read_text(encoding="utf-8", errors="replace")))
    removed = 0
    for image in (html / "_images").glob("*") if (html / "_images").is_dir() else []:
        if image.is_file() and image.name not in shown:
            image.unlink()
            removed += 1
    return removed


def build_html(stage: Path, target: Path, out: Path, fresh: bool = False, strict: bool = True) -> bool:
    """The strict Jupyter Book build of the staged sources ``stage``, kept in ``out`` (incremental), then
    synced into ``target``. ``fresh``: forget the previous build first. ``strict=False`` (a preview of
    some pages, whose links to the others cannot resolve): warnings do not fail the build."""
    if fresh or not (out / CLEAN).exists():
        shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    # Every page is written again (from Sphinx's saved doctrees: unchanged pages are not re-read, about 4 s
    # of writing): Sphinx 7.4's search index keeps the index entries (API names, glossary terms) only of
    # the pages it writes, so an incremental build's search lost those of every unchanged page.
    for page in (out / "_build" / "html").rglob("*.html"):
        if "_static" not in page.parts:
            page.unlink()
    (out / CLEAN).unlink(missing_ok=True)
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(stage), "--path-output", str(out),
           *(["-W", "-n", "--keep-going"] if strict else []), "--quiet"]
    ok = subprocess.run(cmd, cwd=ROOT).returncode == 0
    html = out / "_build" / "html"
    if html.exists():
        sync_tree(html, target, unstamp=True)
        prune_images(target)
    else:
        shutil.rmtree(target, ignore_errors=True)
    if ok:
        (out / CLEAN).touch()
    return ok
