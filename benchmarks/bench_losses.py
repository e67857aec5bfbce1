"""Forward + backward time of the hinge losses against torch baselines, side by side.

Each case times ``loss(...).backward()`` for the library function (validation included) and for a
baseline, alternating the two within one process, and reports the median of several repeats and
the ratio ours / baseline (below 1: faster). Targets:

* ``weston_watkins_loss`` vs ``K * F.multi_margin_loss`` (torch's native kernel): at most 1.0x;
* ``hinge_loss`` vs the bare composite ``torch.clamp(1 - y * s, min=0).mean()``: at most 1.25x.

The targets hold at one thread, the default here (``--threads`` to change it). Run
``python benchmarks/bench_losses.py`` (a few seconds) or add ``--quick`` (smaller sizes).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from _timing import alternate, stats

from hinge_utils.functional import hinge_loss, weston_watkins_loss


@dataclass
class Case:
    name: str
    ours: Callable[[], None]
    baseline: Callable[[], None]
    baseline_name: str
    target: float


def weston_watkins_case(n: int, k: int, p: int = 1) -> Case:
    generator = torch.Generator().manual_seed(0)
    scores = torch.randn(n, k, generator=generator)
    targets = torch.randint(0, k, (n,), generator=generator)

    def ours() -> None:
        leaf = scores.detach().requires_grad_()
        weston_watkins_loss(leaf, targets, p=p).backward()

    def baseline() -> None:
        leaf = scores.detach().requires_grad_()
        (k * F.multi_margin_loss(leaf, targets, p=p)).backward()

    name = f"weston_watkins_loss p={p} N={n} K={k}"
    return Case(name, ours, baseline, "K * F.multi_margin_loss", 1.0)


def hinge_case(n: int, target_dtype: torch.dtype) -> Case:
    generator = torch.Generator().manual_seed(0)
    scores = torch.randn(n, generator=generator)
    targets = (torch.randint(0, 2, (n,), generator=generator) * 2 - 1).to(target_dtype)

    def ours() -> None:
        leaf = scores.detach().requires_grad_()
        hinge_loss(leaf, targets).backward()

    def baseline() -> None:
        leaf = scores.detach().requires_grad_()
        torch.clamp(1 - targets * leaf, min=0).mean().backward()

    name = f"hinge_loss N={n:.0e} targets {str(target_dtype).removeprefix('torch.')}"
    return Case(name, ours, baseline, "clamp(1 - y*s, min=0).mean()", 1.25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats per case")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default: 1)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    scale = 8 if args.quick else 1
    repeats = args.repeats or (7 if args.quick else 15)
    cases = [
        weston_watkins_case(65536 // scale, 10),
        weston_watkins_case(4096 // scale, 1000),
        weston_watkins_case(65536 // scale, 10, p=2),
        hinge_case(1_000_000 // scale, torch.float32),
        hinge_case(1_000_000 // scale, torch.int64),
    ]

    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
        f"median of {repeats} repeats of forward + backward (validation included)"
    )
    header = f"{'case':<42} {'ours ms':>8} {'base ms':>8} {'ratio':>6} {'target':>7}  baseline"
    print(header)
    print("-" * len(header))
    for case in cases:
        ours_times, baseline_times = alternate(case.ours, case.baseline, repeats, warmup=3)
        ours, baseline = stats(ours_times).median, stats(baseline_times).median
        ratio = ours / baseline
        verdict = "ok" if ratio <= case.target else "SLOW"
        print(
            f"{case.name:<42} {ours * 1e3:8.2f} {baseline * 1e3:8.2f} {ratio:5.2f}x "
            f"{case.target:5.2f}x {verdict:<4} {case.baseline_name}"
        )


if __name__ == "__main__":
    main()
