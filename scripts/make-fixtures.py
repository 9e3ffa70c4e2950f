#!/usr/bin/env python3
"""Builds the encrypted and multi-record fixtures in testdata/ from the plain
ones, with an encryption written independently of lark-ticket (pycryptodome's
AES-CBC), so the tests compare two implementations rather than one with
itself. Deterministic: IVs and timestamps are fixed, so re-running it
reproduces the committed files byte for byte.

    .venv/bin/python scripts/make-fixtures.py     # needs pycryptodome (lark-oapi brings it)
"""
import base64
import hashlib
import json
import os
import sys

from Crypto.Cipher import AES

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.join(HERE, "..", "testdata")
KEY = "lark-ticket-test-key"
TOKEN = "rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV"


def iv_for(n):
    return hashlib.md5(b"iv-%d" % n).digest()


def encrypt(plaintext: bytes, n: int, key: str = KEY, pad: str = "pkcs7") -> str:
    k = hashlib.sha256(key.encode()).digest()
    if pad == "pkcs7":
        p = 16 - len(plaintext) % 16
        data = plaintext + bytes([p]) * p
    elif pad == "spaces":  # non-standard: what some hand-written senders do
        data = plaintext + b" " * (-len(plaintext) % 16 or 16)
    else:
        raise ValueError(pad)
    iv = iv_for(n)
    return base64.b64encode(iv + AES.new(k, AES.MODE_CBC, iv).encrypt(data)).decode()


def wrap(plaintext: bytes, n: int, **kw) -> bytes:
    return json.dumps({"encrypt": encrypt(plaintext, n, **kw)}, separators=(",", ":")).encode()


def sign(ts: str, nonce: str, body: bytes, key: str = KEY) -> str:
    return hashlib.sha256(ts.encode() + nonce.encode() + key.encode() + body).hexdigest()


def write(name: str, data: bytes):
    with open(os.path.join(TESTDATA, name), "wb") as f:
        f.write(data)


def compact(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def header(event_id, event_type, create_time):
    return {
        "event_id": event_id,
        "event_type": event_type,
        "create_time": str(create_time),
        "token": TOKEN,
        "app_id": "cli_9f5343c580712544",
        "tenant_key": "2ca1d211f64f6438",
    }


def guest():
    return {
        "id": {"union_id": "on_8ed6aa67826108097d9ee143816345", "user_id": "e33ggbyz", "open_id": "ou_84aad35d084aa403a838cf73ee18467"},
        "name": "张三 🎫",
    }


def updated(n, ticket_id, stage, status, old, updated_at, agents=True):
    obj = {
        "ticket_id": ticket_id,
        "helpdesk_id": "6626871355780366330",
        "guest": guest(),
        "stage": stage,
        "status": status,
        "created_at": 1616920000000,
        "updated_at": updated_at,
        "chat_id": "oc_a0553eda9014c201e6969b478895c230",
    }
    if agents:
        obj["agents"] = [{"id": {"open_id": "ou_agent1", "user_id": "agent1"}, "name": "Li Lei", "email": "lilei@example.com"}]
        obj["collaborators"] = []
        obj["channel"] = 14
        obj["solve"] = 1
    return {
        "schema": "2.0",
        "header": header("evt-%04d" % n, "helpdesk.ticket.updated_v1", 1616920429000 + n * 1000),
        "event": {"object": obj, "old_object": old},
    }


def main():
    doc = open(os.path.join(TESTDATA, "ticket-updated.json"), "rb").read()

    # The documentation example, encrypted exactly as it is (pretty, with its newline).
    write("ticket-updated.encrypted.json", wrap(doc, 1) + b"\n")
    write("ticket-updated.compact.json", compact(json.loads(doc)) + b"\n")

    events = {
        "updated": updated(1, "7001", 2, 2, {"stage": 1, "status": 3, "updated_at": 1616920429000}, 1616920500000),
        "created": {
            "schema": "2.0",
            "header": header("evt-0002", "helpdesk.ticket.created_v1", 1616920000000),
            "event": {"object": {"ticket_id": "7002", "helpdesk_id": "6626871355780366330", "guest": guest(),
                                 "stage": 1, "status": 1, "created_at": 1616920000000,
                                 "updated_at": 1616920000000, "closed_at": 0, "channel": 2,
                                 "chat_id": "oc_b1"}},
        },
        "message": {
            "schema": "2.0",
            "header": header("evt-0003", "helpdesk.ticket_message.created_v1", 1616920600000),
            "event": {"ticket_message_id": "6949593138498453507", "event_id": "evt-0003", "message_id": "om_8baa3656c7b41900d29bf9104bf5310b",
                      "msg_type": "text", "position": 10, "sender_id": {"open_id": "ou_84aad35d084aa403a838cf73ee18467"},
                      "sender_type": 2, "text": "你好，我的工单怎么样了？", "ticket": {"ticket_id": "7001", "status": 2},
                      "chat_id": "oc_a0553eda9014c201e6969b478895c230",
                      "content": {"content": "你好，我的工单怎么样了？", "msg_type": "text"}},
        },
        "approve": {
            "schema": "2.0",
            "header": header("evt-0004", "helpdesk.notification.approve_v1", 1616920700000),
            "event": {"notification_id": "6985032626234982420", "helpdesk_id": "6626871355780366330", "approve_status": "APPROVED"},
        },
        "other": {
            "schema": "2.0",
            "header": header("evt-0005", "im.message.receive_v1", 1616920800000),
            "event": {"sender": {"sender_id": {"open_id": "ou_x"}}, "message": {"message_id": "om_x"}},
        },
        "v1": {"uuid": "41b5f371157e3ffc9d0a4b5f6a0f1e2d", "token": TOKEN, "ts": "1616920900.123456", "type": "event_callback",
               "event": {"type": "message", "app_id": "cli_9f5343c580712544", "tenant_key": "2ca1d211f64f6438", "text": "hi"}},
        "challenge": {"challenge": "ajls384kdjx98XX", "token": TOKEN, "type": "url_verification"},
    }
    plain = {k: compact(v) for k, v in events.items()}

    write("url-verification.json", plain["challenge"] + b"\n")
    write("url-verification.encrypted.json", wrap(plain["challenge"], 2) + b"\n")
    write("schema-1.0.json", json.dumps(events["v1"], indent=2).encode() + b"\n")

    # Every kind of event, one per line, the updated one also encrypted.
    lines = [plain["updated"], wrap(plain["updated"], 3), plain["created"], plain["message"], plain["approve"],
             plain["other"], plain["v1"], plain["challenge"]]
    write("stream.ndjson", b"\n".join(lines) + b"\n")
    write("stream.plain.ndjson", b"\n".join([plain["updated"], plain["updated"], plain["created"], plain["message"],
                                             plain["approve"], plain["other"], plain["v1"], plain["challenge"]]) + b"\n")

    # Concatenated documents: pretty, compact, two on one line, encrypted.
    pretty = json.dumps(events["created"], indent=4, ensure_ascii=False).encode()
    write("concatenated.json", pretty + b"\n" + plain["approve"] + plain["other"] + b"\n  " + wrap(plain["message"], 4) + b"\n")

    # A position given as a string, as documented (captures show numbers).
    msg = json.loads(plain["message"])
    msg["event"]["position"] = "10"
    write("message-position-string.json", compact(msg) + b"\n")

    # Raw HTTP captures: CRLF with Content-Length, and two LF captures without.
    body = wrap(plain["updated"], 5)
    ts, nonce = "1616920429", "f2d9b2e1c3"
    req = (b"POST /webhook/event HTTP/1.1\r\nHost: example.com\r\nContent-Type: application/json\r\n"
           b"X-Lark-Request-Timestamp: " + ts.encode() + b"\r\nX-Lark-Request-Nonce: " + nonce.encode() +
           b"\r\nX-Lark-Signature: " + sign(ts, nonce, body).encode() +
           b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    write("capture.http", req)
    two = b""
    for n, key in ((6, "created"), (7, "approve")):
        # Without Content-Length the body runs to the next request line, newline included.
        b = plain[key] + b"\n"
        two += (b"POST /webhook/event HTTP/1.1\nContent-Type: application/json\nX-Lark-Request-Timestamp: 1616920429\n"
                b"X-Lark-Request-Nonce: n" + str(n).encode() + b"\nX-Lark-Signature: " + sign("1616920429", "n%d" % n, b).encode() +
                b"\n\n" + b)
    write("captures-lf.http", two)

    # Capture records as `listen` writes them (one with body_base64).
    recs = []
    for n, key in ((8, "updated"), (9, "message")):
        b = wrap(plain[key], n)
        recs.append(compact({"received_at": 1616920429000 + n, "method": "POST", "path": "/webhook/event",
                             "headers": {"X-Lark-Request-Timestamp": ts, "X-Lark-Request-Nonce": nonce,
                                         "X-Lark-Signature": sign(ts, nonce, b), "Content-Type": "application/json"},
                             "body": b.decode()}))
    b = plain["approve"]
    recs.append(compact({"headers": {"x-lark-request-timestamp": ts, "x-lark-request-nonce": nonce,
                                     "x-lark-signature": sign(ts, nonce, b)},
                         "body_base64": base64.b64encode(b).decode()}))
    write("captures.ndjson", b"\n".join(recs) + b"\n")

    # Bad records between good ones: each costs only itself.
    good = lambda n: compact(updated(100 + n, "80%02d" % n, 2, 2, {"status": 1}, 1616920429000 + n))
    bad = [
        good(1),
        b'{"schema":"2.0","header":{"event_type":"helpdesk.ticket.updated_v1"},"event":{"object":{"status":tru}}}',
        good(2),
        b'{"encrypt":"not base64!!"}',
        good(3),
        wrap(plain["updated"], 10, key="some other key"),
        good(4),
        b'{"schema":"2.0","header":{"event_id":"unterminated',
        good(5),
        b'[1,2,3]',
        good(6),
        b'garbage that is not JSON',
        good(7),
        b'{"encrypt":"' + base64.b64encode(b"\x00" * 40) + b'"}',
        good(8),
        b'{"foo":"not an event"}',
        good(9),
        wrap(b'{"a":1}', 11, pad="spaces"),
        good(10),
    ]
    write("bad-records.ndjson", b"\n".join(bad) + b"\n")

    # Schema deviations and unknown enum values (parse --strict exits 1).
    dev = updated(200, "9001", 3, 99, {"status": 1, "priority": 2}, -1, agents=False)
    dev["event"]["object"]["score"] = "2"
    del dev["event"]["object"]["ticket_id"]
    write("deviations.json", json.dumps(dev, indent=2, ensure_ascii=False).encode() + b"\n")

    # A payload encrypted with another key, and one padded non-standardly.
    write("wrong-key.json", wrap(doc, 12, key="not the key") + b"\n")
    write("nonstandard-padding.json", wrap(plain["updated"], 13, pad="spaces") + b"\n")


if __name__ == "__main__":
    sys.exit(main())
