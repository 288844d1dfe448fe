"""Read-your-writes across requests: the position token in a response header and a cookie.

With read replicas (``DATABASE_READ_URLS``) a client that has just written may read from a replica
that has not replayed the write yet. :class:`ReadYourWrites` is an ASGI middleware that closes the
gap: a request carrying a position token (the ``X-DB-Position`` header, else the ``db_position``
cookie) has its reads wait for a replica that has replayed it (or go to the primary), and a
response whose request committed a write carries the new token back in both.

.. code-block:: python

    app = FastAPI(lifespan=lifespan())
    app.add_middleware(ReadYourWrites)

A browser keeps the cookie by itself; an API client copies the header into its next request. A
malformed token is ignored (the read is then as fresh as the replica). The token is not secret:
it names a WAL position, which says how much the database has written, not what.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import ConfigurationError
from ..replicas import parse_position, position_scope, read_after

__all__ = ["POSITION_COOKIE", "POSITION_HEADER", "ReadYourWrites"]

POSITION_HEADER = "X-DB-Position"
POSITION_COOKIE = "db_position"


class ReadYourWrites:
    """ASGI middleware: reads wait for the request's position token; writes hand one back.

    ``cookie_max_age`` bounds how long a browser sends the token: a replica has replayed any
    write long before, so an old token costs nothing but a comparison."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        header: str = POSITION_HEADER,
        cookie: str | None = POSITION_COOKIE,
        cookie_max_age: int = 60,
        cookie_secure: bool = True,
    ) -> None:
        self.app = app
        self.header = header
        self._header_key = header.lower().encode("latin-1")
        self.cookie = cookie
        self.cookie_max_age = cookie_max_age
        self.cookie_secure = cookie_secure

    def _token(self, scope: Scope) -> str | None:
        headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
        found: str | None = None
        cookies = ""
        for key, value in headers:
            if key == self._header_key:
                found = value.decode("latin-1")
            elif key == b"cookie" and self.cookie:
                cookies += value.decode("latin-1") + ";"
        if found is None and self.cookie and cookies:
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(cookies)
            except Exception:
                return None
            morsel = jar.get(self.cookie)
            found = morsel.value if morsel is not None else None
        if found is None:
            return None
        try:
            parse_position(found)
        except ConfigurationError:
            return None
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = self._token(scope)
        with read_after(given), position_scope() as written:

            async def send_with_position(message: Message) -> None:
                now = written.token
                if message["type"] == "http.response.start" and now is not None:
                    headers = list(message.get("headers", []))
                    headers.append((self.header.encode("latin-1"), now.encode("latin-1")))
                    if self.cookie:
                        attributes = (
                            f"Max-Age={self.cookie_max_age}; Path=/; HttpOnly; SameSite=Lax"
                        )
                        if self.cookie_secure:
                            attributes += "; Secure"
                        headers.append(
                            (b"set-cookie", f"{self.cookie}={now}; {attributes}".encode("latin-1"))
                        )
                    message = {**message, "headers": headers}
                await send(message)

            await self.app(scope, receive, send_with_position)
