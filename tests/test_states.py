"""The state vocabulary (bulk_loader/states.py): each named set speaks its own Literal's words."""

from __future__ import annotations

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
    summary_words = outcome | {"pending"}  # the summaries count open chunks as pending
    assert set(states.UPLOAD_OUTCOMES) | set(states.DELETE_OUTCOMES) <= summary_words


def test_runs_state_option_offers_every_run_state() -> None:
    option = next(p for p in runs.params if p.name == "states")
    assert tuple(option.type.choices) == states.RUN_STATES  # type: ignore[attr-defined]


def test_records_still_to_send_are_the_pending_and_in_flight_ones() -> None:
    assert states.count_open({"pending": 2, "in_flight": 3, "accepted": 9, "busy": 4}) == 5
    assert states.count_open({"accepted": 1}) == 0
