#!/usr/bin/env python3
"""Writes testdata/subscribe-demo.scenario.json: a scenario for
tests/peers/lark_ws_server.py in which ticket 7101 moves from the bot to a
human agent and is closed, the platform pushes one event again (in three
fragments, out of order), and drops the connection once. The README's
subscribe section is a run of it; tests/subscribe.rs runs it too."""

import json
from pathlib import Path

T0 = 1_764_000_000_000  # 2025-11-24T16:00:00Z
HEAD = {
    "token": "",
    "app_id": "cli_9f5343c580712544",
    "tenant_key": "2ca1d211f64f6438",
}
GUEST = {"id": {"open_id": "ou_84aad35d084aa403a838cf73ee18467"}, "name": "abc"}


def event(event_id, event_type, at, obj, old=None):
    body = {
        "schema": "2.0",
        "header": {
            "event_id": event_id,
            "event_type": event_type,
            "create_time": str(T0 + at + 150),
            **HEAD,
        },
        "event": {"object": obj},
    }
    if old is not None:
        body["event"]["old_object"] = old
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def ticket(stage, status, at):
    return {
        "ticket_id": "7101",
        "helpdesk_id": "6626871355780366330",
        "guest": GUEST,
        "stage": stage,
        "status": status,
        "created_at": T0,
        "updated_at": T0 + at if at else -1,
        "chat_id": "oc_7101",
    }


created = event("e-7101-1", "helpdesk.ticket.created_v1", 0, ticket(1, 1, 0))
to_human = event(
    "e-7101-2", "helpdesk.ticket.updated_v1", 60_000, ticket(2, 2, 60_000),
    {"stage": 1, "status": 1, "updated_at": -1},
)
closed = event(
    "e-7101-3", "helpdesk.ticket.updated_v1", 300_000, ticket(2, 51, 300_000),
    {"status": 2, "updated_at": T0 + 60_000},
)


def send(payload, n, **more):
    return {"event": {"payload": payload, "message_id": f"msg-{n}",
                      "trace_id": f"trace-{n}", **more}}


def acked(n):
    return {"expect": "reply", "message_id": f"msg-{n}"}


scenario = {
    "client_config": {"PingInterval": 120, "ReconnectCount": -1,
                      "ReconnectInterval": 1, "ReconnectNonce": 0},
    "connections": [
        {"steps": [
            {"expect": "ping"},
            send(created, 1), acked(1),
            send(to_human, 2), acked(2),
            {"drop": True},
        ]},
        {"steps": [
            {"expect": "ping"},
            # Pushed again: the platform did not see the first answer.
            send(to_human, 3, fragments=3, order=[2, 0, 1]), acked(3),
            send(closed, 4), acked(4),
        ]},
    ],
}
out = Path(__file__).resolve().parent.parent / "testdata" / "subscribe-demo.scenario.json"
out.write_text(json.dumps(scenario, indent=1, ensure_ascii=False) + "\n")
print(out)
