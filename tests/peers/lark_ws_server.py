#!/usr/bin/env python3
"""A scripted Feishu/Lark long-connection server on loopback, for tests.

    python tests/peers/lark_ws_server.py --scenario FILE.json --log LOG.ndjson [--tls DIR]

Frames are the official Python SDK's own (lark_oapi.ws.pb.pbbp2_pb2.Frame);
the WebSocket is the `websockets` package, a dependency of lark-oapi. Prints
one line when ready, {"http": "http://127.0.0.1:P1", "ws": "ws://127.0.0.1:P2"}
(https and wss with --tls, whose DIR gets a throwaway CA as DIR/ca.pem), then
plays the scenario and writes one JSON record per line to LOG. The scenario
format and the log records: tests/peers/README.md.
"""

import argparse
import asyncio
import base64
import importlib.util
import json
import logging
import os
import signal
import sys
import threading
import time
import types
from urllib.parse import parse_qsl, urlsplit

from lark_ws_discovery import make_tls, start_discovery, text_or_base64
from websockets.asyncio.server import serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Response


def sdk_frame_class():
    """The SDK's own lark_oapi.ws.pb.pbbp2_pb2.Frame, imported without running
    lark_oapi/__init__.py and lark_oapi/ws/__init__.py, which import the whole
    SDK (about 4 s of CPU per server start, against 0.3 s)."""
    root = os.path.dirname(importlib.util.find_spec("lark_oapi").origin)
    for name, sub in (("lark_oapi", ""), ("lark_oapi.ws", "ws")):
        package = types.ModuleType(name)
        package.__path__ = [os.path.join(root, sub)]
        sys.modules.setdefault(name, package)
    from lark_oapi.ws.pb.pbbp2_pb2 import Frame
    return Frame


Frame = sdk_frame_class()


DEFAULT_CONFIG = {"PingInterval": 120, "ReconnectCount": -1, "ReconnectInterval": 120,
                  "ReconnectNonce": 30}
FIELDS = ("SeqID", "LogID", "service", "method", "payload_encoding", "payload_type",
          "payload", "LogIDNew")
START = time.monotonic()


class Log(logging.Handler):
    """NDJSON records, one write and flush per line, from any thread; as a
    logging handler, websockets' own errors (a failed upgrade) as records."""

    def __init__(self, path):
        super().__init__(logging.ERROR)
        self.file = open(path, "w", encoding="utf-8")
        self.write_lock = threading.Lock()  # not logging's self.lock

    def __call__(self, kind, **fields):
        record = {"kind": kind, "t": round(time.monotonic() - START, 4), **fields}
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self.write_lock:
            self.file.write(line)
            self.file.flush()

    def emit(self, record):
        self("error", what=f"websockets: {record.getMessage()}",
             exception=repr(record.exc_info[1]) if record.exc_info else None)


def nth(items, n):
    """The n-th (from 1) of a list whose last item repeats."""
    return items[min(n, len(items)) - 1]


def describe(frame):
    d = {"SeqID": frame.SeqID, "LogID": frame.LogID, "service": frame.service,
         "method": frame.method, "headers": [[h.key, h.value] for h in frame.headers],
         **text_or_base64(frame.payload), "payload_encoding": frame.payload_encoding,
         "payload_type": frame.payload_type, "LogIDNew": frame.LogIDNew,
         "has": {f: frame.HasField(f) for f in FIELDS}}
    if not frame.HasField("payload"):
        d["payload"] = None
    return d


def header(frame, key):
    return next((h.value for h in frame.headers if h.key == key), None)


def payload_bytes(spec):
    if "payload_base64" in spec:
        return base64.b64decode(spec["payload_base64"])
    value = spec.get("payload")
    if value is None:
        return None
    if isinstance(value, str):
        return value.encode("utf-8")
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def build(method, service, headers, payload=None, seq_id=0, log_id=0, **optional):
    frame = Frame()
    frame.SeqID, frame.LogID, frame.service, frame.method = seq_id, log_id, service, method
    for key, value in headers:
        h = frame.headers.add()
        h.key, h.value = str(key), str(value)
    if payload is not None:
        frame.payload = payload
    for name, value in optional.items():
        if value is not None:
            setattr(frame, name, value)
    return frame


class Conn:
    """One accepted WebSocket running its steps while a reader logs input."""

    def __init__(self, state, ws, k):
        self.state, self.ws, self.k, self.log = state, ws, k, state.log
        self.frames, self.claimed = [], set()
        self.arrived = asyncio.Event()
        self.discarded = None

    async def reader(self):
        try:
            async for message in self.ws:
                if isinstance(message, str):
                    self.log("text_in", conn=self.k, text=message)
                    continue
                try:
                    frame = Frame()
                    frame.ParseFromString(message)
                    missing = frame.FindInitializationErrors()
                except Exception as e:
                    self.log("error", conn=self.k, what=f"undecodable frame: {e}",
                             raw_base64=base64.b64encode(message).decode())
                    continue
                if missing:
                    self.log("error", conn=self.k, what="frame lacks required fields",
                             missing=missing, frame=describe(frame),
                             raw_base64=base64.b64encode(message).decode())
                    continue
                self.log("frame_in", conn=self.k, **describe(frame))
                self.frames.append(frame)
                self.arrived.set()
        except ConnectionClosed:
            pass
        except Exception as e:
            self.log("error", conn=self.k, what=f"reader: {e!r}")
        finally:
            self.arrived.set()

    async def run(self, steps):
        reader = asyncio.create_task(self.reader())
        done = 0
        try:
            for i, step in enumerate(steps):
                if not await self.step(i, step, reader):
                    break
                done += 1
        except ConnectionClosed:
            pass
        except Exception as e:
            self.log("error", conn=self.k, what=f"step {done}: {e!r}")
        await self.ws.wait_closed()
        await reader
        rcvd, sent = self.ws.protocol.close_rcvd, self.ws.protocol.close_sent
        extra = {} if self.discarded is None else {"discarded_bytes": self.discarded}
        self.log("closed", conn=self.k, client_code=rcvd and rcvd.code,
                 client_reason=rcvd and rcvd.reason, server_code=sent and sent.code,
                 steps_done=done, steps=len(steps), **extra)

    async def send(self, frame):
        await self.ws.send(frame.SerializeToString())
        self.log("frame_out", conn=self.k, **describe(frame))

    async def step(self, i, step, reader):
        """Runs one step; False ends the steps."""
        sid = self.state.service_id
        if "expect" in step:
            return await self.expect(i, step, reader)
        if "event" in step:
            for frame in self.state.event_frames(step["event"], self.k):
                await self.send(frame)
        elif "frame" in step:
            f = step["frame"]
            await self.send(build(f.get("method", 1), f.get("service", sid),
                                  f.get("headers", []), payload_bytes(f),
                                  f.get("seq_id", 0), f.get("log_id", 0)))
        elif "pong" in step:
            value = step["pong"]
            payload = None if value is None else payload_bytes({"payload": value})
            await self.send(build(0, sid, [["type", "pong"]], payload))
        elif "text" in step:
            await self.ws.send(str(step["text"]))
            self.log("text_out", conn=self.k, text=step["text"])
        elif "raw" in step:
            await self.ws.send(base64.b64decode(step["raw"]))
            self.log("raw_out", conn=self.k, raw_base64=step["raw"])
        elif "sleep" in step:
            await asyncio.sleep(float(step["sleep"]))
        elif "close" in step:
            how = step["close"] if isinstance(step["close"], dict) else {}
            await self.ws.close(how.get("code", 1000), how.get("reason", ""))
            return False
        elif "drop" in step:
            self.ws.transport.abort()
            return False
        elif "silent" in step:
            self.discarded = 0

            def discard(data):
                self.discarded += len(data)
            self.ws.data_received = discard  # the transport calls the instance's
            return False
        else:
            self.log("error", conn=self.k, what=f"step {i}: unknown step {step!r}")
        return True

    async def expect(self, i, step, reader):
        want, message_id = step["expect"], step.get("message_id")

        def matches(frame):
            if want == "ping":
                return frame.method == 0 and header(frame, "type") == "ping"
            return frame.method == 1 and (message_id is None
                                          or header(frame, "message_id") == message_id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + float(step.get("timeout", 20))
        while True:
            for n, frame in enumerate(self.frames):
                if n not in self.claimed and matches(frame):
                    self.claimed.add(n)
                    return True
            left = deadline - loop.time()
            if reader.done() or left <= 0:
                self.log("timeout", conn=self.k, step=i, expect=want, message_id=message_id,
                         closed=reader.done())
                return not reader.done()
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), left)
            except asyncio.TimeoutError:
                pass


class State:
    def __init__(self, scenario, log):
        self.scenario, self.log = scenario, log
        self.service_id = int(scenario.get("service_id", 7))
        self.lock = threading.Lock()
        self.discoveries = self.connections = self.events = 0
        self.ws_base = None

    def discover(self):
        """(n, status, body bytes) for the next discovery."""
        with self.lock:
            self.discoveries += 1
            n = self.discoveries
        entry = nth(self.scenario.get("discovery", ["ok"]), n)
        if entry == "ok":
            url = (f"{self.ws_base}/ws?device_id=dev-{n}&service_id={self.service_id}"
                   f"&access_key=AKSECRET-{n}&ticket=TICKETSECRET-{n}")
            config = self.scenario.get("client_config", DEFAULT_CONFIG)
            entry = {"status": 200, "body": {"code": 0, "msg": "success",
                                             "data": {"URL": url, "ClientConfig": config}}}
        body = entry.get("body", "")
        if not isinstance(body, str):
            body = json.dumps(body, ensure_ascii=False)
        return n, int(entry.get("status", 200)), body.encode("utf-8")

    def event_frames(self, ev, k):
        with self.lock:
            self.events += 1
            e = self.events
        sid, payload = self.service_id, payload_bytes(ev) or b""
        sum_ = int(ev.get("fragments", 1))
        cuts = [len(payload) * i // sum_ for i in range(sum_ + 1)]
        parts = [payload[cuts[i]:cuts[i + 1]] for i in range(sum_)]
        order = ev.get("order", list(range(sum_)))
        frames = []
        for position, seq in enumerate(order):
            sum_header, seq_header = sum_, seq
            if ev.get("bad") == "sum_changes" and position > 0:
                sum_header = sum_ + 1
            if ev.get("bad") == "seq_ge_sum" and position == len(order) - 1:
                seq_header = sum_
            headers = [["type", ev.get("type", "event")],
                       ["message_id", ev.get("message_id", f"msg-{k}-{e}")],
                       ["sum", sum_header], ["seq", seq_header],
                       ["trace_id", ev.get("trace_id", f"trace-{k}-{e}")]]
            frames.append(build(1, sid, headers + ev.get("extra_headers", []), parts[seq],
                                ev.get("seq_id", e), ev.get("log_id", 1_000_000 + e),
                                LogIDNew=ev.get("log_id_new"),
                                payload_type=ev.get("payload_type"),
                                payload_encoding=ev.get("payload_encoding")))
        return frames

    async def process_request(self, connection, request):
        with self.lock:
            self.connections += 1
            k = self.connections
        connection.lark_conn = k
        query = dict(parse_qsl(urlsplit(request.path).query, keep_blank_values=True))
        self.log("connect", conn=k, path=request.path, query=query,
                 headers=[list(h) for h in request.headers.raw_items()])
        entry = nth(self.scenario.get("connections", [{"steps": []}]), k)
        if "refuse" not in entry:
            return None
        refuse = entry["refuse"]
        status, body = int(refuse.get("status", 403)), refuse.get("body", "refused\n")
        headers = Headers([("Content-Type", "text/plain; charset=utf-8"),
                           ("Connection", "close")])
        for name, value in refuse.get("headers", {}).items():
            headers[name] = str(value)
        body = body.encode("utf-8")
        headers["Content-Length"] = str(len(body))
        self.log("refused", conn=k, status=status)
        return Response(status, "Refused", headers, body)

    async def handler(self, ws):
        entry = nth(self.scenario.get("connections", [{"steps": []}]), ws.lark_conn)
        await Conn(self, ws, ws.lark_conn).run(entry.get("steps", []))


async def main(args):
    with open(args.scenario, encoding="utf-8") as f:
        scenario = json.load(f)
    log = Log(args.log)
    logging.getLogger("websockets").addHandler(log)
    tls = make_tls(args.tls) if args.tls else None
    state = State(scenario, log)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.call_later(args.lifetime, stop.set)
    if args.exit_on_stdin_eof:
        threading.Thread(target=lambda: (sys.stdin.buffer.read(),
                                         loop.call_soon_threadsafe(stop.set)),
                         daemon=True).start()

    ws_server = await serve(state.handler, "127.0.0.1", 0, ssl=tls,
                            process_request=state.process_request, ping_interval=None,
                            compression=None, server_header=None)
    ws_port = ws_server.sockets[0].getsockname()[1]
    state.ws_base = f"{'wss' if tls else 'ws'}://127.0.0.1:{ws_port}"
    httpd, http_base = start_discovery(state.discover, log, tls)
    print(json.dumps({"http": http_base, "ws": state.ws_base}), flush=True)

    await stop.wait()
    ws_server.close()
    try:
        await asyncio.wait_for(ws_server.wait_closed(), 2)
    except asyncio.TimeoutError:
        pass
    await asyncio.to_thread(httpd.shutdown)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--tls", metavar="DIR")
    parser.add_argument("--lifetime", type=float, default=600,
                        help="exit after this many seconds whatever happens (default 600)")
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="exit when stdin closes (the parent process is gone)")
    asyncio.run(main(parser.parse_args()))
