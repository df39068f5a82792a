"""Cosine neighbours in chunks, shared across k (routerbench_utils.neighbours): the exact search and the
KNN router built on it giving the results of scikit-learn's brute-force KNN (dense or sparse features),
and the approximate search (search="ivf"): its recall against the exact one, determinism, errors."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.neighbors import KNeighborsRegressor, NearestNeighbors
from sklearn.preprocessing import normalize

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError
from routerbench_utils.routers import neighbours


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
        router = rbu.KNNRouter(min(k, len(tr))).fit(tr)  # k <= training prompts (MT-Bench: 5)
        x_train = router.embedder_.transform(tr["prompt"].tolist())
        x_test = router.embedder_.transform(te["prompt"].tolist())
        sk = KNeighborsRegressor(n_neighbors=min(k, len(tr)), metric="cosine", algorithm="brute")
        expected = np.clip(sk.fit(x_train, rbu.score_matrix(tr)).predict(x_test), 0.0, 1.0)
        np.testing.assert_array_equal(router.predict_quality(te), expected, err_msg=name)
        nearest = NearestNeighbors(n_neighbors=min(k, len(tr)), metric="cosine", algorithm="brute")
        sets = np.sort(nearest.fit(x_train).kneighbors(x_test, return_distance=False), axis=1)
        mine = np.sort(neighbours.cosine_neighbours(x_train, x_test, min(k, len(tr))), axis=1)
        np.testing.assert_array_equal(mine, sets, err_msg=name)


# --- the approximate search (search="ivf", faiss's inverted-file index) ---------------------------

try:
    import faiss  # noqa: F401
    HAVE_FAISS = True
except ImportError:
    HAVE_FAISS = False
# requirements.txt pins faiss-cpu, so the test command runs these; they skip, and say why, only where
# the optional package is missing
needs_faiss = pytest.mark.skipif(not HAVE_FAISS, reason="search='ivf' needs faiss-cpu, not installed "
                                 "(pip install 'routerbench_utils[scale]', or -r requirements.txt)")


def clustered(rng: np.random.Generator, n: int, centres: np.ndarray) -> np.ndarray:
    """Points around random centres (prompts of a few kinds), the structure an inverted file uses."""
    return centres[rng.integers(0, len(centres), n)] + rng.standard_normal((n, centres.shape[1]))


def recall(found: np.ndarray, exact: np.ndarray) -> float:
    """Share of the exact neighbour sets found, over all rows."""
    return float(np.mean([len(np.intersect1d(a, b)) for a, b in zip(found, exact)]) / exact.shape[1])


@needs_faiss
def test_ivf_finds_the_exact_neighbours_of_clustered_points():
    rng = np.random.default_rng(3)
    centres = rng.standard_normal((60, 32))
    train, test = clustered(rng, 5000, centres), clustered(rng, 1000, centres)
    exact = neighbours.cosine_neighbours(train, test, 40)
    found = neighbours.cosine_neighbours(train, test, 40, search="ivf")
    assert found.shape == exact.shape and found.dtype == exact.dtype
    assert (np.sort(found, axis=1)[:, 1:] != np.sort(found, axis=1)[:, :-1]).all()  # no repeats
    assert recall(found, exact) >= 0.95, recall(found, exact)
    # nearest first, in the exact distance up to single precision
    dist = 1 - np.einsum("ij,ikj->ik", normalize(test), normalize(train)[found])
    assert (np.diff(dist, axis=1) >= -1e-6).all()


@needs_faiss
def test_ivf_finds_the_exact_neighbours_of_the_embedded_prompts(small_data):
    train, test = rbu.official_split(small_data)
    embedder = rbu.embed.TfidfSvdEmbedder()
    x_train = rbu.embed.fit_transform(embedder, train["prompt"].tolist())
    x_test = embedder.transform(test["prompt"].tolist())
    exact = neighbours.cosine_neighbours(x_train, x_test, 40)
    found = neighbours.cosine_neighbours(x_train, x_test, 40, search="ivf")
    assert recall(found, exact) >= 0.95, recall(found, exact)


@needs_faiss
def test_ivf_is_deterministic_whatever_the_threads(monkeypatch):
    rng = np.random.default_rng(4)
    centres = rng.standard_normal((30, 16))
    train, test = clustered(rng, 4000, centres), clustered(rng, 600, centres)
    first = neighbours.cosine_neighbours(train, test, 10, search="ivf", random_state=5)
    again = neighbours.cosine_neighbours(train.copy(), test.copy(), 10, search="ivf", random_state=5)  # new index
    np.testing.assert_array_equal(first, again)
    monkeypatch.setattr(neighbours.os, "cpu_count", lambda: 1)  # one search thread instead of one per core
    np.testing.assert_array_equal(first, neighbours.cosine_neighbours(train.copy(), test.copy(), 10,
                                                                      search="ivf", random_state=5))
    # the router: two fits, the same predictions
    y = rng.uniform(size=(4000, 3))
    fits = [neighbours.CosineKNNRegressor(10, search="ivf", random_state=1).fit(train.copy(), y) for _ in range(2)]
    np.testing.assert_array_equal(fits[0].predict(test), fits[1].predict(test))


@needs_faiss
def test_ivf_edge_cases_match_the_exact_search():
    rng = np.random.default_rng(6)
    # a training split too small for cells (one flat list): the exact neighbours
    train, test = rng.standard_normal((60, 8)), rng.standard_normal((20, 8))
    np.testing.assert_array_equal(neighbours.cosine_neighbours(train, test, 7, search="ivf"),
                                  neighbours.cosine_neighbours(train, test, 7))
    # every training row a neighbour: the probed cells hold too few, so those rows go to the exact search
    train, test = rng.standard_normal((2000, 8)), rng.standard_normal((30, 8))
    test[0] = 0.0  # a zero query is at distance 1 from everything: the first rows, as the exact search
    found = neighbours.cosine_neighbours(train, test, 2000, search="ivf")
    np.testing.assert_array_equal(np.sort(found, axis=1), np.tile(np.arange(2000), (30, 1)))
    np.testing.assert_array_equal(found[0], np.arange(2000))
    fewer = neighbours.cosine_neighbours(train, test.copy(), 64, search="ivf")  # not a slice of the above
    assert fewer[0].tolist() == list(range(64))


@needs_faiss
def test_ivf_knn_router_routes_as_the_exact_one_and_clones(small_data):
    from sklearn.base import clone

    train, test = rbu.official_split(small_data)
    exact = rbu.KNNRouter(40).fit(train)
    approx = rbu.KNNRouter(40, search="ivf").fit(train)
    assert isinstance(approx.estimator_, neighbours.CosineKNNRegressor)
    assert approx.estimator_.get_params() == {"k": 40, "search": "ivf", "random_state": 0}
    gap = np.abs(approx.predict_quality(test) - exact.predict_quality(test)).mean()
    assert gap < 0.01, gap
    copy = clone(approx)
    assert copy.get_params() == approx.get_params() and not hasattr(copy, "estimator_")
    np.testing.assert_array_equal(copy.fit(train).route(test, 1.0), approx.route(test, 1.0))
    assert clone(neighbours.CosineKNNRegressor(5, search="ivf", random_state=3)).get_params() == {
        "k": 5, "search": "ivf", "random_state": 3}


def test_bad_search_raises_before_any_work(small_data, monkeypatch):
    train, _ = rbu.official_split(small_data)
    calls = []
    monkeypatch.setattr(rbu.embed.TfidfSvdEmbedder, "fit_transform", lambda *a: calls.append(a))
    for bad in ("hnsw", "IVF", None, 1):
        with pytest.raises(RouterBenchDataError, match="search: expected one of 'exact', 'ivf'"):
            rbu.KNNRouter(5, search=bad).fit(train)
    assert calls == []  # raised before the embedding was fitted
    with pytest.raises(RouterBenchDataError, match="search: expected"):
        neighbours.CosineKNNRegressor(5, search="approximate").fit(np.eye(3), np.ones(3))
    with pytest.raises(RouterBenchDataError, match="search: expected"):
        neighbours.cosine_neighbours(np.eye(3), np.eye(3), 1, search="brute")


def test_ivf_without_faiss_says_what_to_install(small_data, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "faiss", None)  # as if faiss-cpu were not installed
    train, _ = rbu.official_split(small_data)
    with pytest.raises(RouterBenchDataError, match=r"faiss-cpu \(pip install 'routerbench_utils\[scale\]'"):
        rbu.KNNRouter(5, search="ivf").fit(train)
    with pytest.raises(RouterBenchDataError, match="faiss-cpu"):
        neighbours.cosine_neighbours(np.eye(3), np.eye(3), 1, search="ivf")
    rbu.KNNRouter(5).fit(train)  # the exact search needs nothing


@needs_faiss
def test_ivf_rejects_sparse_features():
    x = sparse.random(50, 20, density=0.3, format="csr", random_state=0)
    with pytest.raises(RouterBenchDataError, match="search='ivf' needs dense features"):
        neighbours.CosineKNNRegressor(5, search="ivf").fit(x, np.ones(50))
    with pytest.raises(RouterBenchDataError, match="search='ivf' needs dense features"):
        neighbours.cosine_neighbours(x, x.toarray(), 5, search="ivf")


# --- sparse features (TF-IDF rows, say) in the exact search --------------------------------------

@pytest.mark.parametrize("form", ["csr", "csc", "coo"])
def test_sparse_features_give_scikit_learn_results(form):
    rng = np.random.default_rng(7)
    x = sparse.random(400, 300, density=0.05, format=form, random_state=1)
    q = sparse.random(90, 300, density=0.05, format=form, random_state=2)
    x = sparse.vstack([x, sparse.csr_matrix((1, 300))], format=form)  # and a zero row
    y = rng.integers(0, 3, (401, 4)) / 2
    for k in (1, 10, 40):
        sk = KNeighborsRegressor(n_neighbors=k, metric="cosine", algorithm="brute").fit(x, y)
        np.testing.assert_array_equal(neighbours.CosineKNNRegressor(k).fit(x, y).predict(q), sk.predict(q))
    # the same neighbours as the dense search of the same rows (up to the last bit's ties)
    dense = neighbours.cosine_neighbours(x.toarray(), q.toarray(), 40)
    assert recall(neighbours.cosine_neighbours(x, q, 40), dense) > 0.999
    assert recall(neighbours.cosine_neighbours(x, q.toarray(), 40), dense) > 0.999  # mixed kinds
