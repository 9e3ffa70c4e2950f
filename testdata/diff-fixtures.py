#!/usr/bin/env python3
"""Regenerates the testdata/diff-* fixtures of `lark-ticket diff`.

Hand-built streams: repeated deliveries, missed events, late arrivals, a
created_v1 starting a timeline, updated_at -1, updates without old_object,
other event types, one ticket across two files, a golden pair, and an
encrypted redelivery (needs pycryptodome; the Encrypt Key is the tests' KEY).

Run from the repo root: python3 testdata/diff-fixtures.py
"""
import base64
import hashlib
import json
import os

KEY = "lark-ticket-test-key"
TOKEN = "rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV"
T0 = 1700000000000  # 2023-11-14T22:13:20Z
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)))


def header(event_id, event_type, create_time):
    return {
        "event_id": event_id,
        "event_type": event_type,
        "create_time": str(create_time),
        "token": TOKEN,
        "app_id": "cli_9f5343c580712544",
        "tenant_key": "2ca1d211f64f6438",
    }


def ticket(ticket_id, stage, status, updated_at):
    return {
        "ticket_id": ticket_id,
        "helpdesk_id": "6626871355780366330",
        "guest": {"id": {"open_id": "ou_84aad35d084aa403a838cf73ee18467"}, "name": "abc"},
        "stage": stage,
        "status": status,
        "created_at": T0,
        "updated_at": updated_at,
        "chat_id": "oc_" + ticket_id,
    }


def created(event_id, ticket_id, create_time):
    return {
        "schema": "2.0",
        "header": header(event_id, "helpdesk.ticket.created_v1", create_time),
        "event": {"object": ticket(ticket_id, 1, 1, -1)},
    }


def updated(event_id, ticket_id, at, stage, status, old, delay=0):
    """An update at `at` ms after T0; `delay` is how much later the platform
    made the event (create_time). `old` is old_object, or None for none."""
    event = {"object": ticket(ticket_id, stage, status, T0 + at)}
    if old is not None:
        event["old_object"] = old
    return {
        "schema": "2.0",
        "header": header(event_id, "helpdesk.ticket.updated_v1", T0 + at + 200 + delay),
        "event": event,
    }


def message(event_id, ticket_id, at):
    return {
        "schema": "2.0",
        "header": header(event_id, "helpdesk.ticket_message.created_v1", T0 + at),
        "event": {
            "ticket_message_id": "6949593155156475905",
            "message_id": "om_8baa3656c7b41900d29bf5d63f2d6f3b",
            "msg_type": "text",
            "position": "10",
            "sender_type": 2,
            "text": "hello?",
            "ticket": {"ticket_id": ticket_id, "stage": 2, "status": 3},
        },
    }


def approve(event_id, at):
    return {
        "schema": "2.0",
        "header": header(event_id, "helpdesk.notification.approve_v1", T0 + at),
        "event": {"notification_id": "6981801914270744596", "helpdesk_id": "6626871355780366330",
                  "approve_status": "APPROVED"},
    }


def ndjson(name, events):
    with open(os.path.join(OUT, name), "w") as f:
        for e in events:
            f.write(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n")


def encrypt(plaintext: bytes) -> str:
    from Crypto.Cipher import AES  # pycryptodome

    key = hashlib.sha256(KEY.encode()).digest()
    iv = bytes(range(16))  # fixed, so the fixture is reproducible
    pad = 16 - len(plaintext) % 16
    ct = AES.new(key, AES.MODE_CBC, iv).encrypt(plaintext + bytes([pad]) * pad)
    return base64.b64encode(iv + ct).decode()


# Ticket 7001: created, bot -> human (queued), processing, waiting, closed.
c1 = created("c1-7001", "7001", T0)
u1 = updated("u1-7001", "7001", 60_000, 2, 3, {"stage": 1, "status": 1, "updated_at": -1})
u2 = updated("u2-7001", "7001", 120_000, 2, 2, {"status": 3, "updated_at": T0 + 60_000})
u3 = updated("u3-7001", "7001", 300_000, 2, 5, {"status": 2, "updated_at": T0 + 120_000})
u4 = updated("u4-7001", "7001", 600_000, 2, 51, {"status": 5, "updated_at": T0 + 300_000})
# Ticket 7002: the update queued -> processing never arrived.
v1 = updated("v1-7002", "7002", 100_000, 2, 3, {"stage": 1, "status": 1})
v3 = updated("v3-7002", "7002", 400_000, 2, 51, {"status": 2})
# Ticket 7003: an update without old_object, then one whose old_object has
# no status although the status changed.
w1 = updated("w1-7003", "7003", 200_000, 2, 2, None)
w2 = updated("w2-7003", "7003", 500_000, 2, 4, {"updated_at": T0 + 200_000})

# What changed: every kind of row, and events diff skips.
ndjson("diff-updates.ndjson", [
    c1,
    u1,
    message("m1-7001", "7001", 90_000),
    # A stage-only update that did not change the stage: changed false.
    updated("s1-7002", "7002", 150_000, 1, 1, {"stage": 1}),
    w1,
    u4,
])

# Timelines across two files: retries (u1 three times), u2 delivered late,
# v2 missed, other event types.
ndjson("diff-timeline-a.ndjson", [c1, u1, v1, u1, u3, message("m1-7001", "7001", 90_000), v3])
ndjson("diff-timeline-b.ndjson", [u2, u4, u1, w1, w2, approve("n1", 700_000)])

# A bad record in the middle of a stream.
with open(os.path.join(OUT, "diff-bad.ndjson"), "w") as f:
    f.write(json.dumps(u1, separators=(",", ":")) + "\n")
    f.write('{"schema":"2.0","header":\n')
    f.write(json.dumps(u2, separators=(",", ":")) + "\n")

# Golden comparison: the expectation, pretty-printed as one would check it in.
expected = updated("golden-expected", "7001", 600_000, 2, 50, {"status": 5, "updated_at": T0 + 300_000})
expected["event"]["object"]["score"] = 3
with open(os.path.join(OUT, "diff-golden-expected.json"), "w") as f:
    f.write(json.dumps(expected, indent=2) + "\n")
# The captured event: other header ids and times, closed with status 1 (a
# bug), a later updated_at, no score.
actual = updated("golden-actual", "7001", 660_000, 2, 1, {"status": 5, "updated_at": T0 + 300_000}, delay=5000)
actual["header"]["token"] = "another-token"
ndjson("diff-golden-actual.json", [actual])
# A redelivery of the expected event: only the header differs, and it
# arrives encrypted.
redelivery = json.loads(json.dumps(expected))
redelivery["header"]["event_id"] = "golden-redelivery"
redelivery["header"]["create_time"] = str(T0 + 600_000 + 15_000)
plaintext = json.dumps(redelivery, separators=(",", ":")).encode()
with open(os.path.join(OUT, "diff-golden-redelivery.enc.json"), "w") as f:
    f.write(json.dumps({"encrypt": encrypt(plaintext)}) + "\n")
# Several records on each side, and one side with one more.
ndjson("diff-golden-stream-expected.ndjson", [u1, u2])
u2_wrong = updated("u2-7001", "7001", 120_000, 2, 4, {"status": 3, "updated_at": T0 + 60_000})
ndjson("diff-golden-stream-actual.ndjson", [u1, u2_wrong, u3])
