"""PostgreSQL backends (the ``postgres`` extra): the state store, a rate budget shared by every
process on the database, and a token store with a cross-process refresh lock."""

from mlconnector_sync.state.postgres._budget import PostgresBudget
from mlconnector_sync.state.postgres._store import PostgresStore
from mlconnector_sync.state.postgres._tokens import PostgresTokenStore

__all__ = ["PostgresBudget", "PostgresStore", "PostgresTokenStore"]
