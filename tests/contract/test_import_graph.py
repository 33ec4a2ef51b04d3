"""The package's imports run one way: no module reaches back up to one that imports it.

Every ``import`` and ``from ... import`` of an envdetect module counts, at
module level and inside functions (a lazy import is still a dependency: it
only moves the cost), read with :mod:`ast`; only the ``if TYPE_CHECKING:``
blocks, which never run, are left out.  The layers are described in
docs/development/architecture.md.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "envdetect"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node that can run: the tree minus ``if TYPE_CHECKING:`` bodies."""
    found: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        found.append(node)
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return found


def imports_of(path: Path, name: str, modules: set[str]) -> set[str]:
    """The envdetect modules ``name`` (the module at ``path``) imports at run time."""
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    targets: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                # ``from pkg import sub`` imports the submodule when there is one.
                sub = f"{base}.{alias.name}"
                targets.add(sub if sub in modules else base)
    return {target for target in targets if target in modules and target != name}


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    paths = {module_name(path, root): path for path in sorted(root.rglob("*.py"))}
    modules = set(paths)
    return {name: imports_of(path, name, modules) for name, path in paths.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module
    (Tarjan's algorithm), each printed as a path back to its start."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_path_through(graph, component) for component in components]


def _path_through(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A closed walk from the component's first module back to itself."""
    start = min(component)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        node = frontier.pop(0)
        for target in sorted(graph[node] & component):
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [start, *reversed(path[:-1]), start] if len(path) > 1 else [start, start]
            if target not in previous:
                previous[target] = node
                frontier.append(target)
    return sorted(component)  # pragma: no cover - a component always closes


def test_the_graph_covers_the_whole_package() -> None:
    graph = import_graph()
    assert {
        "envdetect",
        "envdetect._engine",
        "envdetect.detectors",
        "envdetect.telemetry",
        "envdetect.detectors.os",
        "envdetect._fingerprint",
    } <= set(graph)
    # Lazy imports count: the engine loads the plugins' worker inside _run.
    assert "envdetect._plugins" in graph["envdetect._engine"]
    # Imports that only type checkers see do not.
    assert "envdetect._views" not in graph["envdetect._engine"]


def test_no_import_cycles() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_nothing_below_the_engine_imports_it() -> None:
    graph = import_graph()
    below = [
        name
        for name in graph
        if name.startswith("envdetect.detectors")
        or name in ("envdetect._context", "envdetect._fingerprint", "envdetect._plugins")
    ]
    assert [name for name in below if "envdetect._engine" in graph[name]] == []


def test_the_cycle_finder_sees_lazy_imports_and_skips_type_checking(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg import b\n")
    (package / "b.py").write_text("def f():\n    from pkg.c import x\n")
    (package / "c.py").write_text("from . import a\n")
    (package / "d.py").write_text("TYPE_CHECKING = False\nif TYPE_CHECKING:\n    import pkg.a\n")
    graph = import_graph(package)
    assert graph["pkg.d"] == set()
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]]
