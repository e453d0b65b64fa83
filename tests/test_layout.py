"""The house stays as drawn (docs/architecture.md): no import circle, no import up the layers.

Every `import` under bulk_loader/ is read with `ast` (lazy imports inside functions and
TYPE_CHECKING imports included: a circle hidden in a function is still a circle). Each module
belongs to a floor; a module may import its own floor and the floors below, never one above.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "bulk_loader"

# Bottom to top. A name is a subpackage or a top-level module; the ground floor is imported by all.
FLOORS: list[set[str]] = [
    {"", "errors", "lazy", "model", "states", "spec", "config", "endpoint", "profile_keys", "zones",
     "safe_text", "outcome", "failure", "summaries"},
    {"readers"},
    {"validation"},
    {"api"},
    {"journal"},
    {"runs"},
    {"reports"},
    {"upload"},
    {"delete"},
    {"simulator", "sample"},
    {"cli"},
    {"demo", "__main__"},
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The bulk_loader modules `name` imports (`from P import m` counts as P.m when m is a module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("bulk_loader")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            if not base.startswith("bulk_loader"):
                continue
            subs = {f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules}
            found |= subs or {base}
    return {m for m in found if m in modules}


def floor_of(name: str) -> int:
    parts = name.split(".")
    key = parts[1] if len(parts) > 1 else ""
    for level, names in enumerate(FLOORS):
        if key in names:
            return level
    raise AssertionError(f"{name} is on no floor: add it to FLOORS and to docs/architecture.md")


def import_graph() -> dict[str, set[str]]:
    """The package root is left out as an importer: it names the library's public entries from
    every floor, but imports each on first use only (its imports sit under TYPE_CHECKING, for
    mypy; test_the_package_root_imports_its_names_lazily holds it to that)."""
    modules = all_modules()
    return {name: imports_of(name, path, modules) - {name} if name != "bulk_loader" else set()
            for name, path in modules.items()}


def test_the_package_root_imports_its_names_lazily() -> None:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    eager = [ast.unparse(node) for node in tree.body
             if isinstance(node, ast.Import | ast.ImportFrom)
             and any((getattr(node, "module", None) or a.name).startswith("bulk_loader")
                     for a in node.names)]
    assert eager == []
    guarded = [node for node in tree.body if isinstance(node, ast.If)
               and ast.unparse(node.test) == "TYPE_CHECKING"]
    assert len(guarded) == 1


def test_every_module_is_on_a_floor() -> None:
    for name in import_graph():
        floor_of(name)


def test_no_module_imports_one_on_a_higher_floor() -> None:
    upward = [f"{a} (floor {floor_of(a)}) imports {b} (floor {floor_of(b)})"
              for a, targets in import_graph().items() for b in sorted(targets)
              if floor_of(b) > floor_of(a)]
    assert upward == []


def test_a_subpackage_module_imports_its_siblings_not_its_own_package() -> None:
    """Inside a subpackage, `from bulk_loader.P import x` would run P/__init__ half-way: a circle."""
    graph = import_graph()
    inward = [f"{a} imports {b}" for a, targets in graph.items() for b in sorted(targets)
              if a.startswith(b + ".") and b != "bulk_loader"]
    assert inward == []


def find_circle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle as a path, or [] (depth-first search with colours)."""
    colour: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        colour[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if colour.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in colour and (circle := visit(nxt)):
                return circle
        stack.pop()
        colour[node] = 2
        return []

    for start in sorted(graph):
        if start not in colour and (circle := visit(start)):
            return circle
    return []


def test_the_import_graph_has_no_circle() -> None:
    assert find_circle(import_graph()) == []


def test_the_circle_finder_finds_a_circle() -> None:
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_circle({"a": {"b"}, "b": set()}) == []


# reconcile's scratch database (the campaign's records, joined with the run's) is not the journal.
SQL_ELSEWHERE = {"bulk_loader.reports._reconcile"}


def test_sql_on_the_journal_lives_in_the_journal_package() -> None:
    calls = (".execute(", ".executemany(", ".executescript(")
    outside = [name for name, path in all_modules().items()
               if not name.startswith(("bulk_loader.journal", "bulk_loader.simulator"))
               and name not in SQL_ELSEWHERE
               and any(c in path.read_text(encoding="utf-8") for c in calls)]
    assert outside == []


def test_the_package_ships_its_types() -> None:
    """PEP 561: py.typed is in the package and setuptools puts it in the wheel."""
    import tomllib

    pyproject = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    assert (PACKAGE / "py.typed").is_file()
    assert "py.typed" in pyproject["tool"]["setuptools"]["package-data"]["bulk_loader"]


def subpackages() -> list[str]:
    return sorted(name for name, path in all_modules().items()
                  if path.name == "__init__.py" and "_WHERE" in path.read_text(encoding="utf-8"))


def test_every_public_name_of_a_subpackage_resolves() -> None:
    import importlib

    missing = []
    for name in subpackages():
        package = importlib.import_module(name)
        missing += [f"{name}.{n}" for n in package.__all__ if getattr(package, n, None) is None]
    assert subpackages() and missing == []


def test_names_imported_from_a_subpackage_are_in_its_all() -> None:
    """The subpackages load their names lazily, so mypy cannot see a name missing from them."""
    import importlib

    public = {name: set(importlib.import_module(name).__all__) for name in subpackages()}
    modules = all_modules()
    sources = [*modules.values(), *sorted((PACKAGE.parent / "tests").glob("*.py")),
               *sorted((PACKAGE.parent / "bench").glob("*.py"))]
    unknown = []
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in public:
                unknown += [f"{path.name}: {node.module}.{a.name}" for a in node.names
                            if a.name not in public[node.module]
                            and f"{node.module}.{a.name}" not in modules]
    assert unknown == []


def test_no_test_names_a_private_module() -> None:
    """Tests import public names and use public seams: an `_private` module may move freely."""
    private = re.compile(r"bulk_loader(?:\.\w+)*\._[a-z]\w*")
    named = [f"{p.name}: {m}" for p in sorted(PACKAGE.parent.joinpath("tests").glob("*.py"))
             if p.name != "test_layout.py"
             for m in private.findall(p.read_text(encoding="utf-8"))]
    assert named == []


def private_names_imported(source: str) -> list[str]:
    """`module.name` of each `_name` a source imports from bulk_loader (dunders are public)."""
    return [f"{node.module}.{a.name}" for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bulk_loader")
            for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]


def test_no_test_imports_a_private_name() -> None:
    """A `_name` of a public module is as private as an `_module` (test_layout.py is exempt:
    its examples below)."""
    named = [f"{p.name}: {n}" for p in sorted(PACKAGE.parent.joinpath("tests").glob("*.py"))
             if p.name != "test_layout.py"
             for n in private_names_imported(p.read_text(encoding="utf-8"))]
    assert named == []
    assert private_names_imported("from bulk_loader.cli.runs import runs, _when\n"
                                  "from bulk_loader import __version__\n"
                                  "from os import _exit\n") == ["bulk_loader.cli.runs._when"]
