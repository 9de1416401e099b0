"""A small HTTP/1.1 server on asyncio streams: keep-alive, Content-Length bodies, one handler coroutine.

Enough HTTP for the gateway simulator and no more: no chunked request bodies (a 411 says so), no pipelining
beyond answering requests in order. The standard library's http.server is thread-per-connection and
answers HTTP/1.0 by default; this one keeps thousands of connections on one event loop, which is what a
benchmark of a pooled, concurrent client needs.
"""

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

__all__ = ["CloseConnection", "Request", "Response", "serve_connection"]

MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 32 * 1024 * 1024

REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    411: "Length Required",
    413: "Content Too Large",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


@dataclass
class Request:
    method: str
    path: str
    version: str
    headers: dict[str, str]  # names in lower case
    body: bytes = b""

    def json(self):
        """The body as JSON; ValueError when it is not."""
        return json.loads(self.body)


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data, status: int = 200, **headers: str) -> "Response":
        body = json.dumps(data, separators=(",", ":")).encode()
        return cls(status, body, {"Content-Type": "application/json", **headers})


class CloseConnection(Exception):
    """Raised by a handler to drop the connection without an answer (a gateway that is down)."""


Handler = Callable[[Request], Awaitable[Response]]


async def _read_request(reader: asyncio.StreamReader) -> Request | Response | None:
    """The next request, or a Response to send before closing (malformed), or None at end of stream."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    except asyncio.LimitOverrunError:
        return Response(431)
    try:
        lines = head.decode("latin-1").split("\r\n")
        method, path, version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
    except ValueError:
        return Response(400)
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return Response(411)
    try:
        length = int(headers.get("content-length", "0"))
    except ValueError:
        return Response(400)
    if length < 0 or length > MAX_BODY_BYTES:
        return Response(413)
    try:
        body = await reader.readexactly(length) if length else b""
    except asyncio.IncompleteReadError:
        return None
    return Request(method.upper(), path, version.strip(), headers, body)


def _keep_alive(request: Request) -> bool:
    connection = request.headers.get("connection", "").lower()
    if request.version == "HTTP/1.0":
        return connection == "keep-alive"
    return connection != "close"


def _encode(response: Response, keep_alive: bool) -> bytes:
    lines = [f"HTTP/1.1 {response.status} {REASONS.get(response.status, 'Unknown')}"]
    headers = {**response.headers, "Content-Length": str(len(response.body))}
    headers["Connection"] = "keep-alive" if keep_alive else "close"
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + response.body


async def serve_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, handler: Handler):
    """Answer the requests of one connection in order until the client or the handler closes it."""
    try:
        while True:
            request = await _read_request(reader)
            if request is None:
                break
            if isinstance(request, Response):
                writer.write(_encode(request, keep_alive=False))
                await writer.drain()
                break
            keep_alive = _keep_alive(request)
            try:
                response = await handler(request)
            except CloseConnection:
                break
            writer.write(_encode(response, keep_alive))
            await writer.drain()
            if not keep_alive:
                break
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
