"""The control server: switch days, add faults, read the access log and the gold answers.

==========================  =====================================================================
``GET  /sites``             the startup JSON (``{"control": …, "sites": {slug: {…}}}``)
``GET  /day``               ``{"day": N}``;  ``POST /day/N`` switches every site to day N
``GET  /gold?day=N&site=S`` gold records as JSON lines (default: current day, all sites);
                            ``&boilerplate=0`` skips the costly boilerplate lists
``POST /fault``             JSON rule (see faults.py) -> the stored rule; 400 on a bad mode
``GET  /faults``            active rules and options;  ``POST /faults/clear`` removes them all
``GET  /log?site=S``        access log as JSON lines;  ``POST /log/clear`` empties it
``POST /reset``             day 1, no faults, empty log, render cache dropped
``GET  /health``            ``{"ok": true, "scale": N, "day": N}``
==========================  =====================================================================
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from archiver.replica.gold import iter_gold
from archiver.replica.server import State


def jsonl(rows) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()


class ControlHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    state: State
    info: dict

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def reply(self, status: int, data: bytes | dict | list, ctype: str = "application/json") -> None:
        if not isinstance(data, bytes):
            data = json.dumps(data, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype + "; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        st = self.state
        url = urlsplit(self.path)
        q = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if url.path == "/sites":
            return self.reply(200, self.info)
        if url.path == "/day":
            return self.reply(200, {"day": st.day})
        if url.path == "/health":
            return self.reply(200, {"ok": True, "scale": st.scale, "day": st.day})
        if url.path == "/gold":
            day = int(q.get("day", st.day))
            rows = iter_gold(st.families, day, st.bases, q.get("site"), q.get("boilerplate", "1") != "0")
            return self.reply(200, jsonl(rows), "application/x-ndjson")
        if url.path == "/faults":
            return self.reply(200, st.faults.as_list())
        if url.path == "/log":
            rows = [e for e in list(st.log) if not q.get("site") or e["site"] == q["site"]]
            return self.reply(200, jsonl(rows), "application/x-ndjson")
        return self.reply(404, {"error": "unknown endpoint"})

    def do_POST(self) -> None:
        st = self.state
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = urlsplit(self.path).path
        if path.startswith("/day/"):
            try:
                day = int(path.rsplit("/", 1)[1])
                if day < 1:
                    raise ValueError
            except ValueError:
                return self.reply(400, {"error": "day must be a positive integer"})
            st.day = day
            return self.reply(200, {"day": day})
        if path == "/fault":
            try:
                rule = st.faults.add(json.loads(body or b"{}"))
            except (ValueError, TypeError) as exc:
                return self.reply(400, {"error": str(exc)})
            with st.cache_lock:
                st.cache.clear()  # html_list changes rendered pages
            return self.reply(200, rule)
        if path == "/faults/clear":
            st.faults.clear()
            with st.cache_lock:
                st.cache.clear()
            return self.reply(200, {"ok": True})
        if path == "/log/clear":
            st.log.clear()
            return self.reply(200, {"ok": True})
        if path == "/reset":
            st.day = 1
            st.faults.clear()
            st.log.clear()
            with st.cache_lock:
                st.cache.clear()
            return self.reply(200, {"ok": True})
        return self.reply(404, {"error": "unknown endpoint"})


def make_control_server(state: State, info: dict, host: str) -> ThreadingHTTPServer:
    handler = type("Control", (ControlHandler,), {"state": state, "info": info})
    server = ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    return server
