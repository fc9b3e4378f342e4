"""Tests of character n-gram text affinity."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from matching.scoring.candidates import top_k_per_row
from matching.scoring.text import TextAffinity, cosine_block, pair_cosine

PROFILES = ["茶树病虫害防治，茶园管理", "肉牛养殖与繁育技术", "农村电商，辣椒酱网络销售"]
NEEDS = ["茶园里茶树生虫了", "牛犊繁育问题", "辣椒酱想在网上卖", float("nan")]


def _fitted() -> tuple[sp.csr_matrix, sp.csr_matrix]:
    model = TextAffinity().fit(PROFILES + [n for n in NEEDS if isinstance(n, str)])
    return model.transform(PROFILES), model.transform(NEEDS)  # type: ignore[arg-type]


def test_rows_are_unit_length() -> None:
    """Non-empty texts become L2-normalised rows; a missing text is an empty row."""
    profiles, needs = _fitted()
    norms = np.sqrt(np.asarray(needs.multiply(needs).sum(axis=1)).ravel())
    assert np.allclose(norms[:3], 1.0, atol=1e-5)
    assert norms[3] == 0.0
    assert profiles.dtype == np.float32


def test_short_chinese_phrases_find_their_expert() -> None:
    """Without word segmentation, each need's best profile is the one on its topic."""
    profiles, needs = _fitted()
    found = top_k_per_row(cosine_block(needs[:3], profiles), 3, 1)
    assert found.cols.tolist() == [0, 1, 2]


def test_pair_cosine_equals_dense_product() -> None:
    """Cosines of listed pairs equal the entries of the full product."""
    profiles, needs = _fitted()
    dense = (needs @ profiles.T).toarray()
    left = np.array([0, 1, 2, 0], dtype=np.int64)
    right = np.array([0, 2, 1, 1], dtype=np.int64)
    assert np.allclose(pair_cosine(needs, profiles, left, right), dense[left, right], atol=1e-6)


def test_no_texts_give_empty_rows() -> None:
    """Zero texts, or only empty ones, fit and transform to rows without features."""
    empty = TextAffinity().fit([])
    assert empty.transform([]).shape == (0, 0)
    assert empty.transform(["", float("nan")]).shape == (2, 0)  # type: ignore[list-item]
    fitted = TextAffinity().fit(PROFILES)
    assert fitted.transform([]).shape == (0, fitted.n_features_)


def test_fit_transform_gives_the_vectors_of_fit_then_transform() -> None:
    """The one-pass fit_transform learns the same vocabulary and returns the same rows."""
    texts = PROFILES + NEEDS
    apart = TextAffinity().fit(texts).transform(texts)  # type: ignore[arg-type]
    model = TextAffinity()
    together = model.fit_transform(texts)  # type: ignore[arg-type]
    assert together.shape == apart.shape and together.dtype == np.float32
    assert (together != apart).nnz == 0
    assert model.n_features_ == apart.shape[1] > 0
    assert TextAffinity().fit_transform(["", " "]).shape == (2, 0)
