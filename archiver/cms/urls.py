"""URL helpers shared by every CMS family: absolute links, same-site checks, canonical URLs.

Listings and articles on government CMSs carry session ids (`;jsessionid=…` from Hanweb's Java
servlets, `?sid=…` from legacy PHP), `javascript:` pseudo-links and links to other hosts (the
provincial portal, 政府网站找错). The crawler must follow only same-site http(s) pages and must
identify an article by a URL that does not change from one session to the next.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

# Query parameters that only carry a session: dropped from canonical URLs.
SESSION_PARAMS = frozenset(
    {"sid", "jsessionid", "phpsessid", "sessionid", "aspsessionid", "cfid", "cftoken", "sessid"}
)
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sid)=[^?#/]*", re.I)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_BAD_SCHEMES = ("javascript:", "mailto:", "file:", "data:", "tel:", "about:", "vbscript:", "ftp:")


# Pure functions called for every link of every listing page, where the same sidebar and pager
# links come back page after page: remembered (a third of listing parsing was spent here).
@lru_cache(maxsize=16384)
def canonical_url(url: str) -> str:
    """The identity of a page: lower-case scheme/host, no default port, no fragment, no session."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    path = _PATH_SESSION.sub("", parts.path) or "/"
    # Keep the raw query (its encoding is the site's), minus session parameters.
    kept = [
        pair
        for pair in parts.query.split("&")
        if pair and pair.split("=", 1)[0].lower() not in SESSION_PARAMS
    ]
    return urlunsplit((scheme, netloc, path, "&".join(kept), ""))


@lru_cache(maxsize=4096)
def _site_key(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return ("", -1)
    if port == _DEFAULT_PORTS.get(parts.scheme.lower()):
        port = None
    return ((parts.hostname or "").lower(), port)


def same_site(a: str, b: str) -> bool:
    """Same host and port (http and https on default ports count as the same site)."""
    return _site_key(a) == _site_key(b)


def absolute_link(base: str, href: str | None) -> str | None:
    """An absolute, same-site, canonical http(s) URL for `href`, or None if it must not be followed."""
    if not href:
        return None
    href = href.strip().replace("\\", "/")
    if not href or href.startswith("#"):
        return None
    low = href.lower().lstrip()
    if low.startswith(_BAD_SCHEMES):
        return None
    url = urljoin(base, href)
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return None
    if not same_site(base, url):
        return None
    return canonical_url(url)


def absolute_any(base: str, href: str | None) -> str | None:
    """An absolute http(s) URL for resources (images, attachments) that may live on a CDN host."""
    if not href:
        return None
    href = href.strip()
    low = href.lower()
    if not href or low.startswith(_BAD_SCHEMES) or href.startswith("#"):
        return None
    url = urljoin(base, href)
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return None
    return canonical_url(url)
