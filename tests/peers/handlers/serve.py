"""What the webhook handlers in this folder share: the arguments, the HTTP
server on 127.0.0.1 (an ephemeral port), the ready line, the NDJSON log and
the ways a server stops. Each handler is an `app(request)` returning
`(status, headers, body)`; see README.md.
"""

import argparse
import base64
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = "/webhook/event"
START = time.monotonic()


def arguments(description, extra=None):
    parser = argparse.ArgumentParser(description=description)
    if extra:
        extra(parser)
    parser.add_argument("--key", help="the Encrypt Key (none: the app has none)")
    parser.add_argument("--token", help="the Verification Token")
    parser.add_argument("--log", required=True, help="NDJSON log of every request")
    parser.add_argument("--lifetime", type=float, default=300,
                        help="seconds after which the server exits (default 300)")
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="exit when stdin closes (the parent process is gone)")
    return parser.parse_args()


class Log:
    """NDJSON records, one write and flush per line, from any thread."""

    def __init__(self, path):
        self.file = open(path, "w", encoding="utf-8")
        self.lock = threading.Lock()

    def __call__(self, kind, **fields):
        line = json.dumps({"kind": kind, **fields}, ensure_ascii=False) + "\n"
        with self.lock:
            self.file.write(line)
            self.file.flush()


def text_or_base64(name, data):
    """{name: text} when data is UTF-8, else {name_base64: ...}."""
    try:
        return {name: data.decode("utf-8")}
    except UnicodeDecodeError:
        return {name + "_base64": base64.b64encode(data).decode("ascii")}


class Request:
    def __init__(self, method, path, headers, body):
        self.method = method
        self.path = path
        self.headers = headers  # [(name, value)] as received
        self.body = body  # bytes, exactly as received

    def header(self, name):
        """The first value of a header, its name compared case-insensitively."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def serve(args, log, app):

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass

        def do_POST(self):
            received = round(time.monotonic() - START, 4)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length > 0 else b""
            request = Request("POST", self.path, list(self.headers.items()), body)
            if self.path != PATH:
                status, headers, answer = 404, [("Content-Type", "text/plain")], b"not found"
            else:
                try:
                    status, headers, answer = app(request)
                except Exception as e:  # a bug here, not an answer to pin
                    log("error", error=repr(e))
                    status, headers, answer = 500, [], b"handler error"
            # Logged before the answer is sent: a client that has the
            # answer finds the record in the log.
            headers_seen = {}
            for name, value in request.headers:
                headers_seen[name] = value if name not in headers_seen \
                    else headers_seen[name] + ", " + value
            log("request", t=received, method="POST", path=self.path, headers=headers_seen,
                **text_or_base64("body", body), status=status,
                **text_or_base64("response", answer))
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
            self.wfile.flush()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port = server.server_address[1]

    def stop():
        # shutdown() waits for serve_forever(), so from another thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    timer = threading.Timer(args.lifetime, stop)
    timer.daemon = True
    timer.start()
    if args.exit_on_stdin_eof:
        threading.Thread(target=lambda: (sys.stdin.buffer.read(), stop()),
                         daemon=True).start()
    print(json.dumps({"url": f"http://127.0.0.1:{port}{PATH}"}), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    os._exit(0)
