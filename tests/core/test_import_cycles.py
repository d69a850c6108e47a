"""No import cycle among the project's modules: every import counts, those inside functions
too (they only postpone a cycle to the first call), but not those under `if TYPE_CHECKING:`,
which never run."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_PACKAGES = {"tests", "bench"}


def project_modules() -> dict[str, Path]:
    """Every module of the top-level packages (folders with an __init__.py), by dotted name."""
    modules = {}
    for package in sorted(ROOT.glob("*/__init__.py")):
        if package.parent.name in NOT_PACKAGES:
            continue
        for path in package.parent.rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def _runs(node: ast.AST) -> list[ast.AST]:
    """The nodes below `node` that run, leaving out `if TYPE_CHECKING:` blocks."""
    found = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            found += [n for orelse in child.orelse for n in [orelse, *_runs(orelse)]]
            continue
        found += [child, *_runs(child)]
    return found


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules this one imports, anywhere in its code."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in _runs(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from package import module` imports the module; `from module import name`
            # the module that holds the name.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        found.update(target for target in targets if target in modules and target != name)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

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
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def test_the_walk_sees_every_package_and_imports_inside_functions():
    graph = import_graph()
    assert {"studio", "emulator", "producer_site"} <= {name.split(".")[0] for name in graph}
    # studio.management.commands.worker imports the sweep at the top, studio.archive the
    # queueing module; an import inside a function counts as much as one at the top.
    assert "studio.jobs.sweep" in graph["studio.management.commands.worker"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle():
    assert cycles(import_graph()) == []


# The shared packages and the emulator stand on their own: the studio is built on them, never
# the other way round, so the emulator can stand in for the real API without the studio.
INDEPENDENT = ("emulator", "contract", "mediatools", "outbound", "byteranges")


def test_shared_packages_and_the_emulator_never_import_the_studio():
    graph = import_graph()
    reaching = {
        name: sorted(target for target in targets if target.split(".")[0] == "studio")
        for name, targets in graph.items()
        if name.split(".")[0] in INDEPENDENT
    }
    assert {"emulator.views", "emulator.testing", "contract.producer"} <= reaching.keys()
    assert {name: found for name, found in reaching.items() if found} == {}


# A concern folder's pages (views, urls, template tags) are its own; another concern reaches
# it only through the rest (its services and forms). Models, the SQL package and lib/ are
# shared by all.
PAGES = ("views", "urls", "templatetags")


# The concern folders: those with pages of their own.
CONCERNS = {path.parent.name for path in (ROOT / "studio").glob("*/urls.py")}


def concern_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "studio" and parts[1] in CONCERNS else None


def reaches_into_pages(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for name, targets in graph.items():
        mine = concern_of(name)
        if mine is None:
            continue
        for target in targets:
            theirs = concern_of(target)
            if theirs and theirs != mine and target.split(".")[2] in PAGES:
                found.append(f"{name} -> {target}")
    return sorted(found)


def test_concerns_reach_each_other_only_through_what_they_expose():
    assert {"library", "reviews", "shares", "projects", "workspaces", "staff"} <= CONCERNS
    assert reaches_into_pages({"studio.shares.views": {"studio.projects.views"}}) == [
        "studio.shares.views -> studio.projects.views"
    ]
    assert reaches_into_pages({"studio.shares.views": {"studio.projects.contents"}}) == []
    assert reaches_into_pages(import_graph()) == SONG_PAGE_HOSTS


# The comment form lives on the song page: a refused comment is shown on that page itself,
# drawn by the page's own view.
SONG_PAGE_HOSTS = ["studio.reviews.posting -> studio.library.views.songs"]
