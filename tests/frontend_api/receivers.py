"""A real HTTP endpoint on loopback for webhook tests: no mocked requests."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer


def verified(secret: str, headers: dict, body: bytes, now: float | None = None, max_age: int = 300) -> bool:
    """What a partner's receiver does (as in the README): the signature covers "<timestamp>.<raw body>",
    and deliveries signed more than five minutes away from now are refused as replays."""
    timestamp = headers.get("X-Kulturhub-Timestamp", "")
    now = time.time() if now is None else now
    if not timestamp.isdigit() or abs(now - int(timestamp)) > max_age:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers.get("X-Kulturhub-Signature", ""))


class Receiver:
    """A loopback HTTP server answering with `status` and keeping what it got."""

    def __init__(self, status: int = 204):
        self.status, self.received = status, []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def events(self) -> list[dict]:
        return [json.loads(body) for _headers, body in self.received]
