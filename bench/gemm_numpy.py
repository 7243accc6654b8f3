#!/usr/bin/python3
"""numpy/OpenBLAS reference for bench/gemm.ts: float32 GEMM GFLOP/s on one thread, per shape.

Usage: /usr/bin/python3 gemm_numpy.py SHAPES_JSON SECONDS
SHAPES_JSON: [{"name":..,"m":..,"k":..,"n":..,"transA":bool,"transB":bool}, ...]. For each shape,
the GFLOP/s of a burst of np.matmul calls lasting about SECONDS (after one warm-up call).
Prints one JSON line: {"numpy": version, "gflops": {name: GFLOP/s, ...}}.
"""
import os, sys

sys.path.insert(0, os.environ.get("LOOM_PEERS_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "peers")))
import fast_blas  # noqa: F401,E402  (first: full-speed OpenBLAS where that is safe; prints the kernel on stderr)
import json, time  # noqa: E402

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"  # one thread, before numpy loads its BLAS
import numpy as np  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gemm_numpy.py SHAPES_JSON SECONDS")
    shapes = json.loads(sys.argv[1])
    seconds = float(sys.argv[2])
    rng = np.random.default_rng(0)
    out = {}
    for s in shapes:
        m, k, n = s["m"], s["k"], s["n"]
        a = rng.standard_normal((k, m) if s["transA"] else (m, k), dtype=np.float32)
        b = rng.standard_normal((n, k) if s["transB"] else (k, n), dtype=np.float32)
        a = a.T if s["transA"] else a
        b = b.T if s["transB"] else b
        c = np.empty((m, n), dtype=np.float32)
        np.matmul(a, b, out=c)
        calls = 0
        start = time.perf_counter()
        while True:
            np.matmul(a, b, out=c)
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        out[s["name"]] = 2.0 * m * n * k * calls / elapsed / 1e9
    print(json.dumps({"numpy": np.__version__, "gflops": out}))


if __name__ == "__main__":
    main()
