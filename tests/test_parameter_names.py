"""Every public signature of the package uses the parameter names of ``routerbench_utils.vocabulary``:
no retired name (``seed``, ``params``, a bare ``budget``) and cost before quality, except the debts the
vocabulary writes down with their reason; and every retired keyword still answers, with a warning."""
from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

import routerbench_utils as rbu
from routerbench_utils import vocabulary


def public_signatures():
    """(qualified name, signature) of every public function, class and public method of the package."""
    for info in sorted(pkgutil.walk_packages(rbu.__path__, prefix="routerbench_utils."), key=lambda m: m.name):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        module = importlib.import_module(info.name)
        if hasattr(module, "__moved_to__"):
            continue
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            targets = []
            if inspect.isfunction(obj):
                targets.append((f"{info.name}.{name}", obj))
            elif inspect.isclass(obj):
                targets.append((f"{info.name}.{name}", obj))
                for attr, member in vars(obj).items():
                    if inspect.isfunction(member) and not attr.startswith("_"):
                        targets.append((f"{info.name}.{name}.{attr}", member))
            for qualified, target in targets:
                try:
                    yield qualified, inspect.signature(target)
                except (TypeError, ValueError):
                    continue


SIGNATURES = dict(public_signatures())


def violations(qualified: str, signature: inspect.Signature) -> list[tuple[str, str]]:
    names = [p.name for p in signature.parameters.values()
             if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    # a retired name may stay one release as a keyword-only alias defaulting to None
    alias = {p.name for p in signature.parameters.values() if p.kind == p.KEYWORD_ONLY and p.default is None}
    found = [(name, f"retired name {name!r}: use {vocabulary.RETIRED[name]}") for name in names
             if name in vocabulary.RETIRED and name not in alias]
    costs = [k for k, n in enumerate(names) if n in vocabulary.COST_NAMES]
    qualities = [k for k, n in enumerate(names) if n in vocabulary.QUALITY_NAMES]
    if costs and qualities and min(qualities) < min(costs):
        found.append(("order", f"quality before cost: {names}"))
    return [(key, why) for key, why in found if (qualified, key) not in vocabulary.EXCEPTIONS]


def test_the_walk_sees_the_signatures_it_checks():
    assert len(SIGNATURES) > 150
    assert "routerbench_utils.routers.predictive.KNNRouter" in SIGNATURES
    assert "routerbench_utils.metrics.bootstrap.bootstrap_aiq" in SIGNATURES


@pytest.mark.parametrize("qualified", sorted(SIGNATURES))
def test_every_public_signature_follows_the_vocabulary(qualified):
    bad = violations(qualified, SIGNATURES[qualified])
    assert not bad, f"{qualified}: " + "; ".join(why for _, why in bad)


def test_the_checker_catches_a_retired_name_and_a_swapped_order():
    def made_up(quality, cost, seed=0, *, params=None):
        return quality, cost, seed, params

    assert {key for key, _ in violations("x.made_up", inspect.signature(made_up))} == {"seed", "order"}


def test_every_exception_still_exists():
    """An exception that no longer matches a signature is stale: remove it from the vocabulary."""
    for qualified, key in vocabulary.EXCEPTIONS:
        assert qualified in SIGNATURES, qualified
        names = list(SIGNATURES[qualified].parameters)
        assert key == "order" or key in names, (qualified, key)


@pytest.mark.parametrize("call", [
    lambda: rbu.KNNRouter(5, seed=3),
    lambda: rbu.bootstrap_aiq([[1.0, 2.0]], [[0.5, 0.5]], n_boot=2, seed=1),
    lambda: rbu.evaluation.best_within_budget([1.0, 2.0], [0.5, 0.8], budget=2.5),
    lambda: rbu.embed.TfidfSvdEmbedder(seed=2),
], ids=["KNNRouter", "bootstrap_aiq", "best_within_budget", "TfidfSvdEmbedder"])
def test_a_retired_keyword_still_answers_with_a_warning(call):
    with pytest.warns(DeprecationWarning, match="has moved to"):
        result = call()
    if isinstance(result, rbu.Router):
        assert result.random_state == 3 and "seed" not in result.get_params()


@pytest.mark.parametrize("name", ["load", "embedded_routerbench", "official_split",
                                  "add_assumed_latency"])
def test_the_data_layer_takes_random_state_and_seed_still_answers_with_a_warning(name):
    """The data layer's seed was renamed random_state last: seed= warns and gives the same rows, a
    positional seed still works, and random_state= gives no warning."""
    frame = rbu.embedded_routerbench(0, scale=0.02)
    calls = {
        "load": lambda **kw: rbu.load(scale=0.02, verbose=False, **kw),
        "embedded_routerbench": lambda **kw: rbu.embedded_routerbench(scale=0.02, **kw),
        "official_split": lambda **kw: rbu.official_split(frame, 0.7, **kw)[0],
        "add_assumed_latency": lambda **kw: rbu.latency.add_assumed_latency(frame, **kw),
    }
    positional = {
        "load": lambda: rbu.load(None, 3, 0.02, False),
        "embedded_routerbench": lambda: rbu.embedded_routerbench(3, 0.02),
        "official_split": lambda: rbu.official_split(frame, 0.7, 3)[0],
        "add_assumed_latency": lambda: rbu.latency.add_assumed_latency(frame, 3),
    }
    assert any(q.endswith("." + name) and "random_state" in SIGNATURES[q].parameters
               and "seed" not in SIGNATURES[q].parameters for q in SIGNATURES)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        new = calls[name](random_state=3)
        by_position = positional[name]()
    with pytest.warns(DeprecationWarning, match=r"keyword 'seed' of .*has moved to 'random_state'"):
        old = calls[name](seed=3)
    pd.testing.assert_frame_equal(old, new)
    pd.testing.assert_frame_equal(by_position, new)
    with pytest.raises(TypeError, match="both"):
        calls[name](seed=3, random_state=3)


def test_new_names_give_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert rbu.KNNRouter(5, random_state=3).get_params()["random_state"] == 3


# --- the functions the chapters define follow the same vocabulary ---------------------------------------

BOOK = Path(__file__).resolve().parents[1] / "book"
CHAPTERS = sorted(BOOK.glob("*.ipynb"))
#: Chapters that still define a function with a retired parameter name, and why they are left: an
#: expected failure while the chapter does, a plain pass once it does not (then remove it from here).
CHAPTER_DEBTS: dict[str, str] = {}


def _signature(node: ast.FunctionDef | ast.AsyncFunctionDef) -> inspect.Signature:
    """The signature of a function read from source (defaults only where ``violations`` reads them)."""
    a = node.args
    params = [inspect.Parameter(arg.arg, inspect.Parameter.POSITIONAL_ONLY) for arg in a.posonlyargs]
    params += [inspect.Parameter(arg.arg, inspect.Parameter.POSITIONAL_OR_KEYWORD) for arg in a.args]
    for arg, default in zip(a.kwonlyargs, a.kw_defaults):
        none = isinstance(default, ast.Constant) and default.value is None
        params.append(inspect.Parameter(arg.arg, inspect.Parameter.KEYWORD_ONLY,
                                        default=None if none else inspect.Parameter.empty))
    return inspect.Signature(params)


def chapter_functions(source: str) -> dict[str, inspect.Signature]:
    """Every function (and method) that a cell's code defines, by name, with its signature."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]  # magics
    return {node.name: _signature(node) for node in ast.walk(ast.parse("\n".join(lines)))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def chapter_signatures(path: Path) -> dict[str, inspect.Signature]:
    found: dict[str, inspect.Signature] = {}
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "code":
            found.update(chapter_functions("".join(cell["source"])))
    return found


def test_the_chapter_walk_sees_the_functions_the_chapters_define():
    assert {"noisy_label", "label", "route"} <= set(chapter_signatures(BOOK / "byo.ipynb"))
    assert "mix" in chapter_signatures(BOOK / "interpolation.ipynb")
    source = "def draw(rows, seed=0):\n    return rows\n\n\nclass R:\n    def route(self, quality, cost):\n        pass\n"
    found = chapter_functions(source)
    assert [key for key, _ in violations("draw", found["draw"])] == ["seed"]
    assert [key for key, _ in violations("R.route", found["route"])] == ["order"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_function_a_chapter_defines_follows_the_vocabulary(path):
    bad = {name: "; ".join(why for _, why in found) for name, signature in chapter_signatures(path).items()
           if (found := violations(f"{path.stem}.{name}", signature))}
    if path.stem in CHAPTER_DEBTS and bad:
        pytest.xfail(f"{CHAPTER_DEBTS[path.stem]}: {bad}")
    assert not bad, f"{path.name} defines functions against the vocabulary: {bad}"
