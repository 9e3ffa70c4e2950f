#!/usr/bin/env python3
"""Sends the `check` battery to the handlers in this folder and prints what
each answered, as Markdown tables (condensed into README.md).

    NODE_PATH=.oracles/node/node_modules .venv/bin/python \
        tests/peers/handlers/measure.py [--handlers sdk_python,sdk_node,...] \
        [--configs key+token,token-only,key-only,neither]

Handlers: sdk_python, sdk_node, and broken/KIND for each kind of broken.py.
Requests are built here, independently of the SDKs: AES-256-CBC with
pycryptodome, the signature with hashlib.
"""

import argparse
import base64
import hashlib
import http.client
import json
import os
import subprocess
import sys
import time
from urllib.parse import urlsplit

from Crypto.Cipher import AES

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
KEY, TOKEN = "test-key", "test-token"
CONFIGS = [("key+token", KEY, TOKEN), ("token-only", None, TOKEN),
           ("key-only", KEY, None), ("neither", None, None)]


def encrypt(key, plaintext):
    iv = os.urandom(16)
    n = 16 - len(plaintext) % 16
    cipher = AES.new(hashlib.sha256(key.encode()).digest(), AES.MODE_CBC, iv)
    return base64.b64encode(iv + cipher.encrypt(plaintext + bytes([n]) * n)).decode()


def event(event_id, token=TOKEN, event_type="helpdesk.ticket.updated_v1", status=None):
    with open(os.path.join(ROOT, "testdata/ticket-updated.json"), encoding="utf-8") as f:
        data = json.load(f)
    data["header"].update(event_id=event_id, event_type=event_type)
    if token is None:
        del data["header"]["token"]
    else:
        data["header"]["token"] = token
    if status is not None:
        data["event"]["object"]["status"] = status
    return data


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


class Sender:
    """Builds bodies and headers as the platform would for one app config."""

    def __init__(self, key, token):
        self.key, self.token = key, token

    def wrap(self, plaintext):
        return compact({"encrypt": encrypt(self.key, plaintext)}) if self.key else plaintext

    def headers(self, body, timestamp=None, signature=None):
        timestamp = str(int(time.time())) if timestamp is None else str(timestamp)
        nonce = "nonce-" + os.urandom(4).hex()
        h = {"Content-Type": "application/json", "X-Lark-Request-Timestamp": timestamp,
             "X-Lark-Request-Nonce": nonce}
        if self.key:
            h["X-Lark-Signature"] = signature or hashlib.sha256(
                (timestamp + nonce + self.key).encode() + body).hexdigest()
        return h

    def battery(self):
        """[(case, body, headers)] in order; event ids are distinct except
        for the repeat."""
        t = self.token or "some-token"
        challenge = compact({"challenge": "chal-4711", "token": t, "type": "url_verification"})
        cases = [("challenge, plain", challenge, {"Content-Type": "application/json"})]
        if self.key:
            cases.append(("challenge, encrypted", self.wrap(challenge),
                          {"Content-Type": "application/json"}))
        bad = compact({"challenge": "chal-4711", "token": "wrong-token",
                       "type": "url_verification"})
        cases.append(("challenge, wrong token", self.wrap(bad),
                      {"Content-Type": "application/json"}))
        genuine = self.wrap(compact(event("ev-genuine", t)))
        cases += [("genuine event", genuine, self.headers(genuine)),
                  ("same event again", genuine, self.headers(genuine))]
        if self.key:
            b = self.wrap(compact(event("ev-forged", t)))
            cases.append(("forged signature", b, self.headers(b, signature="0" * 64)))
            b = self.wrap(compact(event("ev-tampered", t)))
            tampered = self.wrap(compact(event("ev-tampered", t, status=51)))
            cases.append(("tampered: other ciphertext, old signature", tampered,
                          self.headers(b)))
            enc = json.loads(b)["encrypt"]
            flipped = enc[:-6] + ("A" if enc[-6] != "A" else "B") + enc[-5:]
            cases.append(("tampered: one base64 char of the last block", compact(
                {"encrypt": flipped}), self.headers(b)))
            b = self.wrap(compact(event("ev-newline", t)))
            cases.append(("tampered: trailing newline added", b + b"\n", self.headers(b)))
        else:
            b = compact(event("ev-tampered", t))
            cases.append(("tampered: a field changed", compact(event("ev-tampered", t, status=51)),
                          self.headers(b)))
        b = self.wrap(compact(event("ev-wrong-token", "wrong-token")))
        cases.append(("wrong token", b, self.headers(b)))
        b = self.wrap(compact(event("ev-no-token", None)))
        cases.append(("no token in the event", b, self.headers(b)))
        inner = compact(event("ev-pretty", t))
        pretty = (json.dumps(json.loads(self.wrap(inner)), indent=2) + "\n").encode()
        cases.append(("pretty-printed, correctly signed", pretty, self.headers(pretty)))
        b = self.wrap(compact(event("ev-stale", t)))
        cases.append(("stale timestamp (1 h old)", b, self.headers(b, int(time.time()) - 3600)))
        b = self.wrap(compact(event("ev-approve", t, "helpdesk.notification.approve_v1")))
        cases.append(("unregistered event type", b, self.headers(b)))
        b = b"this is not json"
        cases.append(("non-JSON body, signed", b, self.headers(b)))
        return cases


def start(handler, key, token, log):
    args = [a for k, v in (("--key", key), ("--token", token)) if v for a in (k, v)]
    args += ["--log", log, "--lifetime", "120", "--exit-on-stdin-eof"]
    if handler == "sdk_node":
        cmd = ["node", os.path.join(HERE, "sdk_node.js")] + args
    elif handler == "sdk_python":
        cmd = [sys.executable, os.path.join(HERE, "sdk_python.py")] + args
    else:
        kind = handler.split("/", 1)[1]
        cmd = [sys.executable, os.path.join(HERE, "broken.py"), "--kind", kind] + args
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    return proc, json.loads(proc.stdout.readline())["url"]


def post(url, body, headers):
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    started = time.monotonic()
    try:
        conn.request("POST", u.path, body=body, headers=headers)
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8", "replace"), time.monotonic() - started
    except (ConnectionError, http.client.HTTPException) as e:
        return None, f"({type(e).__name__}: no answer)", time.monotonic() - started
    finally:
        conn.close()


def handled_count(log):
    try:
        with open(log, encoding="utf-8") as f:
            return sum(1 for line in f if json.loads(line)["kind"] == "handled")
    except FileNotFoundError:
        return 0


def measure(handler, key, token, tmp):
    log = os.path.join(tmp, f"{handler.replace('/', '-')}-{key}-{token}.ndjson")
    proc, url = start(handler, key, token, log)
    rows = []
    try:
        for case, body, headers in Sender(key, token).battery():
            before = handled_count(log)
            status, answer, took = post(url, body, headers)
            time.sleep(0.05)
            handled = handled_count(log) > before
            rows.append((case, status, answer, handled, took, proc.poll() is not None))
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--handlers", default="sdk_python,sdk_node")
    parser.add_argument("--configs", default=",".join(c[0] for c in CONFIGS))
    args = parser.parse_args()
    import tempfile
    tmp = tempfile.mkdtemp()
    wanted = args.configs.split(",")
    for name, key, token in CONFIGS:
        if name not in wanted:
            continue
        print(f"\n### {name} (" + ", ".join(
            f"{k} `{v}`" for k, v in (("key", key), ("token", token)) if v) + ")\n")
        handlers = args.handlers.split(",")
        results = {h: measure(h, key, token, tmp) for h in handlers}
        print("| request | " + " | ".join(handlers) + " |")
        print("|---|" + "---|" * len(handlers))
        for i, (case, *_) in enumerate(results[handlers[0]]):
            cells = []
            for h in handlers:
                _, status, answer, handled, took, _ = results[h][i]
                answer = answer.replace("|", "\\|")
                cell = f"{status} `{answer}`" if answer else f"{status} (empty)"
                if status is None:
                    cell = answer
                cell += " handled" if handled else ""
                cell += f" after {took:.1f} s" if took > 1 else ""
                cells.append(cell)
            print(f"| {case} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
