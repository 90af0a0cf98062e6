"""docker-compose.yml can't run here (no Docker engine): check it against the repository.

It parses; images are pinned; every service's command exists in the repo; every environment
variable it passes is read by our code or by the program that receives it; every long-running
service restarts and has a health check; ports, health checks, volumes and dependencies agree
with each other and with the nginx template. tests/production/test_serve.py runs the
services' commands for real, as plain processes.
"""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import yaml

from helpline import settings

ROOT = settings.ROOT
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict = COMPOSE["services"]
OUR_CODE = "\n".join(p.read_text() for d in ("helpline", "bot", "deploy")
                     for p in (ROOT / d).rglob("*.py"))
RASA_SOURCE = Path(importlib.util.find_spec("rasa").origin).parent
# Variables read by someone else's program: the image's own entrypoint or Rasa itself.
THIRD_PARTY_ENV = {
    "postgres": {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"},
}
RASA_ENV = {"TICKET_LOCK_LIFETIME"}


def _environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def _command(service: dict) -> list[str]:
    command = service.get("command")
    if command is None:  # the image's own CMD: our Dockerfile's
        dockerfile = (ROOT / service["build"]["dockerfile"]).read_text()
        command = yaml.safe_load(re.search(r"^CMD (.+)$", dockerfile, re.M).group(1))
    return command if isinstance(command, list) else command.split()


def _ours(service: dict) -> bool:
    return "build" in service


def test_compose_has_the_whole_topology() -> None:
    assert {"postgres", "redis", "rasa", "actions", "nginx", "webchat", "console"} <= set(
        SERVICES)
    assert SERVICES["rasa"]["deploy"]["replicas"] >= 2


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_images_are_pinned(name: str) -> None:
    service = SERVICES[name]
    image = service["image"]
    assert ":" in image and not image.endswith(":latest"), image
    assert re.search(r":\d+\.\d+(\.\d+)?", image), f"{image}: pin a version"
    if _ours(service):
        dockerfile = (ROOT / service["build"]["context"] / service["build"]["dockerfile"])
        base = re.search(r"^FROM (\S+)", dockerfile.read_text(), re.M).group(1)
        assert base == "rasa/rasa:3.6.21-full"


def test_dockerfile_copies_only_what_exists() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    for line in re.findall(r"^COPY (.+)$", dockerfile, re.M):
        sources = line.split()[:-1]
        for source in sources:
            if source != "models/helpline.tar.gz":  # built by make train, not committed
                assert (ROOT / source).exists(), source


@pytest.mark.parametrize("name", sorted(n for n in SERVICES if _ours(SERVICES[n])))
def test_our_commands_exist_in_the_repo(name: str) -> None:
    command = _command(SERVICES[name])
    if command[:2] == ["python", "-m"]:
        module = command[2]
        assert importlib.util.find_spec(module) is not None, module
        source = Path(importlib.util.find_spec(module).origin).read_text()
        for option in (a for a in command[3:] if a.startswith("--")):
            assert f'"{option}"' in source or f"'{option}'" in source or (
                module == "helpline.console" and option in (
                    ROOT / "helpline/console/__main__.py").read_text()), option
        if "--serve" in command:
            assert f'"{command[command.index("--serve") + 1]}"' in source
    else:
        assert command[0] == "helpline", command
        pytest.importorskip("helpline.migrations", reason="Alembic migrations not built")
        from helpline import cli
        assert any(m.endswith("cli_db") for m in cli.COMMAND_MODULES), (
            "add helpline.cli_db to helpline/cli.py COMMAND_MODULES")


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_environment_variable_is_read(name: str) -> None:
    service = SERVICES[name]
    for variable in _environment(service):
        if name == "nginx":
            template = (ROOT / "deploy/nginx/helpline.conf.template").read_text()
            assert "${" + variable + "}" in template, variable
        elif variable in THIRD_PARTY_ENV.get(name, set()):
            continue
        elif variable in RASA_ENV:
            assert any(variable in p.read_text() for p in RASA_SOURCE.rglob("lock_store.py"))
        else:
            assert f'"{variable}"' in OUR_CODE, f"{name}: nothing reads {variable}"


def test_nginx_template_variables_are_all_set() -> None:
    template = (ROOT / "deploy/nginx/helpline.conf.template").read_text()
    needed = set(re.findall(r"\$\{(HELPLINE_[A-Z_]+)\}", template))
    assert needed == set(_environment(SERVICES["nginx"]))


def _port_in(url: str) -> str:
    return re.search(r"://[^/:]+:(\d+)", url).group(1)


def test_ports_agree() -> None:
    nginx_env = _environment(SERVICES["nginx"])
    rasa_env = _environment(SERVICES["rasa"])
    rasa_port = rasa_env["HELPLINE_PORT"]
    assert SERVICES["rasa"]["expose"] == [rasa_port]
    assert nginx_env["HELPLINE_RASA_UPSTREAM"] == f"server rasa:{rasa_port} max_fails=0;"
    actions_port = _environment(SERVICES["actions"])["HELPLINE_PORT"]
    assert SERVICES["actions"]["expose"] == [actions_port]
    assert rasa_env["HELPLINE_ACTION_URL"] == f"http://actions:{actions_port}/webhook"
    published = [p.split(":")[-1] for p in SERVICES["nginx"]["ports"]]
    assert published == [nginx_env["HELPLINE_NGINX_PORT"]], "publish only the public port"
    assert SERVICES["nginx"]["expose"] == [nginx_env["HELPLINE_NGINX_API_PORT"]]
    webchat, console = _command(SERVICES["webchat"]), _command(SERVICES["console"])
    assert _port_in(webchat[webchat.index("--rasa-url") + 1]) == nginx_env["HELPLINE_NGINX_PORT"]
    assert _port_in(console[console.index("--rasa-url") + 1]) == nginx_env[
        "HELPLINE_NGINX_API_PORT"]
    for name in ("webchat", "console"):
        command = _command(SERVICES[name])
        port = command[command.index("--port") + 1]
        assert any(p.split(":")[-1] == port for p in SERVICES[name]["ports"]), name


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_long_running_services_restart_and_have_a_health_check(name: str) -> None:
    """Docker restarts a process that dies (helpline.run's supervision, in compose); only
    the one-shot migrations don't restart."""
    service = SERVICES[name]
    if name == "migrate":
        assert service["restart"] == "no"
        return
    assert service.get("restart") in {"always", "unless-stopped"}, name
    assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_health_checks_use_the_service_port(name: str) -> None:
    if SERVICES[name].get("restart") == "no":
        return  # a one-shot job (migrations)
    check = SERVICES[name].get("healthcheck")
    assert check, f"{name} has no health check"
    urls = [a for a in check["test"] if a.startswith("http")]
    for url in urls:
        port = _port_in(url)
        service = SERVICES[name]
        known = set(service.get("expose", [])) | {
            p.split(":")[-1] for p in service.get("ports", [])}
        assert port in known, (name, url)


def test_volumes_and_dependencies_are_consistent() -> None:
    declared = set(COMPOSE.get("volumes") or {})
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), (name, source)
            else:
                assert source in declared, (name, source)
        for dependency in service.get("depends_on", {}):
            assert dependency in SERVICES, (name, dependency)


def test_database_urls_point_at_the_postgres_service() -> None:
    postgres = _environment(SERVICES["postgres"])
    for service in SERVICES.values():
        for key, value in _environment(service).items():
            if key.endswith("_DB_URL"):
                assert value.startswith(
                    f"postgresql://{postgres['POSTGRES_USER']}:${{POSTGRES_PASSWORD"), key
                assert "@postgres:5432/" in value
        for key in ("HELPLINE_REDIS_URL",):
            if key in _environment(service):
                assert _environment(service)[key].startswith("redis://redis:6379/")
