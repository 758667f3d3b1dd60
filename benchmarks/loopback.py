"""The one check every load test makes before it sends anything: the target is this machine's loopback."""

import ipaddress
import socket
from urllib.parse import urlsplit


class NotLoopback(ValueError):
    """The target resolves to an address outside 127.0.0.0/8 and ::1."""


def require_loopback(url: str) -> str:
    """url itself when its host resolves only to loopback addresses; NotLoopback otherwise."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NotLoopback(f"{url!r} is not an http:// or https:// address")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 80, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise NotLoopback(f"{parts.hostname!r} does not resolve: {exc}") from exc
    addresses = {info[4][0] for info in infos}
    # Every address the name has must be loopback: a name with one loopback and one outside address is refused.
    outside = sorted(a for a in addresses if not ipaddress.ip_address(a.split("%")[0]).is_loopback)
    if not addresses or outside:
        raise NotLoopback(f"load tests go to this machine only (127.0.0.0/8, ::1); {parts.hostname!r} is "
                          f"{', '.join(outside) or 'nothing'}")
    return url
