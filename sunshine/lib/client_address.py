"""The address of the client that sent a request, also behind a reverse proxy.

Behind a proxy, REMOTE_ADDR is the proxy's address and the client's is in
X-Forwarded-For, which each proxy extends on the right with the address it
received the request from. Anyone can send that header, so it is read only
when REMOTE_ADDR is one of ``settings.SUNSHINE_TRUSTED_PROXIES`` (addresses
or CIDR networks). The rightmost entry that is not a trusted proxy is then
the client, because entries left of it were written by the client itself.
"""

import ipaddress
import logging
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"


def client_ip(request: HttpRequest) -> str:
    """Return the client's address, or "unknown" when the peer gave none."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    networks = trusted_networks(tuple(settings.SUNSHINE_TRUSTED_PROXIES))
    if not networks or not is_trusted(peer, networks):
        return peer or UNKNOWN

    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        if parse_address(hop) is None:
            # Entries left of a malformed one cannot be tied to a trusted proxy.
            logger.warning("X-Forwarded-For entry is not an IP address; using proxy %s", peer)
            return peer
        if not is_trusted(hop, networks):
            return hop
    # Every entry is a trusted proxy, so the request started inside the
    # proxies' network and the leftmost entry is where it came from.
    return hops[0] if hops else peer


# An IPv6 customer is usually given a whole /64, so rate limits count that network as one client.
IPV6_CLIENT_PREFIX = 64


def limit_subject(address: str) -> str:
    """Return what a per-client limit counts for ``address``.

    An IPv4 address, also written IPv4-mapped, counts as itself. An IPv6
    address counts as its /64 network, so that rotating addresses inside
    one network does not multiply the allowance. Text that is no address,
    such as "unknown", counts as itself.
    """
    parsed = parse_address(address)
    if parsed is None:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, IPV6_CLIENT_PREFIX), strict=False))
    return str(parsed)


def is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    parsed = parse_address(address)
    return parsed is not None and any(parsed in network for network in networks)


def parse_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """Return the IP address in ``text`` (IPv4-mapped IPv6 as IPv4), or None if it is invalid."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=4)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """Parse the configured proxies; raise ValueError naming an invalid entry."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as error:
            raise ValueError(
                f"SUNSHINE_TRUSTED_PROXIES entry {entry!r} is not an IP address or CIDR "
                f"network, for example 10.0.0.5 or 10.0.0.0/24"
            ) from error
    return tuple(networks)
