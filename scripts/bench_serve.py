#!/usr/bin/env python3
"""Load benchmark of `mtl4j serve` with wrk, written to docs/results/serving.md (+ .json).

    scripts/bench_serve.py [--duration 20] [--connections 16] [--server-threads 8]
                           [--engine-threads 1] [--out docs/results/serving.md]

Trains (once) the income example with `mtl4j compare` into runs/serve-bench: one multi-task
model (2 tasks) and one single-task model per task. Then, for each model, starts `mtl4j serve`
on a free loopback port and runs wrk against POST /predict with single records (cycling through
256 real rows of examples/income/income.csv) and with batches of 64 records. Reports requests/s,
records/s, p50/p99 latency, errors, and the server's resident memory before and after the load.
The multi-task model answers both tasks per record; with separate single-task models a client
needs one request per task, so the comparable rate is 1 / sum(1 / rate of each model).

Needs: apt-get install wrk. Server and wrk share the machine's cores; the page says how many.
"""
import argparse
import csv
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, **kw)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def java_pid(launcher_pid):
    """The JVM under the launcher script (the script execs or forks java)."""
    out = subprocess.run(["pgrep", "-P", str(launcher_pid)], text=True, capture_output=True).stdout.split()
    for pid in [str(launcher_pid)] + out:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"org.mtl4j.cli.Main" in f.read():
                    return int(pid)
        except OSError:
            pass
    return launcher_pid


def wait_ready(port, proc, timeout=180):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None:
            sys.exit(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit("server did not start in time")


def lua_script(bodies, path):
    with open(path, "w") as f:
        f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n')
        f.write("local bodies = {\n")
        for b in bodies:
            f.write("  " + json.dumps(b) + ",\n")
        f.write("}\nlocal i = 0\n")
        f.write("request = function()\n  i = i % #bodies + 1\n"
                "  return wrk.format(nil, nil, nil, bodies[i])\nend\n")


def parse_wrk(text):
    def ms(v, unit):
        return float(v) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[unit]
    out = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    out["requests_per_s"] = float(m.group(1)) if m else float("nan")
    for p in ("50", "99"):
        m = re.search(rf"^\s+{p}(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
        out[f"p{p}_ms"] = ms(*m.groups()) if m else float("nan")
    m = re.search(r"(\d+) requests in", text)
    out["requests"] = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    out["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    out["socket_errors"] = sum(map(int, m.groups())) if m else 0
    return out


def bench_model(run_dir, records, args, label):
    port = free_port()
    log = open(os.path.join(tempfile.gettempdir(), f"serve-{port}.log"), "w")
    proc = subprocess.Popen(
        [os.path.join(ROOT, "mtl4j"), "serve", run_dir, "--port", str(port),
         "--threads", str(args.server_threads), "--engine-threads", str(args.engine_threads)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_ready(port, proc)
        pid = java_pid(proc.pid)
        rss_start = rss_mib(pid)
        rows = []
        with tempfile.TemporaryDirectory() as d:
            for mode, batch in (("single record", 1), ("batch of 64", 64)):
                if batch == 1:
                    bodies = [json.dumps(r) for r in records[:256]]
                else:
                    bodies = [json.dumps(records[i:i + 64]) for i in range(0, 256, 64)]
                script = os.path.join(d, "post.lua")
                lua_script(bodies, script)
                url = f"http://127.0.0.1:{port}/predict"
                # warm-up (JIT, engine), then the measured run
                subprocess.run(["wrk", "-t1", "-c4", "-d5s", "-s", script, url],
                               capture_output=True, text=True)
                res = subprocess.run(
                    ["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}",
                     f"-d{args.duration}s", "--latency", "-s", script, url],
                    capture_output=True, text=True, check=True)
                r = parse_wrk(res.stdout)
                r.update(model=label, mode=mode, batch=batch,
                         records_per_s=r["requests_per_s"] * batch)
                rows.append(r)
                print(f"{label:28s} {mode:14s} {r['requests_per_s']:9.1f} req/s "
                      f"{r['records_per_s']:9.1f} rec/s  p50 {r['p50_ms']:.2f} ms  "
                      f"p99 {r['p99_ms']:.2f} ms  non-2xx {r['non_2xx']}  "
                      f"socket errors {r['socket_errors']}", flush=True)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health") as h:
            health = json.load(h)
        rss_end = rss_mib(pid)
        for r in rows:
            r.update(rss_start_mib=rss_start, rss_end_mib=rss_end,
                     requests_per_forward_pass=health["requests_per_forward_pass"])
        return rows
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()


def records_from_income(features, n=256):
    rows = []
    with open(os.path.join(ROOT, "examples", "income", "income.csv"), newline="") as f:
        for row in csv.DictReader(f):
            rows.append({k: (row[k] if row[k] != "" else None) for k in features})
            if len(rows) == n:
                break
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=int, default=20)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--wrk-threads", type=int, default=1)
    ap.add_argument("--server-threads", type=int, default=8)
    ap.add_argument("--engine-threads", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "results", "serving.md"))
    args = ap.parse_args()
    if subprocess.run(["sh", "-c", "command -v wrk"], capture_output=True).returncode != 0:
        sys.exit("wrk not found: apt-get install wrk")
    runs = os.path.join(ROOT, "runs", "serve-bench")
    if not os.path.exists(os.path.join(runs, "compare.json")):
        sh([os.path.join(ROOT, "mtl4j"), "compare", os.path.join(ROOT, "examples", "income", "income.yaml"),
            "--out", runs, "--no-report"])
    with open(os.path.join(runs, "mtl", "model", "model.json")) as f:
        desc = json.load(f)
    compare = json.load(open(os.path.join(runs, "compare.json")))
    tasks = compare["tasks"]
    features = desc["preprocessor"]["categorical"] + desc["preprocessor"].get("numeric", [])
    records = records_from_income(features)
    results = bench_model(os.path.join(runs, "mtl"), records, args, "multi-task (both tasks)")
    for t in tasks:
        results += bench_model(os.path.join(runs, "stl-" + t), records, args, f"single-task {t}")
    # separate single-task models: one request per task for every record
    combined = []
    for mode in ("single record", "batch of 64"):
        st = [r for r in results if r["mode"] == mode and r["model"].startswith("single-task")]
        rate = 1 / sum(1 / r["records_per_s"] for r in st)
        mt = next(r for r in results if r["mode"] == mode and r["model"].startswith("multi-task"))
        combined.append((mode, mt["records_per_s"], rate, mt["records_per_s"] / rate))
    write_page(args, results, combined, tasks)


def write_page(args, results, combined, tasks):
    cpu = os.cpu_count()
    lines = [
        "# Serving throughput (`mtl4j serve`, wrk)",
        "",
        "Generated by `scripts/bench_serve.py "
        f"--duration {args.duration} --connections {args.connections} --server-threads "
        f"{args.server_threads} --engine-threads {args.engine_threads}` on a {cpu}-core machine, "
        "with wrk and the server on the same machine (loopback), so they share the cores. Model: "
        f"the income example (MLP encoder 64-32, {len(tasks)} binary tasks: {', '.join(tasks)}), "
        "trained by `mtl4j compare`. Requests cycle through 256 real rows of "
        "examples/income/income.csv; after a 5 s warm-up each run lasts "
        f"{args.duration} s with {args.connections} connections.",
        "",
        "| model | request | requests/s | records/s | p50 ms | p99 ms | errors | RSS before → after (MiB) | requests per forward pass |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['model']} | {r['mode']} | {r['requests_per_s']:.0f} | {r['records_per_s']:.0f} | "
            f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['non_2xx'] + r['socket_errors']} | "
            f"{r['rss_start_mib']:.0f} → {r['rss_end_mib']:.0f} | {r['requests_per_forward_pass']:.2f} |")
    lines += [
        "",
        "Errors: non-2xx responses plus socket errors. RSS: the server's resident memory after "
        "start-up and after both load runs. Requests per forward pass: the server's micro-batching "
        "over the whole run (warm-ups included).",
        "",
        "## One shared forward pass vs one model per task",
        "",
        "Predictions of every task for a record: the multi-task model gives them in one request; "
        "with separate single-task models a client sends one request per task, so the records/s "
        "it gets is 1 / Σ(1 / records/s of each model).",
        "",
        "| request | multi-task records/s | separate single-task models records/s | ratio |",
        "|---|---|---|---|",
    ]
    for mode, mt, st, ratio in combined:
        lines.append(f"| {mode} | {mt:.0f} | {st:.0f} | {ratio:.2f}× |")
    lines.append("")
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    with open(os.path.splitext(args.out)[0] + ".json", "w") as f:
        json.dump({"results": results, "combined": [
            {"mode": m, "multi_task_records_per_s": a, "single_task_records_per_s": b, "ratio": c}
            for m, a, b, c in combined]}, f, indent=2)
    print("wrote " + args.out)


if __name__ == "__main__":
    main()
