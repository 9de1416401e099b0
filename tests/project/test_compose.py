"""docker-compose.yml, docker-compose.dev.yml, the Dockerfile and deploy/ checked against the code.

There is no Docker engine on the development machines, so nothing here starts a container. Instead every
command the stack would run (command, entrypoint, health check, the image's CMD and HEALTHCHECK) is resolved
against the repository and the installed environment: the executables are console scripts of the packages
pinned in pyproject.toml (or belong to the third-party image that runs them), and what they name exists: the
manage.py subcommand, the WSGI module, gunicorn's config file, the Celery app and queues, the URL a health
check asks, the files the image must contain. The parts that can run here do run: the build-time
collectstatic (dry run, no database, no secrets) and deploy/healthcheck.py against a server on loopback.
"""

import ast
import fnmatch
import importlib.metadata
import importlib.util
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import tomllib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema  # drf-spectacular's dependency, pinned with it
import pytest
import redis
import yaml  # drf-spectacular's and schemathesis's dependency
from django.conf import settings
from django.core.management import get_commands
from django.urls import Resolver404, resolve

ROOT = Path(settings.BASE_DIR)
APP_DIR = "/app"  # the Dockerfile's WORKDIR
PRODUCTION = "docker-compose.yml"
DEVELOPMENT = "docker-compose.dev.yml"
COMPOSE_FILES = [PRODUCTION, DEVELOPMENT]
# Programs of the third-party images, which the pinned packages cannot vouch for.
IMAGE_PROGRAMS = {
    "postgis/postgis": {"pg_isready"},
    "redis": {"redis-server", "redis-cli", "grep"},
    "caddy": {"caddy", "wget"},
}
# Programs every image has (Debian's and Alpine's base systems).
BASE_PROGRAMS = {"sh", "grep"}
SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|_KEY$|DSN", re.I)
# ${NAME} or ${NAME:?message}: a default (${NAME:-value}) would be a literal secret after all.
REFERENCE = re.compile(r"^\$\{[A-Z0-9_]+(:?\?[^}]*)?\}$")


def compose(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text())


def services(name: str) -> dict:
    return compose(name)["services"]


def app_services(name: str) -> dict:
    """The services that run this repository's image (the others run a third-party image)."""
    return {key: svc for key, svc in services(name).items() if "build" in svc}


def environment(service: dict) -> dict:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def argv(value) -> list[str]:
    """A compose command (string or list) as argv, with compose's $$ escape undone."""
    words = shlex.split(value) if isinstance(value, str) else [str(word) for word in value]
    return [word.replace("$$", "$") for word in words]


def simple_commands(words: list[str]) -> list[list[str]]:
    """The simple commands of argv: a `sh -c` script is split at &&, ; and |."""
    if words[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in re.split(r"&&|;|\|", words[2]) if part.strip()]
    return [words]


def health_argv(service: dict) -> list[str] | None:
    check = service.get("healthcheck") or {}
    if check.get("disable"):
        return None
    test = check.get("test")
    if isinstance(test, str):
        return ["sh", "-c", test.replace("$$", "$")]
    if test[0] == "CMD-SHELL":
        return ["sh", "-c", test[1].replace("$$", "$")]
    assert test[0] == "CMD", test
    return argv(test[1:])


def every_command(name: str) -> list[tuple[str, dict, list[str]]]:
    """(service, its definition, a simple command) for each command and health check of the file."""
    found = []
    for key, svc in services(name).items():
        for words in (
            argv(svc["command"]) if "command" in svc else None,
            argv(svc["entrypoint"]) if "entrypoint" in svc else None,
            health_argv(svc) if "healthcheck" in svc else None,
        ):
            if words:
                found.extend((key, svc, command) for command in simple_commands(words))
    return found


def pinned_distributions() -> set[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return {
        normalise(re.split(r"[\[=<>~ ]", dep, maxsplit=1)[0]) for dep in pyproject["project"]["dependencies"]
    }


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def console_script_of_pinned(program: str) -> bool:
    pinned = pinned_distributions()
    return any(
        normalise(ep.dist.name) in pinned
        for ep in importlib.metadata.entry_points(group="console_scripts", name=program)
    )


def option(words: list[str], *names: str) -> str | None:
    for i, word in enumerate(words):
        for name in names:
            if word == name and i + 1 < len(words):
                return words[i + 1]
            if name.startswith("--") and word.startswith(name + "="):
                return word.split("=", 1)[1]
            if not name.startswith("--") and word.startswith(name) and len(word) > len(name):
                return word[len(name) :]
    return None


def repository_path(path: str) -> Path:
    """A path in the image (absolute under /app, or relative to WORKDIR) as a path in the checkout."""
    return ROOT / (path[len(APP_DIR) + 1 :] if path.startswith(APP_DIR + "/") else path)


def dockerignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip().rstrip("/") for line in lines if line.strip() and not line.startswith("#")]


def ignored(relative: str) -> bool:
    """Whether .dockerignore keeps `relative` (or a folder above it) out of the build context."""
    parts = Path(relative).parts
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(
        fnmatch.fnmatch(prefix, pattern) or fnmatch.fnmatch(prefix, pattern.removeprefix("**/"))
        for pattern in dockerignore_patterns()
        for prefix in prefixes
    )


def in_image(path: str) -> bool:
    local = repository_path(path)
    return local.exists() and not ignored(str(local.relative_to(ROOT)))


def defines(module: str, name: str) -> bool:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return False
    tree = ast.parse(Path(spec.origin).read_text())
    return any(
        isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets)
        for node in tree.body
    )


def queue_names() -> set[str]:
    return {queue.name for queue in settings.CELERY_TASK_QUEUES}


def worker_node(svc: dict) -> str | None:
    words = argv(svc.get("command", []))
    return (option(words, "-n", "--hostname") or "").split("@")[0] or None


# --- What each program's arguments must name ----------------------------------------------------------------


def problems_python(words: list[str], svc: dict) -> list[str]:
    if words[1] == "manage.py":
        command = words[2]
        return [] if command in get_commands() else [f"manage.py has no command {command!r}"]
    if words[1] == "-c":
        compile(words[2], "<healthcheck>", "exec")
        return []
    if words[1] == "-m":
        return [] if importlib.util.find_spec(words[2]) else [f"no module {words[2]}"]
    problems = [] if in_image(words[1]) else [f"{words[1]} is not in the image"]
    if words[1].endswith("deploy/healthcheck.py") and words[2] == "http":
        try:
            resolve(words[3])
        except Resolver404:
            problems.append(f"the health check URL {words[3]} is not in the URLconf")
    if words[1].endswith("deploy/healthcheck.py") and words[2] == "fresh":
        problems += mounted_problems(words[3], svc)
    return problems


def problems_gunicorn(words: list[str], svc: dict) -> list[str]:
    problems = []
    config = option(words, "-c", "--config")
    if not config or not in_image(config):
        problems.append(f"gunicorn's config {config!r} is not in the image")
    module, _, attribute = words[-1].partition(":")
    if not defines(module, attribute or "application"):
        problems.append(f"{words[-1]} is not a WSGI application")
    return problems


def problems_celery(words: list[str], svc: dict) -> list[str]:
    app = option(words, "-A", "--app")
    problems = [] if app and importlib.util.find_spec(app) else [f"no Celery app {app!r}"]
    positional = [
        w for i, w in enumerate(words[1:], 1) if not w.startswith("-") and not words[i - 1].startswith("-")
    ]
    subcommand = positional[0] if positional else None
    if subcommand == "worker":
        queues = set((option(words, "-Q", "--queues") or "").split(","))
        if not queues <= queue_names():
            problems.append(f"queues {sorted(queues - queue_names())} are not in CELERY_TASK_QUEUES")
    elif subcommand == "beat":
        schedule = option(words, "-s", "--schedule")
        problems += mounted_problems(schedule, svc) if schedule else ["beat's schedule is not in a volume"]
    elif subcommand == "inspect":
        destination = option(words, "-d", "--destination") or ""
        if destination != f"{worker_node(svc)}@$HOSTNAME":
            problems.append(
                f"the ping asks {destination!r}, not the worker's node {worker_node(svc)}@$HOSTNAME"
            )
    else:
        problems.append(f"celery {subcommand!r}")
    return problems


def mounted_problems(path: str, svc: dict) -> list[str]:
    """A file the service writes must be in one of its volumes (the code in the image is read-only)."""
    targets = [volume.split(":")[1] for volume in svc.get("volumes", []) if isinstance(volume, str)]
    if any(path.startswith(target + "/") for target in targets):
        return []
    # The development stack keeps it in the container: the Dockerfile gives the service that folder.
    return [] if str(Path(path).parent) in dockerfile_writable() else [f"{path} is in no volume"]


PROGRAMS = {"python": problems_python, "gunicorn": problems_gunicorn, "celery": problems_celery}


def command_problems(svc: dict, words: list[str]) -> list[str]:
    program = words[0]
    if "build" not in svc:
        image = svc["image"].split(":")[0]
        allowed = IMAGE_PROGRAMS.get(image, set()) | BASE_PROGRAMS
        return [] if program in allowed else [f"{program} in image {image}"]
    if program in BASE_PROGRAMS:
        return []
    if program != "python" and not console_script_of_pinned(program):
        return [f"{program} is not a console script of the pinned packages"]
    return PROGRAMS[program](words, svc) if program in PROGRAMS else []


# --- The Dockerfile -----------------------------------------------------------------------------------------


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            instruction, _, rest = line.strip().partition(" ")
            rows.append((instruction.upper(), rest.strip()))
    return rows


def dockerfile_args(instruction: str) -> list[str]:
    return [rest for name, rest in dockerfile() if name == instruction]


def exec_form(rest: str) -> list[str]:
    return ast.literal_eval(rest[rest.index("[") :])


def dockerfile_env() -> dict:
    env = {}
    for rest in dockerfile_args("ENV"):
        env.update(dict(pair.split("=", 1) for pair in shlex.split(rest)))
    return env


def dockerfile_writable() -> set[str]:
    return {
        path
        for rest in dockerfile_args("RUN")
        if "chown" in rest
        for path in re.findall(r"/app/[\w/]+", rest)
    }


# --- Tests --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_compose_files_parse(name):
    data = compose(name)
    assert data["services"], name
    for key, svc in data["services"].items():
        assert "image" in svc or "build" in svc, key
    assert any("worker" in argv(s.get("command", "")) for s in data["services"].values())


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_compose_files_are_valid_compose(name):
    """Against the Compose Specification's JSON schema (deploy/compose-spec.json, from github.com/
    compose-spec/compose-spec at 170098b, Apache-2.0): misspelt keys, wrong conditions, bad types."""
    schema = json.loads((ROOT / "deploy" / "compose-spec.json").read_text())
    errors = [
        f"{list(e.path)}: {e.message}" for e in jsonschema.Draft7Validator(schema).iter_errors(compose(name))
    ]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_every_service_has_a_health_check_or_is_a_one_shot(name):
    for key, svc in services(name).items():
        if str(svc.get("restart", "")) == "no":
            continue
        assert "healthcheck" in svc and health_argv(svc), f"{name}: {key} has no health check"


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_every_service_of_the_database_waits_for_it_healthy(name):
    for key, svc in app_services(name).items():
        depends = svc.get("depends_on") or {}
        assert depends.get("db", {}).get("condition") == "service_healthy", f"{name}: {key}"
        assert depends.get("redis", {}).get("condition") == "service_healthy", f"{name}: {key}"


def test_web_and_workers_wait_for_the_migrations():
    app = app_services(PRODUCTION)
    one_shots = [key for key, svc in app.items() if str(svc.get("restart")) == "no"]
    assert one_shots == ["migrate"]
    assert argv(app["migrate"]["command"])[1:3] == ["manage.py", "migrate"]
    for key, svc in app.items():
        if key != "migrate":
            assert svc["depends_on"]["migrate"]["condition"] == "service_completed_successfully", key
    assert services(PRODUCTION)["caddy"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_production_runs_the_production_settings_behind_one_proxy():
    for key, svc in app_services(PRODUCTION).items():
        env = environment(svc)
        assert env["DJANGO_SETTINGS_MODULE"] == "project.settings.production", key
        assert env["BIN_TRUSTED_PROXIES"] == "1", key
        assert env["CACHE_URL"].startswith("redis://redis:"), key
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:"), key
        assert svc["restart"] in ("no", "unless-stopped", "always"), key
    redis = argv(services(PRODUCTION)["redis"]["command"])
    assert redis[redis.index("--appendonly") + 1] == "yes"
    assert redis[redis.index("--appendfsync") + 1] == "everysec"
    assert redis[redis.index("--maxmemory-policy") + 1] == "noeviction"
    data_volumes = {v.split(":")[0] for svc in services(PRODUCTION).values() for v in svc.get("volumes", [])}
    assert {"pgdata", "redisdata", "caddy_data", "caddy_config", "var"} <= data_volumes
    assert data_volumes - {"./deploy/Caddyfile"} <= set(compose(PRODUCTION)["volumes"])


def test_no_secret_is_written_in_the_production_files():
    text = (ROOT / PRODUCTION).read_text()
    for key, svc in services(PRODUCTION).items():
        for name, value in environment(svc).items():
            if SECRET_NAME.search(name):
                assert REFERENCE.match(value), f"{key}: {name} is literal"
            if "://" in value:
                password = urlsplit(value).password
                assert password is None or REFERENCE.match(password), f"{key}: {name} holds a password"
        if "build" in svc:
            assert svc["env_file"] in (".env", [".env"]), f"{key} does not read .env (SECRET_KEY)"
    # SECRET_KEY reaches the containers only through .env (env_file), never from this file.
    assert not re.search(r"^\s*-?\s*SECRET_KEY\s*[:=]", text, re.M)
    # The image's environment holds no secret: the build-time dummy lives in one RUN only.
    assert not [name for name in dockerfile_env() if SECRET_NAME.search(name)]
    assert ignored(".env") and ignored(".env.production")


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_every_command_exists_in_its_image(name):
    commands = every_command(name)
    assert {words[0] for _, _, words in commands} >= {"celery", "python", "pg_isready", "redis-cli"}
    problems = [
        f"{key}: {' '.join(words)}: {p}" for key, svc, words in commands for p in command_problems(svc, words)
    ]
    assert not problems, "\n".join(problems)


def test_the_health_check_of_a_worker_pings_its_own_node():
    workers = {
        key: svc for key, svc in services(PRODUCTION).items() if "worker" in argv(svc.get("command", ""))
    }
    assert len({worker_node(svc) for svc in workers.values()}) == len(workers)
    for key, svc in workers.items():
        assert f"{worker_node(svc)}@$HOSTNAME" in health_argv(svc)[2], key


def test_every_queue_has_its_own_workers():
    queues = {}
    for key, svc in services(PRODUCTION).items():
        words = argv(svc.get("command", ""))
        if "worker" in words:
            queues[key] = option(words, "-Q", "--queues")
    assert queues == {"worker-urgent": "urgent", "worker-bulk": "bulk", "worker-housekeeping": "default"}
    assert set(queues.values()) == queue_names() == {settings.CELERY_TASK_DEFAULT_QUEUE, "urgent", "bulk"}
    beats = [key for key, svc in services(PRODUCTION).items() if "beat" in argv(svc.get("command", ""))]
    assert beats == ["beat"]


def test_the_image_runs_as_a_user_with_a_command_and_a_health_check():
    (user,) = dockerfile_args("USER")
    uid = user.split(":")[0]
    assert uid not in ("root", "0"), user
    if not uid.isdigit():
        assert re.search(rf"useradd .*--uid (\d+) .*{uid}", " ".join(dockerfile_args("RUN")))
    (cmd,) = dockerfile_args("CMD")
    web = services(PRODUCTION)["web"]
    assert exec_form(cmd) == argv(web["command"])
    (health,) = dockerfile_args("HEALTHCHECK")
    health_words = exec_form(health.split("CMD", 1)[1])
    assert not problems_python(health_words, web), health_words
    port = dockerfile_env()["GUNICORN_BIND"].rsplit(":", 1)[1]
    assert dockerfile_args("EXPOSE") == [port]
    assert environment(web)["GUNICORN_BIND"] == f"0.0.0.0:{port}"
    assert web["expose"] == [port]
    assert dockerfile_env()["DJANGO_SETTINGS_MODULE"] == "project.settings.production"
    assert any(rest.split() == [".", "."] for rest in dockerfile_args("COPY"))
    assert dockerfile_args("WORKDIR") == [APP_DIR]


def test_the_image_holds_what_the_commands_need_and_nothing_local():
    for needed in (
        "manage.py",
        "project/wsgi.py",
        "project/gunicorn.conf.py",
        "deploy/healthcheck.py",
        "pyproject.toml",
    ):
        assert (ROOT / needed).exists() and not ignored(needed), needed
    for app in ("core", "access", "areas", "streets", "members", "alerts", "maps", "locale"):
        assert not ignored(f"{app}/__init__.py"), app
    for local in (
        ".venv",
        ".pgdata",
        ".run",
        "var",
        "test-artifacts",
        ".git",
        ".env",
        "staticfiles",
        "x/__pycache__",
    ):
        assert ignored(local), local
    # Every volume the application mounts is a folder the image gives its user (a fresh named volume
    # copies the owner of the folder it is mounted on).
    for key, svc in app_services(PRODUCTION).items():
        for volume in svc.get("volumes", []):
            assert volume.split(":")[1] in dockerfile_writable(), f"{key}: {volume}"


def test_the_caddyfile_proxies_to_the_web_service_and_serves_nothing_else():
    caddy = services(PRODUCTION)["caddy"]
    mounts = {target: source for source, target, *_ in (v.split(":") for v in caddy["volumes"])}
    caddyfile = (ROOT / mounts["/etc/caddy/Caddyfile"]).read_text()
    lines = [line.split("#")[0].strip() for line in caddyfile.splitlines()]
    directives = [line for line in lines if line]
    proxies = [line.split()[1] for line in directives if line.startswith("reverse_proxy")]
    port = environment(services(PRODUCTION)["web"])["GUNICORN_BIND"].rsplit(":", 1)[1]
    assert proxies == [f"web:{port}"]
    sites = [
        line
        for line in directives
        if line.endswith("{") and line != "{" and not line.startswith("reverse_proxy")
    ]
    assert sites == ["{$BIN_DOMAIN} {"]
    assert "header_up X-Forwarded-For {remote_host}" in directives
    assert "header_up X-Forwarded-Proto {scheme}" in directives
    assert not [line for line in directives if line.startswith(("file_server", "root", "respond"))]
    assert "admin 127.0.0.1:2019" in directives
    assert "http://127.0.0.1:2019/" in " ".join(health_argv(caddy))
    assert environment(caddy)["BIN_DOMAIN"].startswith("${BIN_DOMAIN")


def required_by_the_settings() -> set[str]:
    """Variables the production settings read with no default (env("X"), env.list("X"), …)."""
    required = set()
    for module in ("base", "production"):
        tree = ast.parse((ROOT / "project" / "settings" / f"{module}.py").read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and "env" in ast.unparse(node.func).split(".")[0]
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and not any(k.arg == "default" for k in node.keywords)
                and len(node.args) == 1
            ):
                required.add(node.args[0].value)
    return required


def test_env_example_names_every_variable_production_needs_and_no_secret():
    example = {}
    for line in (ROOT / "deploy" / "env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            example[name.strip()] = value.strip()
    compose_text = (ROOT / PRODUCTION).read_text()
    demanded = set(re.findall(r"\$\{([A-Z0-9_]+):\?", compose_text))
    assert demanded == {"POSTGRES_PASSWORD", "BIN_DOMAIN"}
    assert demanded <= set(example)
    provided = set(example) | set(environment(services(PRODUCTION)["web"]))
    assert required_by_the_settings() >= {"SECRET_KEY", "ALLOWED_HOSTS"}
    assert required_by_the_settings() <= provided
    for name, value in example.items():
        if SECRET_NAME.search(name):
            assert re.fullmatch(r"<[^>]+>", value), f"{name} in env.example is not a placeholder"


def test_collectstatic_runs_at_build_time_without_a_database_or_secrets(tmp_path):
    (run,) = [rest for rest in dockerfile_args("RUN") if "collectstatic" in rest]
    words = shlex.split(run)
    assignments = dict(w.split("=", 1) for w in words[: words.index("python")])
    assert set(assignments) == {"SECRET_KEY", "ALLOWED_HOSTS"}
    assert words[words.index("python") :] == ["python", "manage.py", "collectstatic", "--noinput"]
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        **dockerfile_env(),
        **assignments,
        "STATIC_ROOT": str(tmp_path / "static"),
        # A port nothing listens on: collectstatic must not need the database.
        "DATABASE_URL": "postgis://nobody@127.0.0.1:9/none",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert re.search(r"[1-9]\d* static files? copied", done.stdout), done.stdout


# --- deploy/healthcheck.py, run as the containers run it ----------------------------------------------------


class _Answers(BaseHTTPRequestHandler):
    status = {"/readyz": 200, "/down": 503, "/moved": 301}
    seen: list = []

    def do_GET(self):
        self.seen.append((self.path, self.headers["Host"], self.headers["X-Forwarded-Proto"]))
        self.send_response(self.status.get(self.path, 404))
        if self.path == "/moved":
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_port}/readyz")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Answers.seen.clear()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def healthcheck(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "healthcheck.py"), *args],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_the_http_health_check_asks_as_the_proxy_and_fails_on_anything_but_2xx(loopback_server):
    port = loopback_server.server_port
    env = {"ALLOWED_HOSTS": "bin.example.be,www.bin.example.be", "GUNICORN_BIND": f"0.0.0.0:{port}"}
    assert healthcheck("http", "/readyz", **env).returncode == 0
    assert _Answers.seen == [("/readyz", "bin.example.be", "https")]
    assert healthcheck("http", "/down", **env).returncode == 1
    # A redirect (SECURE_SSL_REDIRECT without X-Forwarded-Proto believed) is a failure, not followed.
    moved = healthcheck("http", "/moved", **env)
    assert moved.returncode == 1 and "301" in moved.stderr
    assert [path for path, _, _ in _Answers.seen] == ["/readyz", "/down", "/moved"]
    loopback_server.shutdown()
    loopback_server.server_close()
    assert healthcheck("http", "/readyz", **env).returncode == 1


def test_the_beat_health_check_wants_a_schedule_written_lately(tmp_path):
    schedule = tmp_path / "celerybeat-schedule"
    assert healthcheck("fresh", str(schedule), "600").returncode == 1
    (tmp_path / "celerybeat-schedule.db").write_bytes(b"")
    assert healthcheck("fresh", str(schedule), "600").returncode == 0
    old = time.time() - 700
    os.utime(tmp_path / "celerybeat-schedule.db", (old, old))
    stale = healthcheck("fresh", str(schedule), "600")
    assert stale.returncode == 1 and "700 s ago" in stale.stderr


# --- A worker's health check against a real worker ----------------------------------------------------------


@pytest.fixture
def redis_broker():
    """The test broker (BIN_TEST_BROKER_URL, Redis), emptied before and after."""
    url = os.environ.get("BIN_TEST_BROKER_URL", "redis://127.0.0.1:6379/5")
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()


def test_a_worker_is_healthy_while_it_runs_and_unhealthy_once_gone(redis_broker, tmp_path):
    """worker-urgent's own command and health check, run here as the container runs them."""
    svc = services(PRODUCTION)["worker-urgent"]
    venv_bin = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": f"{venv_bin}:{os.environ['PATH']}",
        "HOSTNAME": socket.gethostname(),  # docker sets it; celery's %h is the same name
        "DJANGO_SETTINGS_MODULE": "project.settings.test",
        "CELERY_BROKER_URL": redis_broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    check = health_argv(svc)
    log = tmp_path / "worker.log"
    with open(log, "w") as out:
        worker = subprocess.Popen(
            argv(svc["command"]),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while " ready." not in log.read_text() and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert " ready." in log.read_text(), log.read_text()[-3000:]
        started = time.monotonic()
        alive = subprocess.run(check, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert alive.returncode == 0, alive.stdout + alive.stderr
        assert f"urgent@{env['HOSTNAME']}" in alive.stdout and "pong" in alive.stdout
        print(f"a healthy worker's check took {time.monotonic() - started:.1f} s")
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
    gone = subprocess.run(check, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert gone.returncode != 0, gone.stdout


# --- The broker's durability, with the compose file's own redis-server options ---------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ComposeRedis:
    """redis-server as the compose file starts it (its command's options), on a free loopback port."""

    def __init__(self, directory: Path):
        words = argv(services(PRODUCTION)["redis"]["command"])
        assert words[0] == "redis-server"
        self.options, self.dir, self.port, self.proc = words[1:], directory, free_port(), None

    def start(self):
        self.proc = subprocess.Popen(
            [
                "redis-server",
                *self.options,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return client
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self, sig: int = signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(10)


@pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed")
def test_the_broker_keeps_queued_tasks_over_a_restart_and_a_crash(tmp_path):
    server = ComposeRedis(tmp_path)
    try:
        client = server.start()
        # Not snapshots: the append-only file (RDB alone would lose what came after the last snapshot).
        assert client.config_get("appendonly") == {"appendonly": "yes"}
        client.config_set("save", "")
        client.lpush("urgent", "task-before-restart")
        server.stop()  # docker compose restart / stop: SIGTERM
        client = server.start()
        assert client.lrange("urgent", 0, -1) == [b"task-before-restart"]
        client.lpush("urgent", "task-before-crash")
        time.sleep(1.5)  # appendfsync everysec: on disk within a second
        server.stop(signal.SIGKILL)  # a crash: no chance to write anything more
        client = server.start()
        assert client.lrange("urgent", 0, -1) == [b"task-before-crash", b"task-before-restart"]
        assert client.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}
    finally:
        server.stop(signal.SIGKILL)
