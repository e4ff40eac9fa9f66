"""The examples several chapters share, defined once.

The four people come from the introduction that Chapters 3 to 5 follow:
weight in pounds and height in inches, and gender (F = 1, M = 0). Chapter 3
builds the shifted table from the raw one in full; the apple network lives
next to the forward pass in :mod:`nnlib.network` (Chapter 2).
"""

from functools import lru_cache

import numpy as np

PEOPLE_NAMES = ("Alice", "Bob", "Charlie", "Diana")
PEOPLE_RAW = np.array([[133.0, 65.0], [160.0, 72.0], [152.0, 70.0], [120.0, 60.0]])
"""(4, 2): weight (lb) and height (in), one person a row."""
PEOPLE_SHIFT = np.array([135.0, 66.0])
"""Subtracted from every row so that the inputs sit near 0 (Chapter 3)."""
PEOPLE_X = PEOPLE_RAW - PEOPLE_SHIFT
"""(4, 2): pounds above 135 and inches above 66, the network's input."""
PEOPLE_Y = np.array([1.0, 0.0, 0.0, 1.0])
"""(4,): 1 for female, 0 for male."""


DIGITS_TEST_SIZE = 360
"""Chapter 6 holds out 360 of the 1,797 digits (20 %) as its test set."""
DIGITS_SPLIT_SEED = 0


def digits_split(seed: int = DIGITS_SPLIT_SEED, test_size: int = DIGITS_TEST_SIZE):
    """The 8 × 8 handwritten digits that scikit-learn ships, split and scaled (Chapter 6).

    A generator seeded with ``seed`` shuffles the 1,797 images; the first
    ``test_size`` of that order are the test set, the rest the training set.
    Pixels (0 to 16) are divided by 16, so every input lies in [0, 1].
    Returns ``X_train (n, 64), X_test (test_size, 64), y_train (n,), y_test (test_size,)``,
    labels as integers 0 to 9. Nothing is downloaded: the images come with scikit-learn.
    """
    X, y = _digits()
    n = len(y)
    if not 1 <= int(test_size) < n:
        raise ValueError(f"expected test_size between 1 and {n - 1}, got {test_size}")
    order = np.random.default_rng(seed).permutation(n)
    test, train = order[:test_size], order[test_size:]
    return X[train] / 16.0, X[test] / 16.0, y[train], y[test]  # fancy indexing: copies


@lru_cache(maxsize=1)
def _digits():
    """The digits' pixels (1797, 64) and labels (1797,), read once per process."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    X, y = digits.data.astype(float), digits.target.astype(int)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y
