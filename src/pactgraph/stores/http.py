"""The HTTP side of the endpoint store: one httpx client with a total deadline, a size cap and auth.

httpx's own timeouts apply to each socket operation, so a server that sends one
byte a second would never time out; here every request also has a deadline for the
whole exchange: a watchdog shuts the connection's socket down when it passes,
which ends a read blocked in another thread. An answer is read as a stream and
refused once it passes `max_size` bytes.

Credentials come from the environment only. PACTGRAPH_ENDPOINT_TOKEN is sent as a
Bearer token with every request. PACTGRAPH_ENDPOINT_USER / _PASSWORD answer the
server's challenge: HTTP Digest when the server asks for Digest (Virtuoso's
/sparql-auth and /sparql-graph-crud-auth), Basic when it asks for Basic; the
password is never sent in the clear to a server that asked for Digest.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pactgraph.stores.base import StoreError

ENV_USER = "PACTGRAPH_ENDPOINT_USER"
ENV_PASSWORD = "PACTGRAPH_ENDPOINT_PASSWORD"
ENV_TOKEN = "PACTGRAPH_ENDPOINT_TOKEN"


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class Answer:
    """One HTTP answer, read whole."""

    status: int
    content_type: str
    body: bytes


def _auth(env: Mapping[str, str]) -> Any:
    token = env.get(ENV_TOKEN)
    if token:
        return _Bearer(token)
    user = env.get(ENV_USER)
    if user:
        return _Challenged(user, env.get(ENV_PASSWORD, ""))
    return None


class _Bearer:
    """Authorization: Bearer TOKEN on every request."""

    def __init__(self, token: str):
        self.token = token

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def _challenged_class() -> type:
    import httpx

    class Challenged(httpx.Auth):
        """Basic or Digest, as the server's 401 challenge asks; Basic is sent up front once a server asked for it."""

        requires_request_body = True

        def __init__(self, user: str, password: str):
            self._basic = httpx.BasicAuth(user, password)
            self._digest = httpx.DigestAuth(user, password)
            self._scheme: str | None = None

        def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
            if self._scheme == "digest":
                yield from self._digest.auth_flow(request)
                return
            if self._scheme == "basic":
                yield from self._basic.auth_flow(request)
                return
            response = yield request
            if response.status_code != 401:
                return
            challenge = response.headers.get("WWW-Authenticate", "").lower()
            if challenge.startswith("digest") or ", digest" in challenge:
                self._scheme = "digest"
                yield from self._digest.auth_flow(request)
            elif challenge.startswith("basic") or ", basic" in challenge:
                self._scheme = "basic"
                yield from self._basic.auth_flow(request)

    return Challenged


def _Challenged(user: str, password: str) -> Any:
    return _challenged_class()(user, password)


class HttpClient:
    """Requests to one server: keep-alive connections, a total deadline and a size cap per answer."""

    def __init__(self, url: str, *, timeout: float, max_size: int, environ: Mapping[str, str]):
        import httpx

        self.timeout = timeout
        self.max_size = max_size
        self.has_credentials = bool(environ.get(ENV_TOKEN) or environ.get(ENV_USER))
        self._client = httpx.Client(
            auth=_auth(environ),
            timeout=httpx.Timeout(timeout),
            trust_env=False,  # no ~/.netrc: credentials come from the PACTGRAPH_ENDPOINT_* variables only
            proxy=_proxy(url),
            follow_redirects=False,
            headers={"User-Agent": "pactgraph"},
        )

    def request(
        self, method: str, url: str, *, body: bytes | None, headers: dict[str, str], purpose: str
    ) -> Answer:
        """The answer to one request; StoreError for no answer, a late or oversized one, or an HTTP error."""
        import httpx

        deadline = time.monotonic() + self.timeout
        fired = threading.Event()
        streams: list[Any] = []

        def expire() -> None:
            fired.set()
            for stream in streams:
                sock = stream.get_extra_info("socket") if stream is not None else None
                if sock is not None:
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        watchdog = threading.Timer(self.timeout, expire)
        watchdog.daemon = True
        watchdog.start()
        late = f"{purpose} {url}: no complete answer within {self.timeout:g} s"
        size = 0
        try:
            request = self._client.build_request(method, url, content=body, headers=headers)
            response = self._client.send(request, stream=True)
            try:
                streams.append(response.extensions.get("network_stream"))
                if fired.is_set():
                    expire()
                parts: list[bytes] = []
                for chunk in response.iter_raw():
                    size += len(chunk)
                    if size > self.max_size:
                        from pactgraph.rdf import limits

                        raise StoreError(
                            f"{purpose} {url}: the answer is larger than {limits.human_size(self.max_size)} "
                            f"and was not read further ({limits.ENV_MAX_INPUT})"
                        )
                    parts.append(chunk)
                    if time.monotonic() > deadline:
                        raise StoreError(late)
                if fired.is_set():
                    raise StoreError(late)
                data = b"".join(parts)
            finally:
                response.close()
        except httpx.TimeoutException:
            raise StoreError(late) from None
        except httpx.ConnectError as err:
            raise StoreError(f"cannot reach {url}: {_reason(err)}") from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as err:
            if fired.is_set():
                raise StoreError(late) from None
            raise StoreError(
                f"{purpose} {url}: the answer ended early, after {size} bytes ({_reason(err)}; the server cut "
                "it: a time or size limit, e.g. pactgraph endpoint's --timeout or --max-result-size?)"
            ) from None
        except httpx.HTTPError as err:
            if fired.is_set():
                raise StoreError(late) from None
            raise StoreError(f"{purpose} {url}: {type(err).__name__}: {_reason(err)}") from None
        finally:
            watchdog.cancel()
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if response.status_code >= 400:
            detail = " ".join(data[:2000].decode("utf-8", "replace").split())
            detail = detail[:300] + (" ..." if len(detail) > 300 else "")
            hint = ""
            if response.status_code == 401:
                hint = (
                    f" (credentials come from {ENV_TOKEN}, or {ENV_USER} and {ENV_PASSWORD})"
                    if not self.has_credentials
                    else " (check the credentials in the environment)"
                )
            raise StoreError(
                f"{purpose} {url}: HTTP {response.status_code} {response.reason_phrase}"
                + (f": {detail}" if detail else "")
                + hint
            )
        return Answer(response.status_code, content_type, data)

    def close(self) -> None:
        self._client.close()


def _proxy(url: str) -> str | None:
    """The proxy the environment names for `url` (HTTP_PROXY, HTTPS_PROXY, NO_PROXY); none for loopback."""
    import urllib.request

    parts = urlsplit(url)
    if is_loopback(parts.hostname) or urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    return urllib.request.getproxies().get(parts.scheme)


def _reason(err: Exception) -> str:
    cause: BaseException | None = err
    while cause is not None and cause.__cause__ is not None:
        cause = cause.__cause__
    text = getattr(cause, "strerror", None) or str(cause) or str(err) or type(err).__name__
    return str(text)
