#!/usr/bin/env python3
"""Times two lark-ticket binaries against each other on the same corpus,
alternating their runs, and prints a Markdown table of median wall times,
the ratio new/old and each side's peak resident memory. For checking that
a change (a restructuring, a new check) costs no throughput:

    git worktree add /tmp/base HEAD~5 && (cd /tmp/base && cargo build --release)
    cargo build --release
    python3 scripts/bench_ab.py /tmp/base/target/release/lark-ticket target/release/lark-ticket

EVENTS (default 200000) and RUNS (default 7) set the corpus size and the
number of timed runs of each side; each timed run follows an untimed one.
"""

import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "target", "bench-ab")
GEN = os.path.join(ROOT, "target", "release", "examples", "gen_corpus")
KEY = "bench-encrypt-key"
EVENTS = int(os.environ.get("EVENTS", "200000"))
RUNS = int(os.environ.get("RUNS", "7"))


def corpus(name, key=None):
    path = os.path.join(WORK, name)
    if not os.path.exists(path):
        args = [GEN, "--events", str(EVENTS)] + (["--encrypt-key", key] if key else [])
        with open(path + ".tmp", "wb") as f:
            subprocess.run(args, stdout=f, check=True)
        os.rename(path + ".tmp", path)
    return path


def once(cmd):
    """Wall time and peak RSS (KiB) of one run, output discarded."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise subprocess.CalledProcessError(os.waitstatus_to_exitcode(status), cmd)
    return elapsed, usage.ru_maxrss


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    old, new = (os.path.abspath(p) for p in sys.argv[1:])
    os.makedirs(WORK, exist_ok=True)
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "--example", "gen_corpus"], cwd=ROOT, check=True
    )
    plain = corpus(f"events-{EVENTS}.ndjson")
    enc = corpus(f"events-{EVENTS}.enc.ndjson", KEY)
    jobs = [
        ("diff -o json, plain", ["diff", "-o", "json", plain]),
        ("diff -o json -j 1, plain", ["diff", "-o", "json", "-j", "1", plain]),
        ("diff -o json --encrypt-key K, encrypted", ["diff", "-o", "json", "--encrypt-key", KEY, enc]),
        ("parse -o json, plain", ["parse", "-o", "json", plain]),
        ("decrypt, encrypted", ["decrypt", "--encrypt-key", KEY, enc]),
        ("diff --timeline -o json, plain", ["diff", "--timeline", "-o", "json", plain]),
    ]
    print(f"{EVENTS} events, {RUNS} alternating runs each, medians\n")
    print("| job | old | new | new/old | old peak RSS | new peak RSS |")
    print("|---|---|---|---|---|---|")
    for title, args in jobs:
        times = {old: [], new: []}
        rss = {old: 0, new: 0}
        for _ in range(RUNS):
            for binary in (old, new):
                once([binary] + args)
                elapsed, peak = once([binary] + args)
                times[binary].append(elapsed)
                rss[binary] = max(rss[binary], peak)
        a, b = statistics.median(times[old]), statistics.median(times[new])
        print(f"| `{title}` | {a:.3f} s | {b:.3f} s | {b / a:.3f} "
              f"| {rss[old] / 1024:.1f} MiB | {rss[new] / 1024:.1f} MiB |", flush=True)


if __name__ == "__main__":
    main()
