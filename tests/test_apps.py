"""Image references, versions from tags, and app matching."""

from __future__ import annotations

import pytest
from mail_lint.apps import ImageRef, format_version
from mail_lint.pluginhost import PluginHost


@pytest.mark.parametrize(
    ("reference", "repository", "tag", "version"),
    [
        ("lscr.io/linuxserver/bookstack:latest", "lscr.io/linuxserver/bookstack", "latest", None),
        (
            "lscr.io/linuxserver/bookstack:amd64-v24.10.2-ls180",
            "lscr.io/linuxserver/bookstack",
            "amd64-v24.10.2-ls180",
            (24, 10, 2),
        ),
        ("solidnerd/bookstack:26.5.1", "solidnerd/bookstack", "26.5.1", (26, 5, 1)),
        (
            "ghcr.io/plausible/community-edition:v2.1.4",
            "ghcr.io/plausible/community-edition",
            "v2.1.4",
            (2, 1, 4),
        ),
        ("plausible/analytics:v2.1.0-rc.0", "plausible/analytics", "v2.1.0-rc.0", (2, 1, 0)),
        ("docmost/docmost", "docmost/docmost", None, None),
        (
            "localhost:5000/docmost/docmost:0.95.0",
            "localhost:5000/docmost/docmost",
            "0.95.0",
            (0, 95, 0),
        ),
        ("listmonk/listmonk:v5.1.0@sha256:abcdef0123", "listmonk/listmonk", "v5.1.0", (5, 1, 0)),
        (
            "ghcr.io/wgdashboard/wgdashboard:v4.3.3",
            "ghcr.io/wgdashboard/wgdashboard",
            "v4.3.3",
            (4, 3, 3),
        ),
    ],
)
def test_image_reference_and_version(
    reference: str, repository: str, tag: str | None, version: tuple[int, ...] | None
) -> None:
    image = ImageRef.parse(reference)
    assert (image.repository, image.tag, image.version) == (repository, tag, version)


def test_format_version() -> None:
    assert format_version((2, 1, 3)) == "2.1.3"
    assert format_version(None) == "latest"


@pytest.mark.parametrize(
    ("reference", "app"),
    [
        ("lscr.io/linuxserver/bookstack:latest", "bookstack"),
        ("docker.io/linuxserver/bookstack:24.10.2", "bookstack"),
        ("linuxserver/bookstack", "bookstack"),
        ("solidnerd/bookstack:26.5.1", "bookstack"),
        ("docker.io/docmost/docmost:latest", "docmost"),
        ("ghcr.io/plausible/community-edition:v3.2.0", "plausible"),
        ("plausible/analytics:v2.0", "plausible"),
        ("donaldzou/wgdashboard:latest", "wgdashboard"),
        ("listmonk/listmonk:v4.0.0", "listmonk"),
        ("postgres:18", None),
        ("redis:8", None),
        ("bytemark/smtp", None),
    ],
)
def test_builtin_apps_match_their_images(reference: str, app: str | None) -> None:
    host = PluginHost.create()
    image = ImageRef.parse(reference)
    matched = [spec.name for spec in host.apps() if spec.matches_image(image)]
    assert matched == ([app] if app else [])
