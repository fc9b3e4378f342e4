"""Text affinity between Chinese free texts: TF-IDF on character n-grams.

Character n-grams need no word segmentation, which breaks on the short phrases villages
write ("茶园生虫了"). Vectors are L2-normalised, so a sparse product is a cosine.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.utils.validation import check_is_fitted

from matching.scoring import char_ngrams
from matching.scoring.candidates import IntArray, ScoreBlock


class TextAffinity(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Character n-gram TF-IDF, fitted on both sides' texts (profiles and needs together).

    The same vectors as scikit-learn's `TfidfVectorizer` with these parameters (float32,
    L2 norm); character n-grams are counted by `matching.scoring.char_ngrams` when it
    applies. A scikit-learn transformer: `__init__` only stores parameters, `fit` returns
    self, learned attributes (`tfidf_`, `n_features_`, ...) end in an underscore, `clone` and
    `get_params`/`set_params` work, and it fits inside a `Pipeline`. It draws nothing at
    random, so it takes no `random_state`: the same texts always give the same vectors.
    """

    def __init__(
        self,
        *,
        analyzer: str = "char_wb",
        ngram_range: tuple[int, int] = (1, 3),
        min_df: int = 1,
        max_features: int | None = 200_000,
        sublinear_tf: bool = True,
    ) -> None:
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf

    def fit(self, texts: Iterable[str], y: Any = None) -> TextAffinity:
        """Learn the vocabulary and inverse document frequencies (`y` is ignored)."""
        del y
        self._fit_vectors(_clean(texts))
        return self

    def fit_transform(self, texts: Iterable[str], y: Any = None, **_: Any) -> sp.csr_matrix:
        """`fit(texts).transform(texts)` in one pass over the texts (n-grams counted once)."""
        del y
        cleaned = _clean(texts)
        vectors = self._fit_vectors(cleaned)
        if vectors is None:
            return sp.csr_matrix((len(cleaned), self.n_features_), dtype=np.float32)
        return sp.csr_matrix(vectors, dtype=np.float32)

    def _fit_vectors(self, cleaned: list[str]) -> sp.csr_matrix | None:
        """Fit on `cleaned` and return their vectors (None when no text has a character)."""
        # TfidfVectorizer's two steps: counts (`counter_`, or `codes_` of the fast path),
        # then the TF-IDF weights learned from them.
        self.codes_: IntArray | None = None
        self.counter_ = CountVectorizer(
            analyzer=self.analyzer,
            ngram_range=self.ngram_range,
            min_df=self.min_df,
            max_features=self.max_features,
            dtype=np.float32,
        )
        self.tfidf_ = TfidfTransformer(norm="l2", sublinear_tf=self.sublinear_tf)
        # No text at all (no needs and no experts) is a valid input: every cosine is then 0.
        # scikit-learn refuses to fit an empty vocabulary, so it is left unfitted.
        self.n_features_ = 0
        if not any(text.strip() for text in cleaned):
            return None
        counts = self._fit_counts(cleaned)
        self.n_features_ = counts.shape[1]
        return self.tfidf_.fit(counts).transform(counts, copy=False)

    def _fit_counts(self, cleaned: list[str]) -> sp.csr_matrix:
        """Counts of the fitted texts: by `char_ngrams` when it gives the same as
        CountVectorizer (char_wb n-grams of at most 3, no pruning), else CountVectorizer."""
        if (
            self.analyzer == "char_wb"
            and self.min_df == 1
            and char_ngrams.applies(self.ngram_range)
        ):
            found = char_ngrams.grams(cleaned, self.ngram_range)
            if found is not None:
                codes, counts = char_ngrams.fit_counts(found, len(cleaned))
                if self.max_features is None or codes.size <= self.max_features:
                    self.codes_ = codes
                    return counts
        return sp.csr_matrix(self.counter_.fit_transform(cleaned))

    def transform(self, texts: Iterable[str]) -> sp.csr_matrix:
        """L2-normalised sparse TF-IDF rows (float32), one per text."""
        check_is_fitted(self, "n_features_")
        cleaned = _clean(texts)
        if not cleaned or self.n_features_ == 0:  # scikit-learn refuses zero texts
            return sp.csr_matrix((len(cleaned), self.n_features_), dtype=np.float32)
        found = None if self.codes_ is None else char_ngrams.grams(cleaned, self.ngram_range)
        if found is None or self.codes_ is None:
            counts = sp.csr_matrix(self.counter_.transform(cleaned))
        else:
            counts = char_ngrams.transform_counts(found, self.codes_, len(cleaned))
        return sp.csr_matrix(self.tfidf_.transform(counts, copy=False), dtype=np.float32)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        # Input is a list of texts, not a numeric array; fitting needs no target.
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.target_tags.required = False
        return tags


def _clean(texts: Iterable[str]) -> list[str]:
    # Missing texts (NaN from a spreadsheet) become empty strings, not the word "nan".
    return [text if isinstance(text, str) else "" for text in texts]


def cosine_block(query: sp.csr_matrix, items: sp.csr_matrix) -> ScoreBlock:
    """A score block of cosines between rows of `query` and all rows of `items`.

    Both matrices must be L2-normalised (as `TextAffinity.transform` returns them).
    """
    items_t = sp.csr_matrix(items.T)

    def block(rows: IntArray) -> npt.NDArray[np.float32]:
        product = query[rows] @ items_t
        return np.asarray(product.toarray(), dtype=np.float32)

    return block


def pair_cosine(
    left: sp.csr_matrix, right: sp.csr_matrix, left_rows: IntArray, right_rows: IntArray
) -> npt.NDArray[np.float64]:
    """Cosine of each listed pair (left_rows[i], right_rows[i]), without a dense matrix."""
    products = left[left_rows].multiply(right[right_rows])
    return np.asarray(products.sum(axis=1), dtype=np.float64).ravel()
