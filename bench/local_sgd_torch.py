#!/usr/bin/python3
"""PyTorch reference for bench/local-sgd.ts: post-local SGD as PyTorch ships it
(torch.distributed.algorithms: DistributedDataParallel with post_localSGD_hook, which all-reduces
gradients until start_localSGD_iter and then stops, and PeriodicModelAverager, which averages the
models every `period` steps after its warm-up), gloo over loopback, one process per worker, one
thread each, on the same data, model, batches and optimizer as Loom's run:

  Fashion-MNIST (pixels / 255), MLP 784-256-256-10 (ReLU), SGD lr / momentum, global batch B of
  a seeded permutation per epoch, each worker training on its contiguous half of every batch.

After the last step the models are averaged once more and evaluated on the test set.

Usage: /usr/bin/python3 local_sgd_torch.py --data DIR --epochs 3 --batch 256 --period 8 --switch 234
Prints one JSON line: samples/s over the steps after the first 20, the test accuracy, torch's version.
"""
import os, sys

sys.path.insert(0, os.environ.get("LOOM_PEERS_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "peers")))
import fast_blas  # noqa: F401,E402  (first: full-speed OpenBLAS where that is safe; prints the kernel on stderr)
import argparse, gzip, json, time  # noqa: E402

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core per worker, before torch loads BLAS
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402
import torch.multiprocessing as mp  # noqa: E402
from torch.distributed.algorithms.ddp_comm_hooks.post_localSGD_hook import PostLocalSGDState, post_localSGD_hook  # noqa: E402
from torch.distributed.algorithms.model_averaging.averagers import PeriodicModelAverager  # noqa: E402

WARMUP_STEPS = 20


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(directory, split):
    x = idx(os.path.join(directory, f"{split}-images-idx3-ubyte.gz")).reshape(-1, 784).astype(np.float32) / 255.0
    y = idx(os.path.join(directory, f"{split}-labels-idx1-ubyte.gz")).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


def run(rank, a, q):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(a.port)
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    dist.init_process_group("gloo", rank=rank, world_size=a.world)
    x, y = load(a.data, "train")
    tx, ty = load(a.data, "t10k")
    nn = torch.nn
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
    ddp = nn.parallel.DistributedDataParallel(model)
    # After the switch the hook all-reduces gradients only within `subgroup` (PyTorch's intra-node
    # group, which it can only build itself with CUDA): each process is its own node here.
    singles = [dist.new_group([r]) for r in range(a.world)]
    ddp.register_comm_hook(PostLocalSGDState(process_group=None, subgroup=singles[rank], start_localSGD_iter=a.switch), post_localSGD_hook)
    averager = PeriodicModelAverager(period=a.period, warmup_steps=a.switch)
    opt = torch.optim.SGD(ddp.parameters(), lr=a.lr, momentum=a.momentum)
    loss_fn = nn.CrossEntropyLoss()
    per_epoch = x.shape[0] // a.batch
    share = a.batch // a.world
    generator = torch.Generator().manual_seed(a.seed)
    step = 0
    started = None
    for _ in range(a.epochs):
        order = torch.randperm(x.shape[0], generator=generator)
        for s in range(per_epoch):
            if step == WARMUP_STEPS:
                dist.barrier()
                started = time.perf_counter()
            batch = order[s * a.batch + rank * share: s * a.batch + (rank + 1) * share]
            opt.zero_grad(set_to_none=True)
            loss_fn(ddp(x[batch]), y[batch]).backward()
            opt.step()
            averager.average_parameters(ddp.parameters())
            step += 1
    dist.barrier()
    seconds = time.perf_counter() - started
    with torch.no_grad():
        for p in ddp.parameters():
            dist.all_reduce(p.data)
            p.data /= a.world
        accuracy = (model(tx).argmax(1) == ty).float().mean().item()
    if rank == 0:
        q.put({"peer": "pytorch-post-local-sgd-gloo", "world": a.world, "global_batch": a.batch, "period": a.period, "switch": a.switch,
               "steps": step, "samples_per_s": round((step - WARMUP_STEPS) * a.batch / seconds, 1), "test_acc": round(accuracy, 4),
               "torch": torch.__version__})
    dist.destroy_process_group()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--world", type=int, default=2)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--period", type=int, default=8)
    p.add_argument("--switch", type=int, default=0)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--port", type=int, default=29531)
    a = p.parse_args()
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=run, args=(r, a, q)) for r in range(a.world)]
    for proc in procs:
        proc.start()
    import queue
    result = None
    while result is None:
        try:
            result = q.get(timeout=1)
        except queue.Empty:
            failed = [proc.exitcode for proc in procs if proc.exitcode not in (None, 0)]
            if failed:
                for proc in procs:
                    proc.kill()
                sys.exit(f"a worker process failed (exit {failed[0]})")
    for proc in procs:
        proc.join()
    print(json.dumps(result), flush=True)
