"""Tests for the container profile in docker/ that need no engine: compose files, the nginx
balancer, the Dockerfiles (test_compose.py and test_swarm.py run them on a real engine).

- every compose combination is validated by a real Compose implementation (Debian's
  docker-compose 1.29, ``config -q``, which checks the Compose Specification schema and the
  merge of override files), and a malformed file is shown to fail the same check;
- the files' structure is checked for what the fleet relies on (no host ports on workers,
  replicas, healthchecks without curl, GPU reservations as Compose and as Swarm want them);
- ``docker/nginx.conf`` is rendered for loopback (tests/server/nginx_loopback.py), checked
  with ``nginx -t``, and run for real in front of stub workers to show the balancing,
  failover, request-id, body-limit and logging rules at work;
- the Dockerfiles are read instruction by instruction.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]  # no stubs installed

from tests.server.nginx_loopback import (
    ACCESS_LOG,
    find_nginx,
    render_loopback,
    start_nginx,
    stop_nginx,
)

REPO = Path(__file__).resolve().parents[2]
DOCKER = REPO / "docker"
NGINX_CONF = DOCKER / "nginx.conf"
DOCKER_COMPOSE = shutil.which("docker-compose")
NGINX = find_nginx()


COMPOSE_COMBINATIONS = {
    "compose": ["docker/compose.yaml"],
    "compose+gpu": ["docker/compose.yaml", "docker/compose.gpu.yaml"],
    "stack": ["docker/stack.yaml"],
}


def compose(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """Run ``docker-compose ARGS`` with a fixed project name and a clean variable set."""
    assert DOCKER_COMPOSE is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "DOCKER_", "PHI_LAB_"))}
    env["COMPOSE_PROJECT_NAME"] = "phi-test"
    return subprocess.run(
        [DOCKER_COMPOSE, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((DOCKER / name).read_text())
    assert isinstance(data, dict)
    return data


def walk_keys(node: Any) -> Iterator[str]:
    """Every mapping key anywhere in a loaded YAML document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from walk_keys(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk_keys(item)


def upstream_server() -> tuple[str, int]:
    """The (service, port) of nginx.conf's ``# replicas: NAME:PORT PARAMETERS`` line."""
    match = re.search(r"^\s*# replicas:\s*([\w.-]+):(\d+)", NGINX_CONF.read_text(), re.MULTILINE)
    assert match, "nginx.conf has no `# replicas: NAME:PORT` line"
    return match.group(1), int(match.group(2))


# --- compose files, validated by Compose itself ------------------------------------------------


@pytest.mark.requires_compose
@pytest.mark.parametrize("files", COMPOSE_COMBINATIONS.values(), ids=COMPOSE_COMBINATIONS.keys())
def test_compose_accepts_each_combination(files: list[str]) -> None:
    args = [arg for f in files for arg in ("-f", f)]
    result = compose(*args, "config", "-q")
    assert result.returncode == 0, result.stderr


@pytest.mark.requires_compose
@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("services:\n  worker:\n    image: x\n    deploy:\n      replicas: three\n", "replicas"),
        ("services:\n  worker:\n    image: x\n    healthcheck:\n      tset: [CMD, true]\n", "tset"),
        ("services:\n  lb:\n    image: x\n    depends_on: [wroker]\n", "wroker"),
        ("services:\n  worker:\n    image: x\n    environment: [PORT: 8000\n", "expected ',' or ']'"),
    ],
    ids=["wrong-type", "unknown-key", "undefined-dependency", "not-yaml"],
)
def test_compose_rejects_a_malformed_file(tmp_path: Path, text: str, complaint: str) -> None:
    (tmp_path / "compose.yaml").write_text(text)
    result = compose("-f", "compose.yaml", "config", "-q", cwd=tmp_path)
    assert result.returncode != 0
    assert complaint in result.stderr


@pytest.mark.requires_compose
def test_gpu_override_merges_onto_the_worker() -> None:
    result = compose("-f", "docker/compose.yaml", "-f", "docker/compose.gpu.yaml", "config")
    assert result.returncode == 0, result.stderr
    worker = yaml.safe_load(result.stdout)["services"]["worker"]
    assert worker["build"]["dockerfile"] == "docker/Dockerfile.gpu"
    assert (Path(worker["build"]["context"]) / worker["build"]["dockerfile"]).is_file()
    assert worker["image"] == "phi-lab-worker:gpu"
    assert worker["environment"]["PHI_LAB_DEVICE"] == "auto"
    assert worker["deploy"]["resources"]["reservations"]["devices"] == [
        {"driver": "nvidia", "count": 1, "capabilities": ["gpu"]}
    ]
    # What the base file says still holds.
    assert worker["deploy"]["replicas"] >= 1
    assert "ports" not in worker
    assert worker["healthcheck"]["test"] == ["CMD", "phi-lab", "health"]


# --- compose files, structure -------------------------------------------------------------------


def test_compose_worker_is_replicable_and_private() -> None:
    worker = load("compose.yaml")["services"]["worker"]
    assert "ports" not in worker, "host ports would collide between replicas"
    assert "container_name" not in worker, "a fixed name allows one replica only"
    assert [str(p) for p in worker["expose"]] == ["8000"]
    assert worker["environment"]["PORT"] == "8000"
    assert "PHI_LAB_LOG_LEVEL" in worker["environment"]
    assert isinstance(worker["deploy"]["replicas"], int) and worker["deploy"]["replicas"] >= 2
    assert worker["deploy"]["update_config"] == {"parallelism": 1, "delay": "10s", "order": "stop-first"}
    assert worker["stop_grace_period"] == "30s"
    assert worker["networks"] == ["phi-net"]
    assert "devices" not in set(walk_keys(worker)), "the base file must run without NVIDIA"
    build = worker["build"]
    assert (DOCKER / build["context"]).resolve() == REPO
    assert (REPO / build["dockerfile"]).is_file()
    assert build["dockerfile"] == "docker/Dockerfile"
    assert worker["image"] == "${PHI_LAB_WORKER_IMAGE:-phi-lab-worker:cpu}"


def test_compose_worker_healthcheck_uses_phi_lab_health() -> None:
    check = load("compose.yaml")["services"]["worker"]["healthcheck"]
    assert check["test"] == ["CMD", "phi-lab", "health"]
    assert {"interval", "timeout", "retries", "start_period"} <= check.keys()


def test_compose_balancer_publishes_8080_and_waits_for_healthy_workers() -> None:
    compose_file = load("compose.yaml")
    lb = compose_file["services"]["lb"]
    assert lb["image"] == "${PHI_LAB_NGINX_IMAGE:-nginx:1.27-bookworm}"
    assert lb["ports"] == ["${PHI_LAB_LB_PUBLISH:-8080}:80"]
    mounts = {target: (DOCKER / source).resolve() for source, target, _ in (v.split(":") for v in lb["volumes"])}
    assert mounts == {"/etc/nginx/nginx.conf": NGINX_CONF, "/etc/nginx/lb-entrypoint.sh": DOCKER / "lb-entrypoint.sh"}
    assert all(volume.endswith(":ro") for volume in lb["volumes"])
    assert lb["entrypoint"] == ["sh", "/etc/nginx/lb-entrypoint.sh"]
    assert lb["depends_on"] == {"worker": {"condition": "service_healthy"}}
    assert lb["healthcheck"]["test"] == ["CMD", "sh", "/etc/nginx/lb-entrypoint.sh", "health"]
    assert compose_file["networks"]["phi-net"]["driver"] == "bridge"


def test_stack_reserves_gpus_the_swarm_way() -> None:
    stack = load("stack.yaml")
    keys = set(walk_keys(stack))
    assert "build" not in keys, "docker stack deploy ignores build: the image must exist"
    assert "devices" not in keys, "docker stack deploy rejects resources.reservations.devices"
    assert "depends_on" not in keys, "docker stack deploy ignores depends_on"
    worker = stack["services"]["worker"]
    deploy = worker["deploy"]
    assert deploy["replicas"] >= 1
    assert deploy["placement"]["constraints"] == ["node.labels.gpu == true"]
    assert deploy["resources"]["reservations"]["generic_resources"] == [
        {"discrete_resource_spec": {"kind": "NVIDIA-GPU", "value": 1}}
    ]
    assert deploy["update_config"]["parallelism"] == 1
    assert deploy["update_config"]["order"] == "stop-first"
    assert deploy["restart_policy"]["condition"] in {"any", "on-failure"}
    assert worker["healthcheck"]["test"] == ["CMD", "phi-lab", "health"]
    assert "ports" not in worker
    assert stack["networks"]["phi-net"] == {"driver": "overlay", "attachable": True}


def test_stack_balancer_takes_nginx_conf_as_a_swarm_config() -> None:
    stack = load("stack.yaml")
    lb = stack["services"]["lb"]
    assert lb["ports"] == [{"target": 80, "published": 8080, "protocol": "tcp", "mode": "ingress"}]
    files = {c["target"]: (DOCKER / stack["configs"][c["source"]]["file"]).resolve() for c in lb["configs"]}
    assert files == {"/etc/nginx/nginx.conf": NGINX_CONF, "/etc/nginx/lb-entrypoint.sh": DOCKER / "lb-entrypoint.sh"}
    assert lb["entrypoint"] == ["sh", "/etc/nginx/lb-entrypoint.sh"]


def test_nginx_upstream_names_the_worker_service_and_port() -> None:
    """nginx finds the replicas by the worker service's DNS name, on the worker's port.

    In Swarm a service name resolves to one virtual IP, which would hide the replicas from
    least_conn and failover, unless the service uses endpoint_mode dnsrr.
    """
    host, port = upstream_server()
    for name in ("compose.yaml", "stack.yaml"):
        services = load(name)["services"]
        assert host in services, f"{name} has no service {host!r}"
        assert services[host]["environment"]["PORT"] == str(port)
    assert load("stack.yaml")["services"][host]["deploy"]["endpoint_mode"] == "dnsrr"
    assert f"EXPOSE {port}" in (DOCKER / "Dockerfile").read_text()


def test_no_healthcheck_needs_curl() -> None:
    for name in ("compose.yaml", "compose.gpu.yaml", "stack.yaml"):
        for service in load(name)["services"].values():
            assert "curl" not in json.dumps(service.get("healthcheck", {})), name


# --- nginx.conf ---------------------------------------------------------------------------------


REWRITTEN = re.compile(r"^\s*(pid|error_log|access_log|listen|include|# replicas:)")


def rendered(prefix: Path, ports: list[int], listen_port: int = 18080) -> Path:
    path = prefix / "nginx.conf"
    path.write_text(render_loopback(NGINX_CONF.read_text(), ports, listen_port, prefix))
    return path


def nginx_test(config: Path, prefix: Path) -> subprocess.CompletedProcess[str]:
    assert NGINX is not None
    return subprocess.run(
        [NGINX, "-t", "-p", str(prefix), "-c", str(config), "-e", str(prefix / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_nginx_conf_has_the_fleet_rules() -> None:
    text = NGINX_CONF.read_text()
    for directive in (
        "# replicas: worker:8000 max_fails=0",
        "include /etc/nginx/phi-replicas.conf;",
        "zone phi_workers 64k;",
        "least_conn;",
        "keepalive 32;",
        "proxy_http_version 1.1;",
        'proxy_set_header Connection "";',
        "proxy_set_header X-Request-ID $phi_request_id;",
        "proxy_next_upstream error timeout http_502 http_503 non_idempotent;",
        "proxy_next_upstream_tries 3;",
        "proxy_next_upstream_timeout 10s;",
        "proxy_connect_timeout 2s;",
        "proxy_read_timeout 30s;",
        "client_max_body_size 1m;",
        "location = /health {",
        "access_log /dev/stdout phi_json;",
    ):
        assert directive in text, directive


def test_rendering_changes_only_the_docker_specific_lines(tmp_path: Path) -> None:
    original = NGINX_CONF.read_text().splitlines()
    lines = render_loopback(NGINX_CONF.read_text(), [9001, 9002], 18080, tmp_path).splitlines()
    removed = [line for line in original if line not in lines]
    assert removed, "nothing was rewritten"
    assert all(REWRITTEN.match(line) for line in removed), removed
    added = [line for line in lines if line not in original]
    assert all(
        str(tmp_path) in line or "127.0.0.1" in line or line in {"daemon off;", "master_process on;", "user root;"}
        for line in added
    ), added
    assert "        server 127.0.0.1:9001 max_fails=0;" in lines
    assert "        server 127.0.0.1:9002 max_fails=0;" in lines


def test_rendering_refuses_a_config_it_does_not_know(tmp_path: Path) -> None:
    text = NGINX_CONF.read_text()
    with pytest.raises(ValueError, match="replicas"):
        render_loopback(text.replace("# replicas:", "# servers:"), [9001], 18080, tmp_path)
    with pytest.raises(ValueError, match="listen"):
        render_loopback(text.replace("listen 80;", "listen 8081;"), [9001], 18080, tmp_path)
    with pytest.raises(ValueError, match="port"):
        render_loopback(text, [], 18080, tmp_path)


@pytest.mark.requires_nginx
def test_nginx_accepts_the_loopback_rendering(tmp_path: Path) -> None:
    config = rendered(tmp_path, [9001, 9002, 9003])
    result = nginx_test(config, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    text = config.read_text()
    assert "least_conn;" in text
    assert "proxy_next_upstream error timeout http_502 http_503 non_idempotent;" in text
    assert "keepalive 32;" in text
    assert "client_max_body_size 1m;" in text
    upstream = text.split("upstream phi_workers", 1)[1].split("}", 1)[0]
    directives = [line.split("#")[0] for line in upstream.splitlines()]
    assert not any(re.search(r"\bresolve\b", line) for line in directives)


@pytest.mark.requires_nginx
@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("least_conn;", "least_conns;"),
        ("proxy_next_upstream_tries 3;", "proxy_next_upstream_tries three;"),
        ("client_max_body_size 1m;", "client_max_body_size 1m"),
    ],
    ids=["unknown-directive", "bad-value", "missing-semicolon"],
)
def test_nginx_rejects_a_broken_rendering(tmp_path: Path, old: str, new: str) -> None:
    config = rendered(tmp_path, [9001])
    text = config.read_text()
    assert old in text
    config.write_text(text.replace(old, new, 1))
    result = nginx_test(config, tmp_path)
    assert result.returncode != 0
    assert "test failed" in result.stderr


# --- nginx.conf at work, in front of stub workers -------------------------------------------------


@dataclass
class Seen:
    """What a stub worker received."""

    port: int
    requests: list[dict[str, Any]] = field(default_factory=list)


def stub_worker(status: int) -> tuple[ThreadingHTTPServer, Seen]:
    """An HTTP/1.1 server on loopback that answers every request with ``status`` and records it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    seen = Seen(server.server_address[1])

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def answer(self) -> None:
            body_length = int(self.headers.get("Content-Length", 0))
            self.rfile.read(body_length)
            seen.requests.append(
                {"method": self.command, "path": self.path, "headers": dict(self.headers), "body_length": body_length}
            )
            payload = json.dumps({"port": seen.port}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server.RequestHandlerClass = Handler
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, seen


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[tuple[int, list[Seen], int]]:
    """nginx from docker/nginx.conf in front of two good stub workers, one answering 503 and
    one port where nothing listens; yields (nginx port, [good, good, 503], dead port)."""
    if NGINX is None:
        pytest.skip("needs nginx (Debian package nginx)")
    servers = [stub_worker(200), stub_worker(200), stub_worker(503)]
    # Bound but not listening: connections are refused, and no one else can take the port.
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    dead_port = int(dead.getsockname()[1])
    listen_port = free_port()
    ports = [seen.port for _, seen in servers] + [dead_port]
    proc = start_nginx(rendered(tmp_path, ports, listen_port), tmp_path)
    try:
        yield listen_port, [seen for _, seen in servers], dead_port
    finally:
        stop_nginx(proc)
        dead.close()
        for server, _ in servers:
            server.shutdown()
            server.server_close()


def test_balancer_answers_its_own_health(fleet: tuple[int, list[Seen], int]) -> None:
    port, workers, _ = fleet
    assert request(port, "GET", "/health") == (200, b"healthy\n")
    assert request(port, "GET", "/lb/health") == (200, b"healthy\n")
    assert all(not w.requests for w in workers)


def test_balancer_fails_over_for_posts_and_spreads_the_load(fleet: tuple[int, list[Seen], int]) -> None:
    port, (good_a, good_b, busy), _ = fleet
    for _ in range(12):
        status, body = request(
            port, "POST", "/validate", b'{"equation": "E = mc^2"}', {"Content-Type": "application/json"}
        )
        assert status == 200
        assert json.loads(body)["port"] in {good_a.port, good_b.port}
    assert good_a.requests and good_b.requests, "least_conn should use both good workers"
    assert busy.requests, "the 503 worker is tried, then the request moves on"


def test_balancer_passes_request_ids_and_client_address(fleet: tuple[int, list[Seen], int]) -> None:
    port, workers, _ = fleet

    def last_headers() -> dict[str, str]:
        latest = max((w for w in workers if w.requests), key=lambda w: len(w.requests))
        return {k.lower(): v for k, v in latest.requests[-1]["headers"].items()}

    for w in workers:
        w.requests.clear()
    request(port, "GET", "/info", headers={"X-Request-ID": "client-id-42"})
    headers = last_headers()
    assert headers["x-request-id"] == "client-id-42"
    assert headers["x-real-ip"] == "127.0.0.1"
    assert headers["x-forwarded-for"] == "127.0.0.1"
    assert "connection" not in headers, "no Connection header: HTTP/1.1 keep-alive to the workers"

    for sent in (None, "has spaces", "x" * 200):
        for w in workers:
            w.requests.clear()
        request(port, "GET", "/info", headers={} if sent is None else {"X-Request-ID": sent})
        assert re.fullmatch(r"[0-9a-f]{32}", last_headers()["x-request-id"]), sent


def test_balancer_limits_bodies_to_one_mebibyte(fleet: tuple[int, list[Seen], int]) -> None:
    port, workers, _ = fleet
    status, _ = request(port, "POST", "/validate", b"x" * 200_000)  # buffered to a temp file
    assert status == 200
    assert any(r["body_length"] == 200_000 for w in workers for r in w.requests)
    for w in workers:
        w.requests.clear()
    status, _ = request(port, "POST", "/validate", b"x" * (1024 * 1024 + 1))
    assert status == 413
    assert all(not w.requests for w in workers)


def test_balancer_logs_json_lines_with_upstreams(fleet: tuple[int, list[Seen], int], tmp_path: Path) -> None:
    port, _, dead_port = fleet
    for _ in range(8):
        request(port, "POST", "/validate", b"{}", {"X-Request-ID": "log-test"})
    request(port, "GET", "/health")  # not logged
    lines = [json.loads(line) for line in (tmp_path / ACCESS_LOG).read_text().splitlines()]
    assert len(lines) == 8
    for entry in lines:
        assert entry["request_id"] == "log-test"
        assert entry["status"] == 200
        assert entry["upstream_status"].split(", ")[-1] == "200"
    retried = [e for e in lines if "," in e["upstream_addr"]]
    assert retried, "some requests should have been retried on another worker"
    assert any(f"127.0.0.1:{dead_port}" in e["upstream_addr"] for e in lines)


def test_nginx_is_stopped_cleanly(tmp_path: Path) -> None:
    if NGINX is None:
        pytest.skip("needs nginx (Debian package nginx)")
    port = free_port()
    proc = start_nginx(rendered(tmp_path, [9], port), tmp_path)
    assert request(port, "GET", "/health")[0] == 200
    assert stop_nginx(proc) == 0
    with pytest.raises(OSError):
        request(port, "GET", "/health")


# --- Dockerfiles ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str


def instructions(path: Path) -> list[Instruction]:
    """A Dockerfile's instructions, continuation lines joined, comments and directives dropped."""
    result: list[Instruction] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, args = (pending + line).partition(" ")
        result.append(Instruction(keyword.upper(), " ".join(args.split())))
        pending = ""
    assert not pending, f"{path.name} ends in a continuation"
    return result


def final_stage(steps: list[Instruction]) -> list[Instruction]:
    last_from = max(i for i, step in enumerate(steps) if step.keyword == "FROM")
    return steps[last_from:]


DOCKERFILES = {"cpu": ("Dockerfile", "cpu"), "gpu": ("Dockerfile.gpu", "auto")}


@pytest.mark.parametrize(("name", "device"), DOCKERFILES.values(), ids=DOCKERFILES.keys())
def test_dockerfile_is_multi_stage_and_runs_unprivileged(name: str, device: str) -> None:
    steps = instructions(DOCKER / name)
    froms = [step.args for step in steps if step.keyword == "FROM"]
    assert any(args.endswith(" AS builder") for args in froms)
    final = final_stage(steps)
    assert final[1] == Instruction("COPY", "--from=builder /opt/venv /opt/venv"), "the final stage takes the venv alone"
    users = [step.args for step in final if step.keyword == "USER"]
    assert users, "the final stage must set USER"
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert [s.keyword for s in final].index("USER") < [s.keyword for s in final].index("CMD")
    envs = " ".join(step.args for step in final if step.keyword == "ENV")
    assert "PORT=8000" in envs
    assert f"PHI_LAB_DEVICE={device}" in envs
    assert [step.args for step in final if step.keyword == "EXPOSE"] == ["8000"]


@pytest.mark.parametrize(("name", "device"), DOCKERFILES.values(), ids=DOCKERFILES.keys())
def test_dockerfile_builds_with_the_classic_builder(name: str, device: str) -> None:
    """No BuildKit-only syntax: no `# syntax=` directive (it pulls an image) and no RUN --mount."""
    text = (DOCKER / name).read_text()
    assert not re.search(r"^#\s*syntax\s*=", text, re.MULTILINE | re.IGNORECASE)
    assert not any("--mount" in step.args for step in instructions(DOCKER / name) if step.keyword == "RUN")


@pytest.mark.parametrize(("name", "device"), DOCKERFILES.values(), ids=DOCKERFILES.keys())
def test_dockerfile_health_and_command_use_phi_lab(name: str, device: str) -> None:
    final = final_stage(instructions(DOCKER / name))
    [healthcheck] = [step.args for step in final if step.keyword == "HEALTHCHECK"]
    assert healthcheck.endswith('CMD ["phi-lab", "health"]')
    assert not any("curl" in step.args for step in final)
    [cmd] = [step.args for step in final if step.keyword == "CMD"]
    assert json.loads(cmd) == ["phi-lab", "serve", "--host", "0.0.0.0"]


@pytest.mark.parametrize(("name", "device"), DOCKERFILES.values(), ids=DOCKERFILES.keys())
def test_dockerfile_installs_the_pinned_torch_then_the_server_extra(name: str, device: str) -> None:
    steps = instructions(DOCKER / name)
    setup_pin = re.search(r"torch==([\d.]+)", (REPO / "scripts" / "setup.sh").read_text())
    assert setup_pin
    assert Instruction("ARG", f"TORCH_VERSION={setup_pin.group(1)}") in steps
    runs = [step.args for step in steps if step.keyword == "RUN"]
    torch_at = next(i for i, run in enumerate(runs) if '"torch==${TORCH_VERSION}"' in run)
    wheel_at = next(i for i, run in enumerate(runs) if "[server]" in run)
    assert torch_at < wheel_at
    assert '--index-url "${TORCH_INDEX_URL}"' in runs[torch_at]
    if name == "Dockerfile":
        assert Instruction("ARG", "TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu") in steps
        assert Instruction("ARG", "PYTHON_IMAGE=python:3.11-slim") in steps
    else:
        assert Instruction("ARG", "CUDA_IMAGE=nvidia/cuda:13.0.0-base-ubuntu22.04") in steps
        # The offline recipe's CPU torch in docker/wheels/ must never reach the GPU image.
        assert not any("docker/wheels" in step.args for step in steps)


@pytest.mark.parametrize(("name", "device"), DOCKERFILES.values(), ids=DOCKERFILES.keys())
def test_dockerfile_copies_only_what_the_ignore_file_lets_in(name: str, device: str) -> None:
    patterns = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for step in instructions(DOCKER / name):
        if step.keyword == "COPY" and "--from" not in step.args:
            *sources, _ = shlex.split(step.args)
            for source in sources:
                assert (REPO / source).exists(), source
                assert not ignored(source.rstrip("/"), patterns), source
    kept_paths = (
        "pyproject.toml",
        "README.md",
        "phi_lab/cli.py",
        "phi_lab/equations/catalog.toml",
        "docker/wheels/x.whl",
    )
    for kept in kept_paths:
        assert not ignored(kept, patterns), kept
    for dropped in (
        ".venv/bin/python",
        ".git/HEAD",
        "tests/test_cli.py",
        "docker/nginx.conf",
        ".pytest_cache/v/x",
        "phi_lab/__pycache__/cli.cpython-311.pyc",
        "phi_lab/stray.pyc",
        ".hypothesis/x",
        "phi_lab.egg-info/PKG-INFO",
    ):
        assert ignored(dropped, patterns), dropped


_GLOB = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}


def ignored(path: str, patterns: list[str]) -> bool:
    """Whether a .dockerignore excludes ``path`` (the last matching pattern wins; a pattern
    matching a folder matches everything in it; ``**`` spans folders)."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        body = pattern.removeprefix("!").strip("/")
        tokens = re.findall(r"\*\*/|\*\*|\*|\?|\[[^\]]*\]|[^*?\[]+", body)
        regex = "".join(_GLOB.get(t, t if t.startswith("[") else re.escape(t)) for t in tokens)
        if any(re.fullmatch(regex, candidate) for candidate in candidates):
            excluded = not negated
    return excluded
