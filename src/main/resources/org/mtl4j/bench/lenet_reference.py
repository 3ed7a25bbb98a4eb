"""PyTorch reference for `mtl4j bench`: the Multi-Fashion LeNet training step, equal weighting.

The same model and loop as mtl4j's benchmark, written the way a PyTorch user would: a shared
LeNet encoder (conv 1->10 5x5, max-pool 2, ReLU, conv 10->20 5x5, max-pool 2, ReLU, fc 320->50,
ReLU), one linear head per task, per-task cross-entropy averaged over the labelled rows (mask),
the sum of the task losses, one backward pass, Adam (lr 1e-3).

Usage: python3 lenet_reference.py BATCHES_FILE THREADS STEPS WARMUP
BATCHES_FILE is written by `mtl4j bench` (format in org.mtl4j.cli.BenchBatches). Prints one JSON
line: samples per second, mean time per step and its parts, peak resident memory.
"""

import json
import resource
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def read_batches(path):
    with open(path, "rb") as f:
        head = f.read(24)
        magic, version, count, rows, width, tasks = struct.unpack(">4s5i", head)
        if magic != b"MTLB" or version != 1:
            raise SystemExit(f"{path}: not an mtl4j benchmark batch file (version 1)")
        widths = struct.unpack(f">{tasks}i", f.read(4 * tasks))
        x = np.frombuffer(f.read(4 * count * rows * width), dtype=">f4")
        x = x.astype(np.float32).reshape(count, rows, width)
        ys = []
        for _ in range(count):
            per_task = []
            for w in widths:
                y = np.frombuffer(f.read(4 * rows * w), dtype=">f4").astype(np.float32)
                per_task.append(y.reshape(rows, w))
            ys.append(per_task)
    return x, ys, widths


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, 5)
        self.conv2 = nn.Conv2d(10, 20, 5)
        self.fc = nn.Linear(320, 50)

    def forward(self, x):
        x = x.view(-1, 1, 28, 28)
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2(x), 2))
        return F.relu(self.fc(x.flatten(1)))


def main():
    path, threads, steps, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x, ys, widths = read_batches(path)
    if x.shape[2] != 784 or any(w != 1 for w in widths):
        raise SystemExit("the reference runs the Multi-Fashion problem only (784 pixels, class labels)")
    images = [torch.from_numpy(x[k]) for k in range(len(x))]
    labels = [[torch.from_numpy(y[:, 0]).long() for y in per] for per in ys]
    masks = [torch.ones(x.shape[1]) for _ in widths]
    encoder = LeNet()
    heads = nn.ModuleList([nn.Linear(50, 10) for _ in widths])
    params = list(encoder.parameters()) + list(heads.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    parts = {"forward": 0.0, "backward": 0.0, "optimizer": 0.0}
    step_ms = []
    for i in range(warmup + steps):
        k = i % len(images)
        t0 = time.perf_counter()
        z = encoder(images[k])
        total = None
        for t, head in enumerate(heads):
            ce = F.cross_entropy(head(z), labels[k][t], reduction="none")
            loss = (ce * masks[t]).sum() / masks[t].sum()
            loss.item()  # read each task's loss, as the mtl4j loop does
            total = loss if total is None else total + loss
        t1 = time.perf_counter()
        total.backward()
        t2 = time.perf_counter()
        opt.step()
        opt.zero_grad(set_to_none=True)
        t3 = time.perf_counter()
        if i >= warmup:
            parts["forward"] += t1 - t0
            parts["backward"] += t2 - t1
            parts["optimizer"] += t3 - t2
            step_ms.append((t3 - t0) * 1000)
    mean_ms = sum(step_ms) / len(step_ms)
    out = {
        "implementation": "pytorch " + torch.__version__,
        "threads": torch.get_num_threads(),
        "steps": steps,
        "batch_size": int(x.shape[1]),
        "mean_ms": mean_ms,
        "median_ms": sorted(step_ms)[len(step_ms) // 2],
        "samples_per_second": x.shape[1] * 1000.0 / mean_ms,
        "parts_ms": {k: v * 1000 / steps for k, v in parts.items()},
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
