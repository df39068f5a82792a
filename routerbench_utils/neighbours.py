"""Exact nearest neighbours in cosine distance, in chunks of bounded memory, shared across k.

The KNN router's cost is one search: every test prompt against every training prompt. This module
does it once per (training features, test features) pair, for the largest number of neighbours any
router asks for, and keeps the result, so the routers of a comparison (k = 5, 10, 40) and every
willingness to pay share it. Test prompts go in chunks whose distance block stays under a memory
budget, whatever the sizes.

See the chapter :ref:`chap-predictive` ("Predictive routers").
"""
from __future__ import annotations

import os
import weakref
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from .errors import RouterBenchDataError

#: Every search finds at least this many neighbours (when there are as many training prompts), so
#: that one search serves every router with k up to it: selecting more costs next to nothing.
SHARED_K = 64
#: The largest distance block (test chunk x training prompts) a search holds at once, in bytes.
CHUNK_BYTES = 128 * 2**20

_SEARCHES: dict[tuple[int, int], tuple] = {}


def cosine_neighbours(train: np.ndarray, test: np.ndarray, k: int, chunk_bytes: int = CHUNK_BYTES
                      ) -> np.ndarray:
    """Indices of the ``k`` training rows nearest to each test row in cosine distance.

    .. math:: d(x, y) = \\min\\Big(2, \\max\\big(0,\\; 1 - \\frac{x^\\top y}{\\lVert x\\rVert\\,
        \\lVert y\\rVert}\\big)\\Big)

    in double precision from rows scaled to unit length, as scikit-learn's ``cosine_distances``
    computes it: the neighbours of its brute-force search (the same on the book's data; the two
    could differ only where two distances agree to the last bit). Ties are broken by the training
    row's position, so the first ``j`` of the ``k`` neighbours are the ``j`` nearest for any
    ``j <= k``: a search for the largest ``k`` serves every smaller one. The similarities are
    screened in single precision and only the candidates within its error of the ``k``-th are
    computed in double precision, which halves the time of the matrix product.

    Results are kept per pair of arrays (while both exist) for the largest ``k`` asked, at least
    :data:`SHARED_K`: a second call with the same arrays and a ``k`` no larger returns a slice.

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    train : ndarray of shape (n_train, dimensions)
        Training features.
    test : ndarray of shape (n_test, dimensions)
        Query features.
    k : int
        Neighbours per test row, 1 <= k <= n_train.
    chunk_bytes : int
        Memory budget of one distance block; the test rows go in chunks of
        ``max(1, chunk_bytes // (8 * n_train))``.

    Returns
    -------
    ndarray of int, shape (n_test, k)
        Per test row, training row indices from nearest to farthest.

    Raises
    ------
    RouterBenchDataError
        If the feature dimensions differ or ``k`` is outside [1, n_train].

    Examples
    --------
    >>> cosine_neighbours(np.eye(3), np.array([[1.0, 0.1, 0.0]]), 2)
    array([[0, 1]])
    """
    train, test = np.asarray(train), np.asarray(test)
    if train.ndim != 2 or test.ndim != 2 or train.shape[1] != test.shape[1]:
        raise RouterBenchDataError(
            f"features: training {train.shape} and test {test.shape} need the same number of columns")
    if not 1 <= k <= len(train):
        raise RouterBenchDataError(f"k: expected 1 <= k <= {len(train)} training rows, got {k}")
    key = (id(train), id(test))
    kept = _SEARCHES.get(key)
    if kept is not None and kept[0]() is train and kept[1]() is test and kept[2].shape[1] >= k:
        return kept[2][:, :k]
    found = _search(train, test, min(len(train), max(k, SHARED_K)), chunk_bytes)
    try:
        _SEARCHES[key] = (weakref.ref(train), weakref.ref(test), found)
        # forget searches whose arrays are gone (their ids may be reused)
        for other in [o for o, v in _SEARCHES.items() if v[0]() is None or v[1]() is None]:
            del _SEARCHES[other]
    except TypeError:  # an array type without weak references: no sharing
        pass
    return found[:, :k]


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


class CosineKNNRegressor:
    """The mean target of the ``k`` nearest training rows in cosine distance.

    .. math:: \\hat y(x) = \\frac{1}{k} \\sum_{j \\in N_k(x)} y_j

    The predictions of scikit-learn's ``KNeighborsRegressor(n_neighbors=k, metric="cosine",
    algorithm="brute")``, from :func:`~routerbench_utils.neighbours.cosine_neighbours`: chunked, shared with every other regressor
    fitted on the same feature array and asked about the same test array, and ``k`` shrunk to the
    training size on a small split instead of failing.

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    k : int, default 40
        Neighbours averaged.

    Attributes
    ----------
    n_neighbors_ : int
        ``min(k, number of training rows)``.
    """

    def __init__(self, k: int = 40):
        self.k = k

    def fit(self, X: np.ndarray, y: np.ndarray) -> "CosineKNNRegressor":
        """Keep the training features (the array itself, so that searches are shared) and targets.

        Parameters
        ----------
        X : ndarray of shape (n, dimensions)
            Training features.
        y : ndarray of shape (n,) or (n, outputs)
            Targets.

        Returns
        -------
        CosineKNNRegressor
            The regressor itself, fitted.
        """
        self.X_ = np.asarray(X)
        self.y_ = np.asarray(y, dtype=float)
        if len(self.X_) == 0 or len(self.y_) != len(self.X_):
            raise RouterBenchDataError(f"X, y: expected the same positive number of rows, got {len(self.X_)} "
                                       f"and {len(self.y_)}")
        self.n_neighbors_ = int(min(self.k, len(self.X_)))
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Mean target of each row's nearest training rows.

        Parameters
        ----------
        X : ndarray of shape (n_test, dimensions)
            Query features.

        Returns
        -------
        ndarray of shape (n_test,) or (n_test, outputs)
        """
        neighbours = cosine_neighbours(self.X_, X, self.n_neighbors_)
        out = np.empty((len(neighbours),) + self.y_.shape[1:])
        rows = max(1, CHUNK_BYTES // (8 * self.n_neighbors_ * max(1, int(np.prod(self.y_.shape[1:])))))
        for start in range(0, len(neighbours), rows):  # bounded memory for y[neighbours]
            out[start:start + rows] = self.y_[neighbours[start:start + rows]].mean(axis=1)
        return out
