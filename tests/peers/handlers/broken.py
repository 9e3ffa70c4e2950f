#!/usr/bin/env python3
"""Webhook handlers written by us: each one correct except for the one thing
its --kind breaks, as handlers to test a sender's `check` against.

    python broken.py --kind KIND [--key K] [--token T] --log LOG.ndjson \
        [--lifetime S] [--exit-on-stdin-eof]

Prints {"url": "http://127.0.0.1:P/webhook/event"} when ready. The kinds,
what the correct handler does and the log format are in README.md.
"""

import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time

from Crypto.Cipher import AES  # pycryptodome, a dependency of lark-oapi

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from serve import Log, arguments, serve  # noqa: E402

EVENT_TYPE = "helpdesk.ticket.updated_v1"
KINDS = ("correct", "accept_all", "reserialize", "slow", "bad_challenge", "dup_500",
         "silent_drop", "no_token_check")
JSON_HEADERS = [("Content-Type", "application/json; charset=utf-8")]
SLOW_SECONDS = 3.5


class Reject(Exception):
    def __init__(self, status, msg):
        super().__init__(msg)
        self.status = status
        self.msg = msg


def decrypt(key, encrypted):
    """AES-256-CBC, key = SHA-256(Encrypt Key), IV = the first 16 bytes,
    strict PKCS#7."""
    raw = base64.b64decode(encrypted, validate=True)
    if len(raw) < 32 or len(raw) % 16:
        raise ValueError("ciphertext length")
    cipher = AES.new(hashlib.sha256(key.encode()).digest(), AES.MODE_CBC, raw[:16])
    padded = cipher.decrypt(raw[16:])
    n = padded[-1]
    if not 1 <= n <= 16 or padded[-n:] != bytes([n]) * n:
        raise ValueError("bad PKCS#7 padding")
    return padded[:-n].decode("utf-8")


def json_answer(status, value):
    return status, JSON_HEADERS, json.dumps(value, separators=(",", ":")).encode()


def make_app(kind, key, token, log):
    seen = set()
    seen_lock = threading.Lock()

    def verify_signature(request):
        if not key or kind == "accept_all":
            return
        body = request.body
        if kind == "reserialize":
            body = json.dumps(json.loads(body), separators=(",", ":"),
                              ensure_ascii=False).encode()
        parts = [request.header(h) or "" for h in
                 ("X-Lark-Request-Timestamp", "X-Lark-Request-Nonce")]
        expected = hashlib.sha256((parts[0] + parts[1] + key).encode() + body).hexdigest()
        received = request.header("X-Lark-Signature") or ""
        if not hmac.compare_digest(expected.encode(), received.encode()):
            raise Reject(401, "signature verification failed")

    def verify_token(received):
        if not token or kind in ("accept_all", "no_token_check"):
            return
        if not isinstance(received, str) or not hmac.compare_digest(
                token.encode(), received.encode()):
            raise Reject(401, "invalid verification token")

    def handle(request):
        try:
            outer = json.loads(request.body)
        except ValueError:
            raise Reject(400, "body is not JSON")
        if not isinstance(outer, dict):
            raise Reject(400, "body is not a JSON object")
        data = outer
        if "encrypt" in outer:
            if not key:
                raise Reject(400, "encrypted body, but no Encrypt Key is configured")
            try:
                data = json.loads(decrypt(key, outer["encrypt"]))
            except (ValueError, TypeError):
                raise Reject(400, "the encrypt field does not decrypt to JSON")
            if not isinstance(data, dict):
                raise Reject(400, "the decrypted body is not a JSON object")
        if data.get("type") == "url_verification":
            verify_token(data.get("token"))
            challenge = data.get("challenge")
            if kind == "bad_challenge" and isinstance(challenge, str):
                challenge = challenge[::-1]
            return json_answer(200, {"challenge": challenge})
        if kind == "slow":
            time.sleep(SLOW_SECONDS)
        verify_signature(request)
        header = data.get("header") if isinstance(data.get("header"), dict) else {}
        if data.get("schema"):
            verify_token(header.get("token"))
            event_id, event_type = header.get("event_id"), header.get("event_type")
        elif data.get("uuid"):
            verify_token(data.get("token"))
            event = data.get("event") if isinstance(data.get("event"), dict) else {}
            event_id, event_type = data.get("uuid"), event.get("type")
        else:
            raise Reject(400, "neither a schema 2.0 nor a schema 1.0 event")
        with seen_lock:
            duplicate = event_id in seen
            seen.add(event_id)
        if duplicate:
            log("duplicate", event_id=event_id, event_type=event_type)
            if kind == "dup_500":
                return json_answer(500, {"msg": "duplicate event"})
        elif event_type == EVENT_TYPE:
            log("handled", event_id=event_id, event_type=event_type)
        else:
            log("unhandled", event_id=event_id, event_type=event_type)
        return json_answer(200, {"msg": "success"})

    def app(request):
        try:
            return handle(request)
        except Reject as e:
            if kind == "silent_drop" and e.status == 401:
                return 200, [], b""
            return json_answer(e.status, {"msg": e.msg})

    return app


def main():
    def extra(parser):
        parser.add_argument("--kind", required=True, choices=KINDS)

    args = arguments(__doc__.split("\n\n")[0], extra)
    log = Log(args.log)
    serve(args, log, make_app(args.kind, args.key, args.token, log))


if __name__ == "__main__":
    main()
