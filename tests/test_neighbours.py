"""Exact cosine neighbours in chunks, shared across k (routerbench_utils.neighbours), and the KNN
router built on them giving the results of scikit-learn's brute-force KNN."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.neighbors import KNeighborsRegressor, NearestNeighbors
from sklearn.preprocessing import normalize

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError, neighbours


def reference(train: np.ndarray, test: np.ndarray, k: int) -> np.ndarray:
    """Every pair's distance in double precision (rows scaled to unit length, one dot product per
    pair, as the search computes its candidates'); nearest first, ties by position."""
    x, q = normalize(train), normalize(test)
    dots = np.einsum("ij,ij->i", np.repeat(q, len(x), axis=0), np.tile(x, (len(q), 1)))
    dist = np.clip(1.0 - dots.reshape(len(q), len(x)), 0.0, 2.0)
    order = np.lexsort((np.broadcast_to(np.arange(len(train)), dist.shape), dist), axis=1)
    return order[:, :k]


def features(rng: np.random.Generator, n: int, dim: int, duplicates: bool) -> np.ndarray:
    x = rng.standard_normal((n, dim))
    if duplicates:
        # repeated and rescaled rows (cosine 1, give or take the last bit: ties once clipped), rows a
        # hair apart (their order needs double precision), and a zero row
        x[rng.integers(0, n, n // 4)] = x[0]
        rescaled = rng.integers(0, n, n // 4)
        x[rescaled] = x[0] * rng.uniform(0.5, 3.0, (len(rescaled), 1))
        near = rng.integers(0, n, n // 4)
        x[near] = x[n // 2] + 1e-7 * rng.standard_normal((len(near), dim))
        x[-1] = 0.0
    return x


@settings(max_examples=40, deadline=None)
@given(n_train=st.integers(1, 60), n_test=st.integers(1, 30), dim=st.integers(1, 8),
       seed=st.integers(0, 10_000), duplicates=st.booleans(), chunk=st.sampled_from([1, 200, 10**8]))
def test_neighbours_are_the_exact_double_precision_ones_with_ties_by_position(n_train, n_test, dim, seed, duplicates, chunk):
    rng = np.random.default_rng(seed)
    train, test = features(rng, n_train, dim, duplicates), features(rng, n_test, dim, duplicates)
    if duplicates:
        test[: n_test // 2] = train[rng.integers(0, n_train, n_test // 2)]  # queries on the clusters
    k = int(rng.integers(1, n_train + 1))
    got = neighbours._search(train, test, k, chunk)
    np.testing.assert_array_equal(got, reference(train, test, k))


def test_one_search_serves_every_smaller_k(monkeypatch):
    rng = np.random.default_rng(0)
    train, test = rng.standard_normal((300, 5)), rng.standard_normal((40, 5))
    calls = []
    search = neighbours._search
    monkeypatch.setattr(neighbours, "_search", lambda *a: calls.append(a[2]) or search(*a))
    forty = neighbours.cosine_neighbours(train, test, 40)
    five = neighbours.cosine_neighbours(train, test, 5)
    assert calls == [neighbours.SHARED_K]  # one search, for SHARED_K neighbours
    np.testing.assert_array_equal(five, forty[:, :5])
    neighbours.cosine_neighbours(train, test, 100)  # more than was found: a new search
    neighbours.cosine_neighbours(train.copy(), test, 5)  # another array: a new search
    assert calls == [neighbours.SHARED_K, 100, neighbours.SHARED_K]


def test_bad_arguments_raise():
    with pytest.raises(RouterBenchDataError, match="k: expected 1 <= k <= 3"):
        neighbours.cosine_neighbours(np.eye(3), np.eye(3), 4)
    with pytest.raises(RouterBenchDataError, match="same number of columns"):
        neighbours.cosine_neighbours(np.eye(3), np.eye(2), 1)


def test_regressor_predicts_as_scikit_learn_brute_force():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((500, 6)), rng.integers(0, 3, (500, 4)) / 2
    q = rng.standard_normal((80, 6))
    for k in (1, 5, 40, 500, 900):  # 900: shrunk to the 500 training rows
        sk = KNeighborsRegressor(n_neighbors=min(k, 500), metric="cosine", algorithm="brute").fit(x, y)
        np.testing.assert_array_equal(neighbours.CosineKNNRegressor(k).fit(x, y).predict(q), sk.predict(q))


@pytest.mark.parametrize("k", [5, 10, 40])
def test_knn_router_gives_scikit_learn_results_on_the_embedded_data(small_data, k):
    """The KNN router's predictions are those of scikit-learn's brute-force cosine KNN (the router's
    previous implementation) on every dataset of the embedded data."""
    train, test = rbu.official_split(small_data)
    for name, tr, te in rbu.by_dataset(train, test):
        router = rbu.KNNRouter(k).fit(tr)
        x_train = router.embedder_.transform(tr["prompt"].tolist())
        x_test = router.embedder_.transform(te["prompt"].tolist())
        sk = KNeighborsRegressor(n_neighbors=min(k, len(tr)), metric="cosine", algorithm="brute")
        expected = np.clip(sk.fit(x_train, rbu.score_matrix(tr)).predict(x_test), 0.0, 1.0)
        np.testing.assert_array_equal(router.predict_quality(te), expected, err_msg=name)
        nearest = NearestNeighbors(n_neighbors=min(k, len(tr)), metric="cosine", algorithm="brute")
        sets = np.sort(nearest.fit(x_train).kneighbors(x_test, return_distance=False), axis=1)
        mine = np.sort(neighbours.cosine_neighbours(x_train, x_test, min(k, len(tr))), axis=1)
        np.testing.assert_array_equal(mine, sets, err_msg=name)
