"""The summaries' schema: docs/summaries.md, the TypedDicts of bulk_loader.summaries, and what the
commands really print with --json, checked against one another.

The page and the types are compared both ways (every key, its type and whether it is always
there); then each command runs against the simulator and its JSON is held to the types: no key
missing, none unknown, every value of its type.
"""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from bulk_loader import summaries
from bulk_loader.cli import cli
from bulk_loader.journal import Journal
from bulk_loader.states import DELETE_OUTCOMES, UPLOAD_OUTCOMES
from tests.simulator_fixture import RunningSimulator
from tests.upload_support import env_for, valid_rows, write_csv

DOC = Path(__file__).resolve().parent.parent / "docs" / "summaries.md"
SCALARS: dict[Any, str] = {int: "integer", str: "text", bool: "boolean", float: "number"}


def typed_dicts() -> dict[str, type]:
    return {name: obj for name in summaries.__all__
            if isinstance(obj := getattr(summaries, name), type) and typing.is_typeddict(obj)}


def type_words(tp: Any) -> str:
    """A type as docs/summaries.md writes it."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        words = " or ".join(type_words(a) for a in args)
        return f"{words} or null" if len(args) < len(typing.get_args(tp)) else words
    if origin is list:
        return f"list of {type_words(typing.get_args(tp)[0])}"
    if origin is dict:
        return f"object of {type_words(typing.get_args(tp)[1])}"
    if typing.is_typeddict(tp):
        return str(tp.__name__)
    return SCALARS[tp]


def from_types() -> dict[str, list[tuple[str, str, str]]]:
    return {name: [(key, type_words(tp), "always" if key in td.__required_keys__ else "sometimes")
                   for key, tp in typing.get_type_hints(td).items()]
            for name, td in typed_dicts().items()}


def from_doc() -> dict[str, list[tuple[str, str, str]]]:
    out: dict[str, list[tuple[str, str, str]]] = {}
    for section in DOC.read_text(encoding="utf-8").split("\n### ")[1:]:
        name, _, body = section.partition("\n")
        out[name.strip()] = [(m[1], m[2].strip(), m[3].strip()) for m in re.finditer(
            r"^\| `([^`]+)` \|([^|]+)\|([^|]+)\|", body, flags=re.M)]
    return out


def test_the_documented_schema_is_the_typed_one_both_ways() -> None:
    doc, typed = from_doc(), from_types()
    assert sorted(doc) == sorted(typed)
    for name in typed:
        assert doc[name] == typed[name], name


def test_the_summaries_count_the_outcomes_the_state_vocabulary_names() -> None:
    upload = list(typing.get_type_hints(summaries.UploadCounts))
    assert upload == [*UPLOAD_OUTCOMES, "already_present"]
    assert list(typing.get_type_hints(summaries.DeleteCounts)) == list(DELETE_OUTCOMES)


def problems(value: Any, tp: Any, where: str = "$") -> list[str]:
    """Where `value` is not of `tp` (a TypedDict checked key by key), as paths."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [problems(value, a, where) for a in typing.get_args(tp)]
        return [] if any(not p for p in options) else options[0]
    if tp is type(None):
        return [] if value is None else [f"{where}: {value!r} is not null"]
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: not a list"]
        return [p for i, v in enumerate(value) for p in problems(v, typing.get_args(tp)[0],
                                                                 f"{where}[{i}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: not an object"]
        return [p for k, v in value.items() for p in problems(v, typing.get_args(tp)[1],
                                                              f"{where}.{k}")]
    if typing.is_typeddict(tp):
        if not isinstance(value, dict):
            return [f"{where}: not an object"]
        hints = typing.get_type_hints(tp)
        out = [f"{where}.{k}: missing" for k in tp.__required_keys__ if k not in value]
        out += [f"{where}.{k}: not in {tp.__name__}" for k in value if k not in hints]
        return out + [p for k, v in value.items() if k in hints
                      for p in problems(v, hints[k], f"{where}.{k}")]
    if tp is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif tp is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, tp)
    return [] if ok else [f"{where}: {value!r} is not {SCALARS.get(tp, tp)}"]


def test_the_schema_checker_finds_a_wrong_key_and_a_wrong_type() -> None:
    good = {"reason": "x", "count": 2}
    assert problems(good, summaries.ReasonCount) == []
    assert problems({"reason": "x", "count": "2"}, summaries.ReasonCount) == [
        "$.count: '2' is not integer"]
    assert problems({"reason": "x", "n": 2}, summaries.ReasonCount) == [
        "$.count: missing", "$.n: not in ReasonCount"]


def run_json(sim: RunningSimulator, *argv: str, code: int = 0) -> dict[str, Any]:
    res = CliRunner().invoke(cli, list(argv), env=env_for(sim))
    assert res.exit_code == code, res.output
    doc: dict[str, Any] = orjson.loads(res.stdout.splitlines()[0])
    return doc


@pytest.fixture
def uploaded(simulator: RunningSimulator, tmp_path: Path) -> tuple[Path, Path, dict[str, Any]]:
    rows = [*valid_rows(20), ["10O3629", "", "a typo"], ["99", "", "not in the CRM"]]
    f = write_csv(tmp_path / "c.csv", rows)
    jp = tmp_path / "j.sqlite"
    doc = run_json(simulator, "upload", str(f), "--campaign", "125", "--base-url",
                   simulator.base_url, "--journal", str(jp), "--json", code=1)
    return f, jp, doc


def test_upload_and_its_reprint_print_the_documented_keys(
        simulator: RunningSimulator, uploaded: tuple[Path, Path, dict[str, Any]]) -> None:
    f, jp, doc = uploaded
    assert problems(doc, summaries.UploadSummary) == []
    assert doc["counts"]["accepted"] == 20 and doc["counts"]["invalid"] == 1
    again = run_json(simulator, "upload", str(f), "--campaign", "125", "--base-url",
                     simulator.base_url, "--journal", str(jp), "--json", code=1)
    assert problems(again, summaries.UploadSummary) == []
    assert again["already_finished"] is True and "note" in again
    with Journal.open(jp) as j:  # the journal's summary column holds the same object
        stored = j.get_run(doc["run_id"]).summary
    assert problems(stored, summaries.UploadSummary) == []
    assert {k: v for k, v in stored.items() if k != "outputs_written"} == \
        {k: v for k, v in doc.items() if k != "outputs_written"}


def test_a_dry_run_and_validate_print_the_documented_keys(simulator: RunningSimulator,
                                                         tmp_path: Path) -> None:
    f = write_csv(tmp_path / "c.csv", [*valid_rows(5), ["x", "", "bad"]])
    dry = run_json(simulator, "upload", str(f), "--campaign", "125", "--base-url",
                   simulator.base_url, "--journal", str(tmp_path / "j.sqlite"), "--dry-run",
                   "--json", code=1)
    assert problems(dry, summaries.DryRunSummary) == []
    assert (dry["would_send"], dry["invalid"]) == (5, 1)
    checked = run_json(simulator, "validate", str(f), "--json", code=1)
    assert problems(checked, summaries.ValidateSummary) == []
    assert (checked["valid"], checked["invalid"]) == (5, 1)


def test_a_refused_command_prints_the_documented_error_keys(simulator: RunningSimulator,
                                                            tmp_path: Path) -> None:
    f = tmp_path / "empty.csv"
    f.write_text("", encoding="utf-8")
    doc = run_json(simulator, "validate", str(f), "--json", code=2)
    assert problems(doc, summaries.ErrorSummary) == []


def test_delete_and_the_reconciled_report_print_the_documented_keys(
        simulator: RunningSimulator, tmp_path: Path,
        uploaded: tuple[Path, Path, dict[str, Any]]) -> None:
    _, jp, up = uploaded
    gone = run_json(simulator, "delete", "--run", up["run_id"], "--campaign", "125",
                    "--base-url", simulator.base_url, "--journal", str(jp), "--yes", "--json")
    assert problems(gone, summaries.DeleteSummary) == []
    assert gone["counts"]["deleted"] == 20
    out = tmp_path / "r.json"
    res = CliRunner().invoke(cli, ["report", up["run_id"], "--journal", str(jp), "--reconcile",
                                   "--output", str(out)], env=env_for(simulator))
    assert res.exit_code == 0, res.output
    summary = orjson.loads(out.read_bytes())["summary"]
    assert problems(summary, summaries.RunReportSummary) == []
    assert summary["reconciliation"]["difference"] == 0
    assert summary["later_delete_runs"] == [gone["run_id"]] and summary["removed_since"] == 20
    # The text formatter still says it in words.
    assert "Runs counted (2): upload-1, delete-2" in res.output


def test_a_period_report_prints_the_documented_keys(
        simulator: RunningSimulator, tmp_path: Path,
        uploaded: tuple[Path, Path, dict[str, Any]]) -> None:
    _, jp, up = uploaded
    out = tmp_path / "period.json"
    res = CliRunner().invoke(cli, ["report", "--campaign", "125", "--since", "1d", "--journal",
                                   str(jp), "--output", str(out)], env=env_for(simulator))
    assert res.exit_code == 0, res.output
    doc = orjson.loads(out.read_bytes())
    assert problems(doc, summaries.PeriodReportDocument) == []
    assert list(doc)[-1] == "runs" and [r["run"] for r in doc["runs"]] == [up["run_id"]]
    assert doc["totals"]["this"]["accepted"] == 20
