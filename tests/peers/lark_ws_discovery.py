"""The HTTP side of lark_ws_server.py: endpoint discovery, and the throwaway
certificates of its --tls mode."""

import base64
import http.server
import json
import os
import ssl
import subprocess
import sys
import threading
from urllib.parse import urlsplit


def text_or_base64(data, key="payload"):
    try:
        return {key: data.decode("utf-8")}
    except UnicodeDecodeError:
        return {key: None, key + "_base64": base64.b64encode(data).decode()}


def start_discovery(discover, log, tls):
    """Serves POST /callback/ws/endpoint on a loopback port in a thread:
    discover() gives (n, status, body bytes). Returns the server and its URL."""
    class Discovery(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 30

        def setup(self):
            super().setup()
            if isinstance(self.connection, ssl.SSLSocket):
                self.connection.do_handshake()

        def log_message(self, *args):
            pass

        def body(self):
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                data = b""
                while size := int(self.rfile.readline().split(b";")[0].strip(), 16):
                    data += self.rfile.read(size)
                    self.rfile.readline()
                while self.rfile.readline().strip():
                    pass
                return data
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def answer(self):
            raw = self.body()
            record = {"method": self.command, "path": self.path,
                      "headers": [[k, v] for k, v in self.headers.items()]}
            try:
                record["body"] = json.loads(raw)
            except ValueError:
                record.update(text_or_base64(raw, "body_raw"), body=None)
            if self.command == "POST" and urlsplit(self.path).path == "/callback/ws/endpoint":
                n, status, body = discover()
            else:
                n, status, body = None, 404, b'{"code":404,"msg":"not found"}'
            log("discovery", n=n, status=status, **record)
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET = do_PUT = do_DELETE = answer

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Discovery)
    httpd.daemon_threads = True
    httpd.handle_error = lambda request, address: log(
        "error", what=f"discovery connection: {sys.exc_info()[1]!r}")
    if tls:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True,
                                       do_handshake_on_connect=False)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                     daemon=True).start()
    return httpd, f"{'https' if tls else 'http'}://127.0.0.1:{httpd.server_address[1]}"


def make_tls(directory):
    """A throwaway CA (DIR/ca.pem) and a certificate for 127.0.0.1 and localhost."""
    os.makedirs(directory, exist_ok=True)
    p = lambda name: os.path.join(directory, name)  # noqa: E731
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    with open(p("server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n")
    for cmd in (
        ["req", "-x509", *key, "-keyout", p("ca.key"), "-out", p("ca.pem"), "-days", "2",
         "-subj", "/CN=lark-ticket test CA", "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["req", *key, "-keyout", p("server.key"), "-out", p("server.csr"),
         "-subj", "/CN=localhost"],
        ["x509", "-req", "-in", p("server.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"),
         "-set_serial", str(int.from_bytes(os.urandom(8), "big")), "-days", "2",
         "-out", p("server.pem"), "-extfile", p("server.ext")],
    ):
        subprocess.run(["openssl", *cmd], check=True, capture_output=True)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(p("server.pem"), p("server.key"))
    return ctx
