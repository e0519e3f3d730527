"""mlconnector_sync: flows, ledger, state backends, audit, replay, runner and CLI."""

__all__: list[str] = []
