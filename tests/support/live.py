"""Serve a Flask app over real HTTP on loopback, in a thread, for browser and load tests."""

from __future__ import annotations

import threading

from werkzeug.serving import make_server


def _closed_before_sent(app):
    """Read each response body to the end and close it before the server writes a byte.

    Werkzeug's development server skips the body's close() when the browser drops the
    connection mid-response (a reload while a file is sent), leaving the file for the garbage
    collector: an unclosed-file warning that pytest turns into a failure of whichever test runs
    next. Buffering keeps the served bytes and headers unchanged; the bodies here are small.
    """

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return wsgi


class LiveServer:
    def __init__(self, app, host: str = "127.0.0.1"):
        self._server = make_server(host, 0, _closed_before_sent(app), threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()  # returns once serve_forever has stopped
        self._thread.join(timeout=10)
        self._server.server_close()  # the listening socket, or the port stays taken
