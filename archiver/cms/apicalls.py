"""The list API calls a column page's inline scripts make, found without running them (issue #14).

`$.ajax({url: "/api/list", type: "POST", data: {channelId: cid, pageNo: 1}})`, `$.get(…)`,
`fetch("/news/list?cid=" + cid + "&page=" + page)`, `axios.get(url, {params: {…}})`,
`axios.post(url, {…})` (a JSON body), or any object with a `url:` key (layui `table.render`). The
URL and parameters are evaluated from literals, script variables, `<meta>` tags and `data-`
attributes (archiver/cms/jsexpr.py); the answer is read by archiver/cms/listapi.py.
"""

from __future__ import annotations

import re

from lxml import html

from . import jsexpr
from .listapi import OFFSET_KEYS, PAGE_KEYS, _norm, _with_query
from .model import PageRequest
from .urls import absolute_link, canonical_url

_CALL_START = re.compile(
    r"(?:\$|jQuery)\.(ajax|get|post|getJSON)\s*\(|\bfetch\s*\(|\baxios(?:\.(get|post))?\s*\(")
_URL_KEY = re.compile(r"[{,]\s*[\"']?url[\"']?\s*:")
# An API's URL or fields must look like a list, not a hit counter or a login check.
_LISTY = re.compile(r"list|page|query|search|article|news|content|data|info|column|channel|json|api|getdoc", re.I)
_NOT_LIST = re.compile(r"count\.|hits|visit|click|stat|login|captcha|weather|\.js(?:\?|$)|\.css", re.I)

def discover(url: str, doc: html.HtmlElement, code: str | None = None, *, first: int = 1) -> list[PageRequest]:
    """First-page requests of the list APIs the page's inline scripts call.

    `first`: the page to ask when the script computes it (`page = btn.data('page') + 1`): 2 when
    the HTML already shows page 1 (a "load more" button), else 1.
    """
    code = jsexpr.inline_scripts(doc) if code is None else code
    if not code:
        return []
    page = jsexpr.page_vars(doc)
    env = {**page, **jsexpr.script_vars(code, page)}
    out: list[PageRequest] = []
    for config in _configs(code):
        request = _request(url, config, env, first)
        if request is not None and all(_key(request) != _key(r) for r in out):
            out.append(request)
        if len(out) >= 4:
            break
    return out


def _key(req: PageRequest) -> tuple:
    return (req.url, req.method, tuple(sorted((req.formdata or {}).items())))


def _configs(code: str) -> list[dict[str, str]]:
    """Each call's pieces as raw expressions: url, method, data, params, dataType."""
    configs: list[dict[str, str]] = []
    for match in _CALL_START.finditer(code):
        args = _paren_args(code, match.end() - 1)
        if not args:
            continue
        verb = (match.group(1) or match.group(2) or "").lower()
        first = args[0].strip()
        if first.startswith("{"):  # $.ajax({…}), axios({…})
            configs.append({**_object(first), **({"_axios": "1"} if "axios" in match.group(0) else {})})
            continue
        config = {"url": first, "type": "'POST'" if verb == "post" else "'GET'"}
        if "axios" in match.group(0):
            config["_axios"] = "1"
        last = args[-1].strip() if len(args) > 2 else ""
        if verb in ("get", "post", "getjson") and last[:1] in "\"'" and last[-1:] == last[:1]:
            config["dataType"] = last  # $.get(url, data, success, "jsonp")
        if len(args) > 1 and args[1].strip().startswith("{"):
            options = _object(args[1].strip())
            if match.group(0).startswith("fetch") or "axios" in match.group(0):
                if "method" in options:  # fetch(url, {method: 'POST'}): the default GET gives way
                    config.pop("type")
                config.update({k: v for k, v in options.items() if k in ("method", "type", "params", "data", "body")})
                if "axios" in match.group(0) and verb == "post":
                    config["data"] = args[1].strip()
            else:
                config["data"] = args[1].strip()
        configs.append(config)
    for match in _URL_KEY.finditer(code):  # any other config object: layui, bootstrap-table, …
        start = code.rfind("{", 0, match.start() + 1)
        body = jsexpr.block(code, start) if start >= 0 else None
        if body is not None:
            configs.append(_object("{" + body + "}"))
    return configs


def _paren_args(code: str, open_at: int) -> list[str]:
    inner = jsexpr.block(code, open_at, 4000)
    return jsexpr.split_top(inner, ",") if inner is not None else []


def _object(literal: str) -> dict[str, str]:
    """`{url: a + b, type: 'POST', data: {…}}` -> {"url": "a + b", "type": "'POST'", "data": "{…}"}."""
    inner = literal.strip()[1:-1] if literal.strip().startswith("{") else ""
    out: dict[str, str] = {}
    for part in jsexpr.split_top(inner, ","):
        key, sep, value = part.partition(":")
        if sep and re.fullmatch(r"\s*[\"']?[\w$]+[\"']?\s*", key):
            out.setdefault(key.strip().strip("\"'"), value.strip())
    return out


def _request(url: str, config: dict[str, str], env: dict[str, str], first: int = 1) -> PageRequest | None:
    raw = config.get("url")
    if not raw:
        return None
    target = jsexpr.evaluate(raw, env, page_unknowns=True)
    if not target or target.startswith(("javascript:", "#")):
        return None
    method = (jsexpr.evaluate(config.get("type") or config.get("method") or "'GET'", env) or "GET").upper()
    fields: dict[str, str] = {}
    for name in ("data", "params", "where", "queryParams", "body"):
        fields.update(_data_fields(config.get(name, ""), env))
    if not _LISTY.search(target + " " + " ".join(fields)) or _NOT_LIST.search(target.split("?")[0]):
        return None
    target = target.replace(jsexpr.PAGE, str(first))
    link = absolute_link(url, target)
    if link is None or link == canonical_url(url):
        return None
    fields = {k: (str(first) if v == jsexpr.PAGE else v) for k, v in fields.items()}
    if "jsonp" in (config.get("dataType") or "").lower() and "callback=" not in link:
        fields.setdefault("callback", "callback")
    if method == "POST":
        return PageRequest(link, "POST", fields, api=True, json=_sends_json(config))
    return PageRequest(_with_query(link, fields), "GET", None, api=True)


def _sends_json(config: dict[str, str]) -> bool:
    """axios posts objects as JSON; jQuery and fetch do when told (`contentType`, JSON.stringify)."""
    body = config.get("body", "") + config.get("data", "")
    return bool(config.get("_axios")) or "JSON.stringify" in body or "json" in config.get("contentType", "").lower()


def _data_fields(value: str, env: dict[str, str]) -> dict[str, str]:
    """A request's fields: an object literal, an object variable, `JSON.stringify(…)`,
    `$.extend({…}, listParams)` / `Object.assign(…)`."""
    value = value.strip()
    if value.startswith("{"):
        return _fields(_object(value), env)
    merged = re.match(r"(?:JSON\.stringify|\$\.extend|jQuery\.extend|Object\.assign)\s*\(", value)
    if merged and value.endswith(")"):
        out: dict[str, str] = {}
        for part in jsexpr.split_top(value[merged.end():-1], ","):
            out.update(_data_fields(part, env))
        return out
    if re.fullmatch(r"[\w$.]+", value):
        return dict(jsexpr.object_members(value, env))
    return {}


def _fields(obj: dict[str, str], env: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, expr in obj.items():
        value = jsexpr.evaluate(expr, env)
        if value is None and (_norm(key) in PAGE_KEYS or _norm(key) in OFFSET_KEYS):
            value = "0" if _norm(key) in OFFSET_KEYS else jsexpr.PAGE
        if value is not None:
            out[key] = value
    return out
