"""Layers: data flows one way, so no package imports one that imports it back.

Every import in checker/ (top-level or inside a function: a lazy import is still a dependency)
is read with ast; those under `if TYPE_CHECKING:` are type hints, never run, and are left out.
Packages are checker's sub-packages (checker.batch, checker.render …) and, for the core, the
modules directly under checker/ — except normalize.py, which is reading's second step
(`read_bytes` calls it, and it runs the reader's page cleaning again on the text it changed):
it belongs to the reading layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PKG = ROOT / "checker"
# The outer layers: the core (modules directly under checker/, and checker.read/ruleset) never
# imports them. The CLI and the service are entry points on top of everything.
OUTER = {"checker.batch", "checker.render", "checker.cli", "checker.service", "checker.servicepool"}


def _module(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _type_checking(node: ast.AST) -> bool:
    """An `if TYPE_CHECKING:` block: imports for type hints only, never run."""
    return isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _imports(path: Path) -> set[str]:
    """Modules `path` imports (absolute names; relative imports resolved)."""
    me = _module(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for block in ast.walk(tree) if _type_checking(block)
                   for stmt in block.body for n in ast.walk(stmt)}  # type: ignore[attr-defined]
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names}  # `from checker.render import audit`
    return {m for m in out if m == "checker" or m.startswith("checker.")}


LAYER_OF = {"checker.normalize": "checker.read"}


def _package(module: str) -> str:
    """checker.batch.audit → checker.batch; checker.gate → checker.gate (a core module is its own)."""
    top = ".".join(module.split(".")[:2])
    return LAYER_OF.get(top, top)


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted(PKG.rglob("*.py")):
        src = _package(_module(path))
        deps = {_package(m) for m in _imports(path)} - {src, "checker"}
        graph.setdefault(src, set()).update(d for d in deps if d.count(".") >= 1)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle between packages, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                return [*stack[stack.index(dep):], dep]
            if dep not in state and (found := visit(dep)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_graph_sees_the_known_edges() -> None:
    """The walk finds imports at all (top-level, lazy and `from pkg import module`)."""
    graph = _graph()
    assert "checker.render" in graph["checker.batch"]  # batch writes its outputs with the renderers
    assert "checker.api" in graph["checker.batch"]
    assert "checker.batch" in graph["checker.cli"]  # a lazy import inside the audit command


def test_no_import_cycle_between_packages() -> None:
    assert _cycle(_graph()) is None, " → ".join(_cycle(_graph()) or [])


def test_a_cycle_would_be_found() -> None:
    graph = {k: set(v) for k, v in _graph().items()}
    graph["checker.render"].add("checker.batch")
    assert _cycle(graph) is not None


def test_the_core_imports_no_outer_layer() -> None:
    for src, deps in _graph().items():
        if src in OUTER or src in ("checker.__main__",):
            continue
        assert not deps & OUTER, f"{src} imports {sorted(deps & OUTER)}"


def test_render_knows_nothing_of_batch() -> None:
    assert "checker.batch" not in _graph()["checker.render"]
