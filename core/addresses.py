"""Addresses in settings: the addr-spec of a From value, without ``email.utils``, and the IP
address a host spells.

``email.utils`` imports ``socket``, ``random``, ``datetime`` and the ``email`` charset
machinery, about 8 ms on every start; rules only need the addr-spec of ``a@b``,
``Name <a@b>`` or ``"Name, Inc." <a@b>``. (``parseaddr``'s own answer for malformed input
also changed between Python patch releases; this one does not.)
"""

from __future__ import annotations

import ipaddress
import re

_ANGLE = re.compile(r"<\s*([^<>\s]*)\s*>\s*$")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


def address_of(text: str | None) -> str:
    """The addr-spec of a From value; ``""`` when it holds none.

    ``Name <a@b>`` gives ``a@b``; a bare ``a@b`` gives itself; text with spaces or angle
    brackets and no ``<addr>`` at its end gives ``""``.
    """
    if not text:
        return ""
    text = _QUOTED.sub('""', text.strip())
    match = _ANGLE.search(text)
    if match:
        return match.group(1)
    if "<" in text or ">" in text or any(c.isspace() for c in text):
        return ""
    return text


def ip_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address ``host`` spells exactly (``ipaddress.ip_address``), or ``None`` for a
    name or anything else. Callers strip URL brackets themselves where their app does.

    Most hosts are names: only text that can be an address (a colon for IPv6, only digits and
    dots for IPv4) is handed to ``ipaddress``, which answers a name with an exception.
    """
    if ":" not in host and not host.replace(".", "").isdigit():
        return None
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None
