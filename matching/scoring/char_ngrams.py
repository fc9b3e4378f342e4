"""Character n-gram counts of many texts with numpy, as scikit-learn's `char_wb` counts them.

scikit-learn builds every n-gram as a Python string and looks it up in a dict, about a
microsecond each: 12 s for the province's 57,000 texts. Here an n-gram of at most three
characters is one integer (21 bits per code point, the first character in the highest
bits, absent characters 0), so the n-grams of all texts are counted with array
operations. Integer order is then the strings' order, which is the order of scikit-learn's
sorted vocabulary, and the count matrices are the same, entry for entry and in the same
storage order, as `CountVectorizer(analyzer="char_wb", dtype=float32)` returns.

Texts are lowercased and split on whitespace; each word is padded with one space on each
side; a word no longer than n gives itself once and no longer n-grams (scikit-learn's rule).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

IntArray = npt.NDArray[np.int64]

BITS = 21  # every Unicode code point is below 2**21
MAX_N = 3  # three code points of 21 bits fit in a signed 64-bit integer


@dataclass(frozen=True)
class Grams:
    """Every n-gram occurrence, in the order scikit-learn's analyzer emits them."""

    key: IntArray  # the n-gram as an integer
    doc: IntArray  # the text it occurs in


def applies(ngram_range: tuple[int, int]) -> bool:
    """Whether n-grams of this range fit the integer coding."""
    low, high = ngram_range
    return 1 <= low <= high <= MAX_N


def grams(texts: list[str], ngram_range: tuple[int, int]) -> Grams | None:
    """The n-grams of `texts`; None when a text holds the NUL character (coded as absent)."""
    words = [
        (" " + word + " ", doc) for doc, text in enumerate(texts) for word in text.lower().split()
    ]
    joined = "".join(word for word, _ in words)
    if "\0" in joined:
        return None
    points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    length = np.array([len(word) for word, _ in words], dtype=np.int64)
    word_doc = np.array([doc for _, doc in words], dtype=np.int64)
    start = np.cumsum(length) - length
    # Per word and n: how many n-grams it gives (0 once a shorter n took the whole word).
    low, high = ngram_range
    sizes = range(low, high + 1)
    counts = np.zeros((len(sizes), length.size), dtype=np.int64)
    alive = np.ones(length.size, dtype=bool)
    for i, n in enumerate(sizes):
        counts[i] = np.where(alive, np.maximum(length - n + 1, 1), 0)
        alive &= length > n
    # Position of each word's first n-gram of each size in the emitted sequence.
    per_word = counts.sum(axis=0)
    word_first = np.cumsum(per_word) - per_word
    before = np.cumsum(counts, axis=0) - counts
    total = int(per_word.sum())
    key = np.zeros(total, dtype=np.int64)
    doc = np.zeros(total, dtype=np.int64)
    padded = np.concatenate([points, np.zeros(MAX_N, dtype=np.int64)])
    for i, n in enumerate(sizes):
        word = np.repeat(np.arange(length.size), counts[i])
        offset = np.arange(word.size) - np.repeat(np.cumsum(counts[i]) - counts[i], counts[i])
        at = start[word] + offset
        width = np.minimum(length[word], n)  # a short word gives itself
        value = np.zeros(word.size, dtype=np.int64)
        for j in range(n):
            value |= np.where(j < width, padded[at + j], 0) << (BITS * (MAX_N - 1 - j))
        slot = word_first[word] + before[i, word] + offset
        key[slot] = value
        doc[slot] = word_doc[word]
    return Grams(key, doc)


def fit_counts(found: Grams, n_docs: int) -> tuple[IntArray, sp.csr_matrix]:
    """The vocabulary (sorted n-gram integers) and the count matrix of the fitted texts.

    Within a row, entries are stored in the order of each n-gram's first occurrence in
    all texts, as scikit-learn stores them after sorting its vocabulary.
    """
    vocabulary = np.unique(found.key)
    column = np.searchsorted(vocabulary, found.key)
    first = np.full(vocabulary.size, found.key.size, dtype=np.int64)
    np.minimum.at(first, column, np.arange(found.key.size, dtype=np.int64))
    seen_rank = np.empty(vocabulary.size, dtype=np.int64)
    seen_rank[np.argsort(first)] = np.arange(vocabulary.size)  # first occurrences differ
    return vocabulary, _counts(found.doc, column, n_docs, seen_rank)


def transform_counts(found: Grams, vocabulary: IntArray, n_docs: int) -> sp.csr_matrix:
    """Counts of known n-grams (others are dropped), columns in vocabulary order."""
    column = np.searchsorted(vocabulary, found.key)
    known = column < vocabulary.size
    known[known] = vocabulary[column[known]] == found.key[known]
    order = np.arange(vocabulary.size, dtype=np.int64)
    return _counts(found.doc[known], column[known], n_docs, order)


def _counts(doc: IntArray, column: IntArray, n_docs: int, rank: IntArray) -> sp.csr_matrix:
    """CSR counts with each row's entries ordered by `rank` (a permutation) of their column."""
    width = max(rank.size, 1)
    # One sort of (row, rank) integers gives the entries, their counts and the storage order.
    entry, count = np.unique(doc * width + rank[column], return_counts=True)
    column_of_rank = np.empty(rank.size, dtype=np.int64)
    column_of_rank[rank] = np.arange(rank.size)
    indptr = np.searchsorted(entry // width, np.arange(n_docs + 1))
    return sp.csr_matrix(
        (count.astype(np.float32), column_of_rank[entry % width].astype(np.int32), indptr),
        shape=(n_docs, rank.size),
    )
