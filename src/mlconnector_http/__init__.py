"""mlconnector_http: the shared client toolkit, with no vendor knowledge.

Operations are data (:class:`Operation`: a pure request plus a pure parser); two executors do
all I/O; retries, rate budgets, tokens, pagination and errors are written once here and used
by every vendor client.
"""

from mlconnector_http._budget import (
    InProcessBudget,
    RateBudget,
    RateLimitHeaders,
    UnlimitedBudget,
    Window,
)
from mlconnector_http._client import (
    APIClient,
    AsyncAPIClient,
    AsyncResource,
    HTTPClientT,
    SyncAPIClient,
    SyncResource,
    TransportT,
)
from mlconnector_http._clock import Clock, FakeClock, SystemClock
from mlconnector_http._config import NOT_GIVEN, ClientConfig, ErrorParser, NotGiven
from mlconnector_http._convert import (
    DecodeError,
    decode_problems,
    make_converter,
    parse_date,
    parse_datetime,
    parse_decimal,
    structure,
)
from mlconnector_http._enums import OpenIntEnum, OpenStrEnum
from mlconnector_http._events import AttemptEvent
from mlconnector_http._exceptions import (
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthError,
    ConfigurationError,
    Conflict,
    FieldError,
    NotFound,
    PaginationError,
    PermissionDenied,
    RateLimited,
    ServerError,
    TransportError,
    ValidationError,
    decode_body,
    error_class,
    error_from_response,
    field_errors_from_body,
    message_from_body,
    request_id_of,
)
from mlconnector_http._executor import AsyncExecutor, SyncExecutor
from mlconnector_http._operation import Flow, Operation, Params
from mlconnector_http._pagination import (
    MAX_EMPTY_PAGES,
    AsyncPaginator,
    Page,
    Paginator,
    Reject,
    decode_each,
    follow_next,
)
from mlconnector_http._retry import RetryPolicy, parse_retry_after
from mlconnector_http._secrets import Secret
from mlconnector_http._tokens import (
    ClientCredentials,
    MemoryTokenStore,
    StaticToken,
    Token,
    TokenFlow,
    TokenManager,
    TokenProvider,
    TokenStore,
    credential_key,
    parse_token_response,
)

__version__ = "0.1.0"

__all__ = [
    "MAX_EMPTY_PAGES",
    "NOT_GIVEN",
    "APIClient",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncAPIClient",
    "AsyncExecutor",
    "AsyncPaginator",
    "AsyncResource",
    "AttemptEvent",
    "AuthError",
    "ClientConfig",
    "ClientCredentials",
    "Clock",
    "ConfigurationError",
    "Conflict",
    "DecodeError",
    "ErrorParser",
    "FakeClock",
    "FieldError",
    "Flow",
    "HTTPClientT",
    "InProcessBudget",
    "MemoryTokenStore",
    "NotFound",
    "NotGiven",
    "OpenIntEnum",
    "OpenStrEnum",
    "Operation",
    "Page",
    "PaginationError",
    "Paginator",
    "Params",
    "PermissionDenied",
    "RateBudget",
    "RateLimitHeaders",
    "RateLimited",
    "Reject",
    "RetryPolicy",
    "Secret",
    "ServerError",
    "StaticToken",
    "SyncAPIClient",
    "SyncExecutor",
    "SyncResource",
    "SystemClock",
    "Token",
    "TokenFlow",
    "TokenManager",
    "TokenProvider",
    "TokenStore",
    "TransportError",
    "TransportT",
    "UnlimitedBudget",
    "ValidationError",
    "Window",
    "__version__",
    "credential_key",
    "decode_body",
    "decode_each",
    "decode_problems",
    "error_class",
    "error_from_response",
    "field_errors_from_body",
    "follow_next",
    "make_converter",
    "message_from_body",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
    "parse_retry_after",
    "parse_token_response",
    "request_id_of",
    "structure",
]
