"""A loopback OpenAI-protocol streaming server for :mod:`benchmarks.openai_stream`.

Standard library only, run in its own process (so its work is not on the measured process's
CPU): every ``POST /n<chunks>/v1/chat/completions`` answers with a pre-encoded SSE body of
``chunks`` content deltas (``"tok "``), a finish event and ``[DONE]``, keep-alive.
Prints its port on stdout, then serves until killed.
"""

from __future__ import annotations

import json
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def sse_body(chunks: int) -> bytes:
    """The stream: ``chunks`` deltas of ``"tok "``, then the finish event and ``[DONE]``."""
    head = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 0,
            "model": "bench"}  # fmt: skip
    events = [
        {**head, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                              "finish_reason": None}]},
        *(
            {**head, "choices": [{"index": 0, "delta": {"content": "tok "},
                                  "finish_reason": None}]}
            for _ in range(chunks)
        ),
        {**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
    ]
    lines = [f"data: {json.dumps(e)}\n\n" for e in events] + ["data: [DONE]\n\n"]
    return "".join(lines).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    bodies: dict[int, bytes] = {}  # noqa: RUF012  (a per-process cache, shared on purpose)

    def setup(self) -> None:
        super().setup()
        # headers and body are two writes: without this, the second waits for the client's
        # delayed ACK on a kept-alive connection (~40 ms), as real servers avoid too
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        json.loads(self.rfile.read(length))  # read (and parse) the request, as a server does
        chunks = int(self.path.split("/")[1].removeprefix("n"))  # /n<chunks>/v1/chat/...
        body = self.bodies.get(chunks)
        if body is None:
            body = self.bodies[chunks] = sse_body(chunks)
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
