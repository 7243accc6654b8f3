#!/usr/bin/python3
"""PyTorch reference for bench/compress.ts: DistributedDataParallel over gloo (CPU, loopback), one
process per worker, one thread each, with PyTorch's own communication hooks: none (dense),
default_hooks.fp16_compress_hook, or powerSGD_hook (rank r, error feedback, warm start, minimum
compression rate 2, as Loom's defaults). Same model and per-worker batch as Loom's run.

Usage: /usr/bin/python3 compress_torch.py --hook none|fp16|powersgd [--rank 2] [--model mlp|cnn]
       [--batch 128] [--steps 200] [--world 2]
Prints one JSON line: global samples/s after 20 warm-up steps, and the payload floats a step that
the hook all-reduces (counted from the model's tensors as the hook compresses them).
"""
import os, sys

sys.path.insert(0, os.environ.get("LOOM_PEERS_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "peers")))
import fast_blas  # noqa: F401,E402  (first: full-speed OpenBLAS where that is safe; prints the kernel on stderr)
import argparse, json, time  # noqa: E402

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core per worker, before torch loads BLAS
import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402
import torch.multiprocessing as mp  # noqa: E402
from torch.distributed.algorithms.ddp_comm_hooks import default_hooks, powerSGD_hook  # noqa: E402

WARMUP_STEPS = 20


def build(model):
    nn = torch.nn
    if model == "mlp":
        return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)), (784,)
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)), (1, 28, 28)


def payload_floats(model, hook, rank):
    """Floats a step all-reduces: dense counts every parameter (fp16 at 2 bytes, reported as halves)."""
    total = 0
    for p in model.parameters():
        if hook != "powersgd" or p.dim() < 2:
            total += p.numel()
            continue
        n, m = p.shape[0], p.numel() // p.shape[0]
        r = min(rank, n, m)
        total += r * (n + m) if n * m >= 2 * r * (n + m) else n * m
    return total


def run(worker, a, q):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(a.port)
    torch.set_num_threads(1)
    torch.manual_seed(worker)
    dist.init_process_group("gloo", rank=worker, world_size=a.world)
    m, shape = build(a.model)
    ddp = torch.nn.parallel.DistributedDataParallel(m)
    if a.hook == "fp16":
        ddp.register_comm_hook(None, default_hooks.fp16_compress_hook)
    elif a.hook == "powersgd":
        state = powerSGD_hook.PowerSGDState(process_group=None, matrix_approximation_rank=a.rank, start_powerSGD_iter=2,
                                            min_compression_rate=2, use_error_feedback=True, warm_start=True)
        ddp.register_comm_hook(state, powerSGD_hook.powerSGD_hook)
    opt = torch.optim.SGD(ddp.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(a.batch, *shape)
    y = torch.randint(0, 10, (a.batch,))
    lf = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        lf(ddp(x), y).backward()
        opt.step()
    for _ in range(WARMUP_STEPS):
        step()
    dist.barrier()
    t = time.perf_counter()
    for _ in range(a.steps):
        step()
    dist.barrier()
    dt = time.perf_counter() - t
    if worker == 0:
        q.put({"peer": f"pytorch-ddp-gloo-{a.hook}", "torch": torch.__version__, "model": a.model, "world": a.world,
               "samples_per_s": round(a.world * a.batch * a.steps / dt, 1), "payload_floats": payload_floats(m, a.hook, a.rank)})
    dist.destroy_process_group()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--hook", default="none", choices=["none", "fp16", "powersgd"])
    p.add_argument("--rank", type=int, default=2)
    p.add_argument("--world", type=int, default=2)
    p.add_argument("--model", default="mlp", choices=["mlp", "cnn"])
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--port", type=int, default=29531)
    a = p.parse_args()
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=run, args=(r, a, q)) for r in range(a.world)]
    for pr in procs:
        pr.start()
    print(json.dumps(q.get(timeout=600)), flush=True)
    for pr in procs:
        pr.join()
