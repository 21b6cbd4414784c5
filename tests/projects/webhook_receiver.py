"""A real HTTP server on 127.0.0.1 standing in for a team chat's incoming webhook."""
from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, statuses: list[int] | None = None):
        # Status codes answered in turn; the last one repeats.
        self.statuses = statuses or [200]
        self.received: list[dict] = []
        self.paths: list[str] = []
        self.url = ""


@contextmanager
def running_receiver(statuses: list[int] | None = None):
    receiver = Receiver(statuses)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            receiver.received.append(json.loads(body))
            receiver.paths.append(self.path)
            index = min(len(receiver.received) - 1, len(receiver.statuses) - 1)
            self.send_response(receiver.statuses[index])
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/equipe-secret"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
