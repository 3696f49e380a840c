"""`pip install .` (not `-e`) gives a working `podium` for any course folder, with everything inside the package.

The project is installed into a fresh virtual environment without the network: no build isolation, no
index, the dependencies (and pip and setuptools) found where the running Python has them. The course
is made and built in a folder outside the repository.
"""

from __future__ import annotations

import os
import re
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import ROOT

SOURCES = ("pyproject.toml", "README.md", "podium")
"""What a build of the project reads: copied, so that pip's in-tree build leaves the repository alone."""


def run(*command: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def parent_site_dirs() -> list[str]:
    """Where the running Python finds its packages (the test suite may itself run in a virtual environment)."""
    paths = sysconfig.get_paths()
    found = [paths["purelib"], paths["platlib"], *site.getsitepackages()]
    if site.ENABLE_USER_SITE:
        found.append(site.getusersitepackages())
    return [p for p in dict.fromkeys(found) if Path(p).is_dir()]


def bin_dir(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A virtual environment with Podium installed by `pip install .`: (its folder, the environment to run it in)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        setuptools = version("setuptools")
    except PackageNotFoundError:
        setuptools = "0 (none)"
    if tuple(int(n) for n in re.findall(r"\d+", setuptools)[:2]) < (70, 1):
        pytest.fail(f"setuptools {setuptools} cannot build a wheel without the network (bdist_wheel came in 70.1): "
                    "pip install -e '.[test]' installs a newer one")
    top = tmp_path_factory.mktemp("install")
    source = top / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copyfile(ROOT / name, source / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PIP_USER")}
    env |= {"PIP_NO_INPUT": "1", "PIP_CONFIG_FILE": os.devnull, "PYTHONNOUSERSITE": "1"}
    venv = top / "venv"
    made = run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=top, env=env)
    assert made.returncode == 0, made.stderr
    python = bin_dir(venv) / "python"
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=top, env=env)
    (Path(purelib.stdout.strip()) / "_podium_test_parent.pth").write_text("\n".join(parent_site_dirs()) + "\n")
    pip = run(python, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "--ignore-installed",
              "--disable-pip-version-check", "--no-cache-dir", source, cwd=top, env=env)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    env["PATH"] = str(bin_dir(venv)) + os.pathsep + env.get("PATH", "")
    return venv, env


@pytest.fixture(scope="module")
def package(installed: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of the package the virtual environment imports, asked from outside the repository."""
    venv, env = installed
    found = run(bin_dir(venv) / "python", "-c", "import podium; print(podium.__file__)",
                cwd=tmp_path_factory.mktemp("ask"), env=env)
    assert found.returncode == 0, found.stderr
    return Path(found.stdout.strip()).parent


@pytest.fixture(scope="module")
def course(installed: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`podium new course`, run in a folder outside the repository."""
    venv, env = installed
    work = tmp_path_factory.mktemp("work")
    assert not work.resolve().is_relative_to(ROOT)
    made = run(bin_dir(venv) / "podium", "new", "course", cwd=work, env=env)
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines()[-1] == "next: cd course && podium serve"
    return work / "course"


def test_the_installed_package_is_not_the_repository_and_holds_its_files(installed, package: Path) -> None:
    venv, _ = installed
    assert package.resolve().is_relative_to(venv.resolve()), package
    for folder in ("templates", "static", "static/themes", "starter", "dev"):
        assert any((package / folder).iterdir()), folder
    files = {p.relative_to(package).as_posix() for p in package.rglob("*") if "__pycache__" not in p.parts}
    ours = {p.relative_to(ROOT / "podium").as_posix() for p in (ROOT / "podium").rglob("*")
            if "__pycache__" not in p.parts}
    assert ours <= files, f"not installed: {sorted(ours - files)}"


def test_podium_builds_and_checks_a_new_course(installed, package: Path, course: Path) -> None:
    venv, env = installed
    podium = bin_dir(venv) / "podium"
    assert run(podium, "--help", cwd=course, env=env).stdout.startswith("usage: podium ")
    built = run(podium, "build", cwd=course, env=env)
    assert built.returncode == 0 and built.stderr == "", built.stderr
    assert built.stdout.startswith("built 1 session(s)")
    site_dir = course / "site"
    page = (site_dir / "01-introduction" / "index.html").read_text(encoding="utf-8")
    assert (site_dir / "index.html").is_file() and (site_dir / "static" / "podium.js").is_file()
    assert (package / "static" / "podium.css").read_text(encoding="utf-8") in page, "the runtime's CSS is inline"
    assert '<link rel="stylesheet" href="../static/course/theme.css">' in page.splitlines()
    assert (site_dir / "static" / "course" / "theme.css").is_file()
    checked = run(podium, "check", "--no-layout", cwd=course, env=env)
    assert checked.returncode == 0 and checked.stdout == "", checked.stdout
    assert checked.stderr.startswith("0 error(s), 0 warning(s)"), checked.stderr
