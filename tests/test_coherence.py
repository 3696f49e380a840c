"""Lab coherence rules on small labs: each finding once, where it is written, and nothing from what
cannot be known. Planted defects in whole courses are in fixtures/checks/lab.md."""

from __future__ import annotations

import re

import pytest

from conftest import FIXTURES
from podium.checks.coherence import LabText, built_tags, check_coherence
from podium.model import SourceLocation


def lab(**files: str) -> list[LabText]:
    """Files by name (`__` stands for `/`, `_dot_` for `.`, `_dash_` for `-`), each line in its own file."""
    texts = []
    for key, text in files.items():
        name = key.replace("__", "/").replace("_dot_", ".").replace("_dash_", "-")
        texts.append(LabText(name, text, tuple(SourceLocation(name, n + 1) for n in range(text.count("\n") + 1))))
    return texts


def command(text: str) -> LabText:
    return LabText("", text, (SourceLocation("slides.md", 9),))


def found(files: list[LabText], commands: list[LabText] = ()) -> list[str]:
    return [f"{d.location}: {d.severity}: {d.message}" for d in check_coherence(files, list(commands))]


SESSION_6 = (FIXTURES / "session-06-docker-compose.md").read_text(encoding="utf-8")


def test_session_6_as_written_is_coherent() -> None:
    blocks = re.findall(r"(?:called `([^`]+)`|a `(Dockerfile)`)[^`]*?```\n(.*?)```", SESSION_6, re.S)
    files = lab(**{(a or b).replace(".", "_dot_"): code for a, b, code in blocks})
    assert sorted(t.name for t in files) == ["Dockerfile", "app.py", "docker-compose.yml", "requirements.txt"]
    assert found(files, [command("docker build -t session6:flask .")]) == []
    assert built_tags([command("docker build -t session6:flask .")]) == {"session6:flask": ("session6:flask", ".")}


COMPOSE = "services:\n  web:\n    image: {image}\n    ports:\n      - \"{port}:{target}\"\n"
DOCKERFILE = "FROM python:3.12\nCOPY . .\nEXPOSE 5000\nCMD [\"flask\", \"run\"]\n"


@pytest.mark.parametrize("image, commands, expected", [
    ("redis:alpine", [], []),
    ("bitnami/redis:7", [], []),
    ("ghcr.io/acme/web:1", [], []),
    ("localhost:5000/web", [], []),
    ("shop:web", ["docker build -t shop:web ."], []),
    ("shop:web", ["docker build --tag=shop:web ."], []),
    ("shop", ["docker build -t shop ."], []),                                      # both :latest
    ("mine:v2", ["docker build -t shop:web .", "docker tag shop:web mine:v2"], []),
    ("shop:api", ["docker build -t shop:web ."],
     ["docker-compose.yml:3:12: error: service 'web' uses the image 'shop:api', which is not an official image "
      "and which no command of the slides builds; did you mean 'shop:web'?"]),
])
def test_a_compose_image_is_public_or_built(image: str, commands: list[str], expected: list[str]) -> None:
    files = lab(docker_dash_compose_dot_yml=COMPOSE.format(image=image, port=8000, target=5000), Dockerfile=DOCKERFILE)
    assert found(files, [command(c) for c in commands]) == expected


def test_a_published_port_is_one_the_image_listens_on() -> None:
    files = lab(docker_dash_compose_dot_yml=COMPOSE.format(image="shop:web", port=8000, target=8080), Dockerfile=DOCKERFILE)
    assert found(files, [command("docker build -t shop:web .")]) == [
        "docker-compose.yml:5:9: warning: service 'web' publishes container port 8080, but its image listens on 5000"]
    quiet = lab(docker_dash_compose_dot_yml=COMPOSE.format(image="shop:web", port=8000, target=8080),
                Dockerfile="FROM python:3.12\nCOPY . .\n")
    assert found(quiet, [command("docker build -t shop:web .")]) == []             # nothing plain to compare


def test_a_compose_build_folder_holds_a_dockerfile() -> None:
    files = lab(docker_dash_compose_dot_yml="services:\n  api:\n    build: ./api\n  web:\n    build:\n      context: web\n",
                web__Dockerfile=DOCKERFILE, web__app_dot_py="")
    assert found(files) == ["docker-compose.yml:3:12: error: service 'api' builds from './api', where the lab has "
                            "no Dockerfile"]


@pytest.mark.parametrize("dockerfile, expected", [
    ("FROM python\nCOPY app.py /app/\nCOPY --from=build /out /srv\nADD https://x.org/a.tgz /t\n", []),
    ("FROM python\nCOPY [\"app.py\", \"conf/*.ini\", \"/app/\"]\n", []),
    ("FROM python\nCOPY --chown=1:1 main.py /app/\n",
     ["Dockerfile:2:18: error: COPY 'main.py': the lab has no such file beside Dockerfile"]),
    ("FROM python\nRUN pip install -r requirements-dev.txt\n",
     ["Dockerfile:2:20: error: 'pip install -r requirements-dev.txt': the lab has no file 'requirements-dev.txt'"]),
    ("FROM python\nRUN pip3 install --no-cache-dir -r requirements.txt\n", []),
])
def test_a_dockerfile_copies_what_the_lab_has(dockerfile: str, expected: list[str]) -> None:
    files = lab(Dockerfile=dockerfile, app_dot_py="", requirements_dot_txt="flask\n", conf__a_dot_ini="")
    assert found(files) == expected


def test_imports_are_the_standard_library_the_labs_own_or_required() -> None:
    app = ("import os, sys\nimport yaml\nfrom flask import Flask\nimport helpers\nfrom models.user import User\n"
           "try:\n    import ujson\nexcept ImportError:\n    ujson = None\nimport requests\nfrom . import local\n")
    files = lab(app_dot_py=app, helpers_dot_py="", models__user_dot_py="", requirements_dot_txt="Flask==3.0\nPyYAML\n")
    assert found(files) == ["app.py:10:1: error: app.py imports 'requests', which the lab's requirements do not "
                            "name (add 'requests')"]
    assert found(lab(app_dot_py="import requests\n")) == []                      # no requirements file: no rule
    assert found(lab(app_dot_py="import (\n", requirements_dot_txt="")) == []   # broken: the code check says so


def test_a_service_selects_some_workloads_pods() -> None:
    deployment = ("kind: Deployment\nspec:\n  template:\n    metadata:\n      labels:\n        app: redis\n"
                  "        role: leader\n")
    good = "kind: Service\nmetadata:\n  name: redis\nspec:\n  selector:\n    app: redis\n"
    bad = "kind: Service\nmetadata:\n  name: redis\nspec:\n  selector:\n    app: redis\n    role: follower\n"
    assert found(lab(k8s__redis_dot_yaml=deployment + "---\n" + good)) == []
    assert found(lab(k8s__redis_dot_yaml=deployment, k8s__svc_dot_yaml=bad)) == [
        "k8s/svc.yaml:6:5: error: Service 'redis' selects app=redis, role=follower, which no workload's pods carry "
        "(closest: app=redis, role=leader in redis.yaml)"]
    assert found(lab(k8s__svc_dot_yaml=bad)) == []                               # no workload in the lab
