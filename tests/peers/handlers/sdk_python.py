#!/usr/bin/env python3
"""The official Python SDK's (lark-oapi) webhook event handling behind a
small HTTP server on loopback, as a handler to test senders against.

    python sdk_python.py [--key K] [--token T] --log LOG.ndjson \
        [--lifetime S] [--exit-on-stdin-eof]

Each POST to /webhook/event becomes the SDK's RawRequest and is answered
with the SDK's RawResponse, converted the way the SDK's own Flask adapter
(lark_oapi/adapter/flask/parser.py) converts them. Prints
{"url": "http://127.0.0.1:P/webhook/event"} when ready; the log format is in
README.md.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import lark_oapi as lark  # noqa: E402
from lark_oapi.core.model import RawRequest  # noqa: E402

from serve import Log, arguments, serve  # noqa: E402

EVENT_TYPE = "helpdesk.ticket.updated_v1"


def wsgi_headers(headers):
    """The headers as Flask's request.headers.to_wsgi_list() gives them to
    the adapter: through a WSGI environ, as Werkzeug builds and reads it.
    Names come back Title-Cased ('x-lark-signature' -> 'X-Lark-Signature',
    which matters: the SDK looks headers up in a plain, case-sensitive dict),
    names with '_' are dropped, repeated headers are joined with ','."""
    environ = {}
    for name, value in headers:
        if "_" in name:
            continue
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
            if key in environ:
                value = environ[key] + "," + value
        environ[key] = value
    out = {}
    for key, value in environ.items():
        if key.startswith("HTTP_") and key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
            out[key[5:].replace("_", "-").title()] = value
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            out[key.replace("_", "-").title()] = value
    return out


def main():
    args = arguments(__doc__.split("\n\n")[0])
    log = Log(args.log)

    def on_ticket_updated(data):
        header = data.header
        log("handled", event_id=header.event_id if header else None,
            event_type=header.event_type if header else None)

    handler = (
        lark.EventDispatcherHandler.builder(args.key or "", args.token or "")
        .register_p2_customized_event(EVENT_TYPE, on_ticket_updated)
        .build()
    )

    def app(request):
        raw = RawRequest()
        raw.uri = request.path
        raw.body = request.body
        raw.headers = wsgi_headers(request.headers)
        response = handler.do(raw)
        # parse_resp: make_response(str(content, UTF_8)), then the status and
        # the SDK's headers over Flask's defaults.
        body = str(response.content, "utf-8").encode("utf-8")
        return response.status_code, list(response.headers.items()), body

    serve(args, log, app)


if __name__ == "__main__":
    main()
