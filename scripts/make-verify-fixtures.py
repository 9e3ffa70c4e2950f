#!/usr/bin/env python3
"""Writes the testdata/verify-* fixtures: requests signed correctly, and one
request per cause of the diagnosis table, each signed the wrong way that
cause describes. Signatures come from hashlib/hmac here, independent of the
Rust code under test.

Run from the repo root with the Python that has lark-oapi (it brings
pycryptodome, used for the one encrypted body):

    .venv/bin/python scripts/make-verify-fixtures.py

The output is deterministic (fixed timestamp, nonce and IV).
"""

import base64
import hashlib
import hmac
import json
import os

from Crypto.Cipher import AES

KEY = "lark-ticket-test-key"
TOKEN = "rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV"
OTHER_KEY = "not-the-key-it-was-signed-with"
TS = "1700000000"
NONCE = "6c1d2f0a9b8e7d4c"
IV = bytes(range(16))
OUT = "testdata"

EVENT = {
    "schema": "2.0",
    "header": {
        "event_id": "f7984f25108f8137722bb63cee927e66",
        "event_type": "helpdesk.ticket.updated_v1",
        "create_time": "1700000000000",
        "token": TOKEN,
        "app_id": "cli_9f5343c580712544",
        "tenant_key": "2ca1d211f64f6438",
    },
    "event": {
        "object": {
            "ticket_id": "6626871355780366331",
            "helpdesk_id": "6626871355780366330",
            "guest": {"id": {"open_id": "ou_84aad35d084aa403a838cf73ee18467"}, "name": "张三"},
            "stage": 2,
            "status": 2,
            "created_at": 1699999000000,
            "updated_at": 1700000000000,
        },
        "old_object": {"stage": 1, "status": 1, "updated_at": 1699999000000},
    },
}

CHALLENGE = {"challenge": "ajls384kdjx98XX", "token": TOKEN, "type": "url_verification"}


def compact(value, ascii=False):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=ascii).encode()


def sha256(*parts):
    return hashlib.sha256(b"".join(parts)).hexdigest()


def sign(body, key=KEY, ts=TS, nonce=NONCE):
    return sha256(ts.encode(), nonce.encode(), key.encode(), body)


def encrypt(plaintext):
    pad = 16 - len(plaintext) % 16
    ct = AES.new(hashlib.sha256(KEY.encode()).digest(), AES.MODE_CBC, IV).encrypt(
        plaintext + bytes([pad]) * pad
    )
    return compact({"encrypt": base64.b64encode(IV + ct).decode()})


def headers(signature, ts=TS, nonce=NONCE):
    return {
        "X-Lark-Request-Timestamp": ts,
        "X-Lark-Request-Nonce": nonce,
        "X-Lark-Signature": signature,
    }


def capture(body, signature=None, hdrs=None):
    if hdrs is None:
        hdrs = headers(signature)
    return json.dumps({"headers": hdrs, "body": body.decode()}, ensure_ascii=False) + "\n"


def write(name, data):
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    print("wrote", path)


def main():
    body = compact(EVENT)
    pretty = json.dumps(EVENT, indent=2, ensure_ascii=False).encode()

    # A body as an editor saves it: with a final newline. The tests sign it
    # themselves (its exact bytes, or without the newline).
    write("verify-body.json", body + b"\n")

    # The same request as a raw HTTP capture, CRLF, correctly signed.
    head = "\r\n".join(
        [
            "POST /webhook/event HTTP/1.1",
            "Host: example.com",
            "Content-Type: application/json; charset=utf-8",
            f"Content-Length: {len(body)}",
            f"x-lark-request-timestamp: {TS}",
            f"X-LARK-REQUEST-NONCE: {NONCE}",
            f"X-Lark-Signature: {sign(body)}",
        ]
    )
    write("verify-request.http", head.encode() + b"\r\n\r\n" + body)

    # The URL challenge: unsigned.
    write("verify-challenge.json", compact(CHALLENGE))

    # A capture-record stream: good, good encrypted, forged, challenge.
    encrypted = encrypt(body)
    forged = body.replace(b'"status":2', b'"status":51')
    assert forged != body
    write(
        "verify-captures.ndjson",
        capture(body, sign(body))
        + capture(encrypted, sign(encrypted))
        + capture(forged, sign(body))
        + capture(compact(CHALLENGE), hdrs={"Content-Type": "application/json"}),
    )

    # One request per cause: (received body, received signature).
    lf = pretty
    crlf = pretty.replace(b"\n", b"\r\n")
    causes = {
        "trailing_newline_added": (body + b"\n", sign(body)),
        "trailing_newline_removed": (body, sign(body + b"\n")),
        "line_endings_changed": (crlf, sign(lf)),
        # pretty-printed after signing (a logger); the platform signed compact JSON
        "body_reserialized": (pretty, sign(body)),
        "plaintext_signed": (encrypted, sign(body)),
        "verification_token_as_key": (body, sign(body, key=TOKEN)),
        "key_whitespace": (body, sign(body, key=KEY + "\n")),
        "timestamp_nonce_swapped": (body, sign(body, ts=NONCE, nonce=TS)),
        "hmac_instead_of_hash": (
            body,
            hmac.new(KEY.encode(), TS.encode() + NONCE.encode() + body, hashlib.sha256).hexdigest(),
        ),
        "card_callback_sha1": (
            body,
            hashlib.sha1(TS.encode() + NONCE.encode() + TOKEN.encode() + body).hexdigest(),
        ),
        "uppercase_hex": (body, sign(body).upper()),
        "none": (body, sign(body, key=OTHER_KEY)),
    }
    for cause, (received, signature) in causes.items():
        write(f"verify-cause-{cause}.ndjson", capture(received, signature))
    # A second serialization: a Python signer hashing json.dumps(event) (its
    # default ", "/": " separators, non-ASCII escaped) while sending raw UTF-8.
    python_default = json.dumps(EVENT).encode()
    write(
        "verify-cause-body_reserialized-python.ndjson",
        capture(body, sign(python_default)),
    )


if __name__ == "__main__":
    main()
