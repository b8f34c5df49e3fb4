"""Serves one faulty, conforming or allowance variant of the reference by hand or for the kill
table.

    python -m selftest.serve_variant fault patch-replaces-object [--port 8080]
    python -m selftest.serve_variant conforming opaque-ids
    python -m selftest.serve_variant allowance select-leaves-out-id
    python -m selftest.serve_variant allowance throttles-one-in-five-uncapped --latency-ms 300
    python -m selftest.serve_variant --list

Prints `listening on http://127.0.0.1:PORT/beta` once, then serves until SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading

from positions_reference import ReferenceServer
from positions_reference.latency import add_latency_option, with_latency

from .allowance_variants import ALLOWANCES
from .conforming_variants import VARIANTS
from .faults import FAULTS

CATALOGUES = {"fault": FAULTS, "conforming": VARIANTS, "allowance": ALLOWANCES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", nargs="?", choices=sorted(CATALOGUES))
    parser.add_argument("name", nargs="?")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--list", action="store_true", help="list every variant and exit")
    add_latency_option(parser)
    args = parser.parse_args(argv)
    if args.list or not args.name:
        for kind, catalogue in CATALOGUES.items():
            for name, entry in sorted(catalogue.items()):
                allowed_by = getattr(entry, "allowed_by", "")
                print(
                    f"{kind:<11} {name:<40} {entry.description}"
                    + (f" [allowed by: {allowed_by}]" if allowed_by else "")
                )
        return 0
    entry = CATALOGUES[args.kind].get(args.name)
    if entry is None:
        print(
            f"serve_variant: no {args.kind} variant named {args.name!r}; see --list.",
            file=sys.stderr,
        )
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with ReferenceServer(with_latency(entry.make_app(), args.latency_ms), port=args.port) as server:
        print(f"listening on {server.url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is the way to stop it by hand
            stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
