"""The numpy n-gram counts agree with scikit-learn's, entry for entry and in storage order."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from matching.scoring import char_ngrams
from matching.scoring.text import TextAffinity

TEXTS = [
    "村里有59户脱贫户跟着合作社种香菇，规模4万棒，湿度这一块一直搞不好。",
    "龙兰荣，镇远县供销合作社电商专干。长期在基层做农村电商这一块，已有11年。",
    "Hello  World\tA b",  # Latin letters are lowercased; runs of whitespace split words
    "",
    "   ",
    "x",  # a word shorter than n gives itself once
    "ab ÄÖ\ny 茶",
    "茶园里茶树生虫了 茶园里茶树生虫了",  # repeated n-grams are counted
]
OTHERS = ["茶树生虫", "zzz", "", "合作社 电商 Hello"]


def _same(left: sp.spmatrix, right: sp.spmatrix) -> bool:
    a, b = sp.csr_matrix(left), sp.csr_matrix(right)
    return (
        a.shape == b.shape
        and a.dtype == b.dtype
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and np.array_equal(a.data, b.data)
    )


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (1, 3), (2, 3), (3, 3)])
def test_counts_equal_count_vectorizer(ngram_range: tuple[int, int]) -> None:
    """Fitted and transformed counts are scikit-learn's, with its storage order."""
    found = char_ngrams.grams(TEXTS, ngram_range)
    assert found is not None
    vocabulary, counts = char_ngrams.fit_counts(found, len(TEXTS))
    reference = CountVectorizer(
        analyzer="char_wb", ngram_range=ngram_range, max_features=1000, dtype=np.float32
    )
    assert _same(counts, reference.fit_transform(TEXTS))
    others = char_ngrams.grams(OTHERS, ngram_range)
    assert others is not None
    transformed = char_ngrams.transform_counts(others, vocabulary, len(OTHERS))
    assert _same(transformed, reference.transform(OTHERS))


def test_text_affinity_equals_tfidf_vectorizer() -> None:
    """The fast path gives TfidfVectorizer's vectors bit for bit; pruning falls back to it."""
    for max_features in (200_000, 10):
        model = TextAffinity(max_features=max_features)
        fitted = model.fit_transform(TEXTS)
        assert (model.codes_ is not None) == (max_features > 10)
        reference = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(1, 3),
            max_features=max_features,
            sublinear_tf=True,
            dtype=np.float32,
        )
        assert _same(fitted, sp.csr_matrix(reference.fit_transform(TEXTS), dtype=np.float32))
        assert _same(
            model.transform(OTHERS),
            sp.csr_matrix(reference.transform(OTHERS), dtype=np.float32),
        )


def test_nul_character_is_left_to_scikit_learn() -> None:
    """NUL would be coded as an absent character: such texts take the general path."""
    assert char_ngrams.grams(["a\0b"], (1, 3)) is None
    model = TextAffinity()
    model.fit(["a\0b", "ab"])
    assert model.codes_ is None and model.n_features_ > 0
