"""Time training on the digits: our network, scikit-learn and PyTorch, side by side.

    make bench-training   (or: .venv/bin/python tests/benchmark_training.py [options])

One run trains three networks with the same architecture (64 inputs, one ReLU hidden
layer, 10 softmax outputs with cross-entropy), the same data (Chapter 6's digits:
``nnlib.data.digits_split``), plain mini-batch SGD (batch 32, the same learning rate,
no momentum, no weight decay), the same epochs:

- *ours*: ``nnlib.mlp.MLP.fit`` (Chapter 6), float64;
- *scikit-learn*: ``MLPClassifier(solver="sgd", ...)``, float64, set so that it never
  stops early and never holds out a validation set (``n_iter_`` is checked);
- *PyTorch* (CPU): ``nn.Sequential(Linear, ReLU, Linear)``, ``CrossEntropyLoss``,
  ``torch.optim.SGD``, float32 (its default), a plain loop over shuffled index batches.

Every epoch is timed (wall clock) from the end of the epoch before: ours by ``fit``
itself (``history.epoch_seconds``: the shuffle and the steps, not the evaluation the
history records after each epoch; a second row times the whole call, evaluation
included), scikit-learn where its fit loop ends each epoch, PyTorch around its loop.
Each library first trains once untimed (warm-up); then each repeat (its own seed for the
initial weights and the shuffles) trains every library in turn, the order rotating from
repeat to repeat (15 repeats of the small case and 5 of the large one by default). The
table gives the median and the interquartile range over all epochs of all repeats
(robust to the bursts of a shared machine), the ratio of the medians to scikit-learn's,
and the test accuracy after the last epoch (mean over the repeats). A second case
repeats the training set to 20,000 rows and widens the hidden layer to 256 units, to
show how the cost grows.

Every library gets the same number of threads (``--threads``, 1 by default): the
OMP/OPENBLAS/MKL_NUM_THREADS variables are set before NumPy is imported, threadpoolctl
limits every BLAS and OpenMP pool loaded, and ``torch.set_num_threads``.

PyTorch is a benchmark-only package: ``make bench-training`` installs the CPU wheel
pinned in requirements-bench.txt into _build/bench-torch (never into .venv), and this
script appends that folder to its path. Without it the PyTorch rows say why and the rest
still runs. This prints; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TORCH_DIR = ROOT / "_build" / "bench-torch"
TORCH_LOG = ROOT / "_build" / "bench-torch.log"
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
LIBRARIES = ("ours", "scikit-learn", "PyTorch")
ROWS = {"ours": ("ours", "ours, whole fit"), "scikit-learn": ("scikit-learn",),
        "PyTorch": ("PyTorch",)}
BATCH = 32
FOOTNOTE = """
ms/epoch: milliseconds per epoch (wall time), the median over every epoch of every
repeat; IQR: the middle half of those epochs (25th to 75th percentile). Each epoch is
timed from the end of the one before (the first from the start of the call):
  ours             the training steps only (shuffle, then one SGD step per batch):
                   fit's history.epoch_seconds
  ours, whole fit  the same epochs within the whole fit call, which also evaluates
                   the whole training set after each epoch for the history
  scikit-learn     its fit loop (max_iter = epochs; no early stopping, no validation
                   set): shuffle, the batches' steps, the loss bookkeeping
  PyTorch          the training loop: randperm, then per batch zero_grad, forward,
                   loss, backward, step
x sklearn: median / scikit-learn's median. test acc: on the {test} test images after
the last epoch, mean over the repeats. ours and scikit-learn compute in float64,
PyTorch in float32."""
# Targets on the small network, all from the same run (issue 9).
RATIO_TARGET = 0.5       # ours / scikit-learn, seconds per epoch (medians)
ACCURACY_POINTS = 1.0    # ours within this many percentage points of both


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15,
                        help="timed runs per library, small case, each its own seed")
    parser.add_argument("--large-repeats", type=int, default=None,
                        help="timed runs per library, large case (default: --repeats, "
                             "at most 5)")
    parser.add_argument("--epochs", type=int, default=50, help="epochs, small case")
    parser.add_argument("--lr", type=float, default=0.3,
                        help="learning rate, every case")
    parser.add_argument("--large-epochs", type=int, default=5,
                        help="epochs, large case (0: leave the large case out)")
    parser.add_argument("--large-rows", type=int, default=20_000,
                        help="training rows of the large case (the train set repeated)")
    parser.add_argument("--large-hidden", type=int, default=256,
                        help="hidden units of the large case")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads for every library (BLAS, OpenMP, torch)")
    parser.add_argument("--no-torch", action="store_true",
                        help="leave PyTorch out (its rows say so)")
    args = parser.parse_args(argv)
    for name in ("repeats", "epochs", "threads", "large_rows", "large_hidden"):
        if getattr(args, name) < 1:
            parser.error(f"expected --{name.replace('_', '-')} of at least 1, "
                         f"got {getattr(args, name)}")
    if args.large_repeats is None:
        args.large_repeats = min(args.repeats, 5)
    elif args.large_repeats < 1:
        parser.error("expected --large-repeats of at least 1, "
                     f"got {args.large_repeats}")
    if args.large_epochs < 0:
        parser.error(f"expected --large-epochs of 0 or more, got {args.large_epochs}")
    if not args.lr > 0:
        parser.error(f"expected a positive --lr, got {args.lr}")
    return args


# ---------------------------------------------------------------- data, shared by all

def digits_split():
    """Chapter 6's digits: ``nnlib.data.digits_split()`` (seeded split, pixels / 16).

    Returns ``(X_train, y_train, X_test, y_test)``: float64 (n, 64) and int64 (n,).
    """
    import numpy as np
    from nnlib.data import digits_split as chapter_split

    X_train, X_test, y_train, y_test = chapter_split()
    return (np.ascontiguousarray(X_train), y_train.astype(np.int64),
            np.ascontiguousarray(X_test), y_test.astype(np.int64))


def repeated(X, y, rows):
    """The training set repeated (in its own order) to ``rows`` rows."""
    import numpy as np

    index = np.arange(rows) % len(X)
    return np.ascontiguousarray(X[index]), y[index]


# ---------------------------------------------------------------- the three trainers

def epoch_times(start, ends):
    """Seconds of each epoch: from the end of the one before (the first: ``start``)."""
    return [end - before for before, end in zip([start, *ends], ends)]


def train_ours(data, hidden, lr, epochs, seed):
    """Rows of nnlib's MLP: its training steps, and its whole ``fit`` call.

    ``history.epoch_seconds`` times each epoch's shuffle and SGD steps. The whole call
    also checks the input once and, after every epoch, evaluates the loss and accuracy
    on the whole training set for the history (what Chapter 6 plots); its epochs are
    timed by the callback that ``fit`` calls after each.
    """
    from nnlib.mlp import MLP

    X, y, X_test, y_test = data
    net = MLP(sizes=(X.shape[1], hidden, 10), hidden="relu", init="he", seed=seed)
    ends = []
    start = time.perf_counter()
    history = net.fit(X, y, lr, epochs, batch_size=BATCH, shuffle_seed=seed,
                      callback=lambda epoch, history: ends.append(time.perf_counter()))
    accuracy = net.accuracy(X_test, y_test)
    return [("ours", history.epoch_seconds, accuracy),
            ("ours, whole fit", epoch_times(start, ends), accuracy)]


def train_sklearn(data, hidden, lr, epochs, seed):
    """Seconds of each epoch and test accuracy of scikit-learn's MLPClassifier (SGD).

    ``tol=0`` with ``n_iter_no_change`` above the epochs: it never stops early;
    ``early_stopping=False``: no validation split, no scoring during training. Its
    epochs are timed where ``fit`` ends each one, at its call to
    ``_update_no_improvement_count`` (scikit-learn 1.7; without that method, every
    epoch gets the whole call / epochs).
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X, y, X_test, y_test = data
    model = MLPClassifier(
        hidden_layer_sizes=(hidden,), activation="relu", solver="sgd",
        batch_size=BATCH, learning_rate_init=lr, learning_rate="constant",
        momentum=0.0, nesterovs_momentum=False, alpha=0.0, max_iter=epochs,
        shuffle=True, tol=0.0, n_iter_no_change=epochs + 1, early_stopping=False,
        random_state=seed)
    ends = []
    end_of_epoch = getattr(model, "_update_no_improvement_count", None)
    if end_of_epoch is not None:
        def timed(*args, **kwargs):
            ends.append(time.perf_counter())
            return end_of_epoch(*args, **kwargs)
        model._update_no_improvement_count = timed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter reached: wanted
        start = time.perf_counter()
        model.fit(X, y)
        seconds = time.perf_counter() - start
    if model.n_iter_ != epochs:
        raise RuntimeError(f"scikit-learn ran {model.n_iter_} epochs, not {epochs}")
    if len(ends) != epochs:
        ends = [start + seconds * (epoch + 1) / epochs for epoch in range(epochs)]
    times = epoch_times(start, ends)
    return [("scikit-learn", times, model.score(X_test, y_test))]


def train_torch(data, hidden, lr, epochs, seed):
    """Seconds of each epoch and test accuracy of a PyTorch network of that shape."""
    import torch
    from torch import nn

    X, y, X_test, y_test = (torch.from_numpy(a) for a in data)
    X, X_test = X.float(), X_test.float()
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(X.shape[1], hidden), nn.ReLU(),
                          nn.Linear(hidden, 10))
    optimiser = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.0)
    loss_function = nn.CrossEntropyLoss()
    shuffles = torch.Generator().manual_seed(seed)
    n = len(X)
    ends = []
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(n, generator=shuffles)
        for first in range(0, n, BATCH):
            batch = order[first:first + BATCH]
            optimiser.zero_grad()
            loss = loss_function(model(X[batch]), y[batch])
            loss.backward()
            optimiser.step()
        ends.append(time.perf_counter())
    with torch.no_grad():
        accuracy = (model(X_test).argmax(dim=1) == y_test).double().mean().item()
    return [("PyTorch", epoch_times(start, ends), accuracy)]


TRAINERS = dict(zip(LIBRARIES, (train_ours, train_sklearn, train_torch)))


# ---------------------------------------------------------------- set-up and reporting

def import_torch(threads):
    """``(torch, None)``, or ``(None, reason)`` in one line when it cannot be used."""
    if str(TORCH_DIR) not in sys.path and TORCH_DIR.is_dir():
        sys.path.append(str(TORCH_DIR))  # after .venv's site-packages: its sympy wins
    try:
        import torch
    except (ImportError, OSError) as error:
        where = TORCH_DIR.relative_to(ROOT)
        if TORCH_DIR.is_dir():
            return None, f"cannot import torch from {where}: {error}"
        log = TORCH_LOG.read_text().splitlines() if TORCH_LOG.is_file() else []
        errors = [line.strip() for line in log if line.startswith("ERROR")]
        if errors:
            return None, (f"torch did not install: {errors[0]} "
                          f"(see {TORCH_LOG.relative_to(ROOT)})")
        return None, f"torch is not installed in {where}: run make bench-training"
    torch.set_num_threads(threads)
    return torch, None


def pools():
    """One line on every BLAS and OpenMP pool loaded, with its threads."""
    from threadpoolctl import threadpool_info

    seen = []
    for pool in threadpool_info():
        owner = Path(pool["filepath"]).parts
        owner = next((p for p in owner if p in ("numpy.libs", "scipy.libs", "torch")),
                     Path(pool["filepath"]).name)
        seen.append(f"{pool['internal_api']} {pool.get('version') or ''} ({owner}): "
                    f"{pool['num_threads']}".replace("  ", " "))
    return "; ".join(seen)


def measure(case, data, hidden, lr, epochs, repeats, skip):
    """Row -> (seconds of every epoch of every repeat, accuracies), or a reason."""
    results, names = {}, []
    for name in LIBRARIES:
        if name in skip:
            results.update(dict.fromkeys(ROWS[name], skip[name]))
            continue
        try:  # warm-up, untimed: imports, first allocations, caches
            TRAINERS[name](data, hidden, lr, 1, seed=10_000)
        except Exception as error:  # noqa: BLE001 - said in the table
            reason = f"failed: {type(error).__name__}: {error}"[:160]
            results.update(dict.fromkeys(ROWS[name], reason))
            continue
        names.append(name)
        results.update({row: ([], []) for row in ROWS[name]})
    for repeat in range(repeats):
        shift = repeat % len(names) if names else 0
        for name in names[shift:] + names[:shift]:
            for row, seconds, accuracy in TRAINERS[name](data, hidden, lr, epochs,
                                                         seed=repeat):
                results[row][0].extend(seconds)
                results[row][1].append(accuracy)
        print(f"  {case}: repeat {repeat + 1} of {repeats} done", file=sys.stderr)
    return results


def table(cases):
    """Print the rows; return case -> row -> (median s/epoch, mean accuracy in %)."""
    header = (f"{'case':<24} {'library':<16} {'ms/epoch':>9}  {'IQR':<19} "
              f"{'x sklearn':>9}  {'test acc':>8}")
    print(header)
    print("-" * len(header))
    summary = {}
    for case, results in cases:
        reference = results["scikit-learn"]
        if isinstance(reference, tuple):
            reference = statistics.median(reference[0])
        else:
            reference = None
        rows = [row for rows in ROWS.values() for row in rows]
        labels = case.split("; ") + [""] * len(rows)
        for label, name in zip(labels, rows):
            result = results[name]
            if isinstance(result, str):
                print(f"{label:<24} {name:<16} {'-':>9}  {'':<19} {'-':>9}  {'-':>8}  "
                      f"{result}")
                continue
            seconds, accuracies = result
            median = statistics.median(seconds)
            accuracy = 100 * statistics.mean(accuracies)
            ratio = f"{median / reference:>9.2f}" if reference else f"{'-':>9}"
            low, _, high = (statistics.quantiles(seconds, n=4) if len(seconds) > 1
                            else seconds * 3)
            spread = f"{1e3 * low:.3f} - {1e3 * high:.3f}"
            print(f"{label:<24} {name:<16} {1e3 * median:>9.3f}  {spread:<19} {ratio}  "
                  f"{accuracy:>7.2f}%")
            summary.setdefault(case, {})[name] = (median, accuracy)
    return summary


def verdict(small):
    """The targets on the small network, each met or MISSED with its numbers."""
    ours = small.get("ours")
    if ours is None:
        print("targets: not judged (our network was not measured)")
        return
    lines = []
    sklearn, torch = small.get("scikit-learn"), small.get("PyTorch")
    if sklearn:
        ratio = ours[0] / sklearn[0]
        ok = "met" if ratio <= RATIO_TARGET else "MISSED"
        lines.append(f"ours / scikit-learn s/epoch = {ratio:.2f} "
                     f"(target <= {RATIO_TARGET}): {ok}")
    if torch:
        ratio = ours[0] / torch[0]
        ok = "met" if ratio <= 1 else "MISSED"
        lines.append(f"ours / PyTorch s/epoch = {ratio:.2f} (target <= 1): {ok}")
    for name, other in (("scikit-learn", sklearn), ("PyTorch", torch)):
        if other:
            gap = ours[1] - other[1]
            ok = "met" if abs(gap) <= ACCURACY_POINTS else "MISSED"
            lines.append(f"test accuracy, ours - {name} = {gap:+.2f} points "
                         f"(target within {ACCURACY_POINTS:g}): {ok}")
    print("targets (small network, this run):\n  " + "\n  ".join(lines))


def plural(count, noun):
    return f"{count} {noun}{'' if count == 1 else 's'}"


def main(argv=None):
    args = parse_args(argv)
    for variable in THREAD_VARIABLES:  # before NumPy (and its BLAS) is first imported
        os.environ[variable] = str(args.threads)
    sys.path.insert(0, str(ROOT / "book"))

    import numpy as np
    import sklearn
    from threadpoolctl import threadpool_limits

    skip = {}
    torch = None
    if args.no_torch:
        skip["PyTorch"] = "left out (--no-torch)"
    else:
        torch, reason = import_torch(args.threads)
        if reason:
            skip["PyTorch"] = reason
    try:
        import nnlib.mlp  # noqa: F401
    except ImportError as error:
        skip["ours"] = f"cannot import nnlib.mlp ({error})"

    load_before = os.getloadavg()
    data = digits_split()
    cases = [(f"small: 64-64-10; {len(data[0]):,} rows; {plural(args.epochs, 'epoch')}",
              data, 64, args.epochs, args.repeats)]
    if args.large_epochs:
        big = (*repeated(data[0], data[1], args.large_rows), data[2], data[3])
        how = " (repeated)" if args.large_rows > len(data[0]) else ""
        title = (f"large: 64-{args.large_hidden}-10; {args.large_rows:,} rows{how}; "
                 f"{plural(args.large_epochs, 'epoch')}")
        cases.append((title, big, args.large_hidden, args.large_epochs,
                      args.large_repeats))
    measured = []
    with threadpool_limits(limits=args.threads):
        for case, case_data, hidden, epochs, repeats in cases:
            measured.append((case, measure(case, case_data, hidden, args.lr, epochs,
                                           repeats, skip)))
        threads = pools()
    load_after = os.getloadavg()

    versions = (f"numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
                f"torch {torch.__version__ if torch else 'none'}; "
                f"Python {platform.python_version()}")
    print(f"\nTraining on the 8x8 digits ({len(data[0]):,} train / {len(data[2]):,} "
          f"test rows, Chapter 6's split and scaling):\n  plain SGD, batch {BATCH}, "
          f"lr {args.lr:g}, no momentum, no weight decay;\n  after an untimed "
          f"warm-up, repeats with seeds 0, 1, ...: {args.repeats} of the small case"
          + (f", {args.large_repeats} of the large" if args.large_epochs else ""))
    print(versions)
    print(f"threads: {args.threads} for every library "
          f"({'='.join(THREAD_VARIABLES)}={args.threads},\n  threadpoolctl limit, "
          f"torch.set_num_threads({args.threads})); pools:\n  {threads}")
    if args.threads > 1:
        print("  (ours multiplies on one BLAS thread whatever this says: nnlib.mlp "
              "limits its own)")
    print(f"load average (1, 5, 15 min) on {os.cpu_count()} cores: before "
          f"{', '.join(f'{x:.2f}' for x in load_before)}; after "
          f"{', '.join(f'{x:.2f}' for x in load_after)}\n")
    summary = table(measured)
    print(FOOTNOTE.format(test=len(data[2])))
    verdict(summary.get(cases[0][0], {}))


if __name__ == "__main__":
    main()
