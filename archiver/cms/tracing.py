"""Filling an `extract --explain` trace from the CMS layer (issue #16): which body block won and
which blocks it beat. Runs only when a trace is asked for."""

from __future__ import annotations

from typing import Any

from lxml import etree, html

from archiver.extract.trace import Trace

from . import dom

MAX_CANDIDATES = 8


def trace_body(trace: Trace, doc: html.HtmlElement, body: etree._Element | None, family: Any,
               by_override: bool) -> None:
    """`family`: the CMSFamily that chose `body` (its body XPaths are tried before density)."""
    scored: list[tuple[etree._Element, float]] = []
    densest = dom.densest_block(doc, scored)  # the same scoring the generic path chooses with
    if by_override:
        trace.body_via = "registry override body_xpath"
    elif body is None:
        trace.body_via = "nothing found"
    elif any(body in xp(doc) for xp in getattr(family, "_body", ())):
        trace.body_via = f"{family.name} body XPath"
    elif body is densest:
        trace.body_via = "densest text block (link text discounted)"
    else:
        trace.body_via = f"{family.name} body rule"
    best = sorted(scored, key=lambda pair: -pair[1])[:MAX_CANDIDATES]
    rows = [_row(doc, el, score, el is body) for el, score in best]
    if body is not None and not any(row["chosen"] for row in rows):
        # A densest <p> stands for its parent; an XPath's block may not score at all.
        score = next((s for el, s in scored if el is body), None)
        if body is densest:
            score = max((s for el, s in scored if el.getparent() is body), default=score)
        rows.insert(0, _row(doc, body, score, True))
    trace.body_candidates = rows


def _row(doc: html.HtmlElement, el: etree._Element, score: float | None, chosen: bool) -> dict:
    text = dom.text_of(el)
    return {
        "path": _describe(doc, el),
        "score": round(score, 1) if score is not None else None,
        "chars": len("".join(text.split())),
        "start": " ".join(text.split())[:40],
        "chosen": chosen,
    }


def _describe(doc: html.HtmlElement, el: etree._Element) -> str:
    """`/html/body/div[3]/div[2]` plus the element's id/class, which a user puts in an XPath."""
    tree = el.getroottree()
    path = tree.getpath(el)
    if tree.getroot() is not doc.getroottree().getroot():
        path = "(embedded markup, e.g. a Hanweb <datastore>) " + path
    marks = [f"#{el.get('id')}" if el.get("id") else "",
             "." + ".".join(el.get("class").split()) if el.get("class") else ""]
    return path + "".join(m for m in marks if m)
