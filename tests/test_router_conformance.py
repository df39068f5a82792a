"""Every router of the package answers one protocol (like scikit-learn's ``parametrize_with_checks``).

The routers are found by walking the package and collecting every public subclass of ``Router``, so a
new router cannot escape these checks: a class missing from ``SETTINGS`` below is checked with its
default parameters. Each check is one property of the protocol: ``clone`` gives an unfitted copy with
equal parameters, ``fit`` returns the router and changes none of its parameters (the embedding
included), a fixed ``random_state`` gives the same routes, ``curve`` is the tidy summary of ``sweep``
(columns ``setting``, ``cost``, ``quality``), and ``route`` answers its knob by keyword and takes the
constructor's value as its default.
"""
from __future__ import annotations

import copy
import importlib
import pickle
import pkgutil

import numpy as np
import pytest
from sklearn.base import clone

import routerbench_utils as rbu
from routerbench_utils.catalog import NO_MODEL_CORRECT
from routerbench_utils.embed import TfidfSvdEmbedder
from routerbench_utils.routers import Router, Sweep


def router_classes() -> dict[str, type]:
    """Every public, concrete ``Router`` subclass defined in the package, by class name."""
    for info in pkgutil.walk_packages(rbu.__path__, prefix="routerbench_utils."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            importlib.import_module(info.name)
    found, stack = {}, [Router]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("routerbench_utils.") and not sub.__name__.startswith("_"):
                found[sub.__name__] = sub
    return dict(sorted(found.items()))


#: Small settings that keep each check fast; a router not listed runs with its defaults.
SETTINGS = {
    "KNNRouter": {"k": 10},
    "MLPRouter": {"hidden": (20,), "max_iter": 50},
    "CascadeRouter": {"error_rate": 0.1},
    "LinUCBRouter": {"batch_size": 64},
}

ROUTERS = router_classes()


def make(name: str, **extra) -> Router:
    return ROUTERS[name](**{**SETTINGS.get(name, {}), **extra})


def seed_name(router: Router) -> str | None:
    params = router.get_params(deep=False)
    return next((n for n in ("random_state", "seed") if n in params), None)


@pytest.fixture(scope="module")
def split():
    df = rbu.load(random_state=2, scale=0.1, verbose=False)
    train, test = rbu.official_split(df)
    pick = lambda d: d[rbu.data.dataset_column(d) == "arc-challenge"]  # noqa: E731
    return pick(train), pick(test).iloc[:120]


@pytest.fixture(scope="module")
def fitted(split):
    return {name: make(name).fit(split[0]) for name in ROUTERS}


def test_the_walk_finds_every_router_family():
    expected = {"OracleRouter", "ZeroRouter", "KNNRouter", "MLPRouter", "SVMRouter", "TaskLabelRouter",
                "ClassifierRouter", "CascadeRouter", "LinUCBRouter", "CascadeRoutingRouter"}
    assert expected <= set(ROUTERS), expected - set(ROUTERS)
    assert set(SETTINGS) <= set(ROUTERS)


@pytest.mark.parametrize("name", ROUTERS)
def test_clone_gives_an_unfitted_copy_with_equal_parameters(name, fitted):
    router = fitted[name]
    copy_ = clone(router)
    assert type(copy_) is type(router) and not hasattr(copy_, "models_")
    assert pickle.dumps(copy_.get_params(deep=False)) == pickle.dumps(router.get_params(deep=False))


@pytest.mark.parametrize("name", ROUTERS)
def test_fit_returns_the_router_and_changes_no_parameter(name, split):
    router = make(name)
    extra = {}
    if "embedding" in router.get_params(deep=False):
        extra["embedding"] = TfidfSvdEmbedder(n_components=8)
        router.set_params(**extra)
    before = pickle.dumps(router.get_params(deep=False))
    state = {k: copy.deepcopy(v.__dict__) for k, v in extra.items()}
    assert router.fit(split[0]) is router
    assert pickle.dumps(router.get_params(deep=False)) == before
    for key, value in extra.items():  # the embedding given is not the one fitted
        assert value.__dict__.keys() == state[key].keys(), f"fit changed the {key} it was given"
        assert router.get_params()[key] is value


@pytest.mark.parametrize("name", ROUTERS)
def test_a_fixed_random_state_gives_the_same_routes(name, split):
    train, test = split
    seed = seed_name(make(name))
    extra = {seed: 3} if seed else {}
    first, second = make(name, **extra).fit(train), make(name, **extra).fit(train)
    a, b = first.sweep(test), second.sweep(test)
    np.testing.assert_array_equal(a.chosen, b.chosen)
    np.testing.assert_array_equal(a.cost, b.cost)


@pytest.mark.parametrize("name", ROUTERS)
def test_curve_is_the_tidy_summary_of_the_sweep(name, fitted, split):
    router, test = fitted[name], split[1]
    sweep = router.sweep(test)
    curve = router.curve(test)
    settings = router.default_settings()
    assert isinstance(sweep, Sweep) and sweep.knob == router.knob
    assert list(curve.columns) == ["setting", "cost", "quality"] and len(curve) == len(settings)
    assert sweep.chosen.shape == sweep.cost.shape == sweep.quality.shape == (len(settings), len(test))
    np.testing.assert_allclose(curve["cost"], sweep.cost.mean(axis=1))
    np.testing.assert_allclose(curve["quality"], sweep.quality.mean(axis=1))
    assert curve.equals(sweep.to_frame())
    _, cost, quality = router.outcomes(test)
    np.testing.assert_array_equal(cost, sweep.cost)
    np.testing.assert_array_equal(quality, sweep.quality)
    known = set(router.models_) | {NO_MODEL_CORRECT}
    assert set(np.unique(sweep.chosen.astype(str))) <= known
    assert "settings" in repr(sweep)
    again = rbu.evaluation.sweep(router, test)  # the evaluation layer's sweep is the router's own
    np.testing.assert_array_equal(again.chosen, sweep.chosen)


@pytest.mark.parametrize("name", ROUTERS)
def test_route_answers_its_knob(name, fitted, split):
    router, test = fitted[name], split[1]
    settings = router.default_settings()
    sweep = router.sweep(test, [settings[0], settings[-1]])
    for k, value in enumerate([settings[0], settings[-1]]):
        by_keyword = router.route(test, **{router.knob: value})
        assert len(by_keyword) == len(test)
        np.testing.assert_array_equal(np.asarray(by_keyword, dtype=object), sweep.chosen[k])
        np.testing.assert_array_equal(np.asarray(router.route(test, value), dtype=object), sweep.chosen[k])


@pytest.mark.parametrize("name", [n for n in ROUTERS if make(n).knob in make(n).get_params(deep=False)])
def test_a_knob_set_in_the_constructor_is_the_default_of_route(name, split):
    train, test = split
    knob = make(name).knob
    settings = make(name).fit(train).default_settings()
    low, high = settings[0], settings[-1]
    routed = {}
    for value in (low, high):
        router = make(name, **{knob: value}).fit(train)
        routed[value] = np.asarray(router.route(test), dtype=object)
        np.testing.assert_array_equal(routed[value], np.asarray(router.route(test, value), dtype=object))
    assert not np.array_equal(routed[low], routed[high]), "the constructor's knob changes nothing"
