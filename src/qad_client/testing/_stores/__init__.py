"""One store per resource family: its records, their indexes and the rules that guard them.

Laid out as moto lays out a fake service's models: ``TenantState`` (``_state.py``) composes the
stores, the handlers speak HTTP to it. A store reaches the stores it depends on through the
references it is built with, never through ``TenantState``.
"""

__all__: list[str] = []
