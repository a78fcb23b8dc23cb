"""BookStack's rules (prefix ``BKS``): what only BookStack, Laravel and its images do with the
mail settings.

Generic SMTP pitfalls (credentials over plaintext, provider usernames, placeholders in host
or password, a container-local SMTP host, Compose ``$`` damage, key typos) are core's rules,
which judge the :class:`~mail_lint.Transport` that :mod:`.transport` builds. The port/TLS
questions that depend on BookStack's own reading of ``MAIL_PORT`` and ``MAIL_ENCRYPTION``
are here.

Facts: ``shared/reference/apps-bookstack-docmost.md`` §1 and §4 (the ``BS-*`` candidates),
re-read in ``BookStackApp/BookStack`` @ ``6f1c54d0`` (v24.10), ``linuxserver/docker-bookstack``
and ``solidnerd/docker-bookstack``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from mail_lint import (
    AppInstance,
    Finding,
    Location,
    RuleContext,
    Setting,
    Severity,
    SourceKind,
    TlsMode,
    TransportKind,
    ip_address,
    is_secret_key,
    rule,
    shape,
)
from mail_lint.plugins.bookstack.transport import (
    NON_SENDING_DRIVERS,
    OTHER_IMPLICIT_TLS_PORTS,
    SOLIDNERD_ENV_ONLY_SINCE,
    SYMFONY_MAILER_SINCE,
    TLS_REQUIRED_SINCE,
    TLS_REQUIRED_VALUES,
    VALID_DRIVERS,
    VERIFY_SSL_SINCE,
    Image,
    Raw,
    Source,
    at_least,
    default_from,
    dotenv_ignored,
    driver,
    env_text,
    image_kind,
    interpret,
    is_forced_implicit_release,
    laravel_env,
    php_port,
    raw,
    readable_files,
    smtp_settings,
)

APP = "bookstack"
_SECRET_KEYS = ("APP_KEY", "MAIL_PASSWORD", "DB_PASSWORD", "DB_PASS")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1"})
_CATCHERS = ("mailhog", "mailpit", "mailcatcher", "maildev", "smtp4dev", "mailcrab")
_PLACEHOLDER_DOMAINS = frozenset(
    {
        "example.com",
        "example.org",
        "example.net",
        "bookstackapp.com",
        "yourdomain.tld",
        "yourdomain.com",
        "domain.tld",
        "provider.tld",
    }
)
#: Laravel's names that BookStack's ``mail.php`` never reads, and BookStack's own key.
_LARAVEL_NAMES: dict[str, str | None] = {
    "MAIL_MAILER": "MAIL_DRIVER",
    "MAIL_FROM_ADDRESS": "MAIL_FROM",
    "MAIL_LOCAL_DOMAIN": "MAIL_EHLO_DOMAIN",
    "MAIL_SCHEME": None,
    "MAIL_URL": None,
}
_WORKER_COMMANDS = ("queue:work", "queue:listen")
#: The keys that show someone configured mail (not only the image's defaults).
_MAIL_CONFIG_KEYS = ("MAIL_DRIVER", "MAIL_HOST", "MAIL_PORT", "MAIL_USERNAME", "MAIL_FROM")


# -- helpers ------------------------------------------------------------------------------


def _place(instance: AppInstance, found: Raw | Setting | None) -> str:
    """``docker-compose.yml:7`` for the line a person edits, or what supplies the value."""
    if isinstance(found, Raw):
        if found.source is Source.IMAGE:
            return "the .env.example the image copies to /config/www/.env"
        found = found.setting
    if found is None or found.blame is None:
        return "not set"
    location = found.blame
    base = instance.project.project_dir if instance.project else instance.path.parent
    relative = os.path.relpath(location.path, base)
    shown = location.path.name if relative.startswith("..") else relative
    return f"{shown}:{location.line}"


def _shown(key: str, text: str | None) -> str:
    """``KEY=value`` in a message, a secret by its shape only."""
    if is_secret_key(key, _SECRET_KEYS):
        return f"{key} {shape(text or '')}"
    return f"{key}={text or ''}"


def _whole_config(instance: AppInstance) -> bool:
    """Whether the instance shows BookStack's whole configuration (a compose service, or a
    ``.env`` that also sets the database): only then is a missing key missing."""
    return instance.service is not None or raw(instance, "DB_DATABASE").present


def _configured(instance: AppInstance) -> list[Raw]:
    """The mail keys the user wrote (environment or ``.env``), in key order."""
    return [
        found
        for key in _MAIL_CONFIG_KEYS
        if (found := raw(instance, key)).source in (Source.ENVIRONMENT, Source.DOTENV)
    ]


def _sends(instance: AppInstance) -> bool:
    """Whether BookStack hands mail to SMTP or sendmail."""
    return interpret(instance)[0].kind.value in (TransportKind.SMTP, TransportKind.SENDMAIL)


def _sends_smtp(instance: AppInstance) -> bool:
    return interpret(instance)[0].kind.value is TransportKind.SMTP


def _anchor(instance: AppInstance, *keys: str) -> Setting | None:
    """The first of ``keys`` the user wrote, to report a missing or image value at."""
    for key in keys:
        found = raw(instance, key)
        if found.setting is not None and found.setting.blame is not None:
            return found.setting
    return None


def _is_ip(host: str) -> bool:
    return ip_address(host.strip("[]")) is not None


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip().strip(">").lower()


def _command_text(node: object) -> str:
    """The text of a compose ``command``/``entrypoint`` (string or list form)."""
    from mail_lint.yamlsource import YScalar, YSeq

    if isinstance(node, YScalar):
        return node.value or ""
    if isinstance(node, YSeq):
        return " ".join(item.value or "" for item in node.items if isinstance(item, YScalar))
    return ""


def _worker_services(instance: AppInstance) -> list[str]:
    """Services of the project whose command runs ``artisan queue:work``."""
    if instance.project is None:
        return []
    found = []
    for name, service in instance.project.services.items():
        text = " ".join(_command_text(service.node.get(part)) for part in ("command", "entrypoint"))
        if "artisan" in text and any(word in text for word in _WORKER_COMMANDS):
            found.append(name)
    return found


def _queue(instance: AppInstance) -> tuple[Raw, str] | None:
    """``QUEUE_CONNECTION`` when it queues mail (not ``sync``, not empty)."""
    found = raw(instance, "QUEUE_CONNECTION")
    connection = env_text(instance, "QUEUE_CONNECTION", "sync")
    if connection in (None, "", "sync"):
        return None
    return found, connection


# -- queue ---------------------------------------------------------------------------------


@rule("BKS001", "queue-without-worker", severity=Severity.ERROR, app=APP)
def queue_without_worker(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `QUEUE_CONNECTION=database` (or `redis`) on a BookStack service when nothing in
    the Compose project runs `php artisan queue:work`: the solidnerd image (a single Apache
    process), another image, or a linuxserver image whose worker is not started.

    ## Why is this bad?
    Every BookStack mail notification is queued (`MailNotification implements ShouldQueue`):
    invitations, e-mail confirmations, password resets and watch notifications are written
    to the queue and only sent by a worker. Without one they wait forever. The "Send a
    Test Email" button bypasses the queue (`notifyNow`), so the test succeeds while no
    invitation ever arrives.

    ## Example
    ```yaml
    bookstack:
      image: solidnerd/bookstack:26.5.1
      environment:
        QUEUE_CONNECTION: database
    ```

    Use instead:
    ```yaml
    bookstack:
      image: solidnerd/bookstack:26.5.1
      environment:
        QUEUE_CONNECTION: database
    bookstack-queue:
      image: solidnerd/bookstack:26.5.1
      entrypoint: ["php", "artisan", "queue:work", "--sleep=3", "--tries=3"]
    ```

    ## References
    - BookStack `app/App/MailNotification.php` l.12, `app/Settings/MaintenanceController.php`
      l.71 (`notifyNow` for the test mail), `app/Config/queue.php` l.14
    - BookStackApp/BookStack#4915 (maintainer: "all the emails are getting queued up but
      you have no active process to watch/process the queue"), #5051
    - solidnerd/docker-bookstack `docker-entrypoint.sh` (`exec apache2-foreground`)
    - BookStack docs "Async Action Handling"
    """
    instance = ctx.instance
    queued = _queue(instance)
    if instance.service is None or queued is None or _worker_services(instance):
        return
    found, connection = queued
    kind = image_kind(instance)
    if kind is Image.LINUXSERVER:
        # Its worker starts when QUEUE_CONNECTION is in the environment; BKS002 otherwise.
        return
    if kind is Image.SOLIDNERD:
        why = "the solidnerd image runs only Apache, no queue worker"
    else:
        why = "no service of this project runs 'php artisan queue:work'"
    yield ctx.finding(
        f"QUEUE_CONNECTION={connection} queues every invitation, confirmation and"
        f" password-reset mail, but {why}: they are never sent (the 'Send a Test Email'"
        " button bypasses the queue, so the test still works)",
        at=found.setting,
        key="QUEUE_CONNECTION",
        fix="add a service running 'php artisan queue:work --sleep=3 --tries=3' with the same"
        " image and settings, or set QUEUE_CONNECTION=sync",
    )


@rule("BKS002", "queue-connection-only-in-dotenv", severity=Severity.ERROR, app=APP)
def queue_connection_only_in_dotenv(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a linuxserver BookStack whose `QUEUE_CONNECTION` is set only in its `.env`
    (`/config/www/.env`), not in the container environment.

    ## Why is this bad?
    The linuxserver image starts its queue worker (`svc-queue-worker`, `php artisan
    queue:work`) only when `QUEUE_CONNECTION` is non-empty in the *container environment*
    (`root/init-hook`). BookStack itself also reads the `.env`, so it queues every mail
    notification — and no worker ever sends them.

    ## Example
    ```dotenv
    # /config/www/.env
    QUEUE_CONNECTION=database
    ```

    Use instead:
    ```yaml
    environment:
      - QUEUE_CONNECTION=database
    ```

    ## References
    - linuxserver/docker-bookstack `root/init-hook` (`if [[ -n "${QUEUE_CONNECTION}" ]]`),
      `root/etc/s6-overlay/s6-rc.d/svc-queue-worker/run`
    - linuxserver/docker-bookstack README (`QUEUE_CONNECTION`: "Set to `database` to enable
      async actions like sending email")
    """
    instance = ctx.instance
    queued = _queue(instance)
    if queued is None or image_kind(instance) is not Image.LINUXSERVER:
        return
    found, connection = queued
    if found.source is not Source.DOTENV or _worker_services(instance):
        return
    yield ctx.finding(
        f"QUEUE_CONNECTION={connection} is set only in BookStack's .env: the linuxserver image"
        " starts its queue worker only when QUEUE_CONNECTION is in the container environment,"
        " so every queued invitation and password-reset mail stays unsent",
        at=found.setting,
        fix=f"set QUEUE_CONNECTION={connection} under the service's environment:",
    )


# -- keys and drivers ----------------------------------------------------------------------


@rule("BKS003", "laravel-mail-key-not-read", severity=Severity.WARNING, app=APP)
def laravel_mail_key_not_read(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports Laravel's standard mail keys that BookStack does not read: `MAIL_MAILER`,
    `MAIL_FROM_ADDRESS`, `MAIL_LOCAL_DOMAIN`, `MAIL_SCHEME`, `MAIL_URL`.

    ## Why is this bad?
    BookStack keeps its own names: `MAIL_DRIVER` (its `mail.php` says "From Laravel 7+ this
    is MAIL_MAILER in laravel. Kept as MAIL_DRIVER in BookStack") and `MAIL_FROM`. Guides
    for other Laravel apps use the Laravel names, which change nothing here: the mailer
    stays `smtp` and the sender stays `bookstack@example.com`.

    ## Example
    ```dotenv
    MAIL_MAILER=smtp
    MAIL_FROM_ADDRESS=wiki@acme.de
    ```

    Use instead:
    ```dotenv
    MAIL_DRIVER=smtp
    MAIL_FROM=wiki@acme.de
    ```

    ## References
    - BookStack `app/Config/mail.php` l.18-26
    - BookStackApp/BookStack `.env.example.complete` (the mail keys BookStack reads)
    """
    instance = ctx.instance
    settings = [*instance.environment.values()]
    if not dotenv_ignored(instance):
        settings += readable_files(instance)
    for setting in settings:
        if setting.key not in _LARAVEL_NAMES:
            continue
        meant = _LARAVEL_NAMES[setting.key]
        if meant is None:
            what = (
                "BookStack never reads it: port 465 alone selects implicit TLS"
                if setting.key == "MAIL_SCHEME"
                else "BookStack never reads it: set MAIL_HOST, MAIL_PORT, MAIL_USERNAME and"
                " MAIL_PASSWORD instead"
            )
            yield ctx.finding(
                f"{setting.key} is a Laravel key; {what}",
                at=setting.key_location or setting.location or setting,
                key=setting.key,
            )
            continue
        current = raw(instance, meant)
        if current.source in (Source.ENVIRONMENT, Source.DOTENV):
            shown = _shown(meant, current.text)
            state = f"{meant} is what counts ({shown}, {_place(instance, current)})"
        elif meant == "MAIL_FROM":
            state = f"{meant} is not set, so mail is sent from {default_from(instance.version)}"
        elif meant == "MAIL_DRIVER":
            state = f"{meant} is not set, so BookStack uses 'smtp'"
        else:
            state = f"{meant} is not set"
        yield ctx.finding(
            f"BookStack never reads {setting.key} (a Laravel name): it reads {meant}; {state}",
            at=setting.key_location or setting.location or setting,
            key=setting.key,
            fix=f"rename {setting.key} to {meant}",
        )


@rule("BKS004", "invalid-mail-driver", severity=Severity.ERROR, app=APP)
def invalid_mail_driver(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a `MAIL_DRIVER` that names no mailer BookStack defines: anything but `smtp`,
    `sendmail`, `log`, `array` and `failover`, including `SMTP` (the comparison is
    case-sensitive), `mailgun`, `ses` and an empty value.

    ## Why is this bad?
    Laravel's `MailManager::resolve()` throws `InvalidArgumentException: Mailer [X] is not
    defined.` for a name missing from `mail.php`, so every mail fails (the test mail shows
    the error; queued invitations fail in the worker). BookStack has no Mailgun/SES/Postmark
    API mailers: use their SMTP endpoints.

    ## Example
    ```dotenv
    MAIL_DRIVER=mailgun
    ```

    Use instead:
    ```dotenv
    MAIL_DRIVER=smtp
    MAIL_HOST=smtp.eu.mailgun.org
    ```

    ## References
    - BookStack `app/Config/mail.php` (`mailers`: smtp, sendmail, log, array, failover)
    - laravel/framework 10.x `src/Illuminate/Mail/MailManager.php` `resolve()` l.110-116
    """
    instance = ctx.instance
    if not at_least(instance.version, SYMFONY_MAILER_SINCE):
        return  # older releases defined other mailers; not verified
    chosen = driver(instance)
    if chosen.value in VALID_DRIVERS:
        return
    found = raw(instance, "MAIL_DRIVER")
    name = chosen.value or ""
    hint = (
        f" (mailer names are case-sensitive: '{name.lower()}')"
        if name.lower() in VALID_DRIVERS
        else ""
    )
    yield ctx.finding(
        f"MAIL_DRIVER={found.text} is not a BookStack mailer{hint}: every mail fails with"
        f" 'Mailer [{name}] is not defined.'",
        at=found.setting,
        fix="MAIL_DRIVER=smtp (or sendmail)",
    )


@rule("BKS005", "mail-driver-does-not-send", severity=Severity.WARNING, app=APP)
def mail_driver_does_not_send(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `MAIL_DRIVER=log` or `MAIL_DRIVER=array`.

    ## Why is this bad?
    The `log` mailer writes each mail to `storage/logs/laravel.log` and the `array` mailer
    keeps it in memory: nothing is delivered. Invitations and password resets are lost,
    and the "Send a Test Email" button reports success.

    ## Example
    ```dotenv
    MAIL_DRIVER=log
    ```

    Use instead:
    ```dotenv
    MAIL_DRIVER=smtp
    ```

    ## References
    - BookStack `app/Config/mail.php` (`log`, `array` mailers), `MAIL_LOG_CHANNEL`
    """
    instance = ctx.instance
    chosen = driver(instance)
    if chosen.value not in NON_SENDING_DRIVERS:
        return
    found = raw(instance, "MAIL_DRIVER")
    where = "written to the log" if chosen.value == "log" else "kept in memory"
    yield ctx.finding(
        f"MAIL_DRIVER={chosen.value}: BookStack delivers no mail, every mail is only {where}",
        at=found.setting,
        fix="MAIL_DRIVER=smtp with MAIL_HOST, MAIL_PORT, MAIL_USERNAME and MAIL_PASSWORD",
    )


@rule(
    "BKS006",
    "mail-from-placeholder",
    severity=Severity.WARNING,
    app=APP,
    supersedes=("SMTP015",),
)
def mail_from_placeholder(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a BookStack that sends mail with `MAIL_FROM` unset (so from
    `bookstack@example.com`, before v23.10 `mail@bookstackapp.com`) or left at an example
    address (`noreply@yourdomain.tld`, `…@example.com`).

    ## Why is this bad?
    Mail servers accept mail only from addresses the SMTP user owns: postfix answers `553
    5.7.1 Sender address rejected: not owned by user`, Office 365 `SendAsDeniedException`,
    others `550 Relaying denied`. Receivers drop mail from `example.com` (it has a null
    MX and no SPF for you).

    ## Example
    ```dotenv
    MAIL_FROM=noreply@yourdomain.tld
    ```

    Use instead:
    ```dotenv
    MAIL_FROM=wiki@acme.de
    ```

    ## References
    - BookStack `app/Config/mail.php` l.25 (`env('MAIL_FROM', 'bookstack@example.com')`),
      commit 3928cbac (#4518, the old default `mail@bookstackapp.com`)
    - solidnerd/docker-bookstack PR #82 (553 for the default sender), BookStack #2479,
      #2895 (Office 365), solidnerd/docker-bookstack#618
    """
    instance = ctx.instance
    if not _sends(instance):
        return
    found = raw(instance, "MAIL_FROM")
    user_wrote = found.source in (Source.ENVIRONMENT, Source.DOTENV)
    if not user_wrote:
        if not _whole_config(instance) or not _configured(instance):
            return  # BKS017 reports an unconfigured mailer
        address = default_from(instance.version)
        yield ctx.finding(
            f"MAIL_FROM is not set: BookStack sends every mail from {address}, which your"
            " mail server will refuse ('Sender address rejected') or receivers drop",
            at=_anchor(instance, "MAIL_DRIVER", "MAIL_HOST", "MAIL_USERNAME"),
            key="MAIL_FROM",
            fix="set MAIL_FROM to an address your SMTP user may send from",
        )
        return
    address = env_text(instance, "MAIL_FROM") or ""
    if _domain(address) not in _PLACEHOLDER_DOMAINS:
        return
    yield ctx.finding(
        f"MAIL_FROM={address.strip()} is an example address: mail servers refuse it ('Sender"
        " address rejected: not owned by user') or receivers drop it",
        at=found.setting,
        fix="set MAIL_FROM to an address your SMTP user may send from",
    )


@rule("BKS007", "mail-settings-only-in-project-dotenv", severity=Severity.ERROR, app=APP)
def mail_settings_only_in_project_dotenv(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `MAIL_*` (and `QUEUE_CONNECTION`) written in the Compose project's `.env`, next
    to `docker-compose.yml`, that never reach the BookStack container: no `env_file:`
    names the file and no `${…}` uses them.

    ## Why is this bad?
    Compose reads the project `.env` only to fill in `${…}` in the compose file; it does not
    pass its variables into containers. BookStack never sees them and uses its own `.env`
    (linuxserver: `/config/www/.env`, copied from `.env.example` with `MAIL_HOST=localhost`)
    or its code defaults: "Unable to connect to localhost:587".

    ## Example
    ```dotenv
    # .env next to docker-compose.yml
    MAIL_HOST=smtp.acme.de
    ```

    Use instead:
    ```yaml
    bookstack:
      env_file: .env
    ```

    ## References
    - BookStackApp/BookStack#4937, #4752; linuxserver/docker-bookstack#271 ("Only after
      adding `env_file: - .env`")
    - Docker docs "Set environment variables" (the project `.env` is for interpolation)
    """
    instance = ctx.instance
    project = instance.project
    if project is None:
        return
    used = _interpolated_locations(instance)
    stranded = [
        setting
        for key, setting in project.variables.items()
        if setting.kind is SourceKind.PROJECT_DOTENV
        and (key.startswith("MAIL_") or key == "QUEUE_CONNECTION")
        and raw(instance, key).source not in (Source.ENVIRONMENT, Source.DOTENV)
        and setting.location not in used
    ]
    if not stranded:
        return
    first = stranded[0]
    names = ", ".join(s.key for s in stranded)
    host = raw(instance, "MAIL_HOST")
    current = env_text(instance, "MAIL_HOST", "smtp.mailgun.org")
    yield ctx.finding(
        f"{names} {'is' if len(stranded) == 1 else 'are'} set only in the Compose project .env,"
        " which Compose uses for ${...} substitution and never passes into the container:"
        f" BookStack does not see {'it' if len(stranded) == 1 else 'them'}"
        + (f" and sends to {current}" if host.source is not Source.ENVIRONMENT else ""),
        at=first.key_location or first.location or first,
        key=first.key,
        fix=f"add 'env_file: {_place(instance, first).rsplit(':', 1)[0]}' to service"
        f" {instance.service_name}, or list the keys under environment:",
    )


def _interpolated_locations(instance: AppInstance) -> set[Location]:
    """Locations of project variables some service's environment interpolates."""
    found: set[Location] = set()
    if instance.project is None:
        return found
    for service in instance.project.services.values():
        for setting in service.environment.values():
            found.update(setting.origin)
    return found


# -- links in mails ------------------------------------------------------------------------


@rule("BKS008", "app-url-unusable", severity=Severity.WARNING, app=APP)
def app_url_unusable(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an `APP_URL` that is empty, unset, the old default `http://bookstack.dev`, or has
    no `http://`/`https://` scheme.

    ## Why is this bad?
    BookStack builds every link in its mails from `APP_URL` (`URL::forceRootUrl`):
    invitations (`/register/invite/<token>`), e-mail confirmations and password resets. A
    value without a scheme gives links like `wiki.acme.de/register/…` that mail clients do
    not make clickable; an empty value (and `http://bookstack.dev`, which BookStack maps to
    empty) makes queued mails link to `http://localhost`. Both images refuse to start
    without `APP_URL`.

    ## Example
    ```yaml
    - APP_URL=wiki.acme.de
    ```

    Use instead:
    ```yaml
    - APP_URL=https://wiki.acme.de
    ```

    ## References
    - BookStack `app/App/Providers/AppServiceProvider.php` l.59-64, `app/Config/app.php`
      l.57, `UserInviteNotification.php` l.25
    - BookStackApp/BookStack#914; linuxserver README ("APP_URL … will not work")
    """
    instance = ctx.instance
    found = raw(instance, "APP_URL")
    url = env_text(instance, "APP_URL", "")
    text = (url or "").strip()
    if found.source is Source.IMAGE:
        return  # BKS009 reports the example's https://example.com
    if not text or text.rstrip("/") == "http://bookstack.dev":
        if not found.present and not _whole_config(instance):
            return
        state = "is not set" if not found.present or found.setting is None else "is empty"
        if text:
            state = "is the old default http://bookstack.dev, which BookStack treats as empty"
        yield ctx.finding(
            f"APP_URL {state}: links in invitation and password-reset mails are built from the"
            " request, and from http://localhost in queued mails",
            at=found.setting,
            key="APP_URL",
            fix="APP_URL=https://<the address users open BookStack at>",
        )
        return
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme in ("http", "https"):
        return
    what = "has no http:// or https:// scheme" if not scheme else "is not an http(s) URL"
    yield ctx.finding(
        f"APP_URL={text} {what}: links in invitation and password-reset mails read"
        f" '{text.rstrip('/')}/register/…' and are not clickable",
        at=found.setting,
        fix=f"APP_URL=https://{text.split('://', 1)[-1]}",
    )


@rule("BKS009", "app-url-not-public", severity=Severity.WARNING, app=APP)
def app_url_not_public(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an `APP_URL` whose host is `localhost`, a loopback address, or an example
    domain (`example.com`), including the `.env.example` that the linuxserver image copies
    when no `APP_URL` is set.

    ## Why is this bad?
    Links in invitation, confirmation and password-reset mails point at the reader's own
    machine or at nobody's site: the invited user cannot register. Changing it later also
    needs `php artisan bookstack:update-url OLD NEW` for links already stored in pages.

    ## Example
    ```yaml
    - APP_URL=http://localhost:8080
    ```

    Use instead:
    ```yaml
    - APP_URL=https://wiki.acme.de
    ```

    ## References
    - BookStack `app/App/Providers/AppServiceProvider.php` l.59-64; `.env.example` ("All
      URLs in BookStack will be generated using this value")
    - BookStackApp/BookStack#914
    """
    instance = ctx.instance
    found = raw(instance, "APP_URL")
    text = (env_text(instance, "APP_URL", "") or "").strip()
    if "://" not in text:
        return
    try:
        host = (urlsplit(text).hostname or "").lower()
    except ValueError:
        return
    address = ip_address(host)
    if host in _LOCAL_HOSTS or (address is not None and address.is_loopback):
        what = f"points at {host}: links in mails open the reader's own machine"
    elif host in _PLACEHOLDER_DOMAINS or host.endswith(
        tuple(f".{d}" for d in _PLACEHOLDER_DOMAINS)
    ):
        what = f"is an example address: links in mails lead to {host}, not to this BookStack"
    else:
        return
    source = f" (from {_place(instance, found)})" if found.source is Source.IMAGE else ""
    yield ctx.finding(
        f"APP_URL={text}{source} {what}, so invitations and password resets cannot be used",
        at=found.setting,
        key="APP_URL",
        fix="APP_URL=https://<the address users open BookStack at>",
    )


# -- BookStack's own .env ------------------------------------------------------------------


@rule(
    "BKS010",
    "unquoted-hash-in-dotenv",
    severity=Severity.ERROR,
    app=APP,
    supersedes=("SMTP019",),
)
def unquoted_hash_in_dotenv(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a value in BookStack's `.env` that contains an unquoted `#`
    (`MAIL_PASSWORD=ab#cd`).

    ## Why is this bad?
    Laravel's dotenv reader starts a comment at an unquoted `#` *anywhere* in a value, so
    BookStack reads `ab` and login fails with a password nobody typed. (An unquoted space is
    worse: `MAIL_FROM_NAME=Acme Wiki` makes the whole file invalid and BookStack stops with
    "The environment file is invalid!" — reported as `ML001` at that line.)

    ## Example
    ```dotenv
    MAIL_PASSWORD=Xy7#Tq9!kWz3
    ```

    Use instead:
    ```dotenv
    MAIL_PASSWORD="Xy7#Tq9!kWz3"
    ```

    ## References
    - BookStack `.env.example` ("If any of your values contain a space or a hash you will
      need to wrap the entire value in quotes")
    - BookStackApp/BookStack#2910 (`#` in `MAIL_PASSWORD`), #1935 (space)
    - vlucas/phpdotenv v5 `src/Parser/EntryParser.php` (unquoted state: `#` → comment)
    """
    instance = ctx.instance
    lines: dict[Path, list[str] | None] = {}
    for setting in readable_files(instance):
        cut = _cut_at_hash(setting, lines)
        if cut is None:
            continue
        kept, written = cut
        if is_secret_key(setting.key, _SECRET_KEYS):
            change = f"BookStack reads {shape(kept)} instead of the {shape(written)} written"
        else:
            change = f"BookStack reads '{kept}' instead of '{written}'"
        yield ctx.finding(
            f"{setting.key}: the unquoted '#' starts a comment in Laravel's .env, so {change}",
            at=setting.key_location or setting,
            key=setting.key,
            fix=f'wrap the value in double quotes: {setting.key}="…"',
        )


def _cut_at_hash(setting: Setting, cache: dict[Path, list[str] | None]) -> tuple[str, str] | None:
    """(value read, text written) when an unquoted ``#`` cut the value short. ``cache``
    keeps each file's lines (``None``: unreadable) for the other settings of the file."""
    where = setting.key_location
    if where is None or setting.value is None or setting.from_origin:
        return None
    path = Path(where.path)
    if path not in cache:
        try:
            cache[path] = path.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError):
            cache[path] = None
    lines = cache[path]
    if lines is None or not 0 < where.line <= len(lines):
        return None
    line = lines[where.line - 1]
    equals = line.find("=", where.column - 1 + len(setting.key))
    if equals < 0:
        return None
    rest = line[equals + 1 :]
    value = rest.strip()
    if not value or value[0] in "'\"":
        return None
    hash_at = rest.find("#")
    if hash_at < 0:
        return None
    before = rest[:hash_at]
    if before.strip() and before[-1] in " \t":
        return None  # `value # comment`: a comment on purpose
    if not before.strip() and rest[:hash_at] != "":
        return None  # `KEY= # comment`
    return before.strip(), value.split(" #", 1)[0].split("\t#", 1)[0].strip()


# -- port and TLS, as BookStack reads them -------------------------------------------------


@rule(
    "BKS011",
    "implicit-tls-port-unsupported",
    severity=Severity.ERROR,
    app=APP,
    supersedes=("SMTP001",),
)
def implicit_tls_port_unsupported(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an implicit-TLS port other than 465 (2465, 8465) in `MAIL_PORT`.

    ## Why is this bad?
    BookStack cannot ask for implicit TLS: its `scheme` is hard-coded to `null`, and the
    mailer starts TLS at once only for port 465. On 2465 or 8465 it waits for a plaintext
    greeting the server never sends (the server waits for a TLS handshake), and every mail
    fails after PHP's socket timeout (60 s). `MAIL_ENCRYPTION=ssl` does not change that.

    ## Example
    ```dotenv
    MAIL_PORT=2465
    MAIL_ENCRYPTION=ssl
    ```

    Use instead:
    ```dotenv
    MAIL_PORT=465
    ```

    ## References
    - BookStack `app/Config/mail.php` (`'scheme' => null`); ssddanbrown/symfony-mailer
      `Transport/Smtp/EsmtpTransport.php` l.55-68 (`if (465 === $port) $tls = true`)
    - BookStack docs: "Using port 465 will force connections to be via TLS"
    """
    instance = ctx.instance
    if not _sends_smtp(instance):
        return
    smtp = smtp_settings(instance)
    port = smtp.port.value
    if port not in OTHER_IMPLICIT_TLS_PORTS or smtp.tls.value is TlsMode.IMPLICIT:
        return
    found = raw(instance, "MAIL_PORT")
    yield ctx.finding(
        f"MAIL_PORT={port} is an implicit-TLS port, but BookStack starts TLS at once only on"
        " port 465: it waits for a plaintext greeting and every mail times out",
        at=found.setting,
        fix="MAIL_PORT=465 (implicit TLS) or 587 (STARTTLS), whichever the provider offers",
    )


@rule("BKS012", "encryption-value-ignored", severity=Severity.WARNING, app=APP)
def encryption_value_ignored(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a `MAIL_ENCRYPTION` that is not exactly `tls`, `ssl` or `null`: `TLS`, `SSL`,
    `starttls`, `true`, `yes`.

    ## Why is this bad?
    BookStack compares the value strictly with `'tls'` and `'ssl'` (`tls_required`), so any
    other spelling means "TLS not required": the mail goes out in plaintext when the server
    does not offer STARTTLS, which the setting was meant to prevent. Up to v23.01
    (SwiftMailer) case did not matter, but any other word became an unknown socket
    transport (`starttls://host`) and every connection failed.

    ## Example
    ```dotenv
    MAIL_ENCRYPTION=TLS
    ```

    Use instead:
    ```dotenv
    MAIL_ENCRYPTION=tls
    ```

    ## References
    - BookStack `app/Config/mail.php` l.13, l.42 (`$mailEncryption === 'tls' || … 'ssl'`)
    - BookStack docs email-webhooks ("Valid values are: tls, null")
    - SwiftMailer `Swift_Transport_EsmtpTransport::setEncryption` (v23.01 and older)
    """
    instance = ctx.instance
    if not _sends_smtp(instance):
        return
    found = raw(instance, "MAIL_ENCRYPTION")
    if found.source not in (Source.ENVIRONMENT, Source.DOTENV):
        return
    value = laravel_env(found.text)
    if value is None or value == "" or value in TLS_REQUIRED_VALUES:
        return
    text = str(value).lower() if isinstance(value, bool) else value
    if not at_least(instance.version, SYMFONY_MAILER_SINCE):
        if isinstance(value, str) and value.lower() in TLS_REQUIRED_VALUES:
            return
        effect = (
            f"SwiftMailer connects to '{text}://{env_text(instance, 'MAIL_HOST', '')}', a socket"
            " transport PHP does not have, so every mail fails"
        )
    elif not at_least(instance.version, (23, 6)):
        return  # v23.02-v23.05 ignored MAIL_ENCRYPTION altogether
    else:
        effect = (
            "BookStack only recognises lower-case 'tls' or 'ssl', so TLS is not required and"
            " mail goes out in plaintext if the server offers no STARTTLS"
        )
    yield ctx.finding(
        f"MAIL_ENCRYPTION={found.text} has no effect: {effect}",
        at=found.setting,
        fix="MAIL_ENCRYPTION=tls (require STARTTLS) or null",
    )


@rule("BKS013", "ssl-is-not-implicit-tls", severity=Severity.INFO, app=APP)
def ssl_is_not_implicit_tls(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `MAIL_ENCRYPTION=ssl` with a port other than 465.

    ## Why is this bad?
    In most mail software `ssl` means implicit TLS. Since v23.06.1 BookStack treats `ssl`
    exactly like `tls`: it only *requires* STARTTLS on a plaintext connection. Implicit TLS
    comes from port 465 alone. This works on 587, but the setting does not do what it
    says, and copying it to a server that expects implicit TLS on another port fails.

    ## Example
    ```dotenv
    MAIL_PORT=587
    MAIL_ENCRYPTION=ssl
    ```

    Use instead:
    ```dotenv
    MAIL_PORT=587
    MAIL_ENCRYPTION=tls
    ```

    ## References
    - BookStack `app/Config/mail.php` l.42; release notes v23.06.1 ("will now simply ensure
      that TLS or STARTTLS are used, rather than forcing full TLS")
    """
    instance = ctx.instance
    if not _sends_smtp(instance) or not at_least(instance.version, TLS_REQUIRED_SINCE):
        return
    smtp = smtp_settings(instance)
    if smtp.encryption != "ssl" or smtp.port.value == 465:
        return
    if smtp.port.value in OTHER_IMPLICIT_TLS_PORTS:
        return  # BKS011
    found = raw(instance, "MAIL_ENCRYPTION")
    yield ctx.finding(
        f"MAIL_ENCRYPTION=ssl does not mean implicit TLS in BookStack: on port"
        f" {smtp.port.value} it only requires STARTTLS (port 465 alone gives implicit TLS)",
        at=found.setting,
        fix="MAIL_ENCRYPTION=tls, which means the same and says so",
    )


@rule(
    "BKS014",
    "encryption-conflicts-with-port",
    severity=Severity.ERROR,
    app=APP,
    supersedes=("SMTP001", "SMTP002"),
)
def encryption_conflicts_with_port(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a `MAIL_ENCRYPTION` and `MAIL_PORT` pair that the image's BookStack version
    connects with the wrong TLS mode: up to v23.01 (SwiftMailer) `tls` — also the default
    when `MAIL_ENCRYPTION` is absent — on port 465, or `ssl` on 25/587/2525; in v23.06
    `tls` or `ssl` on any port but 465.

    ## Why is this bad?
    Up to v23.01, `tls` meant STARTTLS and `ssl` implicit TLS: STARTTLS to port 465 fails
    with "Expected response code 220 but got an empty response", implicit TLS to 587 with a
    handshake error. v23.06 forced implicit TLS whenever `MAIL_ENCRYPTION` was `tls` or
    `ssl`, which broke port 587 (Gmail, Office 365); v23.06.1 fixed it.

    ## Example
    ```yaml
    image: lscr.io/linuxserver/bookstack:v23.06
    environment:
      - MAIL_PORT=587
      - MAIL_ENCRYPTION=tls
    ```

    Use instead:
    ```yaml
    image: lscr.io/linuxserver/bookstack:v23.06.1
    environment:
      - MAIL_PORT=587
      - MAIL_ENCRYPTION=tls
    ```

    ## References
    - BookStackApp/BookStack#3116 (465 + tls on SwiftMailer; maintainer: use 587), #4358,
      solidnerd/docker-bookstack#406 (v23.06 forcing TLS on 587); commits dbb6c875, 465989ef
    """
    instance = ctx.instance
    if not _sends_smtp(instance):
        return
    version = instance.version
    smtp = smtp_settings(instance)
    port = smtp.port.value
    mode = smtp.tls.value
    enc = raw(instance, "MAIL_ENCRYPTION")
    if not at_least(version, SYMFONY_MAILER_SINCE):
        if port == 465 and mode is TlsMode.STARTTLS_REQUIRED:
            given = (
                f"MAIL_ENCRYPTION={enc.text}" if enc.present else "MAIL_ENCRYPTION (not set: 'tls')"
            )
            message = (
                f"{given} on port 465: BookStack {_version(version)} (SwiftMailer) uses"
                " STARTTLS for 'tls', but port 465 expects TLS at once; every mail fails with"
                " 'Expected response code 220 but got an empty response'"
            )
            fix = "MAIL_ENCRYPTION=ssl for port 465, or MAIL_PORT=587 with tls"
        elif port in (25, 587, 2525) and mode is TlsMode.IMPLICIT:
            message = (
                f"MAIL_ENCRYPTION={enc.text} on port {port}: BookStack {_version(version)}"
                " (SwiftMailer) starts TLS at once for 'ssl', but this port expects STARTTLS;"
                " every mail fails in the TLS handshake"
            )
            fix = "MAIL_ENCRYPTION=tls for this port"
        else:
            return
    elif is_forced_implicit_release(version):
        if mode is not TlsMode.IMPLICIT or port == 465 or port in OTHER_IMPLICIT_TLS_PORTS:
            return
        message = (
            f"MAIL_ENCRYPTION={enc.text} on port {port}: BookStack v23.06 forces implicit TLS"
            " for 'tls' and 'ssl' on every port (#4358), but this port expects STARTTLS;"
            " every mail fails"
        )
        fix = "update to v23.06.1 or later, or set MAIL_ENCRYPTION=null"
    else:
        return
    yield ctx.finding(
        message,
        at=enc.setting if enc.setting is not None else raw(instance, "MAIL_PORT").setting,
        key="MAIL_ENCRYPTION",
        fix=fix,
    )


def _version(version: tuple[int, ...] | None) -> str:
    if version is None:
        return "latest"
    return "v" + ".".join(f"{part:02d}" if i == 1 else str(part) for i, part in enumerate(version))


@rule(
    "BKS015",
    "starttls-certificate-mismatch",
    severity=Severity.WARNING,
    app=APP,
    supersedes=("SMTP006",),
)
def starttls_certificate_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports STARTTLS with certificate verification to a `MAIL_HOST` that is `localhost`, an
    IP address, `host.docker.internal` or a bare container name.

    ## Why is this bad?
    BookStack always tries STARTTLS when the server offers it, even with
    `MAIL_ENCRYPTION=null`, and there is no way to turn that off. Such a relay's
    certificate names its public host name (or is self-signed), so every mail fails with
    `Unable to connect with STARTTLS: … Peer certificate CN=… did not match expected
    CN=localhost`. `MAIL_VERIFY_SSL=false` (v23.05+) accepts it; the better fix is the
    host name on the certificate.

    ## Example
    ```dotenv
    MAIL_HOST=localhost
    MAIL_PORT=25
    ```

    Use instead:
    ```dotenv
    MAIL_HOST=mail.acme.de
    MAIL_PORT=25
    ```

    ## References
    - BookStackApp/BookStack#4234 ("TLS certification still occurs even when
      MAIL_ENCRYPTION=null"; fixed by `MAIL_VERIFY_SSL=false`), #4897;
      YunoHost-Apps/bookstack_ynh#138
    - ssddanbrown/symfony-mailer `EsmtpTransport.php` `doEhloCommand()` l.166-182
    """
    instance = ctx.instance
    if not _sends_smtp(instance):
        return
    found = raw(instance, "MAIL_HOST")
    if found.source not in (Source.ENVIRONMENT, Source.DOTENV):
        return
    smtp = smtp_settings(instance)
    if smtp.tls.value not in (TlsMode.STARTTLS_OPPORTUNISTIC, TlsMode.STARTTLS_REQUIRED):
        return
    if smtp.verify.value is not True:
        return
    host = (smtp.host.value or "").strip().lower()
    if not host or any(c in host for c in _CATCHERS):
        return
    if not (
        _is_ip(host) or host in _LOCAL_HOSTS or host == "host.docker.internal" or "." not in host
    ):
        return
    escape = (
        "or set MAIL_VERIFY_SSL=false for a relay you trust"
        if at_least(instance.version, VERIFY_SSL_SINCE)
        else "this BookStack version has no MAIL_VERIFY_SSL (v23.05 added it)"
    )
    yield ctx.finding(
        f"MAIL_HOST={smtp.host.value}: BookStack upgrades to STARTTLS whenever the server offers"
        " it and checks that the certificate names this host, which a local relay's"
        f" certificate rarely does; mail then fails with 'Peer certificate CN=… did not"
        f" match' (use the host name on the certificate, {escape})",
        at=found.setting,
        fix="MAIL_HOST=<the name on the server's certificate>",
    )


@rule("BKS016", "verify-ssl-not-supported", severity=Severity.WARNING, app=APP)
def verify_ssl_not_supported(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `MAIL_VERIFY_SSL` with a BookStack older than v23.05.

    ## Why is this bad?
    The option was added in v23.05. Older releases ignore it, so the certificate is still
    verified and the STARTTLS failure it was meant to fix remains.

    ## Example
    ```yaml
    image: lscr.io/linuxserver/bookstack:v23.01.1
    environment:
      - MAIL_VERIFY_SSL=false
    ```

    Use instead:
    ```yaml
    image: lscr.io/linuxserver/bookstack:v23.05
    environment:
      - MAIL_VERIFY_SSL=false
    ```

    ## References
    - BookStack `app/Config/mail.php` (`'verify_peer' => env('MAIL_VERIFY_SSL', true)`,
      v23.05); BookStackApp/BookStack#4234
    """
    instance = ctx.instance
    if at_least(instance.version, VERIFY_SSL_SINCE):
        return
    found = raw(instance, "MAIL_VERIFY_SSL")
    if found.source not in (Source.ENVIRONMENT, Source.DOTENV):
        return
    yield ctx.finding(
        f"BookStack {_version(instance.version)} does not read MAIL_VERIFY_SSL (added in"
        " v23.05): certificates are still verified",
        at=found.setting,
        fix="update BookStack to v23.05 or later",
    )


# -- configuration as a whole --------------------------------------------------------------


@rule("BKS017", "mail-not-configured", severity=Severity.WARNING, app=APP)
def mail_not_configured(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a BookStack service with no `MAIL_HOST` in its environment or its `.env`, as
    in the linuxserver and solidnerd example compose files.

    ## Why is this bad?
    BookStack then sends to `localhost:587` (linuxserver: the `.env.example` it copies to
    `/config/www/.env`), `localhost:1025` (solidnerd before 23.8.1) or the code default
    `smtp.mailgun.org:587` (solidnerd): invitations and password resets fail with "Unable to
    connect to localhost:587" or "503 RCPT command expected".

    ## Example
    ```yaml
    environment:
      - APP_URL=https://wiki.acme.de
    ```

    Use instead:
    ```yaml
    environment:
      - APP_URL=https://wiki.acme.de
      - MAIL_HOST=smtp.acme.de
      - MAIL_PORT=587
      - MAIL_USERNAME=wiki@acme.de
      - MAIL_PASSWORD=${MAIL_PASSWORD}
      - MAIL_FROM=wiki@acme.de
    ```

    ## References
    - BookStack `app/Config/mail.php` (`MAIL_HOST` default `smtp.mailgun.org`);
      BookStackApp/BookStack#3877, #4937, #4752
    - linuxserver/docker-bookstack `init-bookstack-config/run` (copies `.env.example`)
    """
    instance = ctx.instance
    if instance.service is None or not _sends_smtp(instance):
        return
    found = raw(instance, "MAIL_HOST")
    if found.source in (Source.ENVIRONMENT, Source.DOTENV):
        return
    smtp = smtp_settings(instance)
    where = (
        f" (from {_place(instance, found)})"
        if found.source is Source.IMAGE
        else " (BookStack's default)"
    )
    yield ctx.finding(
        f"BookStack has no MAIL_HOST: it sends to {smtp.host.value}:{smtp.port.value}{where},"
        " so invitation and password-reset mails fail",
        key="MAIL_HOST",
        fix="set MAIL_HOST, MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD and MAIL_FROM under"
        " environment:",
    )


@rule("BKS018", "dotenv-moved-aside", severity=Severity.ERROR, app=APP)
def dotenv_moved_aside(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a `.env` mounted into a solidnerd BookStack container (23.8.1 or later).

    ## Why is this bad?
    The solidnerd entrypoint renames any `.env` to `.env.bak` before BookStack starts
    (".env file detected - moved to .env.bak … Please update your configuration to use
    environment variables in the container!"). None of its settings, mail included, take
    effect.

    ## Example
    ```yaml
    image: solidnerd/bookstack:26.5.1
    volumes:
      - ./bookstack.env:/var/www/bookstack/.env
    ```

    Use instead:
    ```yaml
    image: solidnerd/bookstack:26.5.1
    env_file: bookstack.env
    ```

    ## References
    - solidnerd/docker-bookstack `docker-entrypoint.sh` ("Ensure there is no local .env
      file"), commit f533881 (since 23.8.1)
    """
    instance = ctx.instance
    if not dotenv_ignored(instance) or not instance.files:
        return
    for loaded in instance.files:
        first = next(iter(loaded.settings.values()), None)
        at = (
            first.key_location or first.location
            if first is not None
            else Location(loaded.path, 1, 1)
        )
        yield ctx.finding(
            f"the solidnerd image (since {'.'.join(map(str, SOLIDNERD_ENV_ONLY_SINCE))}) moves"
            f" this .env to .env.bak before BookStack starts: none of its"
            f" {len(loaded.settings)} settings take effect",
            at=at,
            key=first.key if first is not None else None,
            fix="pass the settings with env_file: or environment: instead of mounting a .env",
        )


@rule("BKS019", "mail-port-not-a-number", severity=Severity.ERROR, app=APP)
def mail_port_not_a_number(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a `MAIL_PORT` that is not a whole number (empty, `submission`, `587/tcp`).

    ## Why is this bad?
    An empty or absent-looking value is not replaced by the default: Laravel's `env()`
    returns the empty text, and BookStack passes the value to the mailer's `Dsn` as an
    integer, which PHP 8 refuses (`TypeError`): no mail can be sent.

    ## Example
    ```yaml
    - MAIL_PORT=
    ```

    Use instead:
    ```yaml
    - MAIL_PORT=587
    ```

    ## References
    - BookStack `app/Config/mail.php` (`'port' => env('MAIL_PORT', 587)`);
      laravel/framework 10.x `MailManager::createSmtpTransport` (`new Dsn(…, $config['port'])`)
    """
    instance = ctx.instance
    if not _sends_smtp(instance):
        return
    found = raw(instance, "MAIL_PORT")
    if found.source not in (Source.ENVIRONMENT, Source.DOTENV):
        return
    text = env_text(instance, "MAIL_PORT")
    if php_port(text) != -1:
        return
    yield ctx.finding(
        f"MAIL_PORT={found.text} is not a port number: BookStack hands it to the mailer as an"
        " integer, PHP refuses it (TypeError) and no mail is sent",
        at=found.setting,
        fix="MAIL_PORT=587 (or 465 for implicit TLS)",
    )


RULES = (
    queue_without_worker,
    queue_connection_only_in_dotenv,
    laravel_mail_key_not_read,
    invalid_mail_driver,
    mail_driver_does_not_send,
    mail_from_placeholder,
    mail_settings_only_in_project_dotenv,
    app_url_unusable,
    app_url_not_public,
    unquoted_hash_in_dotenv,
    implicit_tls_port_unsupported,
    encryption_value_ignored,
    ssl_is_not_implicit_tls,
    encryption_conflicts_with_port,
    starttls_certificate_mismatch,
    verify_ssl_not_supported,
    mail_not_configured,
    dotenv_moved_aside,
    mail_port_not_a_number,
)
