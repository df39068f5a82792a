"""The protocol behind the real-row figures is recorded and the official grid is RouterBench's own
(issue 21 item 3): a figure is comparable with them only under the same protocol."""
from __future__ import annotations

import numpy as np

import routerbench_utils as rbu
from routerbench_utils.routers import WTP_GRID

#: ``WILLINGNESS_TO_PAY`` in RouterBench's own code (withmartian/routerbench, utils.py), as published.
OFFICIAL = [1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.005, 0.01, 0.1, 0.5, 1.0, 1.5, 2.0, 10.0,
            50.0, 100.0, 500.0, 1000.0, 2000.0, 3000.0, 4000.0, 5000.0, 7500.0, 10000.0, 25000.0, 50000.0,
            75000.0, 100000.0, 1e6, 1e9]


def test_the_willingness_to_pay_grid_is_the_official_list():
    assert list(WTP_GRID) == OFFICIAL
    assert not np.allclose(WTP_GRID, np.logspace(-10, 9, 32))  # not a geometric grid of 32


def test_the_real_row_protocol_names_everything_a_rerun_must_fix():
    protocol = rbu.catalog.REAL_ROUTER_PROTOCOL
    assert {"split", "embedding", "embedding_dimension", "k", "grid", "aiq", "seeds"} <= set(protocol)
    assert set(rbu.catalog.REAL_ROUTER_FINDINGS["KNN k=40 vs Zero"]) == {"arc-challenge", "mbpp", "winogrande"}
    # the protocol's embedding is one the package builds
    embedder = rbu.embed.TfidfSvdEmbedder(n_components=protocol["embedding_dimension"])
    assert embedder.n_components == 256 and protocol["k"] == 40
