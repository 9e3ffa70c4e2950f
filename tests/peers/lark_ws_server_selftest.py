#!/usr/bin/env python3
"""Proves that tests/peers/lark_ws_server.py speaks the long-connection
protocol, with the official Python SDK's client (lark_oapi.ws.Client) as
its peer: once over plain HTTP and WebSocket with a whole event, an event
in three fragments sent out of order, a text frame, a pong carrying a
ClientConfig, a dropped connection, a failed discovery and a refused
upgrade; once over TLS with one event. Exits non-zero on any failure.

    .venv/bin/python tests/peers/lark_ws_server_selftest.py [--verbose]

(`--client DOMAIN FILE` is internal: it runs the SDK client, which writes
each event its handler receives to FILE as a JSON line.)
"""

import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "lark_ws_server.py")
APP_ID, APP_SECRET, SERVICE_ID = "cli_selftest", "selftest-secret", 4242
EVENT_TYPE = "helpdesk.ticket.updated_v1"


def envelope(event_id, summary):
    return {"schema": "2.0",
            "header": {"event_id": event_id, "event_type": EVENT_TYPE, "token": "",
                       "create_time": "1700000000000", "app_id": APP_ID,
                       "tenant_key": "tk"},
            "event": {"object": {"ticket_id": "6900000000000000001", "stage": 2,
                                 "status": 50, "summary": summary}}}


EVENTS = {
    "m1": envelope("ev-1", "whole event"),
    # Long and multi-byte, so that byte-wise fragments split characters.
    "m2": envelope("ev-2", "三个片段，乱序到达 ✓ " * 40),
    "m3": envelope("ev-3", "after the pong"),
    "m4": envelope("ev-4", "after the reconnect"),
}
# The discovery's ReconnectNonce (a random wait of up to ~28 hours before the
# first reconnect) would stall the test: only the pong's (0) lets it pass.
SLOW = {"PingInterval": 120, "ReconnectCount": -1, "ReconnectInterval": 1,
        "ReconnectNonce": 100000}
FAST = dict(SLOW, ReconnectNonce=0)

PLAIN = {
    "service_id": SERVICE_ID,
    "client_config": SLOW,
    "discovery": ["ok", {"status": 503, "body": {"code": 1, "msg": "busy"}}, "ok"],
    "connections": [
        {"steps": [
            {"expect": "ping"},
            {"text": "hello"},
            {"event": {"payload": EVENTS["m1"], "message_id": "m1", "trace_id": "t1",
                       "seq_id": 11, "log_id": 2**60 + 1, "log_id_new": "lognew-1",
                       "extra_headers": [["timestamp", "1700000000123"]]}},
            {"expect": "reply", "message_id": "m1"},
            {"event": {"payload": EVENTS["m2"], "message_id": "m2", "fragments": 3,
                       "order": [2, 0, 1]}},
            {"expect": "reply", "message_id": "m2"},
            {"pong": FAST},
            {"event": {"payload": EVENTS["m3"], "message_id": "m3"}},
            {"expect": "reply", "message_id": "m3"},
            {"drop": True},
        ]},
        {"refuse": {"status": 500, "headers": {"Handshake-Status": "500",
                                               "Handshake-Msg": "internal error"}}},
        {"steps": [
            {"event": {"payload": EVENTS["m4"], "message_id": "m4"}},
            {"expect": "reply", "message_id": "m4"},
        ]},
    ],
}
TLS = {"service_id": SERVICE_ID, "discovery": ["ok"], "connections": [{"steps": [
    {"expect": "ping"},
    {"event": {"payload": EVENTS["m1"], "message_id": "m1"}},
    {"expect": "reply", "message_id": "m1"},
]}]}

# The server's own robustness, with a raw peer: a discovery answered with a
# raw body, malformed frames from the client, broken fragment series, an
# expect that times out, then a black hole.
RAW = {"service_id": SERVICE_ID, "discovery": [{"status": 400, "body": "not json"}],
       "connections": [{"steps": [
           {"expect": "ping"},
           {"event": {"payload": "abcdef", "message_id": "b1", "fragments": 2,
                      "bad": "sum_changes"}},
           {"event": {"payload": "abcdef", "message_id": "b2", "fragments": 2, "order": [1, 0],
                      "bad": "seq_ge_sum"}},
           {"expect": "reply", "message_id": "never", "timeout": 0.2},
           {"silent": True},
       ]}]}
# A ping for service 4242, encoded by hand: SeqID 0, LogID 0, service, method 0,
# one header type=ping.
PING = b"\x08\x00\x10\x00\x18\x92\x21\x20\x00\x2a\x0c\x0a\x04type\x12\x04ping"

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print(f"FAIL: {what}", file=sys.stderr)
    return ok


def header(frame, key):
    return next((v for k, v in frame["headers"] if k == key), None)


def run_client(domain, path):
    import threading
    import lark_oapi as lark
    # Gone with the self-test even when it dies without terminating us.
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    received = open(path, "a", encoding="utf-8")

    def handle(data):
        received.write(json.dumps({"message": data.header.event_id, "event": data.event,
                                   "event_type": data.header.event_type}) + "\n")
        received.flush()
    handler = (lark.EventDispatcherHandler.builder("", "")
               .register_p2_customized_event(EVENT_TYPE, handle).build())
    lark.ws.Client(APP_ID, APP_SECRET, domain=domain, event_handler=handler,
                   log_level=lark.LogLevel.DEBUG).start()


def read_lines(path):
    """The complete lines of an NDJSON file being written (none yet: [])."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text[:text.rfind("\n") + 1].splitlines()]


class Server:
    """lark_ws_server.py running a scenario, stopped by closing its stdin."""

    def __init__(self, tmp, name, scenario, tls=False):
        self.name = name
        self.paths = {k: os.path.join(tmp, f"{name}.{k}")
                      for k in ("json", "ndjson", "events", "out")}
        with open(self.paths["json"], "w") as f:
            json.dump(scenario, f)
        self.ca = os.path.join(tmp, f"{name}-tls", "ca.pem") if tls else None
        cmd = [sys.executable, SERVER, "--scenario", self.paths["json"], "--log",
               self.paths["ndjson"], "--exit-on-stdin-eof", "--lifetime", "60"]
        self.proc = subprocess.Popen(cmd + (["--tls", os.path.dirname(self.ca)] if tls else []),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.urls = json.loads(self.proc.stdout.readline())

    def log(self):
        return read_lines(self.paths["ndjson"])

    def stop(self):
        self.proc.stdin.close()
        check(self.proc.wait(10) == 0, f"{self.name}: the server exits 0 when its stdin closes")
        return self.log()


def sdk_session(tmp, name, scenario, done, tls=False):
    """Runs the server and the SDK client until done(log, events) or 30 s."""
    server = Server(tmp, name, scenario, tls)
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["NO_PROXY"] = "127.0.0.1,localhost"
    if tls:
        env["SSL_CERT_FILE"] = env["REQUESTS_CA_BUNDLE"] = server.ca
    events_path = server.paths["events"]
    with open(server.paths["out"], "w") as out:
        client = subprocess.Popen([sys.executable, __file__, "--client", server.urls["http"],
                                   events_path], stdin=subprocess.PIPE, stdout=out,
                                  stderr=out, env=env)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and client.poll() is None:
            if done(server.log(), read_lines(events_path)):
                break
            time.sleep(0.05)
    finally:
        client.terminate()
        client.wait()
        log = server.stop()
    events = read_lines(events_path)
    if VERBOSE or not done(log, events):
        print(f"--- {name}: log\n" + "\n".join(json.dumps(r) for r in log), file=sys.stderr)
        with open(server.paths["out"]) as f:
            print(f"--- {name}: SDK client output\n{f.read()}", file=sys.stderr)
    check(done(log, events), f"{name}: the session finished (every reply and event)")
    return server.urls, log, events


def wait_log(server, pred):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not pred(server.log()):
        time.sleep(0.05)
    return pred(server.log())


def raw_session(tmp):
    import urllib.error
    import urllib.request
    from websockets.sync.client import connect
    server = Server(tmp, "raw", RAW)
    try:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:  # not an upgrade: websockets answers it and logs an error
            opener.open(server.urls["ws"].replace("ws:", "http:") + "/ws", timeout=10)
        except urllib.error.HTTPError as e:
            check(e.code == 426, f"raw: a plain GET on the WebSocket port gets 426: {e}")
        try:
            opener.open(urllib.request.Request(server.urls["http"] + "/callback/ws/endpoint",
                                               data=b"\xffnot json", method="POST"), timeout=10)
            check(False, "raw: discovery answered 400")
        except urllib.error.HTTPError as e:
            check(e.code == 400 and e.read() == b"not json", "raw: status 400, the raw body")
        with connect(server.urls["ws"] + "/ws?device_id=raw", close_timeout=0.5,
                     proxy=None) as ws:
            for message in (b"\xff\xff\xff", b"\x08\x01", "a text frame", PING):
                ws.send(message)
            got = [ws.recv(timeout=10) for _ in range(4)]
            check(all(isinstance(g, bytes) for g in got), "raw: four binary fragments came")
            check(wait_log(server, lambda log: any(r["kind"] == "timeout" for r in log)),
                  "raw: the expect timed out")
            check(not ws.ping().wait(1), "raw: a silent connection answers no WebSocket ping")
        check(wait_log(server, lambda log: any(r["kind"] == "closed" for r in log)),
              "raw: the server saw the client hang up on the silent connection")
    finally:
        log = server.stop()
    kinds = [r["kind"] for r in log]
    check(kinds.count("error") == 3 and kinds.count("text_in") == 1
          and kinds.count("frame_in") == 1, f"raw: 3 errors, 1 text_in, 1 frame_in: {kinds}")
    d = next(r for r in log if r["kind"] == "discovery")
    check(d["kind"] == "discovery" and d["body"] is None and d["status"] == 400
          and d["body_raw_base64"] == "/25vdCBqc29u", f"raw: the discovery record {d}")
    out = [r for r in log if r["kind"] == "frame_out"]
    check([(header(r, "message_id"), header(r, "sum"), header(r, "seq")) for r in out]
          == [("b1", "2", "0"), ("b1", "3", "1"), ("b2", "2", "1"), ("b2", "2", "2")],
          f"raw: broken fragment series: {out}")
    timeout = [r for r in log if r["kind"] == "timeout"]
    check(len(timeout) == 1 and timeout[0]["message_id"] == "never", f"raw: {timeout}")
    closed = [r for r in log if r["kind"] == "closed"]
    check(len(closed) == 1 and closed[0]["discarded_bytes"] > 0
          and closed[0]["client_code"] is None, f"raw: the silent connection dropped {closed}")
    if VERBOSE or failures:
        print("--- raw: log\n" + "\n".join(json.dumps(r) for r in log), file=sys.stderr)


def replies(log, message_id):
    return [r for r in log if r["kind"] == "frame_in" and r["method"] == 1
            and header(r, "message_id") == message_id]


def check_common(name, urls, log, events, message_ids, tls):
    scheme = ("https", "wss") if tls else ("http", "ws")
    check(urls["http"].startswith(scheme[0] + "://127.0.0.1:")
          and urls["ws"].startswith(scheme[1] + "://127.0.0.1:"), f"{name}: ready line {urls}")
    check(not [r for r in log if r["kind"] in ("error", "timeout")],
          f"{name}: no error or timeout records")
    discoveries = [r for r in log if r["kind"] == "discovery"]
    for d in discoveries:
        names = {k.lower(): v for k, v in d["headers"]}
        check(d["method"] == "POST" and d["path"] == "/callback/ws/endpoint",
              f"{name}: discovery is POST /callback/ws/endpoint: {d}")
        check(d["body"] == {"AppID": APP_ID, "AppSecret": APP_SECRET},
              f"{name}: discovery body has AppID and AppSecret: {d['body']}")
        check(names.get("locale") == "zh" and "application/json" in names.get("content-type", ""),
              f"{name}: discovery headers locale and Content-Type: {d['headers']}")
    pings = [r for r in log if r["kind"] == "frame_in" and r["method"] == 0]
    check(pings, f"{name}: the SDK pinged")
    for p in pings:
        check(p["service"] == SERVICE_ID and p["headers"] == [["type", "ping"]]
              and p["SeqID"] == 0 and p["LogID"] == 0 and not p["has"]["payload"],
              f"{name}: a ping carries service_id and one header type=ping: {p}")
    sent = [r for r in log if r["kind"] == "frame_out" and r["method"] == 1]
    for message_id in message_ids:
        rs = replies(log, message_id)
        if not check(len(rs) == 1, f"{name}: one reply to {message_id}, got {len(rs)}"):
            continue
        reply = rs[0]
        out = [s for s in sent if header(s, "message_id") == message_id][-1]
        check(reply["SeqID"] == out["SeqID"] and reply["LogID"] == out["LogID"]
              and reply["service"] == out["service"] and reply["LogIDNew"] == out["LogIDNew"],
              f"{name}: the reply to {message_id} keeps SeqID, LogID, service, LogIDNew")
        check(reply["headers"][:-1] == out["headers"] and reply["headers"][-1][0] == "biz_rt"
              and reply["headers"][-1][1].isdigit(),
              f"{name}: the reply to {message_id} is the frame's headers + biz_rt: {reply}")
        check(json.loads(reply["payload"] or "null") == {"code": 200},
              f"{name}: the reply to {message_id} has payload code 200: {reply['payload']}")
    got = {e["message"]: e for e in events}
    for message_id in message_ids:
        sent_event = EVENTS[message_id]
        e = got.get(sent_event["header"]["event_id"])
        check(e is not None and e["event_type"] == EVENT_TYPE and e["event"] == sent_event["event"],
              f"{name}: the handler received {message_id} whole")
    check(len(events) == len(message_ids), f"{name}: {len(events)} events for {message_ids}")


def main():
    with tempfile.TemporaryDirectory(prefix="lark-ws-selftest-") as tmp:
        ids = ["m1", "m2", "m3", "m4"]
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            plain = pool.submit(sdk_session, tmp, "plain", PLAIN,
                                lambda log, events: len(events) >= 4 and replies(log, "m4"))
            tls = pool.submit(sdk_session, tmp, "tls", TLS,
                              lambda log, events: len(events) >= 1 and replies(log, "m1"), True)
            pool.submit(raw_session, tmp).result()
            urls, log, events = plain.result()
            tls_urls, tls_log, tls_events = tls.result()
        check_common("plain", urls, log, events, ids, tls=False)
        connects = [r for r in log if r["kind"] == "connect"]
        check([c["query"].get("device_id") for c in connects] == ["dev-1", "dev-3", "dev-4"],
              f"plain: the SDK connected to each fresh URL (discovery 2 failed): {connects}")
        check(all(c["query"].get("access_key") == f"AKSECRET-{c['query']['device_id'][4:]}"
                  and c["path"].startswith("/ws?") for c in connects),
              "plain: the SDK connected to exactly the URL discovered")
        check([r["conn"] for r in log if r["kind"] == "refused"] == [2], "plain: conn 2 refused")
        check([d["status"] for d in log if d["kind"] == "discovery"] == [200, 503, 200, 200],
              "plain: discovery answers 200, 503, 200, 200")
        m2 = [r for r in log if r["kind"] == "frame_out" and header(r, "message_id") == "m2"]
        check([header(r, "seq") for r in m2] == ["2", "0", "1"]
              and all(header(r, "sum") == "3" for r in m2)
              and any(r["payload"] is None and "payload_base64" in r for r in m2),
              "plain: m2 went out as 3 fragments, order 2 0 1, one split inside a character")
        closed = [r for r in log if r["kind"] == "closed"]
        check([c["conn"] for c in closed][:1] == [1] and closed[0]["client_code"] is None,
              f"plain: conn 1 ended without a close frame (dropped): {closed}")
        check_common("tls", tls_urls, tls_log, tls_events, ["m1"], tls=True)
    if failures:
        print(f"{len(failures)} failure(s)", file=sys.stderr)
        sys.exit(1)
    print("ok: lark_ws_server speaks the protocol with the official SDK client")


VERBOSE = "--verbose" in sys.argv
if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--client":
        run_client(sys.argv[2], sys.argv[3])
    else:
        main()
