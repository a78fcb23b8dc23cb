"""The parts of the Compose JSON schema that decide what mail-lint reads, without jsonschema.

Docker Compose v2.40.3 validates the merged model after every file (compose-go v2.9.1
``loader/loader.go`` ``loadYamlFile`` calls ``schema.Validate``) against the schema compose-go
embeds (``schema/compose-spec.json``, draft-07). Importing a JSON-schema validator would cost
more start-up time than the whole lint, so the few checks that change which services exist and
what their environment is are written out here, with the key sets copied from that schema
(``tests/test_compose.py`` re-derives them from ``/work/shared/schemas/compose-spec.json``).

Messages are worded as compose-go's ``schema.validationError`` words them (``<path> must be a
mapping``, ``<path> additional properties 'k' not allowed``), without the ``validating <file>:``
prefix: the location names the file.
"""

from __future__ import annotations

import re

from mail_lint.errors import SourceError
from mail_lint.yamlsource import NULL, STR, YMap, YNode, YScalar, YSeq

#: ``properties`` of the schema's root object (``^x-`` keys are allowed besides).
TOP_LEVEL_KEYS = frozenset(
    {"configs", "include", "models", "name", "networks", "secrets", "services", "version",
     "volumes"}
)  # fmt: skip

#: ``definitions.service.properties`` (``^x-`` keys are allowed besides).
SERVICE_KEYS = frozenset(
    {
        "annotations", "attach", "blkio_config", "build", "cap_add", "cap_drop", "cgroup",
        "cgroup_parent", "command", "configs", "container_name", "cpu_count", "cpu_percent",
        "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "cpu_shares", "cpus",
        "cpuset", "credential_spec", "depends_on", "deploy", "develop", "device_cgroup_rules",
        "devices", "dns", "dns_opt", "dns_search", "domainname", "entrypoint", "env_file",
        "environment", "expose", "extends", "external_links", "extra_hosts", "gpus", "group_add",
        "healthcheck", "hostname", "image", "init", "ipc", "isolation", "label_file", "labels",
        "links", "logging", "mac_address", "mem_limit", "mem_reservation", "mem_swappiness",
        "memswap_limit", "models", "network_mode", "networks", "oom_kill_disable",
        "oom_score_adj", "pid", "pids_limit", "platform", "ports", "post_start", "pre_stop",
        "privileged", "profiles", "provider", "pull_policy", "pull_refresh_after", "read_only",
        "restart", "runtime", "scale", "secrets", "security_opt", "shm_size", "stdin_open",
        "stop_grace_period", "stop_signal", "storage_opt", "sysctls", "tmpfs", "tty", "ulimits",
        "use_api_socket", "user", "userns_mode", "uts", "volumes", "volumes_from", "working_dir",
    }
)  # fmt: skip

#: ``definitions.service.properties.extends`` (object form, no extensions).
EXTENDS_KEYS = frozenset({"service", "file"})
#: ``definitions.env_file`` (object form of a list item, no extensions).
ENV_FILE_KEYS = frozenset({"path", "format", "required"})
#: ``definitions.include`` (object form, no extensions).
INCLUDE_KEYS = frozenset({"path", "env_file", "project_directory"})
#: ``properties.services.patternProperties``.
SERVICE_NAME = re.compile(r"[a-zA-Z0-9._-]+")

#: Go's ``%T`` of what yaml.v3 decodes a scalar of each tag into.
GO_TYPES = {"!!int": "int", "!!float": "float64", "!!bool": "bool", NULL: "<nil>"}


def is_string(node: YNode | None) -> bool:
    """Whether yaml.v3 decodes ``node`` into a Go ``string`` (custom tags keep strings)."""
    if not isinstance(node, YScalar) or node.value is None:
        return False
    return node.tag == STR or not node.tag.startswith("!!")


def go_type(node: YNode) -> str:
    """``%T`` of the decoded node, as compose-go's mapstructure errors print it."""
    if isinstance(node, YMap):
        return "map[string]interface {}"
    if isinstance(node, YSeq):
        return "[]interface {}"
    if node.value is None:
        return "<nil>"
    return GO_TYPES.get(node.tag, "string")


def unknown_keys(node: YMap, allowed: frozenset[str], path: str, *, extensions: bool) -> None:
    """``additionalProperties: false``: every key not in ``allowed`` (nor ``x-*``) refused."""
    if allowed.issuperset(node.positions):  # every key's text is one of ``positions``
        return
    extra = [
        k for k in node.items if k[0].text not in allowed
        and not (extensions and k[0].text.startswith("x-"))
    ]  # fmt: skip
    if extra:
        names = ", ".join(f"'{k.text}'" for k, _ in extra)
        message = f"{path} additional properties {names} not allowed".lstrip()
        raise SourceError(message, extra[0][0].location)


def validate_model(model: YMap, checked: dict[int, YNode] | None = None) -> None:
    """The schema checks of one merged model (``schema.Validate`` after each file).

    ``checked`` (by ``id``) holds the service nodes that passed an earlier call: a later
    model that still holds the very same node (a service a later file does not touch) does
    not check it again, since :func:`validate_service` depends on the node alone (its name
    only words the message). The nodes are kept in it, so an ``id`` is never reused.
    """
    unknown_keys(model, TOP_LEVEL_KEYS, "", extensions=True)
    services = model.get("services")
    if services is None:
        return
    if not isinstance(services, YMap):
        raise SourceError("services must be a mapping", services.location)
    bad = [k for k, _ in services.items if not SERVICE_NAME.fullmatch(k.text)]
    if bad:
        names = ", ".join(f"'{k.text}'" for k in bad)
        raise SourceError(f"services additional properties {names} not allowed", bad[0].location)
    for key, service in services.items:
        if checked is None:
            validate_service(key.text, service)
        elif checked.get(id(service)) is not service:
            validate_service(key.text, service)
            checked[id(service)] = service


def validate_service(name: str, service: YNode) -> None:
    """One service: a mapping of known keys, with the types mail-lint relies on."""
    path = f"services.{name}"
    if not isinstance(service, YMap):
        raise SourceError(f"{path} must be a mapping", service.location)
    unknown_keys(service, SERVICE_KEYS, path, extensions=True)
    for key, value in service.items:
        check = _SERVICE_CHECKS.get(key.value)  # (a null key's text "" is not checked)
        if check is None:
            continue
        kinds, want = check
        ok = isinstance(value, kinds) and not (isinstance(value, YScalar) and not is_string(value))
        if not ok:
            raise SourceError(f"{path}.{key.text} must be a {want}", value.location)
    _check_items(service.get("profiles"), f"{path}.profiles", allow_map=False)
    _check_items(service.get("volumes"), f"{path}.volumes", allow_map=True)


#: The types mail-lint relies on for these service keys, and the word its message uses.
_SERVICE_CHECKS: dict[str | None, tuple[type | tuple[type, ...], str]] = {
    "environment": (YSeq, "mapping"),
    "env_file": (YSeq, "string"),
    "profiles": (YSeq, "array"),
    "volumes": (YSeq, "array"),
    "build": ((YMap, YScalar), "string"),
    "image": (YScalar, "string"),
}


def _check_items(node: YNode | None, path: str, *, allow_map: bool) -> None:
    if not isinstance(node, YSeq):
        return
    for i, item in enumerate(node.items):
        if is_string(item) or (allow_map and isinstance(item, YMap)):
            continue
        if allow_map:
            raise SourceError(f"{path}.{i} must be a string", item.location)
        # types/stringOrList decoding (mapstructure), reached before the schema's item check.
        raise SourceError(f"{path}.[{i}]: unexpected type {go_type(item)}", item.location)
