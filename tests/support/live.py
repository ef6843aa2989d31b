"""Serve a Flask app over real HTTP on loopback, in a thread, for browser and load tests."""

from __future__ import annotations

import threading

from werkzeug.serving import make_server


class LiveServer:
    def __init__(self, app, host: str = "127.0.0.1"):
        self._server = make_server(host, 0, app, threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()  # returns once serve_forever has stopped
        self._thread.join(timeout=10)
        self._server.server_close()  # the listening socket, or the port stays taken
