"""Secrets are described by shape, never shown."""

from __future__ import annotations

import pytest
from mail_lint.secrets import Scrubber, is_secret_key, redact_url, shape


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("SMTP_PASSWORD", True),
        ("SMTP_USER_PWD", True),
        ("MAIL_PASSWORD", True),
        ("POSTMARK_TOKEN", True),
        ("SENDGRID_API_KEY", True),
        ("APP_SECRET", True),
        ("APP_KEY", True),
        ("SECRET_KEY_BASE", True),
        ("Email.email_password", True),
        ("smtp[0].password", True),
        ("SMTP_HOST", False),
        ("SMTP_SECURE", False),
        ("MAIL_FROM", False),
        ("SMTP_USERNAME", False),
        ("DISABLE_REGISTRATION", False),
    ],
)
def test_secret_keys(key: str, secret: bool) -> None:
    assert is_secret_key(key) is secret


def test_shape_shows_length_and_specials_but_not_the_value() -> None:
    assert shape("Tr0ub4dor&3$x") == "'Tr0u…' (13 chars; contains '$')"
    assert shape("short$") == "(6 chars; contains '$')"


def test_url_passwords_are_masked() -> None:
    assert redact_url("postgresql://docmost:S3cret@db:5432/docmost") == (
        "postgresql://docmost:****@db:5432/docmost"
    )
    assert redact_url("redis://redis:6379") == "redis://redis:6379"


def test_scrubber_removes_every_known_secret() -> None:
    scrub = Scrubber()
    scrub.add("Tr0ub4dor&3")
    scrub.add_url_passwords("postgresql://u:dbpass42@db/x")
    assert scrub("pw Tr0ub4dor&3 and dbpass42 here") == "pw **** and **** here"


def test_short_single_word_placeholders_are_not_masked_everywhere() -> None:
    scrub = Scrubber()
    scrub.add("password")  # listmonk's and many examples' placeholder
    scrub.add("hunter2hunter2")
    assert scrub("the password-reset mail; hunter2hunter2") == "the password-reset mail; ****"


def test_placeholder_passwords_inside_urls_are_not_masked_everywhere() -> None:
    scrub = Scrubber()
    scrub.add_url_passwords("postgresql://postgres:password@localhost:5432/docmost")
    scrub.add("postgresql://docmost:Zx81Spectrum@db:5432/docmost")
    assert scrub("password reset; Zx81Spectrum") == "password reset; ****"
