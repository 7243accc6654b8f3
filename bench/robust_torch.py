#!/usr/bin/python3
"""PyTorch reference for bench/robust.ts: the robust aggregation rules of src/robust/aggregators/
written as a PyTorch user would (torch.median / torch.sort / torch.topk, torch.cdist), float32, one
thread, with the semantics of Loom's rules:

  median            per coordinate; even n: the mean of the two middle values (numpy's convention,
                    Loom's default) from torch.sort; `median_lower` is torch.median itself (the lower
                    middle value, Loom's even='lower')
  trimmed_mean      per coordinate, drop the f lowest and f highest (torch.sort), average the rest
  geometric_median  smoothed Weiszfeld from the average: w_i = 1 / max(nu, ||z - x_i||), nu = 1e-6,
                    at most 100 iterations, stop when the objective improves by <= 1e-7 relative;
                    inputs with a non-finite entry left out
  krum, multi_krum  scores: the sum of the n - f - 2 smallest squared distances to the others
                    (torch.cdist); Krum returns the best, Multi-Krum averages the m = n - f best
  bulyan            theta = n - 2f chosen by iterated Krum (n' - f - 2 neighbours among the n' left),
                    then per coordinate the mean of the beta = theta - 2f chosen values nearest their
                    median (torch.topk of |x - median|)

Usage: /usr/bin/python3 robust_torch.py --input X.f32 --n 32 --d 1000000 --f 4 [--repeats 3]
       [--rules median,trimmed_mean,...] [--out-dir DIR]
The input is n x d raw float32 (row-major). Prints one JSON line: the median seconds of `repeats`
timed calls per rule (after one untimed call), the geometric median's iteration count, and torch's
version; with --out-dir, writes each rule's output there as raw float32 (<rule>.f32).
"""
import os, sys

sys.path.insert(0, os.environ.get("LOOM_PEERS_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "peers")))
import fast_blas  # noqa: F401,E402  (first: full-speed OpenBLAS where that is safe; prints the kernel on stderr)
import argparse, json, time  # noqa: E402

for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[var] = "1"  # one thread, before torch loads its BLAS
import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)
INF = float("inf")


def median(x):
    n = x.shape[0]
    if n % 2 == 1:
        return torch.median(x, dim=0).values
    s = torch.sort(x, dim=0).values
    return (s[n // 2 - 1] + s[n // 2]) / 2


def median_lower(x):
    return torch.median(x, dim=0).values


def trimmed_mean(x, f):
    n = x.shape[0]
    return torch.sort(x, dim=0).values[f:n - f].mean(dim=0)


def geometric_median(x, nu=1e-6, max_iterations=100, tolerance=1e-7):
    finite = torch.isfinite(x).all(dim=1)
    if not bool(finite.all()):
        x = x[finite]
    z = x.mean(dim=0)
    distances = torch.linalg.vector_norm(x - z, dim=1)
    previous = distances.double().sum().item()
    iterations = 0
    for _ in range(max_iterations):
        iterations += 1
        w = 1.0 / torch.clamp(distances, min=nu)
        candidate = (w @ x) / w.sum()
        candidate_distances = torch.linalg.vector_norm(x - candidate, dim=1)
        value = candidate_distances.double().sum().item()
        improvement = previous - value
        if value <= previous:
            z, distances = candidate, candidate_distances
        if improvement <= tolerance * max(previous, 5e-324):
            break
        previous = value
    return z, iterations


def squared_distances(x):
    d = torch.cdist(x, x) ** 2
    return torch.nan_to_num(d, nan=INF)  # a NaN input is infinitely far, as in Loom


def krum_scores(d, k):
    # column 0 of each sorted row is the distance to itself (0)
    if k <= 0:
        return torch.zeros(d.shape[0], dtype=d.dtype)
    return torch.sort(d, dim=1).values[:, 1:k + 1].sum(dim=1)


def krum(x, f):
    scores = krum_scores(squared_distances(x), x.shape[0] - f - 2)
    return x[torch.argmin(scores)].clone()


def multi_krum(x, f):
    n = x.shape[0]
    scores = krum_scores(squared_distances(x), n - f - 2)
    chosen = torch.argsort(scores, stable=True)[: n - f]
    return x[chosen].mean(dim=0)


def bulyan(x, f):
    n = x.shape[0]
    d = squared_distances(x)
    remaining = list(range(n))
    selected = []
    theta = n - 2 * f
    while len(selected) < theta:
        sub = d[remaining][:, remaining]
        scores = krum_scores(sub, len(remaining) - f - 2)
        selected.append(remaining.pop(int(torch.argmin(scores))))
    s = x[selected]
    beta = theta - 2 * f
    med = median(s)
    nearest = torch.topk((s - med).abs(), beta, dim=0, largest=False).indices
    return torch.gather(s, 0, nearest).mean(dim=0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--input", required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--d", type=int, required=True)
    p.add_argument("--f", type=int, required=True)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--rules", default="median,median_lower,trimmed_mean,geometric_median,krum,multi_krum,bulyan")
    p.add_argument("--out-dir")
    a = p.parse_args()
    x = torch.from_numpy(np.fromfile(a.input, dtype=np.float32).reshape(a.n, a.d))
    f = a.f
    iterations = {}

    def geometric(x):
        z, iterations["geometric_median"] = geometric_median(x)
        return z

    rules = {
        "median": median,
        "median_lower": median_lower,
        "trimmed_mean": lambda x: trimmed_mean(x, f),
        "geometric_median": geometric,
        "krum": lambda x: krum(x, f),
        "multi_krum": lambda x: multi_krum(x, f),
        "bulyan": lambda x: bulyan(x, f),
    }
    seconds = {}
    for name in a.rules.split(","):
        rule = rules[name]
        out = rule(x)  # untimed: first-call allocations
        times = []
        for _ in range(a.repeats):
            start = time.perf_counter()
            out = rule(x)
            times.append(time.perf_counter() - start)
        times.sort()
        seconds[name] = (times[(len(times) - 1) // 2] + times[len(times) // 2]) / 2
        if a.out_dir:
            out.contiguous().numpy().astype(np.float32).tofile(os.path.join(a.out_dir, f"{name}.f32"))
    print(json.dumps({"peer": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(),
                      "seconds": seconds, "geometric_median_iterations": iterations.get("geometric_median")}), flush=True)


if __name__ == "__main__":
    main()
