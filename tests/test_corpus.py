"""Every official example file of the five apps: mail-lint recognises the app it belongs to
and lints it without an internal error. (The apps' rules, and their golden findings, arrive
with each app's plugin; the Compose model of these files is checked against real Docker
Compose in test_compose_oracle.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RunCli

# corpus file -> the instances mail-lint must find: (app, service, version)
COMPOSE = {
    "bookstack/bookstack-dev.docker-compose.yml": [("bookstack", "app", "latest")],
    "bookstack/linuxserver.docker-compose.yml": [("bookstack", "bookstack", "latest")],
    "bookstack/solidnerd.docker-compose.test.yml": [("bookstack", "bookstack", "latest")],
    "bookstack/solidnerd.docker-compose.yml": [("bookstack", "bookstack", "26.5.1")],
    "docmost/docmost-docs-installation.docker-compose.yml": [("docmost", "docmost", "latest")],
    "docmost/docmost.docker-compose.pre-2025-09.yml": [("docmost", "docmost", "latest")],
    "docmost/docmost.docker-compose.yml": [("docmost", "docmost", "latest")],
    "listmonk/listmonk-master-911e0b7.docker-compose.yml": [("listmonk", "app", "latest")],
    # The dev stack runs listmonk from source, outside Compose: only adminer, mailhog, db.
    "listmonk/listmonk-master-911e0b7.dev.docker-compose.yml": [],
    "listmonk/listmonk-v3.0.0.docker-compose.yml": [
        ("listmonk", "app", "latest"),
        ("listmonk", "demo-app", "latest"),
    ],
    "listmonk/listmonk-v4.0.0.docker-compose.yml": [("listmonk", "app", "latest")],
    "plausible/ce-285eb87-v2.1.3.compose.yml": [("plausible", "plausible", "2.1.3")],
    "plausible/ce-3f0adbb-v2.1.4.compose.yml": [("plausible", "plausible", "2.1.4")],
    "plausible/ce-7ba2a0e-v3.2.0.compose.yml": [("plausible", "plausible", "3.2.0")],
    "wgdashboard/compose.v4.2.5.yaml": [("wgdashboard", "wireguard-dashboard", "latest")],
    "wgdashboard/compose.yaml": [("wgdashboard", "wgdashboard", "latest")],
}
# Standalone settings files -> their app.
STANDALONE = {
    "bookstack/bookstack-docs-sendmail.env": "bookstack",
    "bookstack/bookstack-docs-smtp.env": "bookstack",
    "bookstack/bookstack-docs-verify-ssl.env": "bookstack",
    "bookstack/bookstack.env.example": "bookstack",
    "bookstack/bookstack.env.example.complete": "bookstack",
    "docmost/docmost-docs-postmark.env": "docmost",
    "docmost/docmost-docs-smtp.env": "docmost",
    "docmost/docmost.env.example": "docmost",
    "wgdashboard/wg-dashboard.ini.template": "wgdashboard",
    "listmonk/listmonk-master-911e0b7.config.toml.sample": "listmonk",
    "listmonk/listmonk-master-911e0b7.dev.config.toml": "listmonk",
    "listmonk/listmonk-v0.6.2-alpha.config.toml.sample": "listmonk",
    "listmonk/listmonk-v3.0.0.config.toml.sample": "listmonk",
}


def test_the_table_covers_the_whole_corpus(corpus: Path) -> None:
    files = {str(p.relative_to(corpus)) for p in corpus.glob("*/*") if p.name != "SOURCE.md"}
    # linuxserver's readme-vars.yml is README source data, and Plausible's plausible-conf.env
    # files are env_file targets, checked with their compose projects below.
    assert files - set(COMPOSE) - set(STANDALONE) == {
        "bookstack/linuxserver-readme-vars.yml",
        "plausible/ce-v2.0.0-branch.docker-compose.yml",
        "plausible/ce-v2.0.0-branch.plausible-conf.env",
        "plausible/ce-v2.1.0-branch.docker-compose.yml",
        "plausible/ce-v2.1.0-branch.plausible-conf.env",
    }


@pytest.mark.parametrize("name", sorted(COMPOSE))
def test_compose_file_is_recognised(corpus: Path, run_cli: RunCli, name: str) -> None:
    outcome = run_cli("inspect", "--format", "json", "-f", str(corpus / name), cwd=corpus)
    assert outcome.rc == 0, outcome.err
    found = [(i["app"], i["service"], i["version"]) for i in json.loads(outcome.out)["instances"]]
    assert found == COMPOSE[name]
    assert run_cli("-f", str(corpus / name), cwd=corpus).rc in (0, 1)


@pytest.mark.parametrize("version", ["v2.0.0", "v2.1.0"])
def test_old_plausible_compose_with_its_env_file(
    corpus: Path, run_cli: RunCli, tmp_path: Path, version: str
) -> None:
    # These compose files name their env file `plausible-conf.env`.
    (tmp_path / "docker-compose.yml").write_text(
        (corpus / f"plausible/ce-{version}-branch.docker-compose.yml").read_text()
    )
    (tmp_path / "plausible-conf.env").write_text(
        (corpus / f"plausible/ce-{version}-branch.plausible-conf.env").read_text()
    )
    outcome = run_cli("inspect", "--format", "json", ".", cwd=tmp_path)
    [inst] = json.loads(outcome.out)["instances"]
    assert (inst["app"], inst["service"]) == ("plausible", "plausible")
    assert inst["environment"]["BASE_URL"]["location"]["path"] == "plausible-conf.env"


def test_old_plausible_compose_without_its_env_file_is_refused_like_compose(
    corpus: Path, run_cli: RunCli
) -> None:
    name = "plausible/ce-v2.0.0-branch.docker-compose.yml"
    outcome = run_cli("--format", "json", "-f", str(corpus / name), cwd=corpus)
    [finding] = json.loads(outcome.out)["findings"]
    assert (finding["code"], finding["path"], finding["line"]) == ("ML001", name, 40)
    assert "plausible-conf.env" in finding["message"] and "not found" in finding["message"]


@pytest.mark.parametrize("name", sorted(STANDALONE))
def test_standalone_file_is_recognised(corpus: Path, run_cli: RunCli, name: str) -> None:
    outcome = run_cli("inspect", "--format", "json", str(corpus / name), cwd=corpus)
    assert outcome.rc == 0, outcome.err
    assert [i["app"] for i in json.loads(outcome.out)["instances"]] == [STANDALONE[name]]
    assert run_cli(str(corpus / name), cwd=corpus).rc in (0, 1)
