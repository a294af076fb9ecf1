"""Small HTTP helpers for the replica tests (urllib only: no redirects followed)."""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url: str, *, method: str = "GET", data: bytes | None = None, headers: dict | None = None,
          timeout: float = 10):
    """(status, headers, body bytes) without raising on 4xx/5xx."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with OPENER.open(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def visible(markup: str) -> str:
    """Page text with tags removed and entities decoded (scripts and styles dropped)."""
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", markup)
    return html.unescape(re.sub(r"<[^>]+>", "\n", markup))


def body_in_page(body: str, page_text: str) -> list[str]:
    """Paragraphs of a gold body missing from the page's text (tags dropped, entities decoded)."""
    flat = html.unescape(re.sub(r"<[^>]+>", "", page_text))
    return [p for p in body.split("\n") if p not in flat]
