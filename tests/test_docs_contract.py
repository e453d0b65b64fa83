"""The contract inside the repository: docs/contract.md stays complete, exact and reachable.

A clone must hold its own contract: every vendor message the code compares against
(bulk_loader/spec.py) is quoted verbatim in docs/contract.md, every Decision keeps its number,
every piece of code the contract names still exists, and no README or docs link leaves the
repository.
"""

from __future__ import annotations

import importlib
import re
import string
from pathlib import Path

import pytest

from bulk_loader import spec

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "docs" / "contract.md"
CONTRACT_V1 = ROOT / "docs" / "contract-campaigns-v1.md"
LINK = re.compile(r"\]\(([^)\s]+)\)")
CODE_REF = re.compile(r"`(bulk_loader/[\w/]+\.py)::([\w.]+)`")
DECISION_HEADING = re.compile(r"^### Decision (\d+)\. ", re.MULTILINE)


def vendor_messages() -> dict[str, str]:
    """Every vendor message spec.py holds: MSG_* strings, and MSG_* collections of strings."""
    found: dict[str, str] = {}
    for name, value in vars(spec).items():
        if not name.startswith("MSG_"):
            continue
        if isinstance(value, str):
            found[name] = value
        elif isinstance(value, tuple | list | frozenset | set):
            found.update({f"{name}[{i}]": v for i, v in enumerate(sorted(value))
                          if isinstance(v, str)})
    return found


def as_pattern(message: str) -> re.Pattern[str]:
    """A message with `{placeholders}` as a pattern: the fixed text verbatim, any text between."""
    parts = [re.escape(literal) + ("" if field is None else r"\S.*?")
             for literal, field, _, _ in string.Formatter().parse(message)]
    return re.compile("".join(parts))


def markdown_files() -> list[Path]:
    return sorted([*ROOT.glob("*.md"), *(ROOT / "docs").rglob("*.md")])


def test_spec_holds_the_vendor_messages_this_test_checks() -> None:
    messages = vendor_messages()
    assert messages["MSG_DUPLICATE"] == "Duplicate customer"
    assert len(messages) >= 8


@pytest.mark.parametrize("name", sorted(vendor_messages()))
def test_every_vendor_message_in_spec_appears_verbatim_in_the_contract(name: str) -> None:
    text = CONTRACT.read_text(encoding="utf-8")
    message = vendor_messages()[name]
    if message in text:
        return
    # A template may be quoted with an example in place of its {placeholders}.
    assert "{" in message and as_pattern(message).search(text), (
        f"docs/contract.md does not quote spec.{name} verbatim: {message!r}")


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_readme_and_docs_have_no_link_outside_the_repository(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "](../" not in text
    for target in LINK.findall(text):
        if target.startswith(("http://", "https://", "mailto:", "#")):
            continue
        local = (path.parent / target.split("#", 1)[0]).resolve()
        assert local.is_relative_to(ROOT), f"{path.name} links outside the repository: {target}"
        assert local.exists(), f"{path.name} links to a file that does not exist: {target}"


def test_readme_points_at_the_contracts_inside_the_repository() -> None:
    targets = LINK.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert "docs/contract.md" in targets
    assert "docs/contract-campaigns-v1.md" in targets


@pytest.mark.parametrize(("path", "count"), [(CONTRACT, 14), (CONTRACT_V1, 7)],
                         ids=["contract.md", "contract-campaigns-v1.md"])
def test_each_contract_keeps_every_decision_number_once_with_its_code(path: Path,
                                                                     count: int) -> None:
    text = path.read_text(encoding="utf-8")
    numbers = [int(n) for n in DECISION_HEADING.findall(text)]
    assert numbers == list(range(1, count + 1))
    sections = DECISION_HEADING.split(text)[1:]
    for number, body in zip(sections[::2], sections[1::2], strict=True):
        assert "Code today:" in body, f"{path.name} Decision {number} does not say where it lives"


def test_decisions_cited_in_the_code_exist_in_the_contract() -> None:
    known = {int(n) for n in DECISION_HEADING.findall(CONTRACT.read_text(encoding="utf-8"))}
    cited: set[int] = set()
    for source in (ROOT / "bulk_loader").rglob("*.py"):
        cited.update(int(n) for n in re.findall(r"Decisions? (\d+)", source.read_text("utf-8")))
    assert cited, "no Decision is cited in bulk_loader/: the pattern above is stale"
    assert cited <= known, f"cited but not in docs/contract.md: {sorted(cited - known)}"


def code_refs() -> list[tuple[str, str]]:
    found = set()
    for doc in (CONTRACT, CONTRACT_V1):
        found.update(CODE_REF.findall(doc.read_text(encoding="utf-8")))
    return sorted(found)


def test_the_contract_names_code_by_file_and_function() -> None:
    assert len(code_refs()) >= 14


@pytest.mark.parametrize(("path", "qualname"), code_refs(),
                         ids=[f"{p}::{q}" for p, q in code_refs()])
def test_code_named_in_the_contract_still_exists(path: str, qualname: str) -> None:
    assert (ROOT / path).is_file(), f"docs/contract.md names {path}, which does not exist"
    obj: object = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    for part in qualname.split("."):
        assert hasattr(obj, part), f"docs/contract.md names {path}::{qualname}: no {part}"
        obj = getattr(obj, part)


def test_files_named_in_the_contract_exist() -> None:
    text = CONTRACT.read_text(encoding="utf-8")
    named = set(re.findall(r"`(bulk_loader/[\w/]*(?:\.py)?)", text))
    assert named
    missing = sorted(p for p in named if not (ROOT / p).exists())
    assert not missing, f"docs/contract.md names files that do not exist: {missing}"
