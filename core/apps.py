"""Declarative app descriptions (what a plugin says about its app) and image references.

Core does the matching; a plugin never touches the file system. An :class:`AppSpec` is data:
image patterns, the keys that identify the app, the settings files it reads and the keys it
reads at all.
"""

import enum
import functools
import re
from fnmatch import fnmatchcase
from typing import NamedTuple

Version = tuple[int, ...]


class FileFormat(enum.StrEnum):
    """How an app settings file is written."""

    DOTENV = "dotenv"
    INI = "ini"
    TOML = "toml"
    JSON = "json"


class DotenvDialect(enum.StrEnum):
    """Which program reads a dotenv file; the same text means different things to each."""

    #: Docker Compose v2 (project ``.env`` and ``env_file:``).
    COMPOSE = "compose"
    #: Laravel's vlucas/phpdotenv (BookStack's own ``.env``).
    LARAVEL = "laravel"
    #: Node ``dotenv`` + ``dotenv-expand`` (Docmost's ``/app/.env``).
    NODE = "node"


class SettingsFile(NamedTuple):
    """A settings file an app reads besides its environment."""

    #: File-name globs (``wg-dashboard.ini``, ``config.toml``, ``*.json``).
    patterns: tuple[str, ...]
    format: FileFormat
    #: For ``FileFormat.DOTENV``: the reader's dialect.
    dialect: DotenvDialect | None = None
    #: Where the app reads the file inside its container (``/data/wg-dashboard.ini``); a bind
    #: mount of the file or of a parent folder links a host file to the service.
    container_paths: tuple[str, ...] = ()
    #: Keys that identify a file of a generic name (``.env``, ``*.json``) as this app's; a
    #: file matches when it holds at least ``min_keys`` of them.
    detect_keys: tuple[str, ...] = ()
    min_keys: int = 2

    def matches_name(self, name: str) -> bool:
        """Whether a file name matches one of the patterns."""
        return any(_glob_match(name, pattern) for pattern in self.patterns)


class AppSpec(NamedTuple):
    """What a plugin says about its app."""

    #: Slug used by ``--app`` and in output (``bookstack``).
    name: str
    #: Human name (``BookStack``).
    title: str
    #: Rule-code prefix the plugin owns (``BKS``).
    code_prefix: str
    #: Image repository globs, without tag (``lscr.io/linuxserver/bookstack``); a Docker Hub
    #: image matches with or without ``docker.io/`` and ``library/``.
    images: tuple[str, ...] = ()
    #: Environment keys that identify the app in a service whose image is unknown (a local
    #: build, a mirror); a service matches when it sets at least ``min_distinctive`` of them.
    distinctive_keys: tuple[str, ...] = ()
    min_distinctive: int = 3
    settings_files: tuple[SettingsFile, ...] = ()
    #: Every configuration key the app reads (environment and settings files), for rules
    #: about keys the app never reads and typos.
    keys: tuple[str, ...] = ()
    #: Keys whose values are secrets (never printed).
    secret_keys: tuple[str, ...] = ()
    #: The app itself removes one pair of matching outer quotes from environment values
    #: (Laravel's ``Env``), so Compose's list form ``- KEY="v"`` does it no harm.
    unquotes_environment: bool = False

    def matches_image(self, image: "ImageRef") -> bool:
        """Whether an image reference is one of this app's images."""
        return any(_glob_match(name, pat) for name in image.names for pat in self.images)


def _glob_match(name: str, pattern: str) -> bool:
    """``fnmatchcase``, with a literal pattern compared directly: most patterns are plain
    names, and fnmatch compiles a regex for each new pattern."""
    if "*" in pattern or "?" in pattern or "[" in pattern:
        return fnmatchcase(name, pattern)
    return name == pattern


_DIGEST = re.compile(r"@[A-Za-z0-9_+.-]+:[0-9a-fA-F]+$")
_VERSION = re.compile(r"(?:^|[-_])v?(\d+(?:\.\d+)*)(?=$|[-_+.])")


class ImageRef(NamedTuple):
    """A parsed image reference: ``registry/repo/name:tag@digest``."""

    repository: str
    tag: str | None
    digest: str | None

    @classmethod
    def parse(cls, reference: str) -> "ImageRef":
        """Split an image reference into repository, tag and digest."""
        return _parse_image(cls, reference)

    @property
    def names(self) -> tuple[str, ...]:
        """The repository and its Docker Hub spellings (``docker.io/``, ``library/``)."""
        return _image_names(self.repository)

    @property
    def version(self) -> Version | None:
        """The version a tag names (``v2.1.3``, ``26.5.1``, ``amd64-v24.10``), ``None`` for
        ``latest``, a moving tag, or no tag."""
        if self.tag is None:
            return None
        match = _VERSION.search(self.tag)
        if match is None:
            return None
        return tuple(int(part) for part in match.group(1).split("."))


# Rules and detection parse a service's image again and again (BookStack's plugin does for
# every setting it reads): the few distinct references of a run are parsed once each.
@functools.lru_cache(maxsize=1024)
def _parse_image(cls: type[ImageRef], reference: str) -> ImageRef:
    ref = reference.strip()
    digest = None
    match = _DIGEST.search(ref)
    if match:
        digest, ref = match.group(0)[1:], ref[: match.start()]
    tag = None
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        ref, tag = ref.rsplit(":", 1)
    return cls(ref.lower(), tag or None, digest)


@functools.lru_cache(maxsize=1024)
def _image_names(repository: str) -> tuple[str, ...]:
    repo = repository
    for prefix in ("docker.io/", "index.docker.io/", "registry-1.docker.io/"):
        if repo.startswith(prefix):
            repo = repo[len(prefix) :]
            break
    if repo.startswith("library/"):
        repo = repo[len("library/") :]
    names = [repo]
    if "." not in repo.split("/", 1)[0] or "/" not in repo:
        names += [f"docker.io/{repo}"]
    return tuple(dict.fromkeys([repository, *names]))


def format_version(version: Version | None) -> str:
    """``(2, 1, 3)`` → ``2.1.3``; ``None`` → ``latest``."""
    return "latest" if version is None else ".".join(str(part) for part in version)
