"""The ``mlconnector`` command line, over the same API a user embeds.

Every reporting command takes ``--json`` and then prints exactly one JSON document on stdout
(progress and logs go to stderr). Exit codes: 0 done (holds and quarantines are not
failures), 1 some records ended failed, 2 bad usage or configuration, 3 a system could not be
reached or refused the credentials. No traceback and no secret reaches the terminal.
"""

from mlconnector_sync.cli._main import main

__all__ = ["main"]
