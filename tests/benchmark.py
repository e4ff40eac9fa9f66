"""Time one slider move of every interactive figure, as the learner waits for it.

A move is what happens between releasing a slider and seeing the new
picture: the view's ``update`` plus rendering the PNG the notebook shows.
Each slider is dragged across its range in turn (at least 60 moves per
view), after the one full render the widget makes when it first appears.

    make bench        (or: .venv/bin/python tests/benchmark.py [--moves N])

Targets: median under 30 ms, worst under 150 ms. This prints; it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "book"))

import nnlib.views  # noqa: E402,F401  (imports every chapter's views)
from nnlib.live import VIEWS  # noqa: E402

MEDIAN_TARGET_MS, WORST_TARGET_MS = 30, 150


def moves(view_class, n_moves):
    """Slider settings for ``n_moves`` moves: each slider swept up and back in turn."""
    per_slider = max(2, -(-n_moves // len(view_class.sliders)))  # ceiling division
    plan = []
    for name, slider in view_class.sliders.items():
        sweep = slider.values(per_slider // 2 + 1)
        sweep = sweep + sweep[-2::-1]  # up, then back down
        plan += [(name, value) for value in sweep[1 : per_slider + 1]]
    return plan


def time_view(view_class, n_moves):
    view = view_class()
    view.png()  # the first full render, made once when the widget appears
    times = []
    for name, value in moves(view_class, n_moves):
        start = time.perf_counter()
        view.update(**{name: value})
        view.png()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=60, help="slider moves per view (at least 50)")
    args = parser.parse_args(argv)
    if args.moves < 50:
        parser.error(f"expected --moves of at least 50, got {args.moves}")

    rows = []
    for view_class in VIEWS:
        times = time_view(view_class, args.moves)
        chapter = view_class.__module__.rsplit(".", 1)[-1]
        ok = statistics.median(times) < MEDIAN_TARGET_MS and max(times) < WORST_TARGET_MS
        rows.append((chapter, view_class.__name__, len(times), statistics.median(times), max(times), ok))

    header = f"{'chapter':<16} {'view':<26} {'moves':>5} {'median ms':>10} {'worst ms':>9}  target"
    print(header)
    print("-" * len(header))
    for chapter, name, n, median, worst, ok in rows:
        print(f"{chapter:<16} {name:<26} {n:>5} {median:>10.1f} {worst:>9.1f}  {'met' if ok else 'MISSED'}")
    print(f"\ntarget: median < {MEDIAN_TARGET_MS} ms and worst < {WORST_TARGET_MS} ms per move")


if __name__ == "__main__":
    main()
