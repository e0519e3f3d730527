"""``python -m mlconnector_sync``: the same program as the ``mlconnector`` console script."""

from mlconnector_sync.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
