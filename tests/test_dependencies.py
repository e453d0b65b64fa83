"""Nothing is installed that nothing imports, and nothing is imported that is not declared.

Reads pyproject.toml with tomllib and the imports of bulk_loader/, bench/ and tests/ with ast
(lazy imports inside functions count). A distribution's modules come from the installed metadata
(importlib.metadata.packages_distributions: python-calamine -> python_calamine, PyYAML -> yaml),
with the normalised name (sqlite-utils -> sqlite_utils) when the distribution is not installed.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tomllib
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
EXTRAS: dict[str, list[str]] = PROJECT["optional-dependencies"]
# Imported by another dependency rather than by our code, with the check that it really is.
USED_THROUGH = {"lxml": "openpyxl (its fast XML writer, when lxml is present)"}
FIRST_PARTY = {"bulk_loader", "bench", "tests"}


def dist_name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0]


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@cache
def modules_of(dist: str) -> frozenset[str]:
    installed = {module for module, dists in packages_distributions().items()
                 if normalise(dist) in {normalise(d) for d in dists}}
    return frozenset(installed or {normalise(dist).replace("-", "_")})


def imported_modules(*folders: str, top_level_only: bool = False) -> dict[str, str]:
    """Top-level module name -> first file:line that imports it, for absolute imports.
    Code in string constants counts too. With top_level_only, only imports that run when the
    module is imported (not in a function and not under `if TYPE_CHECKING:`)."""
    found: dict[str, str] = {}
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            nodes = module_level(tree.body) if top_level_only else list(ast.walk(tree))
            for node in nodes:
                for name in import_names(node) or snippet_imports(node):
                    found.setdefault(name, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def snippet_imports(node: ast.AST) -> list[str]:
    """Imports inside a string that is Python code (bench/ runs such snippets in subprocesses)."""
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)
            and "import " in node.value):
        return []
    try:
        tree = ast.parse(node.value)
    except SyntaxError:
        return []
    return [name for inner in ast.walk(tree) for name in import_names(inner)]


def import_names(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name.split(".")[0] for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module.split(".")[0]]
    return []


def module_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements that run at import: into try/with/if blocks, but not TYPE_CHECKING ones."""
    out: list[ast.stmt] = []
    for stmt in body:
        if isinstance(stmt, ast.If) and "TYPE_CHECKING" in ast.unparse(stmt.test):
            out += module_level(stmt.orelse)
        elif isinstance(stmt, ast.If | ast.Try | ast.With):
            nested = [*stmt.body, *getattr(stmt, "orelse", []), *getattr(stmt, "finalbody", [])]
            for handler in getattr(stmt, "handlers", []):
                nested += handler.body
            out += module_level(nested)
        else:
            out.append(stmt)
    return out


def third_party(imports: dict[str, str]) -> dict[str, str]:
    return {m: w for m, w in imports.items()
            if m not in sys.stdlib_module_names and m not in FIRST_PARTY}


def declared_modules(requirements: list[str]) -> set[str]:
    return {m for r in requirements for m in modules_of(dist_name(r))}


@pytest.mark.parametrize("requirement", PROJECT["dependencies"])
def test_every_runtime_dependency_is_imported_by_the_package(requirement: str) -> None:
    dist = dist_name(requirement)
    if dist in USED_THROUGH:
        return  # checked by the test below
    imported = imported_modules("bulk_loader")
    assert modules_of(dist) & set(imported), (
        f"pyproject.toml: {dist} is a runtime dependency but nothing under bulk_loader/ imports "
        f"{sorted(modules_of(dist))}: drop it or move it to an extra")


def test_lxml_is_a_dependency_because_openpyxl_uses_it() -> None:
    import openpyxl.xml

    assert {dist_name(r) for r in PROJECT["dependencies"]} >= set(USED_THROUGH)
    assert openpyxl.xml.LXML is True


def test_every_module_the_package_imports_is_declared() -> None:
    allowed = declared_modules([*PROJECT["dependencies"], *EXTRAS["pandas"]])
    undeclared = {m: w for m, w in third_party(imported_modules("bulk_loader")).items()
                  if m not in allowed}
    assert not undeclared, f"imported under bulk_loader/ but not in pyproject.toml: {undeclared}"


def test_an_extra_is_never_imported_when_the_package_is_imported() -> None:
    """pandas is an extra: no module of bulk_loader imports it at import time."""
    optional = declared_modules(EXTRAS["pandas"]) - declared_modules(PROJECT["dependencies"])
    eager = {m: w for m, w in imported_modules("bulk_loader", top_level_only=True).items()
             if m in optional}
    assert optional and not eager, f"import these inside the function that needs them: {eager}"


def test_everything_the_bench_imports_is_installed_by_make_bench() -> None:
    allowed = declared_modules([*PROJECT["dependencies"], *EXTRAS["bench"], *EXTRAS["test"]])
    undeclared = {m: w for m, w in third_party(imported_modules("bench")).items()
                  if m not in allowed}
    assert not undeclared, f"bench/ imports what the bench and test extras lack: {undeclared}"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-e '.[test,bench]'" in makefile


def test_the_bench_extra_holds_only_what_the_bench_imports() -> None:
    imported = set(imported_modules("bench"))
    unused = [r for r in EXTRAS["bench"] if not modules_of(dist_name(r)) & imported]
    assert not unused, f"pyproject.toml's bench extra holds what bench/ never imports: {unused}"


def test_everything_the_tests_import_is_installed_by_make_test() -> None:
    allowed = declared_modules([*PROJECT["dependencies"], *EXTRAS["test"]])
    undeclared = {m: w for m, w in third_party(imported_modules("tests")).items()
                  if m not in allowed}
    assert not undeclared, f"tests/ import what the test extra lacks: {undeclared}"


def test_the_cli_and_the_library_load_without_pandas() -> None:
    """With pandas unimportable, the CLI still works and frames says which extra to install."""
    code = (
        "import sys; sys.modules['pandas'] = None\n"
        "from click.testing import CliRunner\n"
        "from bulk_loader.cli import cli\n"
        "print(CliRunner().invoke(cli, ['--version']).output.strip())\n"
        "from bulk_loader.journal import frames\n"
        "try:\n"
        "    frames.run_records('journal.sqlite', 'upload-1')\n"
        "except frames.ExtraNotInstalled as exc:\n"
        "    print(isinstance(exc, ImportError), exc)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "bulk-loader, version 0.1.0",
        "True bulk_loader.journal.frames needs pandas, which is not installed: "
        "pip install 'bulk-loader[pandas]'",
    ]
