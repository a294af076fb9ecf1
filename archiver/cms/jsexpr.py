"""Reading the little JavaScript that pagers and list APIs are made of, without running it.

Issue #14: many column pages name their next pages or their list API only in script —
`onclick="location.href='list_5_'+2+'.html'"`, `href="javascript:goPage(3)"` with
`function goPage(n){ window.location = "?page=" + n; }`, `$.ajax({url: "/api/list?cid=" + cid})`.
What is read here is string concatenation of literals and known variables (`var cid = "12"`,
`<meta name="channelId">`, `data-` attributes); anything else makes the expression unknown
(None), never a guess. A page-like unknown (`n`, `obj.curr`, `pageNo`) can be bound to
`PAGE`, a marker later replaced by each page number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import html

PAGE = "\x00PAGE\x00"  # stands for the page number in a URL template

# `function goPage(n) {` or `var goPage = function(n) {`: the name, then the parameters.
_PARAMS = r"\s*\(([^)]*)\)\s*\{"
_FUNC = re.compile(rf"function\s+(\w+){_PARAMS}|(?:var\s+|window\.)?(\w+)\s*=\s*function{_PARAMS}")
_VAR = re.compile(
    r"(?:\bvar|\blet|\bconst|[;{,\n])\s*(\w+)\s*=\s*(\"[^\"\n]*\"|'[^'\n]*'|-?\d+)\s*(?=[;,\n}]|$)")
_LOCATION = re.compile(
    r"(?:(?:window|self|top|parent|document)\.)?location(?:\.href)?\s*=(?!=)\s*([^;\n}]+)"
    r"|location\.(?:replace|assign)\(\s*([^;\n]+?)\)\s*(?:;|$|\n|})"
    r"|window\.open\(\s*([^,;\n)]+)"
)
_CALL = re.compile(r"(?<![\w.$])([A-Za-z_$][\w$]*)\s*\(([^()]*)\)")
# Identifiers that stand for "the page number" in a pager's code.
_PAGE_NAME = re.compile(
    r"^(?:\w+\.)?(?:p|n|i|pg|pn|page\w*|cur\w*|pageno|pagenum|pageindex|num|index|no|go\w*)$", re.I)
_SELECTED = re.compile(r"this\.options\[\s*this\.selectedIndex\s*\]\.value|this\.value|\$\(this\)\.val\(\)")
OPTION = "__option__"  # the chosen option of a <select> jump menu
MAX_SCRIPT = 400_000  # characters of inline script read per page (bounds pathological pages)


def inline_scripts(doc: html.HtmlElement) -> str:
    """The page's inline script text (external scripts are not fetched)."""
    parts: list[str] = []
    size = 0
    for script in doc.iter("script"):
        if script.get("src") or (script.get("type") or "").lower() in ("text/xml", "text/template"):
            continue
        code = script.text or ""
        parts.append(code)
        size += len(code)
        if size > MAX_SCRIPT:
            break
    return "\n".join(parts)[:MAX_SCRIPT]


_OBJECT_VAR = re.compile(r"(?:\bvar|\blet|\bconst|window\.)\s*(\w+)\s*=\s*\{")
_PAIR = re.compile(
    r"""["']?([\w$]+)["']?\s*:\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|-?\d+)\s*(?=[,}\n]|$)""")


# `var cid = $('meta[name=cid]').attr('content');`: the whole right-hand side is one read.
_READ_VAR = re.compile(
    r"""(?:\bvar|\blet|\bconst|,)\s*(\w+)\s*=\s*([^;\n]*?(?:\.data|\.attr|getAttribute)\(\s*["'][^"']*["']\s*\)"""
    r"""(?:\s*,\s*\d+\s*\))?)"""
    r"""\s*(?=;|\n|,\s*\w+\s*=)""")


def script_vars(code: str, page: dict[str, str] | None = None) -> dict[str, str]:
    """`var cid = "12"; pageSize = 10` -> {"cid": "12", "pageSize": "10"} (first wins); the flat
    literal members of object variables too (`var cfg = {"ajaxurl": "\\/x.php"}` -> `cfg.ajaxurl`,
    WordPress' `wp_localize_script`)."""
    found: dict[str, str] = {}
    for match in _VAR.finditer(code):
        found.setdefault(match.group(1), _literal(match.group(2)))
        if match.group(2)[0] not in "\"'" and found[match.group(1)] == match.group(2):
            found.setdefault(NUMBER + match.group(1), "1")
    for match in _READ_VAR.finditer(code) if page else ():  # var cid = $('meta[name=cid]').attr('content')
        value, _ = _term(match.group(2), page, False)  # `parseInt(x.getAttribute('data-id'), 10)` too
        if value is not None:
            found.setdefault(match.group(1), str(value))
            if isinstance(value, int):
                found.setdefault(NUMBER + match.group(1), "1")
    for match in _OBJECT_VAR.finditer(code):
        body = block(code, match.end() - 1)
        for pair in _PAIR.finditer(body or ""):
            found.setdefault(f"{match.group(1)}.{pair.group(1)}", _literal(pair.group(2)))
    return found


def object_members(name: str, env: dict[str, str]) -> dict[str, str]:
    """The members of a script object variable read by script_vars (`listParams` -> {count: 6})."""
    prefix = name + "."
    return {k[len(prefix):]: v for k, v in env.items() if k.startswith(prefix)}


PAGE_VALUE = "@page:"  # env keys of values read from the page, never bare script identifiers


def page_vars(doc: html.HtmlElement) -> dict[str, str]:
    """Values a script may read from the page: `<meta name=… content=…>` and `data-*` attributes
    (`data-channel-id` is also `channelId`, as jQuery's `.data()` names it). Keyed PAGE_VALUE +
    name: only a read (`$(…).data('cat')`, `getAttribute('content')`) gets them."""
    found: dict[str, str] = {}
    for meta in doc.iter("meta"):
        name, content = meta.get("name"), meta.get("content")
        if name and content is not None and len(content) < 200:
            found.setdefault(name, content)
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for key, value in el.attrib.items():
            if key.startswith("data-") and len(value) < 200:
                name = key[5:]
                found.setdefault(name, value)
                found.setdefault(re.sub(r"-(\w)", lambda m: m.group(1).upper(), name), value)
    return {PAGE_VALUE + k: v for k, v in found.items()}


def _literal(token: str) -> str:
    token = token.strip()
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "\"'`":
        return token[1:-1].replace("\\/", "/").replace("\\'", "'").replace('\\"', '"')
    return token


def _scan(code: str, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, str, int]]:
    """(index, character, bracket depth) of the code outside string literals."""
    depth, quote = 0, ""
    for i in range(start, len(code) if stop is None else min(stop, len(code))):
        ch = code[i]
        if quote:
            if ch == quote and code[i - 1] != "\\":
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch in "([{":
            depth += 1
            yield i, ch, depth
        elif ch in ")]}":
            depth -= 1
            yield i, ch, depth
        else:
            yield i, ch, depth


def split_top(expr: str, sep: str) -> list[str]:
    """Split on `sep` outside quotes and brackets."""
    out, start = [], 0
    for i, ch, depth in _scan(expr):
        if ch == sep and depth == 0:
            out.append(expr[start:i])
            start = i + 1
    out.append(expr[start:])
    return out


def block(code: str, open_at: int, limit: int = 5000) -> str | None:
    """The text inside the bracket at `open_at` up to its match (quotes respected), or None."""
    for i, ch, depth in _scan(code, open_at, open_at + limit):
        if depth == 0 and ch in ")]}":
            return code[open_at + 1:i]
    return None


_WRAPPER = re.compile(r"(?:encodeURI(?:Component)?|escape|String|parseInt|Number)\((.*)\)", re.S)


NUMBER = "@num:"  # env keys marking a script variable assigned a number (`var pageNo = 1`)


def evaluate(expr: str, env: dict[str, str], *, page_unknowns: bool = False) -> str | None:
    """The string a `"a" + b + 'c'` expression builds, or None when a part is unknown.

    `+` and `-` follow JavaScript, left to right: two numbers add (`pageNo + 1` is 2 when `var
    pageNo = 1`), a string makes the rest concatenation. With `page_unknowns`, exactly one
    unknown page-like identifier becomes PAGE (never in arithmetic: `n + 1` stays unknown).
    """
    value, _ = _evaluate(_SELECTED.sub(OPTION, expr.strip().rstrip(";")), env, page_unknowns)
    return None if value is None else str(value)


def _evaluate(expr: str, env: dict[str, str], page_unknowns: bool) -> tuple[str | int | None, bool]:
    """evaluate() keeping JavaScript's type of the result (int or str) and whether PAGE is in it."""
    acc: str | int | None = None
    paged = False
    for sign, token in _terms(expr):
        value, paged_here = _term(token, env, page_unknowns and not paged)
        if value is None:
            return None, False
        paged = paged or paged_here
        if acc is None:
            acc = -value if sign == "-" and isinstance(value, int) else value
            if sign == "-" and not isinstance(value, int):
                return None, False
        elif isinstance(acc, int) and isinstance(value, int):
            acc = acc + value if sign == "+" else acc - value
        elif sign == "+" and not (acc == PAGE and isinstance(value, int) or value == PAGE and isinstance(acc, int)):
            acc = f"{acc}{value}"
        else:
            return None, False  # a string minus something, or arithmetic on the page number
    return acc, paged


def _terms(expr: str) -> list[tuple[str, str]]:
    """`a + b - 1` -> [("+", "a"), ("+", "b"), ("-", "1")], split outside quotes and brackets."""
    out, start, sign = [], 0, "+"
    for i, ch, depth in _scan(expr):
        if ch in "+-" and depth == 0:
            if expr[start:i].strip() or ch == "+":
                out.append((sign, expr[start:i]))
                sign = ch
            else:  # a leading minus: a negative number
                sign = "-" if sign == "+" else "+"
            start = i + 1
    out.append((sign, expr[start:]))
    return out


def _term(token: str, env: dict[str, str], page_unknowns: bool) -> tuple[str | int | None, bool]:
    """One operand: (its value, a number when JavaScript would hold one; whether it is PAGE)."""
    token = token.strip()
    while token.startswith("(") and token.endswith(")") and block(token, 0) == token[1:-1]:
        token = token[1:-1].strip()
    if len(_terms(token)) > 1:  # a parenthesised sum: `(pageNo + 1)`
        return _evaluate(token, env, page_unknowns)
    wrapped = _WRAPPER.fullmatch(token)
    if wrapped:
        numeric = token.startswith(("parseInt", "Number"))
        inner, paged = _evaluate(split_top(wrapped.group(1), ",")[0] if numeric else wrapped.group(1), env,
                                 page_unknowns)
        if inner is None:
            return None, False
        if numeric and re.fullmatch(r"-?\d+", str(inner)):
            return int(inner), False
        return str(inner), paged
    if not token:
        return None, False
    read = _page_value(token, env)
    if read is not None:  # jQuery's .data() answers numbers for numeric attributes
        return (int(read) if ".data(" in token and re.fullmatch(r"-?\d{1,15}", read) else read), False
    if token[0] in "\"'`":
        return _literal(token), False
    if re.fullmatch(r"\d+", token):
        return int(token), False
    if token in env:
        value = env[token]
        return (int(value) if NUMBER + token in env and re.fullmatch(r"-?\d+", value) else value), False
    if page_unknowns and _PAGE_NAME.match(token):
        return PAGE, True
    return None, False


# `$("#list").data("channel-ids")`, `btn.data('cat')`, `$(this).attr("data-cat")`,
# `$('meta[name=catid]').attr('content')`, `document.getElementById('x').getAttribute('data-id')`.
_DATA_READ = re.compile(r"""\.(?:data|attr|getAttribute)\(\s*["'](?:data-)?([\w-]+)["']\s*\)$""")
_META_READ = re.compile(
    r"""meta\[name=["']?([\w-]+)["']?\]["']\s*\)\s*\.(?:attr|getAttribute)\(\s*["']content["']\s*\)$""")


def _page_value(token: str, env: dict[str, str]) -> str | None:
    """A value a script reads from the page (a `data-` attribute or a `<meta>`), when known."""
    match = _META_READ.search(token) or _DATA_READ.search(token)
    if not match or match.group(1) == "content" and not _META_READ.search(token):
        return None
    name = match.group(1)
    camel = re.sub(r"-(\w)", lambda m: m.group(1).upper(), name)
    return env.get(PAGE_VALUE + name, env.get(PAGE_VALUE + camel))


def functions(code: str) -> dict[str, tuple[list[str], str]]:
    """name -> (parameters, body) for the functions an inline script defines."""
    found: dict[str, tuple[list[str], str]] = {}
    for match in _FUNC.finditer(code):
        name = match.group(1) or match.group(3)
        params = match.group(2) if match.group(1) else match.group(4)
        body = block(code, match.end() - 1)
        if name and body is not None:
            found.setdefault(name, ([p.strip() for p in (params or "").split(",") if p.strip()], body))
    return found


def location_targets(code: str, env: dict[str, str], *, page_unknowns: bool = False) -> Iterator[str]:
    """URLs a piece of code sends the browser to (`location.href = …`, `window.open(…)`)."""
    for match in _LOCATION.finditer(code):
        expr = next(g for g in match.groups() if g is not None)
        value = evaluate(expr, env, page_unknowns=page_unknowns)
        if value:
            yield value


def handler_targets(
    code: str, env: dict[str, str], funcs: dict[str, tuple[list[str], str]], depth: int = 0
) -> list[str]:
    """Where an `onclick`/`javascript:` handler goes: a location it sets, or the locations set
    by a page function it calls with its arguments bound (`goPage(3)`, `_gotoPage('2')`)."""
    found = list(location_targets(code, env))
    if found or depth > 1:
        return found
    for match in _CALL.finditer(code):
        name, raw_args = match.group(1), match.group(2)
        if name not in funcs:
            continue
        params, body = funcs[name]
        args = [evaluate(a, env) for a in split_top(raw_args, ",")] if raw_args.strip() else []
        bound = dict(env)
        for param, arg, raw in zip(params, args, split_top(raw_args, ",")):
            if arg is not None:
                bound[param] = arg
                if re.fullmatch(r"-?\d+", arg) and raw.strip()[:1] not in "\"'":
                    bound[NUMBER + param] = "1"  # `toPage(pageNo + 1)`: a number, as in the caller
        found.extend(handler_targets(body, bound, funcs, depth + 1))
    return found


def page_templates(code: str, env: dict[str, str]) -> list[str]:
    """URL templates (with PAGE) that the scripts' page functions build: the body of
    `function goPage(n){ location.href = 'list_5_' + n + '.html' }` or of a laypage `jump`."""
    return [t for t in location_targets(code, env, page_unknowns=True) if PAGE in t]
