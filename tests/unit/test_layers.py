"""The layers contract (issue #18): imports only point down, and no import circles
between packages. Read from the source with ``ast`` (every ``import``, also the ones
inside functions), so it needs no extra tool and runs in CI with the unit tests.

    core (config, clock, errors, money, masking, validators, i18n, roles, logsetup)
      < reporting (the report table model and its text/CSV/XLSX writers: core only)
      < db < services < printing < demo < bench, cli, tui

- services never import printing, demo, tui or cli; printing never imports tui or cli;
- demo (``deskapp/demo/`` and ``services/demo.py``) is used only from cli/tui (and bench);
- nothing imports upward.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import deskapp

ROOT = Path(deskapp.__file__).parent

CORE = {"config", "clock", "errors", "money", "masking", "validators", "i18n", "roles",
        "logsetup", "__init__"}
RANK = {"core": 0, "reporting": 0.5, "db": 1, "services": 2, "printing": 3, "demo": 4, "bench": 5, "cli": 5,
        "tui": 5, "sitedata": 0}

# Known violations still to fix, each with who fixes it. The lead removes an entry when
# the fix is merged; a fixed violation left here fails the test (see test_no_stale_exceptions).
KNOWN: set[tuple[str, str]] = set()  # none left: services render no paper
# Circles between area packages still to untangle (function-local imports both ways):
# an arrears reminder logs a reception contact; a work order's charge posts a receipt.
KNOWN_CIRCLE_EDGES: set[tuple[str, str]] = {
    ("deskapp.services.cashier.arrears", "deskapp.services.reception.contacts"),
}


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) < 2:
        return "core"
    top = parts[1]
    if top == "services" and len(parts) > 2 and parts[2] == "demo":
        return "demo"
    if top == "__main__":
        return "cli"  # python -m deskapp: the command line
    if top in CORE:
        return "core"
    return top


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = module_name(path)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("deskapp"))
        elif isinstance(node, ast.ImportFrom):
            assert not node.level, f"{me}: relative import (the project uses absolute ones)"
            mod = node.module or ""
            if mod.startswith("deskapp"):
                found.add(mod)
                # "from deskapp.services import audit" imports the module deskapp.services.audit
                found.update(f"{mod}.{a.name}" for a in node.names
                             if (ROOT.parent / f"{mod}.{a.name}".replace(".", "/")).with_suffix(
                                 ".py").exists())
    return found


def all_edges() -> list[tuple[str, str]]:
    edges = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        src = module_name(path)
        edges.extend((src, dst) for dst in sorted(imports_of(path)))
    return edges


def upward(edges: list[tuple[str, str]]) -> set[tuple[str, str]]:
    bad = set()
    for src, dst in edges:
        a, b = layer(src), layer(dst)
        if a not in RANK or b not in RANK:
            bad.add((src, dst))
        elif RANK[b] > RANK[a] or (a != b and RANK[a] == RANK[b] == 5 and b != "bench"
                                   and a != "bench" and {a, b} != {"cli", "tui"}):
            bad.add((src, dst))
    return bad


def test_layer_of_each_module_is_known() -> None:
    unknown = sorted({layer(m) for e in all_edges() for m in e} - set(RANK))
    assert unknown == [], f"modules outside every layer: {unknown}"


def test_nothing_imports_upward() -> None:
    bad = sorted(upward(all_edges()) - KNOWN)
    assert bad == [], "imports pointing up the layers:\n" + "\n".join(
        f"  {s} ({layer(s)}) -> {d} ({layer(d)})" for s, d in bad)


def test_no_stale_exceptions() -> None:
    stale = sorted(KNOWN - upward(all_edges()))
    assert stale == [], f"fixed, remove from KNOWN: {stale}"


def test_no_import_circles_between_packages() -> None:
    """Between subpackages (deskapp.services.cashier, deskapp.printing …) the imports
    form no circle."""
    def pkg(m: str) -> str:
        if layer(m) == "demo":
            return "deskapp.demo"
        p = m.split(".")
        if (ROOT.parent / "/".join(p)).is_dir():
            return m
        return ".".join(p[:-1])

    graph: dict[str, set[str]] = {}
    for src, dst in all_edges():
        if (src, dst) in KNOWN | KNOWN_CIRCLE_EDGES:
            continue
        a, b = pkg(src), pkg(dst)
        if a != b and not b.startswith(a + ".") and not a.startswith(b + "."):
            graph.setdefault(a, set()).add(b)
    circles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                circles.append([*stack[stack.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert circles == [], f"import circles: {circles}"


@pytest.mark.parametrize("module,expected", [
    ("deskapp.money", "core"), ("deskapp.db.models.cashier", "db"),
    ("deskapp.services.cashier.close", "services"), ("deskapp.services.demo", "demo"),
    ("deskapp.demo.survey", "demo"), ("deskapp.tui.screens.survey", "tui"),
])
def test_layer_names(module: str, expected: str) -> None:
    assert layer(module) == expected
