"""``python -m archiver.replica [--scale N] [--day N] [--host H] [--sites a,b]``.

Starts one HTTP server per replica site (each on a free port) and a control server, prints one
JSON line ``{"control": URL, "sites": {slug: {"base", "listing", "family", "name"}}}`` to stdout,
then serves until SIGTERM/SIGINT, or until stdin reaches EOF when stdin is a pipe (so a parent
that dies takes the server with it; a terminal or /dev/null stdin is not watched).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import stat
import sys
import threading

from archiver.replica.control import make_control_server
from archiver.replica.server import State, make_site_server
from archiver.replica.sites import DEFAULT_SCALE, SITES


def stdin_is_pipe() -> bool:
    try:
        mode = os.fstat(sys.stdin.fileno()).st_mode
    except (OSError, ValueError, AttributeError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m archiver.replica", description=__doc__.split("\n\n")[1])
    ap.add_argument("--scale", type=int, default=DEFAULT_SCALE, help="articles per site (default %(default)s)")
    ap.add_argument("--day", type=int, default=1, help="simulated day to start on (default 1)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--sites", default="", help="comma-separated slugs (default: all)")
    ap.add_argument("--port-base", type=int, default=0,
                    help="serve the sites on ports N, N+1, … when free (the demo: stable URLs); default: any free port")
    ap.add_argument("--no-stdin", action="store_true", help="never stop because stdin reached EOF")
    args = ap.parse_args(argv)
    only = [s for s in args.sites.split(",") if s] or None
    state = State(args.scale, args.day, only)
    servers = {}
    info: dict = {"sites": {}}
    for index, slug in enumerate(state.families):
        srv = make_site_server(state, slug, args.host, args.port_base + index if args.port_base else 0)
        servers[slug] = srv
        base = f"http://{args.host}:{srv.server_address[1]}"
        state.bases[slug] = base
        spec = SITES[slug]
        info["sites"][slug] = {"base": base, "listing": base + spec.listing_path, "family": spec.family,
                               "name": spec.name, "charset": spec.charset}
    control = make_control_server(state, info, args.host)
    info["control"] = f"http://{args.host}:{control.server_address[1]}"
    info["scale"], info["day"] = args.scale, args.day
    stop = threading.Event()
    for srv in [*servers.values(), control]:
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if not args.no_stdin and stdin_is_pipe():
        threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    sys.stdout.write(json.dumps({"control": info["control"], **info}, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    stop.wait()
    for srv in [*servers.values(), control]:
        threading.Thread(target=srv.shutdown, daemon=True).start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
