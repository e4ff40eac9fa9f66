"""The examples several chapters share, defined once.

The four people come from the introduction that Chapters 3 to 5 follow:
weight in pounds and height in inches, and gender (F = 1, M = 0). Chapter 3
builds the shifted table from the raw one in full; the apple network lives
next to the forward pass in :mod:`nnlib.network` (Chapter 2).
"""

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
