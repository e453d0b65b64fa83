"""README.md documents the CLI as it is: every command, every option, every exit code.

Built on click's own view of the `bulk-loader` group, so a new command or option fails here until
the README says what it does. The rules:

- **Commands.** Every command of the group appears in the README's Commands table as
  `bulk-loader NAME`; every `bulk-loader NAME` the README writes in code (spans or blocks) is a
  command of the group.
- **Options.** Every long name (`--chunk-size`) of every visible option of every command appears as
  a whole token in a part of the README that is about that command. The README is cut into parts:
  each table row is a part of its own, about the commands it names (`bulk-loader NAME`, or a code
  span holding just `NAME`, as the "commands" column of an options table does); the rest of each
  section (the text between two headings, tables left out) is a part about the commands it shows
  in use: `bulk-loader NAME ...` in a code block, or a code span that is a usage line
  (`bulk-loader NAME --option`), not a passing mention (`bulk-loader NAME` alone). So an option
  mentioned only for another command, or only in a section about other commands, does not count.
- **Options of the group itself** (`bulk-loader --version`) appear in the Commands section.
- **Exit codes.** Every exit code the package defines (an `EXIT_*` constant, an `exit_code = N`
  class attribute, or a literal in `sys.exit(N)`, `ctx.exit(N)`, `os._exit(N)`, `SystemExit(N)`
  anywhere under bulk_loader/; N may be `128 + signal.SIGTERM`; a code computed at run time from
  other names is not seen) is a row of the README's "Exit codes" table, and every row of that
  table is a code the package defines.

A failure names the command and option (or code) and where to add it.
"""

from __future__ import annotations

import ast
import re
import signal
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from bulk_loader.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PACKAGE = ROOT / "bulk_loader"

HEADING = re.compile(r"^#{1,6} ", re.MULTILINE)
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`([^`\n]+)`")
NAMED = re.compile(r"(?<![\w/.'\"-])bulk-loader\s+([a-z][\w-]*)")
# A usage line in a span: the command with at least an option or argument after it.
USAGE_SPAN = re.compile(r"^bulk-loader\s+([a-z][\w-]*)\s+\S")


@dataclass(frozen=True)
class Part:
    where: str  # for failure messages: the section heading, and the row if a table row
    text: str
    commands: frozenset[str]


def group_commands() -> dict[str, click.Command]:
    ctx = click.Context(cli)
    found = {name: cli.get_command(ctx, name) for name in cli.list_commands(ctx)}
    assert all(found.values()), f"commands that do not load: {[n for n, c in found.items() if not c]}"
    return {name: command for name, command in found.items() if command is not None}


def long_names(command: click.Command) -> list[str]:
    names: list[str] = []
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            names += [o for o in (*param.opts, *param.secondary_opts) if o.startswith("--")]
    return names


def code_of(text: str) -> str:
    """The code in a piece of Markdown: fenced blocks and inline spans."""
    blocks = FENCE.findall(text)
    return "\n".join([*blocks, *CODE_SPAN.findall(FENCE.sub("", text))])


def named_commands(text: str) -> set[str]:
    return set(NAMED.findall(code_of(text)))


def shown_commands(text: str) -> set[str]:
    """The commands a section shows in use: in its code blocks, or in a span that is a usage line
    (`bulk-loader simulate --api both`); a passing mention (`bulk-loader validate`) is not enough."""
    spans = CODE_SPAN.findall(FENCE.sub("", text))
    return set(NAMED.findall("\n".join(FENCE.findall(text)))) | {
        m.group(1) for s in spans if (m := USAGE_SPAN.match(s))}


def sections(text: str) -> list[tuple[str, str]]:
    fences = [m.span() for m in FENCE.finditer(text)]
    starts = [m.start() for m in HEADING.finditer(text)
              if not any(a <= m.start() < b for a, b in fences)]  # a `# comment` in a code block
    bounds = zip([0, *starts], [*starts, len(text)], strict=True)
    return [(body.splitlines()[0] if body else "", body) for body in
            (text[a:b] for a, b in bounds)]


def readme_parts(commands: set[str]) -> list[Part]:
    parts: list[Part] = []
    for heading, body in sections(README.read_text(encoding="utf-8")):
        prose: list[str] = []
        for line in FENCE.sub(lambda m: m.group(0).replace("\n|", "\n "), body).splitlines():
            if not line.startswith("|"):
                prose.append(line)
                continue
            spans = set(CODE_SPAN.findall(line)) & commands
            parts.append(Part(f"{heading}, row {line[:60]!r}", line,
                              frozenset(named_commands(line) | spans)))
        rest = "\n".join(prose)
        parts.append(Part(heading, rest, frozenset(shown_commands(rest))))
    return parts


def token(option: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(option)}(?![\w-])")


COMMANDS = group_commands()
PARTS = readme_parts(set(COMMANDS))


def test_the_rules_see_the_readme_as_expected() -> None:
    """Guards the parser itself: the upload section is about upload, a table row about its own."""
    about_upload = [p for p in PARTS if "upload" in p.commands]
    assert any(p.where == "## Uploading" for p in about_upload)
    assert any("--chunk-size" in p.text for p in about_upload)
    rows = [p for p in PARTS if ", row " in p.where]
    assert rows and all(len(p.commands) <= len(COMMANDS) for p in rows)
    assert not any("validate" in p.commands for p in PARTS if p.where == "## Uploading")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_in_the_readme_commands_table(name: str) -> None:
    table = [p for p in PARTS if p.where.startswith("## Commands, row")]
    assert any(name in p.commands for p in table), (
        f"README.md: add `bulk-loader {name}` to the Commands table")


def test_every_command_the_readme_names_exists() -> None:
    named = named_commands(README.read_text(encoding="utf-8"))
    unknown = sorted(named - set(COMMANDS))
    assert not unknown, f"README.md names commands that do not exist: {unknown}"


def undocumented(name: str, command: click.Command, parts: list[Part]) -> list[str]:
    """What to tell the reader for each long option of `command` that no part about `name` holds."""
    missing: list[str] = []
    for option in long_names(command):
        pattern = token(option)
        if any(name in p.commands and pattern.search(p.text) for p in parts):
            continue
        elsewhere = sorted({p.where for p in parts if pattern.search(p.text)})
        missing.append(f"README.md does not document `bulk-loader {name} {option}`: add it to the "
                       f"section about `bulk-loader {name}` or to a table row naming `{name}`"
                       + (f" (it appears only in: {elsewhere})" if elsewhere else ""))
    return missing


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_of_every_command_is_documented(name: str) -> None:
    missing = undocumented(name, COMMANDS[name], PARTS)
    assert not missing, "\n".join(missing)


def test_every_option_of_the_group_itself_is_in_the_commands_section() -> None:
    """`bulk-loader --version` and any option put on the group come before every command."""
    commands_section = [p for p in PARTS if p.where.startswith("## Commands")]
    missing = [o for o in long_names(cli)
               if not any(token(o).search(p.text) for p in commands_section)]
    assert not missing, f"README.md: add `bulk-loader {missing[0]}` to the Commands section"


def test_an_option_documented_only_for_another_command_is_flagged() -> None:
    """The rule is strict enough: `--dry-run` is in the upload section, not in delete's."""
    delete = COMMANDS["delete"]
    extra = click.Option(["--dry-run"], is_flag=True)
    widened = click.Command("delete", params=[*delete.params, extra])
    missing = undocumented("delete", widened, PARTS)
    assert len(missing) == 1
    assert missing[0].startswith("README.md does not document `bulk-loader delete --dry-run`")
    assert "## Uploading" in missing[0]


def test_a_new_undocumented_option_is_flagged() -> None:
    upload = COMMANDS["upload"]
    extra = click.Option(["--no-such-option-yet"], is_flag=True)
    widened = click.Command("upload", params=[*upload.params, extra])
    assert undocumented("upload", widened, PARTS) == [
        "README.md does not document `bulk-loader upload --no-such-option-yet`: add it to the section "
        "about `bulk-loader upload` or to a table row naming `upload`"]


def defined_exit_codes() -> dict[int, str]:
    """Every exit code written in the package, with where (file:line) it was first seen."""
    found: dict[int, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for code in codes_in(node):
                found.setdefault(code, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def static_int(expr: ast.expr) -> int | None:
    """An int literal, or arithmetic on literals and signal numbers (`128 + signal.SIGTERM`)."""
    allowed = (ast.Expression, ast.BinOp, ast.Add, ast.Constant, ast.Attribute, ast.Name,
               ast.Load)
    for node in ast.walk(expr):
        if not isinstance(node, allowed) or (isinstance(node, ast.Name) and node.id != "signal"):
            return None
    try:
        value = eval(compile(ast.Expression(expr), "<exit code>", "eval"), {"signal": signal})
    except (AttributeError, TypeError):
        return None
    return None if isinstance(value, bool) or not isinstance(value, int) else int(value)


def codes_in(node: ast.AST) -> list[int]:
    def ints(values: list[ast.expr]) -> list[int]:
        return [code for v in values if (code := static_int(v)) is not None]

    if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if any(n.startswith("EXIT_") or n == "exit_code" for n in names):
            return ints([node.value])
    if isinstance(node, ast.Call):
        func = node.func
        callee = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if callee in ("exit", "_exit", "SystemExit"):
            return ints(node.args[:1])
    return []


def readme_exit_codes() -> set[int]:
    body = next((b for h, b in sections(README.read_text(encoding="utf-8"))
                 if h.strip() == "## Exit codes"), "")
    assert body, "README.md has no '## Exit codes' section"
    return {int(m) for m in re.findall(r"^\|\s*(\d+)\s*\|", body, re.MULTILINE)}


def test_the_exit_code_scan_finds_the_known_codes() -> None:
    assert {0, 1, 2, 3, 130} <= set(defined_exit_codes())
    sigterm = ast.parse("EXIT_TERMINATED = 128 + signal.SIGTERM").body[0]
    assert codes_in(sigterm) == [143]
    assert codes_in(ast.parse("ctx.exit(exc.exit_code)", mode="eval").body) == []
    assert codes_in(ast.parse("ctx.exit(4)", mode="eval").body) == [4]


def test_every_exit_code_the_code_defines_is_in_the_readme_table() -> None:
    missing = {c: w for c, w in defined_exit_codes().items() if c not in readme_exit_codes()}
    assert not missing, ("README.md's Exit codes table lacks: "
                         + ", ".join(f"{c} (defined at {w})" for c, w in sorted(missing.items())))


def test_every_exit_code_in_the_readme_table_is_defined() -> None:
    extra = sorted(readme_exit_codes() - set(defined_exit_codes()))
    assert not extra, f"README.md's Exit codes table lists codes the package never uses: {extra}"
