"""Test-suite settings: Hypothesis runs derandomised so CI is reproducible."""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, settings

# No deadlines: the first example pays for imports and numpy warm-up, and CI
# machines vary; speed is measured in benchmarks/, not in tests.
settings.register_profile(
    "rmatch",
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("rmatch")


@pytest.fixture
def no_extras(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make matplotlib and openpyxl unimportable, as after the README's `pip install .`."""
    for name in list(sys.modules):
        if name.split(".")[0] in ("matplotlib", "openpyxl"):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "openpyxl", None)
