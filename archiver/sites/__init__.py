"""The site registry: per-site knowledge as data (sites.toml), loaded into frozen profiles.

Validated at load time so that a typo in the registry is a clear configuration error (exit 2),
not a crawl that silently does nothing.
"""

from __future__ import annotations

import codecs
import os
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from lxml import etree

from archiver.cms.families import FAMILY_NAMES as FAMILIES  # the one list (issue #18)
SLUG_RE = re.compile(r"^[a-z][a-z0-9_]*$")
OVERRIDE_KEYS = {"title_xpath", "body_xpath", "date_xpath", "source_xpath", "encoding",
                 "file_hosts"}  # other hosts the site's attachments live on (issue #19)


class RegistryError(ValueError):
    """The registry file is malformed: names the file, the entry and the problem."""


@dataclass(frozen=True)
class SiteProfile:
    slug: str
    name: str
    region: str
    family: str | None
    columns: tuple[str, ...]
    verified: bool = False
    overrides: Mapping[str, Any] = field(default_factory=dict)
    notes: str = ""
    render: bool = False  # listings need a browser to show their links (archiver/render.py)
    # Issue #22: an entry may know only the homepage (columns found by discovery), records where
    # its URL came from, and when a check last succeeded.
    homepage: str = ""
    source: str = ""
    verified_on: str = ""

    @property
    def host(self) -> str:
        return urlsplit(self.columns[0] if self.columns else self.homepage).netloc


def _validate(entry: dict[str, Any], where: str) -> SiteProfile:
    unknown = set(entry) - {"slug", "name", "region", "family", "columns", "verified", "overrides", "notes",
                          "render", "homepage", "source", "verified_on"}
    if unknown:
        raise RegistryError(f"{where}: unknown keys {sorted(unknown)}")
    slug = entry.get("slug")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        raise RegistryError(f"{where}: slug must be lowercase pinyin with underscores, got {slug!r}")
    for key in ("name", "region"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise RegistryError(f"{where} ({slug}): {key} is required")
    family = entry.get("family")
    if family is not None and family not in FAMILIES:
        raise RegistryError(f"{where} ({slug}): family must be one of {FAMILIES}, got {family!r}")
    homepage = entry.get("homepage", "")
    columns = entry.get("columns", [] if homepage else None)
    if not isinstance(columns, list) or not (columns or homepage):
        raise RegistryError(f"{where} ({slug}): columns must be a non-empty list of URLs (or give a homepage)")
    for key in ("source", "verified_on"):
        if not isinstance(entry.get(key, ""), str):
            raise RegistryError(f"{where} ({slug}): {key} must be a string")
    for url in columns + ([homepage] if homepage else []):
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise RegistryError(f"{where} ({slug}): column {url!r} is not an http(s) URL")
    overrides = entry.get("overrides", {})
    if not isinstance(overrides, dict) or set(overrides) - OVERRIDE_KEYS:
        raise RegistryError(f"{where} ({slug}): overrides may only set {sorted(OVERRIDE_KEYS)}")
    for key, value in overrides.items():
        problem = _override_problem(key, value)
        if problem:
            raise RegistryError(f"{where} ({slug}): overrides.{key} {problem}")
    render = entry.get("render", False)
    if not isinstance(render, bool):
        raise RegistryError(f"{where} ({slug}): render must be true or false, got {render!r}")
    return SiteProfile(
        slug=slug, name=entry["name"].strip(), region=entry["region"].strip(), family=family,
        columns=tuple(columns), verified=bool(entry.get("verified", False)),
        overrides=dict(overrides), notes=str(entry.get("notes", "")), render=render,
        homepage=homepage, source=entry.get("source", ""), verified_on=entry.get("verified_on", ""),
    )


def _override_problem(key: str, value: Any) -> str | None:
    """Why an override cannot work, checked at load time: the crawl, `extract --site` and
    `reprocess` apply them (issue #16), and a broken XPath must not fail on every page."""
    if key == "file_hosts":
        if not isinstance(value, list) or not all(isinstance(h, str) and h.strip() and "/" not in h for h in value):
            return "must be a list of host names (files.example.gov.cn)"
        return None
    if not isinstance(value, str) or not value.strip():
        return "must be a non-empty string"
    if key == "encoding":
        try:
            codecs.lookup(value.strip())
        except LookupError:
            return f"{value!r} is not an encoding Python knows"
        return None
    try:
        etree.XPath(value)
    except etree.XPathSyntaxError as exc:
        return f"{value!r} is not a valid XPath ({exc})"
    return None


def user_registry_path() -> Path:
    """The user's own registry (issue #22): `$ARCHIVER_SITES`, else
    `$XDG_CONFIG_HOME/cppcc-archiver/sites.toml` (`~/.config/…`). `sites add` writes there;
    the bundled registry is read-only."""
    if os.environ.get("ARCHIVER_SITES"):
        return Path(os.environ["ARCHIVER_SITES"]).expanduser()
    config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config) / "cppcc-archiver" / "sites.toml"


def load_registry(path: str | Path | None = None) -> dict[str, SiteProfile]:
    """The bundled registry plus the user's own (its entries win for the same slug), or only
    the file given."""
    if path is not None:
        return load_registry_file(path)
    profiles = load_registry_file(None)
    user = user_registry_path()
    if user.is_file():
        profiles.update(load_registry_file(user))
    return profiles


def load_registry_file(path: str | Path | None = None) -> dict[str, SiteProfile]:
    """Load and validate one registry file (the bundled sites.toml when `path` is None)."""
    if path is None:
        text = resources.files("archiver.sites").joinpath("sites.toml").read_text("utf-8")
        where = "archiver/sites/sites.toml"
    else:
        where = str(path)
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise RegistryError(f"{where}: {exc.strerror}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{where}: {exc}") from exc
    profiles: dict[str, SiteProfile] = {}
    for index, entry in enumerate(data.get("site", []), start=1):
        profile = _validate(entry, f"{where} [[site]] #{index}")
        if profile.slug in profiles:
            raise RegistryError(f"{where}: duplicate slug {profile.slug!r}")
        profiles[profile.slug] = profile
    return profiles


def slug_for_url(url: str, registry: Mapping[str, SiteProfile] | None = None) -> str:
    """The registered slug for a URL's host, else one derived from the host (and port)."""
    netloc = urlsplit(url).netloc.lower()
    for profile in (registry or {}).values():
        if any(urlsplit(c).netloc.lower() == netloc for c in (*profile.columns, profile.homepage) if c):
            return profile.slug
    host = netloc.removeprefix("www.")
    return "site_" + re.sub(r"[^a-z0-9]+", "_", host).strip("_")


def append_entry(path: str | Path, entry: str) -> SiteProfile:
    """Add one `[[site]]` table (TOML text) to the user's registry file, creating it; the entry
    is validated first and a slug already in the file is refused (RegistryError), so a file
    `sites add` wrote always loads."""
    path = Path(path)
    try:
        profile = _validate(tomllib.loads(entry)["site"][0], "the new entry")
    except (tomllib.TOMLDecodeError, KeyError, IndexError) as exc:
        raise RegistryError(f"the new entry is not a [[site]] table: {exc}") from exc
    existing = load_registry_file(path) if path.is_file() else {}
    if profile.slug in existing:
        raise RegistryError(f"{path}: slug {profile.slug!r} is already there (choose another with --slug, "
                            "or edit the file)")
    head = "" if path.is_file() else USER_HEADER
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(head + "\n" + entry)
    except OSError as exc:
        raise RegistryError(f"{path}: {exc.strerror}") from exc
    return profile


USER_HEADER = ("# Your own site registry (cppcc-archiver sites add writes here; see README, \"Adding a site\").\n"
               "# Entries here win over the bundled registry's entry with the same slug.\n")
