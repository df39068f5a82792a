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
