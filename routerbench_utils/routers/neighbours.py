"""Nearest neighbours in cosine distance, in chunks of bounded memory, shared across k: exact by
default, approximate (an inverted-file index of faiss) on request.

The KNN router's cost is one search: every test prompt against every training prompt. This module
does it once per (training features, test features) pair, for the largest number of neighbours any
router asks for, and keeps the result, so the routers of a comparison (k = 5, 10, 40) and every
willingness to pay share it. Test prompts go in chunks whose distance block stays under a memory
budget, whatever the sizes.

The exact search costs :math:`O(n_{train}\\, n_{test})`: about 90 s of CPU at 10^5 x 10^5
prompts. ``search="ivf"`` (optional extra: ``pip install 'routerbench_utils[scale]'``) searches an
inverted-file index instead, :math:`O(n_{test} \\sqrt{n_{train}})`, and finds about 99% of the
exact neighbours on the book's data (``benchmarks/bench_knn.py`` measures both). The inverted file
was chosen over faiss's HNSW graph by measurement, on the book's embedding at 10^5 x 10^5 prompts:
3.5 s to build and 7 s of CPU to search (recall 0.994), against 7.8 s and 5.1 s (recall 0.993) for
HNSW (M = 32), both built on one thread and searching on every core. The index is built on one
thread so that it does not depend on the number of cores (faiss's k-means found other cells on two
threads than on one), in the background while the test prompts are embedded.

See the chapter :ref:`chap-predictive` ("Predictive routers").
"""
from __future__ import annotations

import os
import weakref
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from .._deprecated import renamed_argument, renamed_keywords
from ..errors import RouterBenchDataError

#: Every search finds at least this many neighbours (when there are as many training prompts), so
#: that one search serves every router with k up to it: selecting more costs next to nothing.
SHARED_K = 64
#: The largest distance block (test chunk x training prompts) a search holds at once, in bytes.
CHUNK_BYTES = 128 * 2**20
#: The neighbour searches ``search=`` accepts: ``"exact"`` (the default, every pair's distance) and
#: ``"ivf"`` (approximate: faiss's inverted-file index, an optional extra).
SEARCHES = ("exact", "ivf")
#: ``search="ivf"``: the index has ``IVF_LISTS_PER_ROOT * sqrt(n_train)`` lists (k-means cells),
#: at most one per 39 training rows (faiss's minimum per centroid).
IVF_LISTS_PER_ROOT = 4
#: ``search="ivf"``: each query scans the training rows of its ``IVF_PROBES`` nearest lists.
IVF_PROBES = 32
#: ``search="ivf"``: k-means iterations, and training rows sampled per list (seeded), of the index.
IVF_KMEANS = (10, 64)
#: ``search="ivf"``: test rows per call of the index (a thread's chunk).
IVF_CHUNK = 4096

_SEARCHES: dict[tuple, tuple] = {}
_INDEXES: dict[tuple, tuple] = {}


def check_search(search: object) -> str:
    """Validate a ``search`` argument: one of :data:`SEARCHES`, with faiss installed for ``"ivf"``.

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    search : object
        The value to check.

    Returns
    -------
    str
        ``search`` itself.

    Raises
    ------
    RouterBenchDataError
        If ``search`` is not one of :data:`SEARCHES`, or is ``"ivf"`` and the optional package
        faiss-cpu is not installed.
    """
    if not isinstance(search, str) or search not in SEARCHES:
        raise RouterBenchDataError(f"search: expected one of {', '.join(map(repr, SEARCHES))} (exact "
                                   f"neighbours, or approximate ones from an inverted-file index), "
                                   f"got {search!r}")
    if search == "ivf":
        _faiss()
    return search


def _faiss():
    try:
        import faiss
    except ImportError as exc:
        raise RouterBenchDataError(
            "search='ivf' needs the optional package faiss-cpu (pip install 'routerbench_utils[scale]' "
            "or pip install faiss-cpu); search='exact', the default, needs nothing") from exc
    return faiss


def _is_sparse(x) -> bool:
    return sparse.issparse(x)


def _as_features(x):
    """A 2-D array, or a scipy sparse matrix in CSR form (kept as it is when it already is)."""
    if _is_sparse(x):
        return x if x.format == "csr" else sparse.csr_matrix(x)
    return np.asarray(x)


@renamed_keywords(seed="random_state")
def cosine_neighbours(train, test, k: int, chunk_bytes: int = CHUNK_BYTES, search: str = "exact",
                      random_state: int = 0) -> np.ndarray:
    """Indices of the ``k`` training rows nearest to each test row in cosine distance.

    .. math:: d(x, y) = \\min\\Big(2, \\max\\big(0,\\; 1 - \\frac{x^\\top y}{\\lVert x\\rVert\\,
        \\lVert y\\rVert}\\big)\\Big)

    in double precision from rows scaled to unit length, as scikit-learn's ``cosine_distances``
    computes it: the neighbours of its brute-force search (the same on the book's data; the two
    could differ only where two distances agree to the last bit). Ties are broken by the training
    row's position, so the first ``j`` of the ``k`` neighbours are the ``j`` nearest for any
    ``j <= k``: a search for the largest ``k`` serves every smaller one. The similarities are
    screened in single precision and only the candidates within its error of the ``k``-th are
    computed in double precision, which halves the time of the matrix product. Sparse features
    (scipy) are searched in double precision throughout.

    ``search="ivf"`` is approximate: faiss's inverted-file index (k-means cells of the training rows,
    seeded by ``random_state``) compares each query with the training rows of its :data:`IVF_PROBES`
    nearest cells only, and ranks them by their single-precision similarity, equal ones by position
    (a zero query row gets the first ``k`` rows, as in the exact search). It finds about 99% of the
    exact neighbours on the book's data. Its results depend on the random_state only: the index is built on
    one thread, and each query is searched independently of the others and of the threads.

    Results are kept per pair of arrays (while both exist) for the largest ``k`` asked, at least
    :data:`SHARED_K`: a second call with the same arrays, search and random_state and a ``k`` no larger
    returns a slice.

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    train : ndarray or scipy sparse matrix of shape (n_train, dimensions)
        Training features.
    test : ndarray or scipy sparse matrix of shape (n_test, dimensions)
        Query features.
    k : int
        Neighbours per test row, 1 <= k <= n_train.
    chunk_bytes : int
        Memory budget of one distance block of the exact search; the test rows go in chunks of
        ``max(1, chunk_bytes // (8 * n_train))`` (``search="ivf"`` holds no such block).
    search : {"exact", "ivf"}, default "exact"
        Every pair's distance, or candidates from an inverted-file index (needs faiss-cpu, the
        ``scale`` extra; dense features only).
    random_state : int, default 0
        Seed of the index's k-means (``search="ivf"``; unused by the exact search).

    Returns
    -------
    ndarray of int, shape (n_test, k)
        Per test row, training row indices from nearest to farthest.

    Raises
    ------
    RouterBenchDataError
        If the feature dimensions differ, ``k`` is outside [1, n_train], ``search`` is unknown, or
        ``search="ivf"`` gets sparse features or lacks faiss.

    Examples
    --------
    >>> cosine_neighbours(np.eye(3), np.array([[1.0, 0.1, 0.0]]), 2)
    array([[0, 1]])
    """
    check_search(search)
    train, test = _as_features(train), _as_features(test)
    if train.ndim != 2 or test.ndim != 2 or train.shape[1] != test.shape[1]:
        raise RouterBenchDataError(
            f"features: training {train.shape} and test {test.shape} need the same number of columns")
    n_train = train.shape[0]
    if not 1 <= k <= n_train:
        raise RouterBenchDataError(f"k: expected 1 <= k <= {n_train} training rows, got {k}")
    if search == "ivf" and (_is_sparse(train) or _is_sparse(test)):
        raise RouterBenchDataError(
            "features: search='ivf' needs dense features, got a sparse matrix; project them first "
            "(e.g. sklearn's TruncatedSVD(random_state=0), as the default embedding does) or use "
            "search='exact'")
    key = (id(train), id(test), search, random_state if search == "ivf" else None)
    kept = _SEARCHES.get(key)
    if kept is not None and kept[0]() is train and kept[1]() is test and kept[2].shape[1] >= k:
        return kept[2][:, :k]
    shared = min(n_train, max(k, SHARED_K))
    if search == "ivf":
        found = _ivf_search(train, test, shared, random_state)
    elif _is_sparse(train) or _is_sparse(test):
        found = _sparse_search(train, test, shared, chunk_bytes)
    else:
        found = _search(train, test, shared, chunk_bytes)
    _keep(_SEARCHES, key, (train, test), found)
    return found[:, :k]


def _keep(store: dict, key: tuple, arrays: tuple, value) -> None:
    """Keep ``value`` under ``key`` while the ``arrays`` exist (weak references); forget the dead."""
    try:
        store[key] = tuple(weakref.ref(a) for a in arrays) + (value,)
        # forget entries whose arrays are gone (their ids may be reused)
        for other in [o for o, v in store.items() if any(r() is None for r in v[:-1])]:
            del store[other]
    except TypeError:  # an array type without weak references: no sharing
        pass


def _search(train: np.ndarray, test: np.ndarray, k: int, chunk_bytes: int) -> np.ndarray:
    """The k nearest training rows of every test row, nearest first, ties by training position.

    Per chunk of test rows: similarities in single precision (half the time of double), each row's
    k-th largest, and the training rows within twice the single-precision error ``eps`` of it or
    above. Only these (about k per row) get their distance in double precision, ranked exactly:
    every true neighbour is among them, ties included, so the result is the exact double-precision
    one. Chunks run on one thread per core (NumPy and BLAS release the GIL), each holding its share
    of ``chunk_bytes``.
    """
    x = normalize(np.asarray(train, dtype=float))  # as cosine_distances scales its arguments
    x32 = x.astype(np.float32)
    n = len(x)
    out = np.empty((len(test), k), dtype=np.intp)
    workers = max(1, min(os.cpu_count() or 1, len(test)))
    rows = max(1, int(chunk_bytes) // (workers * 2 * 4 * n))  # a block and partition's copy each
    starts = range(0, len(test), rows)

    def one(start: int) -> None:
        q = normalize(np.asarray(test[start:start + rows], dtype=float))
        sim = q.astype(np.float32) @ x32.T
        kth = np.partition(sim, n - k, axis=1)[:, n - k]  # the k-th largest, in single precision
        # a true neighbour is within 2 eps of it or above (its error and the k-th's add up); 1 - s
        # rounds to 0 for every s >= 1, so those are kept together
        row, col = np.nonzero(sim >= np.minimum(kth - 2 * _EPS32, 1.0 - 2 * _EPS32)[:, None])
        del sim
        # their distances in double precision, as cosine_distances computes them, ranked exactly
        dist = np.clip(1.0 - np.einsum("ij,ij->i", q[row], x[col]), 0.0, 2.0)
        order = np.lexsort((col, dist, row))  # by row, then distance, then position
        first = np.searchsorted(row[order], np.arange(len(q)))  # where each row's candidates begin
        out[start:start + len(q)] = col[order][first[:, None] + np.arange(k)]

    with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, starts))  # list() re-raises a worker's exception
    return out


#: A bound on the error of a single-precision dot product of two unit vectors of up to a few
#: hundred dimensions (inputs rounded to 2^-24, and n 2^-24 for the sum), with room to spare.
_EPS32 = 1e-5


def _sparse_search(train, test, k: int, chunk_bytes: int) -> np.ndarray:
    """:func:`_search` for scipy sparse features (TF-IDF rows, say), in double precision throughout.

    Per chunk of test rows, the distance block as ``cosine_distances`` computes it for sparse input
    (a sparse product of the unit-length rows), each row's k-th smallest distance, and the training
    rows at or below it ranked by distance, then position, one chunk after the other.
    """
    x = normalize(sparse.csr_matrix(train, dtype=float))
    xt = x.T.tocsr()
    n, m = x.shape[0], test.shape[0]
    out = np.empty((m, k), dtype=np.intp)
    rows = max(1, int(chunk_bytes) // (3 * 8 * n))  # the block, its distances and partition's copy
    for start in range(0, m, rows):
        q = normalize(sparse.csr_matrix(test[start:start + rows], dtype=float))
        dist = np.clip(1.0 - (q @ xt).toarray(), 0.0, 2.0)
        kth = np.partition(dist, k - 1, axis=1)[:, k - 1]
        row, col = np.nonzero(dist <= kth[:, None])
        order = np.lexsort((col, dist[row, col], row))  # by row, then distance, then position
        first = np.searchsorted(row[order], np.arange(q.shape[0]))
        out[start:start + q.shape[0]] = col[order][first[:, None] + np.arange(k)]
    return out


def _ivf_index(train: np.ndarray, random_state: int, wait: bool = True):
    """The faiss index of the unit-length training rows (kept while ``train`` exists, per random_state).

    An inverted file on inner products (cosine similarity of unit vectors): k-means cells of the
    rows (:data:`IVF_LISTS_PER_ROOT` ``* sqrt(n)`` of them, at most ``n // 39``; :data:`IVF_KMEANS`
    iterations on a seeded sample), each row stored in full in its cell's list. Under 78 training
    rows, one flat list (an exhaustive search). Built in a background thread whose OpenMP setting is
    one thread (faiss's k-means on several threads depends on their number), so the index depends on
    the random_state only, and the caller goes on meanwhile (a router's fit returns while its index is built
    and the test prompts are embedded): ``wait=False`` returns the future, ``wait=True`` the index.
    """
    key = (id(train), int(random_state))
    kept = _INDEXES.get(key)
    if kept is None or kept[0]() is not train:
        faiss = _faiss()
        x = np.ascontiguousarray(normalize(np.asarray(train, dtype=float)), dtype=np.float32)
        n, dim = x.shape
        lists = int(max(1, min(IVF_LISTS_PER_ROOT * np.sqrt(n), n // 39)))

        def build():
            faiss.omp_set_num_threads(1)  # this thread's setting: the caller's is left as it was
            if lists == 1:
                index = faiss.IndexFlatIP(dim)
            else:
                index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, lists, faiss.METRIC_INNER_PRODUCT)
                index.cp.seed = int(random_state)
                index.cp.niter, index.cp.max_points_per_centroid = IVF_KMEANS
                index.train(x)
                index.nprobe = min(IVF_PROBES, lists)
            index.add(x)
            return index

        global _BUILDER
        if _BUILDER is None:
            _BUILDER = ThreadPoolExecutor(1, thread_name_prefix="routerbench-ivf")
        kept = (None, _BUILDER.submit(build))
        _keep(_INDEXES, key, (train,), kept[1])
    return kept[1].result() if wait else kept[1]


_BUILDER: ThreadPoolExecutor | None = None


def _ivf_search(train: np.ndarray, test: np.ndarray, k: int, random_state: int) -> np.ndarray:
    """The k nearest training rows of every test row among the index's candidates, nearest first.

    Per chunk of test rows: the index's ``k`` best candidates by single-precision inner product of
    the unit-length rows, equal similarities ordered by position. A zero query row is at distance 1
    from every training row: its neighbours are the first ``k`` rows, as in the exact search. Rows
    for which the index finds fewer than ``k`` candidates (tiny cells) go to the exact search.
    Chunks of :data:`IVF_CHUNK` rows run on one thread per core (faiss releases the GIL), each
    searching its queries one after the other: a query's result does not depend on the others, nor
    on the number of threads.
    """
    faiss = _faiss()
    index = _ivf_index(train, random_state)
    m = test.shape[0]
    out = np.empty((m, k), dtype=np.intp)
    workers = max(1, min(os.cpu_count() or 1, m))
    rows = max(1, min(IVF_CHUNK, -(-m // workers)))

    def one(start: int) -> None:
        faiss.omp_set_num_threads(1)  # this thread's setting only
        q = normalize(np.asarray(test[start:start + rows], dtype=float))
        sim, found = index.search(np.ascontiguousarray(q, dtype=np.float32), k)
        by_position = np.argsort(found, axis=1, kind="stable")  # -1 (none found) first, then positions
        sim, found = np.take_along_axis(sim, by_position, 1), np.take_along_axis(found, by_position, 1)
        sim[found < 0] = -np.inf
        nearest = np.argsort(-sim, axis=1, kind="stable")  # by similarity, equal ones by position
        found = np.take_along_axis(found, nearest, 1)
        found[~q.any(axis=1)] = np.arange(k)  # zero queries: every distance is 1
        out[start:start + len(q)] = found

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, range(0, m, rows)))  # list() re-raises a worker's exception
    short = np.flatnonzero((out < 0).any(axis=1))
    if len(short):
        out[short] = _search(train, test[short], k, CHUNK_BYTES)
    return out


class CosineKNNRegressor(BaseEstimator):
    """The mean target of the ``k`` nearest training rows in cosine distance.

    .. math:: \\hat y(x) = \\frac{1}{k} \\sum_{j \\in N_k(x)} y_j

    With ``search="exact"`` (the default), the predictions of scikit-learn's
    ``KNeighborsRegressor(n_neighbors=k, metric="cosine", algorithm="brute")``, from
    :func:`~routerbench_utils.routers.neighbours.cosine_neighbours`: chunked, shared with every other
    regressor fitted on the same feature array and asked about the same test array, and ``k`` shrunk
    to the training size on a small split instead of failing. Dense arrays and scipy sparse matrices
    are accepted. With ``search="ivf"``, :math:`N_k(x)` comes from faiss's inverted-file index
    (approximate, about 99% of the exact neighbours on the book's data, in a fraction of the time on
    large splits; needs the ``scale`` extra); ``fit`` builds the index.

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    k : int, default 40
        Neighbours averaged.
    search : {"exact", "ivf"}, default "exact"
        The neighbour search (see :func:`~routerbench_utils.routers.neighbours.cosine_neighbours`).
    random_state : int, default 0
        Seed of the inverted-file index's k-means (``search="ivf"`` only).

    Attributes
    ----------
    n_neighbors_ : int
        ``min(k, number of training rows)``.
    """

    def __init__(self, k: int = 40, search: str = "exact", random_state: int = 0, **renamed):
        self.k = k
        self.search = search
        self.random_state = renamed_argument(renamed, "seed", "random_state", random_state,
                                             type(self).__name__)

    def fit(self, X, y: np.ndarray) -> "CosineKNNRegressor":
        """Keep the training features (the array itself, so that searches are shared) and targets.

        With ``search="ivf"``, also start building the index of the training features (or reuse
        it), in a background thread: ``predict`` waits for it.

        Parameters
        ----------
        X : ndarray or scipy sparse matrix of shape (n, dimensions)
            Training features.
        y : ndarray of shape (n,) or (n, outputs)
            Targets.

        Returns
        -------
        CosineKNNRegressor
            The regressor itself, fitted.

        Raises
        ------
        RouterBenchDataError
            If ``X`` and ``y`` differ in rows or are empty, ``search`` is unknown, or
            ``search="ivf"`` gets sparse features or lacks faiss.
        """
        check_search(self.search)
        self.X_ = _as_features(X)
        self.y_ = np.asarray(y, dtype=float)
        n = self.X_.shape[0] if self.X_.ndim else 0
        if n == 0 or len(self.y_) != n:
            raise RouterBenchDataError(f"X, y: expected the same positive number of rows, got {n} "
                                       f"and {len(self.y_)}")
        self.n_neighbors_ = int(min(self.k, n))
        if self.search == "ivf":
            if _is_sparse(self.X_):
                raise RouterBenchDataError(
                    "X: search='ivf' needs dense features, got a sparse matrix; project them first "
                    "(e.g. sklearn's TruncatedSVD(random_state=0), as the default embedding does) or "
                    "use search='exact'")
            _ivf_index(self.X_, self.random_state, wait=False)  # built while the caller goes on
        return self

    def predict(self, X) -> np.ndarray:
        """Mean target of each row's nearest training rows.

        Parameters
        ----------
        X : ndarray or scipy sparse matrix of shape (n_test, dimensions)
            Query features.

        Returns
        -------
        ndarray of shape (n_test,) or (n_test, outputs)
        """
        neighbours = cosine_neighbours(self.X_, X, self.n_neighbors_, search=self.search, random_state=self.random_state)
        out = np.empty((len(neighbours),) + self.y_.shape[1:])
        rows = max(1, CHUNK_BYTES // (8 * self.n_neighbors_ * max(1, int(np.prod(self.y_.shape[1:])))))
        for start in range(0, len(neighbours), rows):  # bounded memory for y[neighbours]
            out[start:start + rows] = self.y_[neighbours[start:start + rows]].mean(axis=1)
        return out
