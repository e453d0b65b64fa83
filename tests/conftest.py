"""Shared fixtures. Helpers append fixtures here; keep each small."""

from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402

from tests.simulator_fixture import RunningSimulator, running_simulator  # noqa: E402


@pytest.fixture
def simulator() -> Iterator[RunningSimulator]:
    """The simulator with its defaults (tests/simulator_fixture.py), on a free local port."""
    with running_simulator() as sim:
        yield sim
