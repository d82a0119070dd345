"""Calls of the WSGI application as gunicorn makes them, for tests of the shortcuts in front of Django."""

import io
import sys

from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from sunshine.wsgi import application


def call(path: str, *, query: str = "", seen: dict | None = None, method: str = "GET",
         body: bytes = b"", **headers: str) -> tuple[str, dict[str, str], bytes]:
    """Call the WSGI application and return its status line, headers and body.

    ``seen``, if given, receives the environ as the application left it.
    Headers named content_type and content_length go in as CGI variables.
    """
    cgi = {name.upper(): headers.pop(name) for name in ("content_type", "content_length")
           if name in headers}
    if body and "CONTENT_LENGTH" not in cgi:
        cgi["CONTENT_LENGTH"] = str(len(body))
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, **cgi,
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "198.51.100.20", "HTTP_HOST": "testserver",
        "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
        **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
    }
    started: list[tuple[str, list[tuple[str, str]]]] = []
    # After a request the WSGI handler closes connections that are not in
    # autocommit mode, and the test runs in a transaction. Django's test
    # client keeps the connection the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        chunks = application(environ, lambda status, found, *rest: started.append((status, found)))
        try:
            body = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    if seen is not None:
        seen.update(environ)
    status, found = started[0]
    return status, dict(found), body
