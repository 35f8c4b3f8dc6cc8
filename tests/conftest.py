"""Test-suite settings: Hypothesis runs derandomised so CI is reproducible."""

from __future__ import annotations

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
