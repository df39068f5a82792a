"""The README's real-file build honours the reader's file: its command, run as the README writes it with
``ROUTERBENCH_DATA`` set to a file in the official pickle format, builds a chapter's page from that file
(the page's data note names it and its datasets), not from the embedded data.

The README's one-page form of the build (``--chapter``) is used: the whole book on the file is the same
code path for every chapter and takes about two minutes. The build goes to a folder of its own
(``RBU_BUILD_DIR``), so that the test command's pages are not touched while other tests read them.
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import routerbench_utils as rbu

ROOT = Path(__file__).resolve().parents[1]
README_PATH = "/path/to/routerbench_5shot.pkl"  # the README's placeholder for the reader's file


def readme_command() -> str:
    """The README's command that builds one page on the reader's file."""
    readme = (ROOT / "README.md").read_text()
    found = re.findall(rf"^(ROUTERBENCH_DATA={re.escape(README_PATH)} bash scripts/build-book\.sh --chapter \w+)",
                       readme, re.M)
    assert found, "the README shows no one-page build on the reader's file"
    return found[0]


def test_the_readme_build_computes_the_page_on_the_readers_file(tmp_path):
    data = tmp_path / "my_routerbench_file.pkl"
    rbu.embedded_routerbench(random_state=0, scale=0.3, quirks=True,
                             datasets=["arc-challenge", "mbpp", "winogrande"]).to_pickle(data)
    command = readme_command()
    chapter = command.rsplit(" ", 1)[1]
    env = {k: v for k, v in os.environ.items() if k != "ROUTERBENCH_DATA"}
    env["RBU_BUILD_DIR"] = str(tmp_path / "build")
    done = subprocess.run(command.replace(README_PATH, str(data)), shell=True, cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    page = (tmp_path / "build" / "preview" / "html" / "book" / f"{chapter}.html").read_text()
    note = re.search(r"This page ran on(.{0,800})", page, re.S)  # the data note that opens the chapter
    assert note, "the page has no data note"
    assert "my_routerbench_file.pkl" in note.group(1), "the page does not name the reader's file"
    assert "ARC-Challenge" in note.group(1) and "synthetic" not in note.group(1).lower(), note.group(1)
