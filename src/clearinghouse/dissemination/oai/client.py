"""A defensive HTTP GET for harvesting: no private addresses, bounded time and size.

Every hop (the first URL and each redirect) is resolved first and refused when any of its
addresses is private, link-local, loopback, multicast, reserved or unspecified — before a
connection is made. The connection then goes to the address that was checked (no second
DNS lookup to rebind). Loopback is allowed only when ``CLEARINGHOUSE_HARVEST_ALLOW_LOOPBACK``
is set (the test suite's local OAI-PMH servers).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

USER_AGENT = "TIP-Clearinghouse-harvester/1"


class HarvestError(Exception):
    """The harvest cannot go on; the message is the report staff read."""


@dataclass(frozen=True)
class Limits:
    timeout: float = 30.0  # seconds without a byte
    deadline: float = 120.0  # seconds for one whole response
    max_bytes: int = 50 * 1024 * 1024
    max_redirects: int = 5

    @classmethod
    def from_settings(cls) -> Limits:
        configured = getattr(settings, "CLEARINGHOUSE_HARVEST_LIMITS", {})
        return cls(**configured)


def allow_loopback() -> bool:
    return bool(getattr(settings, "CLEARINGHOUSE_HARVEST_ALLOW_LOOPBACK", False))


def check_address(address: str) -> None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        if allow_loopback():
            return
        raise HarvestError(f"refused: {address} is a loopback address")
    if (
        ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    ):
        raise HarvestError(f"refused: {address} is a private or reserved address")


def resolve(host: str, port: int) -> str:
    """The address to connect to, after every address of ``host`` passed the check."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise HarvestError(f"cannot resolve {host}: {exc}") from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise HarvestError(f"cannot resolve {host}")
    for address in addresses:
        check_address(address)
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch(url: str, limits: Limits | None = None) -> bytes:
    """The body of a 200 response to GET ``url``, following redirects; raises HarvestError."""
    limits = limits or Limits.from_settings()
    for _hop in range(limits.max_redirects + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise HarvestError(f"refused: {url[:200]} is not an http(s) URL")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = resolve(parts.hostname, port)
        kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        connection = kind(parts.hostname, port, address, limits.timeout)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(
                "GET",
                target,
                headers={
                    "User-Agent": USER_AGENT,
                    "Accept": "text/xml, application/xml",
                    "Accept-Encoding": "identity",
                },
            )
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location") or ""
                if not location:
                    raise HarvestError(f"HTTP {response.status} without a Location")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise HarvestError(f"HTTP {response.status} from {parts.hostname}")
            return _read(response, connection, limits)
        except TimeoutError as exc:
            raise HarvestError(
                f"timed out after {limits.timeout:g} s waiting for {parts.hostname}"
            ) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise HarvestError(f"connection to {parts.hostname} failed: {exc}") from exc
        finally:
            connection.close()
    raise HarvestError(f"more than {limits.max_redirects} redirects")


def _read(response: http.client.HTTPResponse, connection, limits: Limits) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise HarvestError(
            f"response of {declared} bytes is over the {limits.max_bytes} byte limit"
        )
    started = time.monotonic()
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = limits.deadline - (time.monotonic() - started)
        if remaining <= 0:
            raise HarvestError(f"response took longer than {limits.deadline:g} s")
        if connection.sock is not None:
            connection.sock.settimeout(min(limits.timeout, remaining))
        chunk = response.read1(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limits.max_bytes:
            raise HarvestError(f"response is over the {limits.max_bytes} byte limit")
        chunks.append(chunk)
