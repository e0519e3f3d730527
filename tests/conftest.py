"""Suite-wide settings: hypothesis without per-example deadlines (CI machines vary in speed)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "mlconnector", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("mlconnector")
