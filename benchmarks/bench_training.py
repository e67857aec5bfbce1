"""Training speed, side by side in one process: ``train_linear_svm`` against scikit-learn's SVC.

Section ``training``: for n = 1000 two-dimensional points (blobs from overlapping to separable,
lam = 0.01, i.e. C = 1 / (n * lam) = 0.1) it times

* ``train_linear_svm(X, y, lam, stop_gap=1e-3)``: the solver stopped once its duality gap
  certifies the objective within 1e-3 (relative) of the optimum, and
* ``SVC(kernel="linear", C=C).fit(X, y)``: libsvm with its default ``tol=1e-3``,

alternating the two, and prints the median and best wall times and the ratio ours / SVC
(target: at most 1.0x, median over the data sets). It also prints the time of the exact run
(``stop_gap=0``, the lessons' default) and how close each gets: the relative objective gap to
the optimum (taken from SVC at ``tol=1e-10``). Then, for scale, the multi-class trainer on the
64-pixel digits against liblinear's Crammer-Singer solver. Everything runs single-threaded
(torch and BLAS), as small problems do best.

Run ``python benchmarks/bench_training.py`` (about half a minute) or add ``--quick``.
Further sections register themselves in ``SECTIONS`` (name -> function taking the parsed args).
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable

import numpy as np
import torch
from _timing import alternate
from threadpoolctl import threadpool_limits

from hinge_utils.data import load_digits_split, make_binary_blobs
from hinge_utils.objectives import svm_objective
from hinge_utils.training import train_linear_multiclass, train_linear_svm


def objective_at(weight, bias, X: torch.Tensor, y: torch.Tensor, lam: float) -> float:
    """The float64 objective at ``(weight, bias)``: tensors or scikit-learn's arrays."""
    if isinstance(weight, torch.Tensor):
        weight = weight.double()
    else:
        weight = torch.tensor(np.asarray(weight, dtype=np.float64))
    return svm_objective(weight, float(bias), X.double(), y.double(), lam).item()


# ---------------------------------------------------------------------------------------------
# Section: training
# ---------------------------------------------------------------------------------------------


def bench_training(args: argparse.Namespace) -> None:
    from sklearn.svm import SVC

    n, lam = 1000, 0.01
    C = 1 / (n * lam)
    repeats = 5 if args.quick else 21
    print(f"train_linear_svm vs SVC(kernel='linear'), n = {n}, D = 2, lam = {lam} (C = {C:g})")
    header = (
        f"{'data':<24} {'ours med':>9} {'ours min':>9} {'SVC med':>9} {'SVC min':>9} "
        f"{'ratio':>6} {'epochs':>6} {'exact':>8} {'our gap':>8} {'SVC gap':>8}"
    )
    print(header)
    print("-" * len(header))
    ratios = []
    for separation in (1.0, 2.0, 4.0, 8.0):
        X, y = make_binary_blobs(n=n, separation=separation, seed=0)
        Xn, yn = X.double().numpy(), y.double().numpy()
        ours_times, svc_times = alternate(
            lambda X=X, y=y: train_linear_svm(X, y, lam=lam, stop_gap=1e-3),
            lambda Xn=Xn, yn=yn: SVC(kernel="linear", C=C).fit(Xn, yn),
            repeats,
        )
        exact_times, _ = alternate(
            lambda X=X, y=y: train_linear_svm(X, y, lam=lam),
            lambda: None,
            repeats,
        )
        result = train_linear_svm(X, y, lam=lam, stop_gap=1e-3)
        svc = SVC(kernel="linear", C=C).fit(Xn, yn)
        exact = SVC(kernel="linear", C=C, tol=1e-10).fit(Xn, yn)
        optimum = objective_at(exact.coef_[0], exact.intercept_[0], X, y, lam)
        ours_gap = (objective_at(result.weight, result.bias, X, y, lam) - optimum) / optimum
        svc_gap = (objective_at(svc.coef_[0], svc.intercept_[0], X, y, lam) - optimum) / optimum
        ours_med, svc_med = statistics.median(ours_times), statistics.median(svc_times)
        exact_med = statistics.median(exact_times)
        ratios.append(ours_med / svc_med)
        print(
            f"{f'blobs, separation {separation:g}':<24} {ours_med * 1e3:>7.2f}ms "
            f"{min(ours_times) * 1e3:>7.2f}ms {svc_med * 1e3:>7.2f}ms "
            f"{min(svc_times) * 1e3:>7.2f}ms "
            f"{ours_med / svc_med:>5.2f}x {len(result.history):>6} {exact_med * 1e3:>6.2f}ms "
            f"{ours_gap:>8.0e} {svc_gap:>8.0e}"
        )
    print(f"median ratio over the data sets: {statistics.median(ratios):.2f}x (target <= 1.0x)\n")

    from sklearn.svm import LinearSVC

    X_train, _, y_train, _ = load_digits_split()
    lam_mc = 1e-3
    print(f"multi-class, digits (N = {len(y_train)}, D = 64, K = 10), lam = {lam_mc}")
    for loss in ("weston_watkins", "crammer_singer", "cross_entropy"):
        start = time.perf_counter()
        model = train_linear_multiclass(X_train, y_train, 10, loss, lam=lam_mc)
        seconds = time.perf_counter() - start
        print(f"  train_linear_multiclass({loss!r}): {seconds:.2f} s, {len(model.history)} epochs")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        LinearSVC(multi_class="crammer_singer", C=1 / (len(y_train) * lam_mc)).fit(
            X_train.double().numpy(), y_train.numpy()
        )
    print(f"  LinearSVC(multi_class='crammer_singer'): {time.perf_counter() - start:.2f} s\n")


#: Sections run in this order; append ``SECTIONS["name"] = function`` to add one.
SECTIONS: dict[str, Callable[[argparse.Namespace], None]] = {"training": bench_training}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--only", choices=sorted(SECTIONS), help="run one section")
    args = parser.parse_args()
    torch.set_num_threads(1)
    with threadpool_limits(limits=1):
        for name, section in SECTIONS.items():
            if args.only in (None, name):
                section(args)


if __name__ == "__main__":
    main()
