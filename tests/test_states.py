"""The state vocabulary (bulk_loader/states.py): each named set speaks its own Literal's words."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

from bulk_loader import states
from bulk_loader.cli.runs import runs


def test_the_run_states_tuple_is_the_run_state_literal() -> None:
    assert get_args(states.RunState) == states.RUN_STATES


def test_every_named_set_uses_only_words_of_its_literal() -> None:
    run, chunk, outcome = (set(get_args(t)) for t in (states.RunState, states.ChunkState,
                                                      states.Outcome))
    assert set(states.FINISHED_RUN_STATES) | set(states.STOP_STATES) <= run
    assert set(states.ENDED_RUN_STATES) <= run
    assert set(states.OPEN_CHUNK_STATES) == chunk
    assert {states.ALREADY, states.BUSY} | set(states.FAILED_STATES) <= outcome
    assert set(states.DONE_DELETE_STATES) | set(states.DELETABLE_STATES) <= outcome
    assert set(states.DONE_STATES) == set(states.DONE_UPLOAD_STATES) | set(
        states.DONE_DELETE_STATES)
    assert set(states.DAY_OUTCOMES) <= outcome
    assert set(get_args(states.PickedOutcome)) <= set(get_args(states.IsolatedOutcome)) <= outcome
    summary_words = outcome | {"pending"}  # the summaries count open chunks as pending
    assert set(states.UPLOAD_OUTCOMES) | set(states.DELETE_OUTCOMES) <= summary_words
    assert set(states.COUNTS_ORDER) <= outcome | chunk


def test_runs_state_option_offers_every_run_state() -> None:
    option = next(p for p in runs.params if p.name == "states")
    assert tuple(option.type.choices) == states.RUN_STATES  # type: ignore[attr-defined]


def test_records_still_to_send_are_the_pending_and_in_flight_ones() -> None:
    assert states.count_open({"pending": 2, "in_flight": 3, "accepted": 9, "busy": 4}) == 5
    assert states.count_open({"accepted": 1}) == 0


# Tuples, sets and lists of state words that are not a set of states, each with its reason,
# keyed by (module, the words in order). The simulator is left out: it speaks the vendor's words.
NOT_STATE_SETS = {
    # The period document's keys (docs/summaries.md): loads and record counts beside outcomes.
    ("bulk_loader/reports/_period.py", ("accepted", "already-present", "rejected", "invalid",
                                        "failed", "pending", "deleted", "absent")),
}
STATE_WORDS = {word for t in (states.RunState, states.ChunkState, states.Outcome)
               for word in get_args(t)}


def state_word_groups(path: Path) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(line, words) of each tuple, set or list literal (a Literal[...]'s too) of 2+ state words."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Tuple | ast.Set | ast.List):
            words = tuple(e.value for e in node.elts if isinstance(e, ast.Constant)
                          and isinstance(e.value, str) and e.value in STATE_WORDS)
            if len(words) >= 2:
                yield node.lineno, words


def test_no_module_but_states_py_writes_its_own_set_of_state_names() -> None:
    package = Path(states.__file__).parent
    found = [f"{path.relative_to(package.parent)}:{line} {words}"
             for path in sorted(package.rglob("*.py"))
             if path.name != "states.py" and "simulator" not in path.parts
             for line, words in state_word_groups(path)
             if (str(path.relative_to(package.parent)), words) not in NOT_STATE_SETS]
    assert found == []


def test_the_scan_for_state_sets_finds_one(tmp_path: Path) -> None:
    f = tmp_path / "m.py"
    f.write_text('X = ("deleted", "absent")\nY: Literal["accepted", "invalid"]\nZ = ("ok",)\n')
    assert list(state_word_groups(f)) == [(1, ("deleted", "absent")), (2, ("accepted", "invalid"))]
