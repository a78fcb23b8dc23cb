"""The address in a From value; the IP address a host spells."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mail_lint import address_of, ip_address


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("wiki@acme-corp.net", "wiki@acme-corp.net"),
        ("Acme Wiki <wiki@acme-corp.net>", "wiki@acme-corp.net"),
        ('"Acme, Inc." <wiki@acme-corp.net>', "wiki@acme-corp.net"),
        ('"WG <x>" <wg@example.org>', "wg@example.org"),
        ("  Docmost <undefined>  ", "undefined"),
        ("listmonk <noreply@listmonk.yoursite.com>", "noreply@listmonk.yoursite.com"),
        ("not an address", ""),
        ("<>", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_address_of(text: str | None, address: str) -> None:
    assert address_of(text) == address


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("::1", "::1"),
        ("fe80::1%eth0", "fe80::1%eth0"),
        ("192.168.1.20", "192.168.1.20"),
        ("smtp.gmail.com", None),
        ("db", None),
        ("mailpit", None),
        ("[::1]", None),  # callers strip URL brackets where their app does
        ("1.2.3", None),
        ("1", None),
        ("", None),
    ],
)
def test_ip_address(host: str, address: str | None) -> None:
    found = ip_address(host)
    assert (None if found is None else str(found)) == address


@given(
    st.one_of(
        st.ip_addresses().map(str),
        st.text(alphabet="0123456789.:abcdefABCDEF%[]-x ", max_size=45),
        st.text(max_size=20),
    )
)
def test_ip_address_agrees_with_ipaddress(host: str) -> None:
    # The pre-check that spares most runs the ipaddress import never turns away an address.
    try:
        expected: object = ipaddress.ip_address(host)
    except ValueError:
        expected = None
    assert ip_address(host) == expected
