"""relaxed_gc: rarer collections inside, the caller's thresholds back after (even on error)."""

import gc

import pytest

from bulk_loader.runs import THRESHOLDS, relaxed_gc


def test_thresholds_raised_inside_and_restored_after() -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        with relaxed_gc():
            assert gc.get_threshold() == THRESHOLDS
            assert gc.isenabled()
        assert gc.get_threshold() == (700, 10, 10)
        with pytest.raises(RuntimeError), relaxed_gc():
            raise RuntimeError("boom")
        assert gc.get_threshold() == (700, 10, 10)
    finally:
        gc.set_threshold(*before)


def test_never_lowers_a_higher_setting() -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(100_000, 50, 200)
        with relaxed_gc():
            assert gc.get_threshold() == (100_000, 50, 200)
    finally:
        gc.set_threshold(*before)
