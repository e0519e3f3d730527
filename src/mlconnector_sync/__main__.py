"""``python -m mlconnector_sync``: the main job (for now, the demo against the simulators)."""

from __future__ import annotations

import argparse
import sys

from mlconnector_sync._demo import run_demo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mlconnector_sync", description=__doc__)
    parser.add_argument("--scale", type=int, default=1, help="multiply the seeded data volume")
    args = parser.parse_args(argv)
    report = run_demo(args.scale, echo=lambda line: print(line, file=sys.stderr))
    print(report.render())
    print(f"  done in {report.seconds:.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
