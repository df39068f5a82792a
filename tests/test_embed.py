"""Prompt embeddings: the frozen wrapper keeps one fitted embedding for routers trained on subsets."""
from __future__ import annotations

import numpy as np
import pytest

import routerbench_utils as rbu
from routerbench_utils import RouterBenchDataError


def test_frozen_embedder_is_not_refitted_on_a_subset(small_data):
    texts = small_data["prompt"].astype(str).tolist()
    fitted = rbu.embed.TfidfSvdEmbedder(n_components=8).fit(texts)
    frozen = rbu.embed.FrozenEmbedder(fitted)
    assert frozen.fit(texts[:5]) is frozen
    np.testing.assert_array_equal(frozen.transform(texts[:20]), fitted.transform(texts[:20]))
    refitted = rbu.embed.TfidfSvdEmbedder(n_components=8).fit(texts[:40])
    assert not np.allclose(refitted.transform(texts[:20]), fitted.transform(texts[:20]))


def test_routers_fitted_on_subsets_share_the_frozen_features(small_data):
    texts = small_data["prompt"].astype(str).tolist()
    frozen = rbu.embed.FrozenEmbedder(rbu.embed.TfidfSvdEmbedder(n_components=8).fit(texts))
    full = rbu.KNNRouter(3, embedding=rbu.embed.TfidfSvdEmbedder(n_components=8)).fit(small_data)
    same = rbu.KNNRouter(3, embedding=frozen).fit(small_data)
    np.testing.assert_allclose(same.predict_quality(small_data), full.predict_quality(small_data))
    part = rbu.KNNRouter(3, embedding=frozen).fit(small_data.iloc[: len(small_data) // 2])
    assert part.embedder_ is frozen
    assert part.predict_quality(small_data).shape == (len(small_data), len(rbu.models(small_data)))


def test_frozen_embedder_needs_a_fitted_embedding():
    with pytest.raises(RouterBenchDataError, match="transform"):
        rbu.embed.FrozenEmbedder(object())


class _CountingEmbedding:
    """A row-wise embedding that records how many texts it was asked to embed."""

    def __init__(self):
        self.embedded = 0

    def transform(self, texts):
        self.embedded += len(texts)
        return np.array([[len(t), t.count(" "), sum(map(ord, t)) % 97] for t in texts], dtype=float)


def test_frozen_embedder_embeds_each_text_once_and_returns_its_rows(small_data):
    texts = small_data["prompt"].astype(str).tolist()
    inner = _CountingEmbedding()
    frozen = rbu.embed.FrozenEmbedder(inner)
    first = frozen.transform(texts[:30])
    np.testing.assert_array_equal(first, _CountingEmbedding().transform(texts[:30]))
    # overlapping subsets, in another order and with repeats: only the unseen texts are embedded
    mixed = texts[40:50] + texts[:10][::-1] + texts[40:45]
    np.testing.assert_array_equal(frozen.transform(mixed), _CountingEmbedding().transform(mixed))
    assert inner.embedded == len(set(texts[:30]) | set(texts[40:50]))
    # the same list again is the same array (so neighbour searches on it are shared)
    assert frozen.transform(mixed) is frozen.transform(mixed)
    assert inner.embedded == len(set(texts[:30]) | set(texts[40:50]))


def _old_features(texts: list[str]) -> np.ndarray:
    """The embedding as it was before it tokenised once: TfidfVectorizer, SVD fitted on its
    fit_transform, features from a second transform."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import Normalizer

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_features=50_000)
    counts = vectorizer.fit_transform(texts)
    reducer = make_pipeline(TruncatedSVD(n_components=100, random_state=0), Normalizer()).fit(counts)
    return reducer.transform(vectorizer.transform(texts))


def test_tokenising_once_gives_the_same_features_to_the_last_bit(small_data, monkeypatch):
    texts = small_data["prompt"].astype(str).tolist()[:3000]
    other = small_data["prompt"].astype(str).tolist()[3000:3500]
    analysed = []
    original = rbu.embed.CountVectorizer.build_analyzer

    def counting(self):
        analyse = original(self)
        return lambda doc: analysed.append(doc) or analyse(doc)

    monkeypatch.setattr(rbu.embed.CountVectorizer, "build_analyzer", counting)
    rbu.embed._CACHE.clear()
    embedder = rbu.embed.TfidfSvdEmbedder()
    features = embedder.fit_transform(texts)
    assert len(analysed) == len(texts)  # each training prompt tokenised once
    assert embedder.transform(texts) is features  # ... and not again
    monkeypatch.undo()
    np.testing.assert_array_equal(features, _old_features(texts))
    np.testing.assert_array_equal(embedder.transform(other), rbu.embed.TfidfSvdEmbedder().fit(texts).transform(other))


def test_routers_of_a_comparison_share_one_embedding(small_data, monkeypatch):
    train, test = rbu.official_split(small_data)
    part = train[rbu.data.dataset_column(train) == "mbpp"]
    rbu.embed._CACHE.clear()
    fits = []
    original = rbu.embed.TfidfSvdEmbedder._fit
    monkeypatch.setattr(rbu.embed.TfidfSvdEmbedder, "_fit", lambda self, texts: fits.append(1) or original(self, texts))
    k = min(40, len(part))  # KNN needs k <= training prompts (MBPP has 30 here)
    for router in (rbu.KNNRouter(5), rbu.KNNRouter(k), rbu.MLPRouter(max_iter=5), rbu.SVMRouter()):
        router.fit(part)
    assert len(fits) == 1


def test_frozen_embedder_hands_back_the_embeddings_own_array_for_a_new_list(small_data):
    """A list of unseen, distinct texts gets the wrapped embedding's array itself, so a neighbour
    search cached on that array is shared with routers that use the embedding directly."""
    texts = small_data["prompt"].astype(str).tolist()
    half = len(texts) // 2
    fitted = rbu.embed.TfidfSvdEmbedder(n_components=8).fit(texts[:half])
    frozen = rbu.embed.FrozenEmbedder(fitted)
    assert frozen.transform(texts[:half]) is fitted.transform(texts[:half])
    assert frozen.transform(texts[half:]) is fitted.transform(texts[half:])
    np.testing.assert_array_equal(frozen.transform(texts[half - 5: half + 5]),
                                  fitted.transform(texts[half - 5: half + 5]))


def test_svd_fitted_on_a_row_sample_only_above_svd_rows(small_data):
    texts = small_data["prompt"].astype(str).tolist()
    n = len(texts)
    rbu.embed._CACHE.clear()
    every = rbu.embed.TfidfSvdEmbedder(n_components=8, svd_rows=None).fit_transform(texts)
    # At or below the limit (the book's data sets): the very same features.
    same = rbu.embed.TfidfSvdEmbedder(n_components=8, svd_rows=n).fit_transform(texts)
    np.testing.assert_array_equal(same, every)
    # Above it: a seeded sample fits the directions; every prompt is still embedded, unit length,
    # the same on a second fit, and the directions span nearly the same space as the full fit's.
    sampled = rbu.embed.TfidfSvdEmbedder(n_components=8, svd_rows=n // 2)
    first = sampled.fit_transform(texts)
    rbu.embed._CACHE.clear()
    again = rbu.embed.TfidfSvdEmbedder(n_components=8, svd_rows=n // 2).fit_transform(texts)
    np.testing.assert_array_equal(first, again)
    assert first.shape == every.shape and not np.array_equal(first, every)
    np.testing.assert_allclose(np.linalg.norm(first, axis=1)[np.abs(first).sum(1) > 0], 1.0, atol=1e-9)
    # The full fit's top 4 directions lie in the sample's 8-dimensional span (cosines of the
    # principal angles; 0.98-1.00 here, near 0 for unrelated directions).
    full = rbu.embed.TfidfSvdEmbedder(n_components=8, svd_rows=None).fit(texts).pipeline_[1][0].components_
    cosines = np.linalg.svd(full[:4] @ sampled.pipeline_[1][0].components_.T, compute_uv=False)
    assert cosines.min() > 0.9, cosines


@pytest.mark.parametrize("bad", [0, 1, 2.5, True, "many"])
def test_svd_rows_must_be_an_integer_of_two_or_more(small_data, bad):
    with pytest.raises(ValueError, match="svd_rows"):
        rbu.embed.TfidfSvdEmbedder(svd_rows=bad).fit_transform(small_data["prompt"].astype(str).tolist())
