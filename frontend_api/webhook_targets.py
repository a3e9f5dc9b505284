"""Where webhooks may POST: http(s) URLs without credentials, on public addresses only.

A webhook URL is chosen by whoever edits a partner, and the hub records every answer it gets, so a URL
aimed at the hub's own network (loopback, RFC 1918, link-local with the cloud metadata service, ...)
would make deliveries a port scanner. Such targets are refused twice: when the webhook is saved (the
address as written, or as its name resolves then), and when it is delivered, on the address the socket
actually connects to -- a name may resolve to a public address at saving and to 127.0.0.1 a minute later
(DNS rebinding), so only the connection's check counts. Names are resolved in one place, `resolve`.

WEBHOOK_ALLOW_PRIVATE_NETWORKS=true lifts the address checks (dev settings: partner sites on localhost).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

CARRIER_GRADE_NAT = ipaddress.ip_network("100.64.0.0/10")
# NAT64 (RFC 6052): the well-known prefix holds the IPv4 address in its last 32 bits; the local-use prefix
# (RFC 8215) may be split into longer prefixes, each embedding it elsewhere (RFC 6052 section 2.2).
NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")
NAT64_LOCAL_USE = ipaddress.ip_network("64:ff9b:1::/48")
# Bytes of an address holding the IPv4 address, by NAT64 prefix length (byte 8 is the reserved u octet).
NAT64_IPV4_BYTES = {48: (6, 7, 9, 10), 56: (7, 9, 10, 11), 64: (9, 10, 11, 12), 96: (12, 13, 14, 15)}
METADATA_ADDRESSES = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
# Names cloud platforms answer their instance metadata under, and names that are loopback by definition.
METADATA_HOSTS = {"metadata", "metadata.google.internal", "metadata.goog", "instance-data",
                  "instance-data.ec2.internal"}
LEGACY_IPV4 = re.compile(r"^[0-9a-fA-Fx.]+$")  # 127.1, 2130706433, 0x7f000001: getaddrinfo reads them as IPv4

ALLOW_HINT = "webhooks must reach a public address (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows internal ones)"


class RefusedTarget(Exception):
    """A delivery's connection would reach an address webhooks may not target."""


def allow_private_networks() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE_NETWORKS", False))


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to: the single place webhook delivery asks DNS (tests replace it)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))


def nat64_candidates(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses a local-use NAT64 address may embed: one per prefix length whose suffix is zero."""
    packed = address.packed
    candidates = []
    for positions in NAT64_IPV4_BYTES.values():
        if not any(packed[positions[-1] + 1:]):
            candidates.append(ipaddress.IPv4Address(bytes(packed[position] for position in positions)))
    return candidates


def embedded_ipv4(address: IPAddress) -> list[tuple[str, ipaddress.IPv4Address]]:
    """The IPv4 addresses an IPv6 address reaches through a translator or tunnel, with the mechanism's name:
    IPv4-mapped, NAT64, 6to4 and Teredo. Such an address is internal when what it embeds is."""
    if address.version == 4:
        return []
    if address.ipv4_mapped is not None:
        return [("IPv4-mapped", address.ipv4_mapped)]
    if address in NAT64_WELL_KNOWN:
        return [("NAT64", ipaddress.IPv4Address(address.packed[12:]))]
    if address in NAT64_LOCAL_USE:
        return [("NAT64", candidate) for candidate in nat64_candidates(address)]
    if address.sixtofour is not None:
        return [("6to4", address.sixtofour)]
    if address.teredo is not None:
        server, client = address.teredo
        return [("Teredo", client), ("Teredo server", server)]
    return []


def address_class(address: IPAddress) -> str | None:
    """What kind of internal address `address` is ("a loopback address", ...), or None for a public one."""
    embedded = embedded_ipv4(address)
    for mechanism, inner in embedded:
        kind = address_class(inner)
        if kind:
            return f"{kind} ({mechanism} {inner})"
    if any(mechanism in ("IPv4-mapped", "NAT64") for mechanism, _inner in embedded):
        return None  # a translation of a public IPv4 address (an IPv6-only hub behind DNS64 sees these)
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address in METADATA_ADDRESSES:
        return "the cloud metadata service (link-local)"
    if address.is_link_local:
        return "a link-local address"
    if address.version == 4 and address in CARRIER_GRADE_NAT:
        return "a carrier-grade NAT address (100.64.0.0/10)"
    if address.is_multicast:
        return "a multicast address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "a reserved address"
    return None


def refusal_of_addresses(host: str, addresses: list[IPAddress]) -> str | None:
    """Why the first refused address of `host` is refused: "10.0.0.1 is a private address" for a literal,
    "hooks.example.org resolves to 10.0.0.1, a private address" for a name."""
    literal = literal_address(host) is not None
    for address in addresses:
        kind = address_class(address)
        if kind:
            return f"{address} is {kind}" if literal else f"{host} resolves to {address}, {kind}"
    return None


def literal_address(host: str) -> IPAddress | None:
    """The address a URL's host names without DNS: an IP literal, or a legacy IPv4 form."""
    try:
        return ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        pass
    if LEGACY_IPV4.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def host_refusal(host: str) -> str | None:
    """Why a host name (before DNS) may not be a webhook target: loopback and metadata names."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return f"{host} is a loopback name"
    if name in METADATA_HOSTS:
        return f"{host} is a cloud metadata service name"
    return None


def url_refusal(url: str) -> str | None:
    """Why `url` is no webhook URL in any case: scheme, credentials, no host."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        return f"it is not a valid URL ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return f"only http and https URLs are delivered to, not {parts.scheme or 'a URL without scheme'}"
    if "@" in parts.netloc:
        return "credentials in the URL (user:password@) are not allowed; receivers verify the signature instead"
    if not parts.hostname:
        return "the URL names no host"
    return None


def check_webhook_url(url: str) -> None:
    """Raises ValidationError saying why `url` may not receive webhooks; used when a webhook is saved. The
    host is resolved when it can be (an unknown name passes: delivery checks it again)."""
    reason = url_refusal(url)
    if reason is None and not allow_private_networks():
        parts = urlsplit(url)
        reason = host_refusal(parts.hostname)
        address = literal_address(parts.hostname)
        if reason is None and address is not None:
            reason = refusal_of_addresses(parts.hostname, [address])
        elif reason is None:
            try:
                addresses = resolve(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
            except (OSError, UnicodeError, ValueError):
                addresses = []
            reason = refusal_of_addresses(parts.hostname, addresses)
        if reason:
            reason = f"{reason}; {ALLOW_HINT}"
    if reason:
        raise ValidationError(reason, code="refused_webhook_url")


def permitted_addresses(host: str, port: int) -> list[IPAddress]:
    """The addresses of `host` a delivery may connect to; RefusedTarget when there are none."""
    if allow_private_networks():
        return resolve(host, port)
    reason = host_refusal(host)
    if reason:
        raise RefusedTarget(f"{reason}; {ALLOW_HINT}")
    addresses = resolve(host, port)
    permitted = [address for address in addresses if address_class(address) is None]
    if not permitted:
        reason = refusal_of_addresses(host, addresses) or f"{host} resolves to no address"
        raise RefusedTarget(f"{reason}; {ALLOW_HINT}")
    return permitted


class GuardedConnectionMixin:
    """Connects only to permitted addresses of the host, and checks the peer of the connected socket."""

    def _new_conn(self) -> socket.socket:
        try:
            addresses = permitted_addresses(self._dns_host, self.port)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        last_error: OSError | None = None
        for address in addresses:
            try:
                sock = urllib3_connection.create_connection(
                    (str(address), self.port), self.timeout, source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as exc:
                raise ConnectTimeoutError(self, f"Connection to {self.host} timed out.") from exc
            except OSError as exc:
                last_error = exc
                continue
            peer = ipaddress.ip_address(sock.getpeername()[0].split("%")[0])
            kind = None if allow_private_networks() else address_class(peer)
            if kind:
                sock.close()
                raise RefusedTarget(f"{self.host} connected to {peer}, {kind}; {ALLOW_HINT}")
            return sock
        raise NewConnectionError(self, f"Failed to establish a new connection: {last_error}")


class GuardedHTTPConnection(GuardedConnectionMixin, HTTPConnection):
    pass


class GuardedHTTPSConnection(GuardedConnectionMixin, HTTPSConnection):
    pass


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": GuardedHTTPConnectionPool, "https": GuardedHTTPSConnectionPool}


def webhook_session() -> requests.Session:
    """A session whose every connection is checked; environment proxies are ignored, since through a
    proxy the hub could not see which address it reaches."""
    session = requests.Session()
    session.trust_env = False
    adapter = GuardedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
