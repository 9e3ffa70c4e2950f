"""The peer benchmark behind scripts/bench-peers.sh (see there)."""
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
WORK = os.path.join(ROOT, "target", "bench-peers")
EVENTS = int(os.environ.get("EVENTS", "200000"))
PY_EVENTS = int(os.environ.get("PY_EVENTS", str(max(EVENTS // 10, 1000))))
RUNS = int(os.environ.get("RUNS", "5"))
KEY = "bench-encrypt-key"
BIN = os.path.join(ROOT, "target", "release", "lark-ticket")
GEN = os.path.join(ROOT, "target", "release", "examples", "gen_corpus")


def run(cmd, **kw):
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, **kw)


def setup():
    os.makedirs(WORK, exist_ok=True)
    run(["cargo", "build", "--release", "--quiet", "--bin", "lark-ticket", "--example", "gen_corpus"], cwd=ROOT)
    node_dir = os.path.join(WORK, "node")
    if not os.path.isdir(os.path.join(node_dir, "node_modules", "@larksuiteoapi", "node-sdk")):
        os.makedirs(node_dir, exist_ok=True)
        run(["npm", "install", "--silent", "--prefix", node_dir, "@larksuiteoapi/node-sdk"])
    venv = os.path.join(WORK, "venv")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python) or subprocess.run([python, "-c", "import lark_oapi"], capture_output=True).returncode != 0:
        run([sys.executable, "-m", "venv", venv])
        run([os.path.join(venv, "bin", "pip"), "install", "--quiet", "lark-oapi"])
    if shutil.which("jq") is None:
        run(["apt-get", "install", "-y", "-q", "jq"])
    return node_dir, python


def corpus(name, events, key=None):
    path = os.path.join(WORK, name)
    if not os.path.exists(path):
        args = [GEN, "--events", str(events)] + (["--encrypt-key", key] if key else [])
        with open(path + ".tmp", "wb") as f:
            run(args, stdout=f)
        os.rename(path + ".tmp", path)
    return path


def run_once(cmd, env=None):
    """Wall time and peak RSS (KiB) of one run, output discarded. The child
    is waited for directly (its own rusage gives the RSS), not through
    /usr/bin/time, whose start-up (about 1-2 ms) would count as the
    command's and swamp a run of a few milliseconds."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    return elapsed, usage.ru_maxrss


def peak_rss(cmd, env=None):
    """Peak RSS (KiB) of one run, through /usr/bin/time. Not from run_once:
    Linux carries the parent's high-water mark over fork and exec into the
    child's ru_maxrss, so a child of this (large) Python process reports
    at least this process's own peak; /usr/bin/time's children start
    from its small one."""
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, env=env, check=True)
    return int(proc.stderr.strip().splitlines()[-1])


def measure_pair(ours, peer, peer_env=None, runs=RUNS):
    """Median wall times of both commands and our peak RSS. The sides
    alternate (ours, the peer's, ours, ...), so that a machine that slows
    down or speeds up during the job (a shared VM does) weighs on both
    alike; and each timed run follows an untimed run of the same command,
    so that neither is timed on a machine the other has just left in
    another state. (On this VM the first run of ours after a
    single-threaded peer took 6-34% longer, user CPU included, than the
    next: the second vCPU comes back slowly after sitting idle.)"""
    t_ours, t_peer = [], []
    for _ in range(runs):
        run_once(ours)
        t_ours.append(run_once(ours)[0])
        run_once(peer, peer_env)
        t_peer.append(run_once(peer, peer_env)[0])
    return statistics.median(t_ours), statistics.median(t_peer), peak_rss(ours)


def main():
    node_dir, python = setup()
    enc = corpus(f"events-{EVENTS}.enc.ndjson", EVENTS, KEY)
    plain = corpus(f"events-{EVENTS}.ndjson", EVENTS)
    py_enc = corpus(f"events-{PY_EVENTS}.enc.ndjson", PY_EVENTS, KEY)
    one = os.path.join(WORK, "one.enc.json")
    with open(enc, "rb") as f, open(one, "wb") as o:
        o.write(f.readline())
    node_env = dict(os.environ, NODE_PATH=os.path.join(node_dir, "node_modules"))
    peers = os.path.join(ROOT, "scripts", "peers")
    jq_filter = ('select(.header.event_type=="helpdesk.ticket.updated_v1") | .header.event_id as $id '
                 '| .event.object as $o | .event.old_object // {} | to_entries[] '
                 '| [$o.ticket_id, $id, .key, (.value|tostring), ($o[.key]|tostring), (.value != $o[.key])] | @tsv')
    mb = lambda p: os.path.getsize(p) / 1e6
    rows = []

    def job(title, ours, peer_name, peer, peer_env=None, target=None, runs=RUNS, per_call=False, slower=False):
        """One row. `slower`: the peer is our own faster command, and the
        ratio is our time over its time (a bound, not a speed-up)."""
        t_ours, t_peer, rss_ours = measure_pair(ours, peer, peer_env, runs=runs)
        ratio = f"{t_ours / t_peer:.2f}x its time" if slower else f"{t_peer / t_ours:.1f}x"
        unit = (lambda t: f"{t * 1000:.1f} ms") if per_call else (lambda t: f"{t:.2f} s")
        rows.append((title, unit(t_ours), peer_name, unit(t_peer), ratio, target))
        print(f"{title}: ours {unit(t_ours)}, {peer_name} {unit(t_peer)}, {ratio} (target {target}); "
              f"peak RSS {rss_ours / 1024:.1f} MiB", file=sys.stderr)
        return rss_ours

    node_parse = os.path.join(peers, "node_parse.js")
    k = EVENTS // 1000
    streams = {}
    streams["diff"] = job(f"`diff -o json --encrypt-key K`, {k}k encrypted events ({mb(enc):.0f} MB)",
                          [BIN, "diff", "-o", "json", "--encrypt-key", KEY, enc],
                          "Node SDK `AESCipher` + `JSON.parse`", ["node", os.path.join(peers, "node_sdk_rows.js"), enc, KEY],
                          node_env, ">= 18x")
    job(f"`diff -o json`, the same events in plaintext ({mb(plain):.0f} MB)",
        [BIN, "diff", "-o", "json", plain], "`jq -r` to TSV", ["jq", "-r", jq_filter, plain], None, ">= 28x")
    job(f"`diff -o json -j 1`, the same, one worker thread",
        [BIN, "diff", "-o", "json", "-j", "1", plain], "`jq -r` to TSV", ["jq", "-r", jq_filter, plain], None, ">= 14x")
    streams["parse"] = job(f"`parse -o json`, {k}k plaintext events",
                           [BIN, "parse", "-o", "json", plain],
                           "Node: `JSON.parse`, `JSON.stringify` of envelope, ticket, old_object", ["node", node_parse, plain],
                           None, ">= 5x")
    job(f"`parse -o json --encrypt-key K`, {k}k encrypted events",
        [BIN, "parse", "-o", "json", "--encrypt-key", KEY, enc],
        "the same Node script, decrypting with the SDK's `AESCipher`", ["node", node_parse, enc, KEY],
        node_env, ">= 8x")
    job(f"`parse` (tables), {k}k plaintext events",
        [BIN, "parse", plain], "the same Node script (JSON)", ["node", node_parse, plain], None, ">= 1x")
    streams["timeline"] = job(f"`diff --timeline -o json`, {k}k plaintext events",
                              [BIN, "diff", "--timeline", "-o", "json", plain],
                              "our `diff -o json` of the same input", [BIN, "diff", "-o", "json", plain],
                              None, "<= 1.5x its time", slower=True)
    job(f"`diff -o json --encrypt-key K`, {PY_EVENTS // 1000}k encrypted events ({mb(py_enc):.0f} MB)",
        [BIN, "diff", "-o", "json", "--encrypt-key", KEY, py_enc],
        "Python SDK `AESCipher` + `JSON.unmarshal`", [python, os.path.join(peers, "python_sdk_rows.py"), py_enc, KEY],
        None, ">= 50x")
    job("`parse --encrypt-key K` of one payload, fresh process",
        [BIN, "parse", "-o", "json", "--encrypt-key", KEY, one],
        "Node loading the SDK to decrypt it", ["node", os.path.join(peers, "node_sdk_one.js"), one, KEY],
        node_env, ">= 20x", runs=max(RUNS * 4, 10), per_call=True)
    streams["decrypt"] = max(peak_rss([BIN, "decrypt", "--encrypt-key", KEY, enc]) for _ in range(RUNS))
    streams["tables"] = max(peak_rss([BIN, "parse", plain]) for _ in range(RUNS))
    # The timeline's memory per distinct event: how its peak grows from
    # the first half of the input to the whole, over how many more events
    # it keeps (what every run holds anyway cancels out).
    half = os.path.join(WORK, f"events-{EVENTS}.half.ndjson")
    if not os.path.exists(half):
        with open(plain, "rb") as f, open(half + ".tmp", "wb") as o:
            for i, line in enumerate(f):
                if i >= EVENTS // 2:
                    break
                o.write(line)
        os.rename(half + ".tmp", half)

    def timeline_memory(path):
        out = subprocess.run([BIN, "diff", "--timeline", "-o", "json", path], check=True,
                             capture_output=True, text=True).stdout
        distinct = sum(json.loads(line)["events"] for line in out.splitlines())
        return max(peak_rss([BIN, "diff", "--timeline", "-o", "json", path]) for _ in range(RUNS)), distinct

    (rss_all, distinct), (rss_half, distinct_half) = timeline_memory(plain), timeline_memory(half)
    per_event = (rss_all - rss_half) * 1024 / max(distinct - distinct_half, 1)

    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
    lines = [
        f"Measured {datetime.now(timezone.utc).strftime('%Y-%m-%d')} on {os.cpu_count()} cores ({cpu}), "
        f"{platform.system()} {platform.release()}; median of {RUNS} runs each "
        f"({max(RUNS * 4, 10)} for the single payload), "
        "ours and the peer's alternating, each timed run after an untimed one of the same command, "
        "by `scripts/bench-peers.sh`.",
        "",
        "| job | lark-ticket | compared with | its time | ratio | target |",
        "|---|---|---|---|---|---|",
    ]
    for title, ours, peer_name, peer, ratio, target in rows:
        lines.append(f"| {title} | {ours} | {peer_name} | {peer} | {ratio} | {target} |")
    mib = lambda kib: f"{kib / 1024:.1f} MiB"
    lines += ["", f"Peak resident memory over the {k}k-event streams (target <= 32 MiB, flat in the input size: "
              f"the pipeline holds a few batches of records): `diff` {mib(streams['diff'])}, "
              f"`parse -o json` {mib(streams['parse'])}, `parse` (tables) {mib(streams['tables'])}, "
              f"`decrypt` {mib(streams['decrypt'])}. "
              f"`diff --timeline` keeps each distinct event: {mib(rss_all)} for {distinct} of them, "
              f"{mib(rss_half)} for the first {distinct_half}: {per_event:.0f} bytes for each more "
              "(target <= 100)."]
    text = "\n".join(lines)
    print(text)
    if "--no-readme" not in sys.argv:
        readme = os.path.join(ROOT, "README.md")
        s = open(readme).read()
        start, end = "<!-- bench:start -->", "<!-- bench:end -->"
        i, j = s.index(start) + len(start), s.index(end)
        open(readme, "w").write(s[:i] + "\n" + text + "\n" + s[j:])
        print("README.md updated", file=sys.stderr)


if __name__ == "__main__":
    main()
