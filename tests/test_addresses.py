"""The address in a From value."""

from __future__ import annotations

import pytest
from mail_lint import address_of


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
