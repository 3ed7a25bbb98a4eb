#!/usr/bin/env python3
"""Load test of `mtl4j serve` under attack (issue 19's target), on loopback.

While wrk sends legitimate POST /predict requests (--connections, --duration), this script keeps
--slow slow-body connections (POST headers, 5 bytes of a 100-byte body, then silence; reopened as
soon as the server closes one) and --idle idle connections (connected, nothing sent; reopened too)
open the whole time, polls GET /health every 200 ms and samples the server's RSS every 5 s.
Prints a Markdown table of the results.

    python3 scripts/attack_serve.py RUN_DIR --launcher ./mtl4j --port 18090
"""
import argparse
import json
import os
import resource
import selectors
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Attackers(threading.Thread):
    """Keeps `slow` slow-body and `idle` idle connections open; records how long each lived."""

    def __init__(self, port, slow, idle):
        super().__init__(daemon=True)
        self.port, self.slow, self.idle = port, slow, idle
        self.sel = selectors.DefaultSelector()
        self.lifetimes = {"slow": [], "idle": []}
        self.answers = {}
        self.stop = False
        self.reopen_failures = 0

    def open(self, kind):
        try:
            s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        except OSError:
            self.reopen_failures += 1
            return
        if kind == "slow":
            s.sendall(
                b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100\r\n\r\n{\"a\":"
            )
        s.setblocking(False)
        self.sel.register(s, selectors.EVENT_READ, (kind, time.time()))

    def run(self):
        for _ in range(self.slow):
            self.open("slow")
        for _ in range(self.idle):
            self.open("idle")
        while not self.stop:
            for key, _ in self.sel.select(timeout=0.2):
                kind, opened = key.data
                try:
                    data = key.fileobj.recv(4096)
                except OSError:
                    data = b""
                if data:
                    status = data.split(b"\r\n", 1)[0].decode(errors="replace")
                    self.answers[status] = self.answers.get(status, 0) + 1
                    continue
                self.sel.unregister(key.fileobj)
                key.fileobj.close()
                self.lifetimes[kind].append(time.time() - opened)
                if not self.stop:
                    self.open(kind)
        for key in list(self.sel.get_map().values()):
            key.fileobj.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run")
    ap.add_argument("--launcher", default="./mtl4j")
    ap.add_argument("--port", type=int, default=18090)
    ap.add_argument("--duration", type=int, default=60)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--slow", type=int, default=16)
    ap.add_argument("--idle", type=int, default=2000)
    ap.add_argument("--read-timeout-ms", type=int, default=10000)
    ap.add_argument("--idle-timeout-ms", type=int, default=60000)
    ap.add_argument("--record", required=True, help="a JSON record for POST /predict")
    a = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))

    server = subprocess.Popen(
        [a.launcher, "serve", a.run, "--port", str(a.port), "--threads", "8",
         "--engine-threads", "1", "--read-timeout-ms", str(a.read_timeout_ms),
         "--idle-timeout-ms", str(a.idle_timeout_ms)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{a.port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(base + "/health", timeout=1).read()
            break
        except OSError:
            time.sleep(0.5)
    lua = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    lua.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
              f"wrk.body = {json.dumps(a.record)}\n")
    lua.close()
    # warm-up
    subprocess.run(["wrk", "-t2", "-c16", "-d5s", "-s", lua.name, base + "/predict"],
                   capture_output=True)
    rss0 = rss_mib(server.pid)
    att = Attackers(a.port, a.slow, a.idle)
    att.start()
    time.sleep(2)
    health, rss = [], []
    done = threading.Event()

    def poll():
        t_rss = 0
        while not done.is_set():
            t0 = time.time()
            try:
                urllib.request.urlopen(base + "/health", timeout=5).read()
                health.append((time.time() - t0) * 1000)
            except OSError:
                health.append(float("inf"))
            if time.time() - t_rss > 5:
                rss.append(rss_mib(server.pid))
                t_rss = time.time()
            time.sleep(0.2)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    w = subprocess.run(["wrk", "-t2", f"-c{a.connections}", f"-d{a.duration}s", "--latency",
                        "-s", lua.name, base + "/predict"], capture_output=True, text=True)
    done.set()
    poller.join()
    att.stop = True
    att.join()
    server.terminate()
    server.wait()
    out = w.stdout
    reqs = next((l.split()[1] for l in out.splitlines() if l.startswith("Requests/sec")), "?")
    errors = [l.strip() for l in out.splitlines()
              if "Non-2xx" in l or "Socket errors" in l]
    p50 = next((l.split()[1] for l in out.splitlines() if l.strip().startswith("50%")), "?")
    p99 = next((l.split()[1] for l in out.splitlines() if l.strip().startswith("99%")), "?")
    hs = sorted(health)
    slow_life = att.lifetimes["slow"]
    idle_life = att.lifetimes["idle"]
    print(f"| legitimate requests/s | {reqs} (p50 {p50}, p99 {p99}) |")
    print(f"| legitimate errors | {'; '.join(errors) if errors else '0 (no non-2xx, no socket errors)'} |")
    print(f"| /health polls | {len(hs)}, median {hs[len(hs)//2]:.1f} ms, max {hs[-1]:.1f} ms,"
          f" over 100 ms: {sum(1 for h in hs if h > 100)} |")
    if slow_life:
        print(f"| slow-body connections closed by the server | {len(slow_life)}, after"
              f" {min(slow_life):.1f}–{max(slow_life):.1f} s (read timeout"
              f" {a.read_timeout_ms / 1000:.0f} s); answers seen: {att.answers} |")
    if idle_life:
        print(f"| idle connections closed by the server | {len(idle_life)}, after"
              f" {min(idle_life):.1f}–{max(idle_life):.1f} s (idle timeout"
              f" {a.idle_timeout_ms / 1000:.0f} s) |")
    print(f"| server RSS (MiB) | after warm-up {rss0:.0f}; every 5 s under attack:"
          f" {', '.join(f'{r:.0f}' for r in rss)} |")
    print(f"| attacker reconnect failures | {att.reopen_failures} |")
    sys.stdout.flush()
    os.unlink(lua.name)


if __name__ == "__main__":
    main()
