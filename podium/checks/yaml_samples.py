"""YAML samples, and the two YAML formats a container course shows: Compose files and manifests.

The checks walk the composed node graph, so each problem points at the line of the offending
key or value rather than at the whole document.
"""

from __future__ import annotations

import logging
import re
from typing import Iterable, Iterator

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..diagnostics import did_you_mean
from .sample_problem import SampleProblem, error, last_line, warning

log = logging.getLogger(__name__)

SERVICE_REFERENCES = ("depends_on", "links", "extends", "volumes_from", "network_mode")
"""Service settings that name other services."""

KINDS_WITHOUT_NAME = frozenset({"List", "Kustomization", "Component"})
"""Manifest kinds that need no `metadata.name`."""

_MERGE_TAG = "tag:yaml.org,2002:merge"
_VOLUME_NAME = re.compile(r"[A-Za-z0-9][\w.-]*")
Entries = dict[str, tuple[Node, Node]]


class _DuplicateKeys:
    """Loader part that records duplicate keys (and accepts any tag)."""

    duplicates: list[SampleProblem]

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict:
        seen: set[tuple[str, str]] = set()
        for key_node, _value in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            key = (key_node.tag, key_node.value)
            if key in seen:
                mark = key_node.start_mark
                self.duplicates.append(error(
                    mark.line, mark.column + 1, "yaml-duplicate-key",
                    f"duplicate key '{key_node.value}' in this mapping; "
                    "the later value silently replaces the earlier one"))
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


class _Loader(_DuplicateKeys, yaml.SafeLoader):
    """PyYAML's own loader: its error messages are the ones reported."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates = []


_C_LOADER = getattr(yaml, "CSafeLoader", None)


class _FastLoader(_DuplicateKeys, _C_LOADER or yaml.SafeLoader):  # type: ignore[misc]
    """libyaml's parser, when PyYAML has it: used first, since most samples are valid."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates = []


def _any_tag(loader: yaml.SafeLoader, node: Node) -> object:
    if isinstance(node, MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)


for _class in (_Loader, _FastLoader):
    _class.add_constructor(None, _any_tag)
    _class.add_constructor("tag:yaml.org,2002:timestamp", _class.construct_scalar)


def load_yaml(code: str) -> tuple[list[SampleProblem], list[Node]]:
    """Syntax problems and duplicate keys, and the root node of every document that parsed.

    libyaml reads the sample first; when it finds a syntax error the sample is read again by
    PyYAML's own parser, whose messages and positions are the ones reported.
    """
    if _C_LOADER is not None:
        try:
            return _load(_FastLoader, code, fast=True)
        except (yaml.YAMLError, ValueError):
            pass  # read again below: PyYAML words the problem and places it
    return _load(_Loader, code, fast=False)


def _load(loader_class: type, code: str, fast: bool) -> tuple[list[SampleProblem], list[Node]]:
    loader = None
    nodes: list[Node] = []
    problems: list[SampleProblem] = []
    try:
        loader = loader_class(code)  # the reader refuses a control character here already
        while loader.check_node():
            node = loader.get_node()
            nodes.append(node)
            loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        if fast:
            raise
        mark = exc.problem_mark or exc.context_mark
        reason = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        line, column = (mark.line, mark.column + 1) if mark else (0, 1)
        if line > last_line(code):  # the end of the block: point after its last character
            line = last_line(code)
            column = len(code.split("\n")[line]) + 1
        problems.append(error(line, column, "yaml-syntax", f"YAML syntax error: {reason}"))
    except yaml.reader.ReaderError as exc:
        if fast:
            raise
        line = code.count("\n", 0, exc.position)
        column = exc.position - (code.rfind("\n", 0, exc.position) + 1) + 1
        problems.append(error(line, column, "yaml-syntax",
                              f"YAML cannot contain the character U+{exc.character:04X}"))
    finally:
        if loader is not None:
            loader.dispose()
    return (loader.duplicates if loader is not None else []) + problems, nodes


def _rename(wanted: str, keys: Iterable[str]) -> str:
    """`; rename 'x' to 'wanted'` when a present key looks like a misspelling of it."""
    import difflib

    close = difflib.get_close_matches(wanted, list(keys), n=1, cutoff=0.6)
    return f"; rename '{close[0]}' to '{wanted}'" if close else ""


def check_yaml(code: str) -> list[SampleProblem]:
    """Problems in a YAML sample: syntax errors and duplicate keys."""
    return load_yaml(code)[0]


def _entries(node: Node | None) -> Entries:
    """The scalar keys of a mapping node, each with its key and value nodes."""
    if not isinstance(node, MappingNode):
        return {}
    return {key.value: (key, value) for key, value in node.value if isinstance(key, ScalarNode)}


def _names(node: Node | None) -> Iterator[ScalarNode]:
    """Scalar items of a sequence, or the keys of a mapping."""
    if isinstance(node, SequenceNode):
        yield from (item for item in node.value if isinstance(item, ScalarNode))
    elif isinstance(node, MappingNode):
        yield from (key for key, _ in node.value if isinstance(key, ScalarNode))


def _at(node: Node, rule: str, message: str) -> SampleProblem:
    return error(node.start_mark.line, node.start_mark.column + 1, rule, message)


def _service_refs(setting: str, value: Node | None) -> Iterator[tuple[ScalarNode, str]]:
    """(node, service name) for each service a setting refers to."""
    if setting in ("depends_on", "links", "volumes_from"):
        for item in _names(value):
            name = item.value.split(":", 1)[0] if setting == "links" else item.value
            if setting == "volumes_from":
                if name.startswith("container:"):
                    continue
                name = name.removeprefix("service:").split(":", 1)[0]
            yield item, name
    elif setting == "extends":
        if isinstance(value, ScalarNode):
            yield value, value.value
        elif "file" not in _entries(value) and "service" in _entries(value):
            target = _entries(value)["service"][1]
            if isinstance(target, ScalarNode):
                yield target, target.value
    elif setting == "network_mode" and isinstance(value, ScalarNode):
        if value.value.startswith("service:"):
            yield value, value.value.removeprefix("service:")


def _volume_refs(value: Node | None) -> Iterator[tuple[Node, str]]:
    """(node, volume name) for each named volume a service mounts."""
    if not isinstance(value, SequenceNode):
        return
    for item in value.value:
        if isinstance(item, ScalarNode):
            parts = item.value.split(":")
            if len(parts) > 1 and not (len(parts[0]) == 1 and parts[1][:1] in "\\/"):
                if _VOLUME_NAME.fullmatch(parts[0]):
                    yield item, parts[0]
        elif isinstance(item, MappingNode):
            entries = _entries(item)
            kind = entries.get("type", (None, None))[1]
            source = entries.get("source", (None, None))[1]
            if (isinstance(kind, ScalarNode) and kind.value == "volume"
                    and isinstance(source, ScalarNode)):
                yield source, source.value


def _check_service(name: str, key: Node, service: Node, top: Entries,
                   services: Entries) -> list[SampleProblem]:
    if not isinstance(service, MappingNode):
        return [_at(key, "compose-service", f"service '{name}' must be a mapping of settings")]
    settings = _entries(service)
    problems: list[SampleProblem] = []
    if not {"image", "build", "extends"} & settings.keys():
        problems.append(_at(key, "compose-service",
                            f"service '{name}' needs an 'image' or a 'build' setting"))
    for setting in SERVICE_REFERENCES:
        for node, ref in _service_refs(setting, settings.get(setting, (None, None))[1]):
            if ref not in services:
                problems.append(_at(node, "compose-reference",
                                    f"service '{name}' refers to '{ref}' in {setting}, which is "
                                    f"not defined under 'services'{did_you_mean(ref, services)}"))
    declared = _entries(top.get("networks", (None, None))[1])
    for node in _names(settings.get("networks", (None, None))[1]):
        if node.value != "default" and node.value not in declared:
            problems.append(_at(node, "compose-reference",
                                f"service '{name}' uses network '{node.value}', which is not "
                                f"declared under the top-level 'networks'"
                                f"{did_you_mean(node.value, declared)}"))
    declared = _entries(top.get("volumes", (None, None))[1])
    for node, volume in _volume_refs(settings.get("volumes", (None, None))[1]):
        if volume not in declared:
            problems.append(_at(node, "compose-reference",
                                f"service '{name}' mounts volume '{volume}', which is not "
                                f"declared under the top-level 'volumes'"
                                f"{did_you_mean(volume, declared)}"))
    return problems


def check_compose(code: str) -> list[SampleProblem]:
    """Problems in a Compose file: YAML, the `services` mapping, references between entries."""
    problems, nodes = load_yaml(code)
    if any(problem.rule == "yaml-syntax" for problem in problems):
        return problems
    root = next((node for node in nodes if isinstance(node, MappingNode)), None)
    if root is None:
        message = "a Compose file must be a mapping with a top-level 'services' key"
        return problems + [error(0, 1, "compose-services", message)]
    top = _entries(root)
    if "services" not in top:
        return problems + [_at(root, "compose-services", "the Compose file has no top-level "
                               f"'services' key{_rename('services', top)}")]
    key, value = top["services"]
    services = _entries(value)
    if not services:
        return problems + [_at(key, "compose-services",
                               "'services' must map each service name to its settings")]
    for name, (name_node, service) in services.items():
        problems += _check_service(name, name_node, service, top, services)
    return problems


def check_kubernetes(code: str) -> list[SampleProblem]:
    """Problems in Kubernetes manifests: YAML, then `apiVersion`, `kind` and `metadata.name`."""
    problems, nodes = load_yaml(code)
    if any(problem.rule == "yaml-syntax" for problem in problems):
        return problems
    for node in nodes:
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            continue  # an empty document
        if not isinstance(node, MappingNode):
            problems.append(_at(node, "k8s-manifest",
                                "a manifest must be a mapping with 'apiVersion' and 'kind'"))
            continue
        entries = _entries(node)
        for required in ("apiVersion", "kind"):
            if required not in entries:
                problems.append(_at(node, "k8s-manifest", f"the manifest has no '{required}'"
                                    f"{_rename(required, entries)}"))
        kind = entries.get("kind", (None, None))[1]
        if isinstance(kind, ScalarNode) and kind.value in KINDS_WITHOUT_NAME:
            continue
        metadata = entries.get("metadata")
        if not {"name", "generateName"} & _entries(metadata[1] if metadata else None).keys():
            problems.append(warning(
                (metadata[0] if metadata else node).start_mark.line, 1, "k8s-manifest",
                "the manifest has no metadata.name"))
    return problems
