"""Lab coherence: the files of one session's lab (real files, or the blocks that stand for them)
agree with each other and with the commands its slides run.

- A Dockerfile's `COPY`/`ADD` sources exist in its build context; `pip install -r X` names a lab file.
- A Compose service's `build:` is a folder of the lab with a Dockerfile (when the lab has any
  Dockerfile); its `image:` is an
  official image, one with a namespace or registry (which cannot be known offline), or a tag
  that a command of the slides (`docker build -t`, `docker tag`) or a service with `build:` makes.
- A published container port is one the image exposes or its app listens on, when that is plain.
- The Python modules the lab imports are the standard library, the lab's own, or named in its
  requirements file (when it has one).
- A Kubernetes Service's selector matches the pod labels of some workload of the lab.

Each finding is reported once, where the wrong thing is written (rule `lab-coherence`). A file
that does not parse is left to the code checks.
"""

from __future__ import annotations

import ast
import fnmatch
import posixpath
import re
import shlex
import sys
from dataclasses import dataclass
from typing import Iterator, Sequence

from ..diagnostics import Diagnostic, did_you_mean
from ..model import SourceLocation
from .coherence_data import (ALTERNATIVE_PACKAGES, COMPOSE_NAMES, FLASK_DEFAULT_PORT, IMPORT_PACKAGES,
                             OFFICIAL_IMAGES, WORKLOADS)

RULE = "lab-coherence"
PIP_REQUIREMENTS = re.compile(r"\bpip3?\s+install\b[^&;|]*?(?:-r\s*|--requirement[=\s]+)(\S+)")
REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
LISTEN = (re.compile(r"\bport\s*=\s*(\d{2,5})"), re.compile(r"--port[=\s]+(\d{2,5})"),
          re.compile(r"(?:-b|--bind)[=\s]+\S*:(\d{2,5})"))


@dataclass(frozen=True, slots=True)
class LabText:
    """One file of a session's lab, or one command text of its slides."""

    name: str
    """Its path within the lab, posix (`app.py`, `guestbook/frontend.yaml`); empty for a command."""
    text: str
    """Its text as a student types it."""
    where: tuple[SourceLocation, ...]
    """The location of each line of the text (the file's own, or the slide's)."""

    def at(self, line: int, column: int = 1) -> SourceLocation:
        """The location of 0-based `line` at `column`."""
        if not self.where:
            return SourceLocation("<lab>", 1, column)
        place = self.where[max(0, min(line, len(self.where) - 1))]
        return SourceLocation(place.path, place.line, place.column + column - 1)


def _problem(text: LabText, line: int, column: int, message: str, severity: str = "error") -> Diagnostic:
    return Diagnostic(text.at(line, column), severity, RULE, message)  # type: ignore[arg-type]


def _is_dockerfile(name: str) -> bool:
    base = posixpath.basename(name)
    return base == "Dockerfile" or base.startswith("Dockerfile.") or base.endswith(".Dockerfile")


def _in_lab(path: str, names: set[str]) -> bool:
    """A file or folder (or a glob) of the lab."""
    path = posixpath.normpath(path).removeprefix("./")
    if path in (".", ""):
        return True
    if any(c in path for c in "*?["):
        return any(fnmatch.fnmatch(n, path) for n in names)
    return path in names or any(n.startswith(path.rstrip("/") + "/") for n in names)


# ---- Dockerfiles ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Image:
    """What a Dockerfile says of the image it builds."""

    exposed: frozenset[int]
    listens: frozenset[int]


def _dockerfile(text: LabText, names: set[str], found: list[Diagnostic]) -> _Image:
    from .dockerfile import parse_dockerfile

    context = posixpath.dirname(text.name)
    exposed: set[int] = set()
    listens: set[int] = set()
    instructions, _ = parse_dockerfile(text.text)
    for ins in instructions:
        keyword, args = ins.keyword.upper(), ins.args
        if keyword in ("COPY", "ADD"):
            try:
                words = _json_or_words(args)
            except ValueError:
                continue
            if any(w.startswith("--from") for w in words):
                continue
            sources = [w for w in words if not w.startswith("--")][:-1]
            for source in sources:
                if "://" in source or source.startswith("$"):
                    continue
                if not _in_lab(posixpath.join(context, source), names):
                    found.append(_problem(text, ins.line, ins.args_column + max(args.find(source), 0),
                                          f"{keyword} '{source}': the lab has no such file beside "
                                          f"{posixpath.basename(text.name)}"))
        elif keyword == "RUN":
            for match in PIP_REQUIREMENTS.finditer(args):
                wanted = match.group(1).strip("'\"")
                if not any(n == wanted or posixpath.basename(n) == posixpath.basename(wanted) for n in names):
                    found.append(_problem(text, ins.line, ins.args_column + match.start(1),
                                          f"'pip install -r {wanted}': the lab has no file '{wanted}'"))
        elif keyword == "EXPOSE":
            exposed.update(int(p.split("/")[0]) for p in args.split() if p.split("/")[0].isdigit())
        elif keyword in ("CMD", "ENTRYPOINT"):
            listens.update(_listening(args))
    return _Image(frozenset(exposed), frozenset(listens))


def _json_or_words(args: str) -> list[str]:
    if args.startswith("["):
        import json

        return [str(w) for w in json.loads(args)]
    return shlex.split(args)


def _listening(command: str) -> set[int]:
    ports = {int(m.group(1)) for pattern in LISTEN for m in pattern.finditer(command)}
    if not ports and re.search(r"\bflask\b.*\brun\b", command):
        ports.add(FLASK_DEFAULT_PORT)
    return ports


# ---- commands -----------------------------------------------------------------------------------

def built_tags(commands: Sequence[LabText]) -> dict[str, tuple[str, str]]:
    """Image tags the slides' commands make -> (tag, build context)."""
    tags: dict[str, tuple[str, str]] = {}
    for command in commands:
        for line in command.text.replace("\\\n", " ").split("\n"):
            line = re.sub(r"^\s*\$\s*", "", line)
            try:
                words = shlex.split(line, comments=True)
            except ValueError:
                continue
            if len(words) > 2 and words[0] in ("docker", "podman") and words[1] in ("build", "buildx"):
                rest = words[2:]
                for index, word in enumerate(rest):
                    if word in ("-t", "--tag") and index + 1 < len(rest):
                        tags[_full(rest[index + 1])] = (rest[index + 1], rest[-1])
                    elif word.startswith(("-t=", "--tag=")):
                        tags[_full(word.split("=", 1)[1])] = (word.split("=", 1)[1], rest[-1])
            elif len(words) >= 4 and words[0] == "docker" and (words[1] == "tag" or words[1:3] == ["image", "tag"]):
                tags[_full(words[-1])] = (words[-1], ".")
    return tags


def _full(image: str) -> str:
    """An image reference with its tag (`latest` when none)."""
    last = image.rsplit("/", 1)[-1]
    return image if ":" in last or "@" in last else image + ":latest"


# ---- Compose ------------------------------------------------------------------------------------

def _compose(text: LabText, names: set[str], tags: dict[str, tuple[str, str]], images: dict[str, _Image],
             found: list[Diagnostic]) -> None:
    import yaml

    try:
        root = yaml.compose(text.text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return
    services = _get(root, "services")
    if not isinstance(services, yaml.MappingNode):
        return
    folder = posixpath.dirname(text.name)
    built_here = {_full(_scalar(_get(s, "image"))) for _, s in services.value
                  if _get(s, "build") is not None and _scalar(_get(s, "image"))}
    for key, service in services.value:
        image_node, build = _get(service, "image"), _get(service, "build")
        image_info = None
        if build is not None:
            context = _scalar(build) if isinstance(build, yaml.ScalarNode) else _scalar(_get(build, "context")) or "."
            dockerfile = _scalar(_get(build, "dockerfile")) if isinstance(build, yaml.MappingNode) else None
            wanted = posixpath.normpath(posixpath.join(folder, context, dockerfile or "Dockerfile"))
            if wanted not in names and images:  # (a lab without any Dockerfile is not all there)
                mark = build.start_mark
                found.append(_problem(text, mark.line, mark.column + 1,
                                      f"service '{key.value}' builds from '{context}', where the lab has no "
                                      f"{dockerfile or 'Dockerfile'}"))
            image_info = images.get(wanted)
        elif isinstance(image_node, yaml.ScalarNode):
            image = image_node.value
            full = _full(image)
            repo = full.rsplit(":", 1)[0] if "@" not in full else full.split("@")[0]
            if "/" not in repo and repo not in OFFICIAL_IMAGES and full not in tags and full not in built_here:
                same = [t for t in tags if t.rsplit(":", 1)[0] == repo]
                hint = f"; did you mean '{tags[same[0]][0]}'?" if same else did_you_mean(image, [v[0] for v in tags.values()])
                mark = image_node.start_mark
                found.append(_problem(text, mark.line, mark.column + 1,
                                      f"service '{key.value}' uses the image '{image}', which is not an official "
                                      f"image and which no command of the slides builds{hint}"))
            elif full in tags:
                context = tags[full][1]
                image_info = images.get(posixpath.normpath(posixpath.join(context, "Dockerfile"))) or (
                    next(iter(images.values())) if len(images) == 1 else None)
        _ports(text, key.value, _get(service, "ports"), image_info, found)


def _ports(text: LabText, service: str, ports, image: _Image | None, found: list[Diagnostic]) -> None:
    import yaml

    known = (image.exposed | image.listens) if image else frozenset()
    if not known or not isinstance(ports, yaml.SequenceNode):
        return
    for entry in ports.value:
        if isinstance(entry, yaml.ScalarNode):
            container = entry.value.split("/")[0].rsplit(":", 1)[-1]
        else:
            container = _scalar(_get(entry, "target")) or ""
        if container.isdigit() and int(container) not in known:
            mark = entry.start_mark
            found.append(_problem(text, mark.line, mark.column + 1,
                                  f"service '{service}' publishes container port {container}, but its image "
                                  f"listens on {', '.join(map(str, sorted(known)))}", "warning"))


def _get(node, key: str):
    import yaml

    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def _scalar(node) -> str | None:
    import yaml

    return node.value if isinstance(node, yaml.ScalarNode) else None


# ---- Python imports -------------------------------------------------------------------------------

def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _required(files: Sequence[LabText]) -> set[str] | None:
    """The packages the lab's requirements files name; None when it has none."""
    found = None
    for text in files:
        if re.fullmatch(r"requirements[\w.-]*\.txt", posixpath.basename(text.name)):
            found = found or set()
            for line in text.text.splitlines():
                line = line.split("#", 1)[0].strip()
                if line and not line.startswith("-") and (match := REQUIREMENT_NAME.match(line)):
                    found.add(_normal(match.group()))
    return found


def _imports(tree: ast.AST) -> Iterator[tuple[str, int, int]]:
    guarded = {id(n) for t in ast.walk(tree) if isinstance(t, ast.Try)
               if any("ImportError" in ast.unparse(h.type or ast.Name("")) for h in t.handlers)
               for n in ast.walk(t)}
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno, node.col_offset
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0], node.lineno, node.col_offset


def _python(files: Sequence[LabText], found: list[Diagnostic]) -> None:
    required = _required(files)
    if required is None:
        return
    local = {posixpath.basename(t.name)[:-3] for t in files if t.name.endswith(".py")}
    local |= {part for t in files if t.name.endswith(".py") for part in t.name.split("/")[:-1]}
    for text in files:
        if not text.name.endswith(".py"):
            continue
        try:
            tree = ast.parse(text.text)
        except (SyntaxError, ValueError):
            continue
        seen = set()
        for module, line, column in _imports(tree):
            if module in seen or module in local or module in sys.stdlib_module_names or module == "__future__":
                continue
            seen.add(module)
            package = _normal(IMPORT_PACKAGES.get(module, module))
            if package in required or any(_normal(a) in required for a in ALTERNATIVE_PACKAGES.get(package, ())):
                continue
            found.append(_problem(text, line - 1, column + 1, f"{posixpath.basename(text.name)} imports '{module}', "
                                  f"which the lab's requirements do not name (add '{package}')"))


# ---- Kubernetes -----------------------------------------------------------------------------------

def _kubernetes(files: Sequence[LabText], found: list[Diagnostic]) -> None:
    import yaml

    pods: list[tuple[dict, str]] = []
    services = []
    for text in files:
        if not text.name.endswith((".yaml", ".yml")) or posixpath.basename(text.name) in COMPOSE_NAMES:
            continue
        try:
            documents = list(yaml.compose_all(text.text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
        except yaml.YAMLError:
            continue
        for doc in documents:
            kind = _scalar(_get(doc, "kind"))
            if kind in WORKLOADS:
                labels = _get(_get(_get(_get(doc, "spec"), "template"), "metadata"), "labels")
            elif kind == "Pod":
                labels = _get(_get(doc, "metadata"), "labels")
            elif kind == "Service":
                selector = _get(_get(doc, "spec"), "selector")
                if isinstance(selector, yaml.MappingNode):
                    services.append((text, _scalar(_get(_get(doc, "metadata"), "name")) or "?", selector))
                continue
            else:
                continue
            if isinstance(labels, yaml.MappingNode):
                pods.append(({k.value: _scalar(v) for k, v in labels.value}, posixpath.basename(text.name)))
    if not pods:
        return
    for text, name, selector in services:
        wanted = {k.value: _scalar(v) for k, v in selector.value}
        if any(all(labels.get(k) == v for k, v in wanted.items()) for labels, _ in pods):
            continue
        closest = max(pods, key=lambda p: sum(p[0].get(k) == v for k, v in wanted.items()))
        shown = ", ".join(f"{k}={v}" for k, v in closest[0].items())
        mark = selector.start_mark
        found.append(_problem(text, mark.line, mark.column + 1,
                              f"Service '{name}' selects {', '.join(f'{k}={v}' for k, v in wanted.items())}, which "
                              f"no workload's pods carry (closest: {shown} in {closest[1]})"))


def check_coherence(files: Sequence[LabText], commands: Sequence[LabText]) -> list[Diagnostic]:
    """Every coherence finding of one session's lab."""
    names = {t.name for t in files}
    found: list[Diagnostic] = []
    images = {posixpath.normpath(t.name): _dockerfile(t, names, found) for t in files if _is_dockerfile(t.name)}
    tags = built_tags(commands)
    for text in files:
        if posixpath.basename(text.name) in COMPOSE_NAMES:
            _compose(text, names, tags, images, found)
    _python(files, found)
    _kubernetes(files, found)
    return found
