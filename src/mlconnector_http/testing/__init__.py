"""Building blocks for vendor simulators: routing, faults, rate windows, transports, loopback.

Public so that a new connector's simulator is written the same way as the bundled ones.
"""

from mlconnector_http._clock import FakeClock
from mlconnector_http.testing._app import RecordedRequest, Simulator, SimulatorTransport
from mlconnector_http.testing._faults import Fault, FaultInjector, FaultRule
from mlconnector_http.testing._routing import NoRoute, Router, SimRequest, json_response
from mlconnector_http.testing._windows import FixedWindow, WindowState

__all__ = [
    "FakeClock",
    "Fault",
    "FaultInjector",
    "FaultRule",
    "FixedWindow",
    "NoRoute",
    "RecordedRequest",
    "Router",
    "SimRequest",
    "Simulator",
    "SimulatorTransport",
    "WindowState",
    "json_response",
]
