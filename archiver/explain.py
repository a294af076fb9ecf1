"""`cppcc-archiver extract --explain`: why the extractor read a page the way it did (issue #16).

For a user adding a site: the detected CMS family and its score, the candidate body blocks with
their scores and the one chosen, every candidate date with where it came from and the winner,
each boilerplate line removed with the rule that removed it, and the speech fields with the line
each came from. The facts come from the real extraction run with a `Trace` (archiver/extract/
trace.py), so the explanation cannot drift from what the crawl stores. `explain_page` gives a
JSON-ready dict, `render_text` a terminal view of it.
"""

from __future__ import annotations

from typing import Any

from archiver.article import EXTRACTOR, extract_record
from archiver.extract.trace import Trace
from archiver.items import FetchedPage

TEXT_WIDTH = 60  # characters of a line shown in the terminal view


def explain_page(
    page: FetchedPage,
    *,
    family: str | None = None,
    overrides: dict[str, Any] | None = None,
    families: frozenset[str] | None = None,
) -> dict[str, Any]:
    trace = Trace()
    result = extract_record([page], family=family, overrides=overrides, families=families, trace=trace)
    fields = result.fields
    winner = next((d for d in trace.dates if d["chosen"]), None)
    return {
        "url": page.url,
        "extractor": EXTRACTOR,
        "family": {
            "used": trace.family,
            "given": trace.family_given,
            "allowed": trace.families_allowed,
            "scores": dict(sorted(trace.family_scores.items(), key=lambda kv: -kv[1])),
            "threshold": trace.family_threshold,
        },
        "title": fields["title"],
        "body": {
            "via": trace.body_via,
            "chosen": next((c for c in trace.body_candidates if c["chosen"]), None),
            "candidates": trace.body_candidates,
            "lines": len(fields["body"].split("\n")) if fields["body"] else 0,
            "chars": len(fields["body"]),
            "images": len(fields["images"]),
            "attachments": len(fields["attachments"]),
        },
        "dates": {"candidates": trace.dates, "winner": winner, "published_at": fields["published_at"]},
        "removed": trace.removed,
        "speech": trace.speech,
        "fields": {k: fields[k] for k in ("source", "author", "editor")},
        "overrides": trace.overrides_used,
        "encoding": result.encoding,
        "soft_404": result.soft_404,
    }


def render_text(report: dict[str, Any]) -> str:
    """The explanation for a terminal: one section per decision, the winner marked `*`."""
    out: list[str] = [f"{report['url']}  ({report['extractor']}, {report['encoding'] or '?'})"]
    fam = report["family"]
    scores = ", ".join(f"{k} {v}" for k, v in fam["scores"].items()) or "-"
    how = f"given ({fam['given']})" if fam["given"] else f"detected (a family needs >= {fam['threshold']})"
    out.append(f"\nfamily   {fam['used']}: {how}")
    out.append(f"  scores {scores}")
    if fam["allowed"] is not None:
        out.append(f"  allowed {', '.join(fam['allowed'])} (ARCHIVER_FAMILIES / --families)")
    if report["overrides"]:
        out.append("overrides " + ", ".join(f"{k} = {v}" for k, v in report["overrides"].items()))
    out.append(f"\ntitle    {_short(report['title'])}")

    body = report["body"]
    out.append(f"\nbody     {body['chars']} chars, {body['lines']} lines, {body['images']} images, "
               f"{body['attachments']} attachments; block via {body['via']}")
    for c in body["candidates"]:
        score = f"{c['score']:>9}" if c["score"] is not None else "        -"
        out.append(f"  {'*' if c['chosen'] else ' '} {score}  {c['chars']:>6} chars  {c['path']}  "
                   f"「{_short(c['start'], 24)}」")

    dates = report["dates"]
    out.append(f"\ndate     {dates['published_at'] or 'none'}"
               + (f" (from {dates['winner']['where']})" if dates["winner"] else ""))
    for d in dates["candidates"]:
        parsed = d["parsed"] or "does not parse"
        if d["precision"] == "month":
            parsed += " (month only: not used)"
        out.append(f"  {'*' if d['chosen'] else ' '} {d['where']:<8} {_short(d['raw'], 30):<32} -> {parsed}")
    if not dates["candidates"]:
        out.append("  (no candidate)")

    out.append(f"\nremoved  {len(report['removed'])} lines")
    for r in report["removed"]:
        out.append(f"    {r['rule']:<18} {_short(r['text'])}")

    out.append("\nspeech")
    for name, item in report["speech"].items():
        line = f"  <- {_short(item['line'], 40)}" if item["line"] else ""
        out.append(f"  {name:<14} {item['value'] or '-'}{line}")
    for name, value in report["fields"].items():
        out.append(f"{name:<8} {value or '-'}")
    if report["soft_404"]:
        out.append("soft 404: the page says it does not exist")
    return "\n".join(out) + "\n\n"  # a blank line between inputs


def _short(text: str | None, width: int = TEXT_WIDTH) -> str:
    if not text:
        return "-"
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
