"""Every docstring example of the package runs as a doctest, on a small fixture.

The examples see ``rbu``, ``np``, ``pd`` and a small official split of the embedded data (``df``,
``train``, ``test``: three datasets at a twentieth of full size). An example may be skipped only with
its reason on the same line (``# not run: <reason>  # doctest: +SKIP``); the test fails on any other
skip, so an example cannot quietly stop running.
"""
from __future__ import annotations

import doctest
import importlib
import pkgutil
import re

import numpy as np
import pandas as pd
import pytest

import routerbench_utils as rbu

#: Modules whose skips carry no reason yet, and why they are left (none now; kept for a later change).
REASON_PENDING: dict[str, str] = {}


def modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(rbu.__path__, prefix="routerbench_utils.")]
    return sorted(["routerbench_utils"] + names)


@pytest.fixture(scope="module")
def globs():
    df = rbu.load(random_state=0, scale=0.05, verbose=False)
    df = df[rbu.data.dataset_column(df).isin(["arc-challenge", "mbpp", "winogrande"])]
    train, test = rbu.official_split(df)
    return {"rbu": rbu, "np": np, "pd": pd, "df": df, "train": train, "test": test}


def examples(name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(name)
    if hasattr(module, "__moved_to__"):  # a stub at an old path: its names are the new module's
        return []
    finder = doctest.DocTestFinder(exclude_empty=True)
    return [t for t in finder.find(module) if t.examples and t.name.startswith(name)]


@pytest.mark.parametrize("name", modules())
def test_docstring_examples_run(name, globs):
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in examples(name):
        test.globs = {**test.globs, **globs}
        runner.run(test, out=lambda text: None)
    result = runner.summarize(verbose=False)
    if result.failed:  # run again, printing the failures
        report = []
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        for test in examples(name):
            test.globs = {**test.globs, **globs}
            runner.run(test, out=report.append)
        pytest.fail("".join(report)[:4000])


@pytest.mark.parametrize("name", modules())
def test_a_skipped_example_says_why(name):
    unexplained = []
    for test in examples(name):
        for example in test.examples:
            if example.options.get(doctest.SKIP) and not re.search(r"#\s*not run: \S", example.source):
                unexplained.append(f"{test.name}: {example.source.strip()}")
    if name in REASON_PENDING:
        pytest.skip(f"{len(unexplained)} skips without a reason: {REASON_PENDING[name]}")
    assert not unexplained, "skipped without a reason: " + "; ".join(unexplained)


def test_the_examples_are_many_and_run():
    counted = sum(len(t.examples) for name in modules() for t in examples(name))
    assert counted > 100, counted
