"""Column discovery: from a committee's homepage to the columns where its speeches live (issue #22).

`discover(homepage)` fetches the homepage politely (fetch.py), reads its navigation and its
信息公开 / 网站地图 pages one level deep (navigation.py) and its XML sitemaps (sitemap.py),
samples the best-named columns' first listing pages through the generic walker
(archiver.cms.parse_listing) and ranks them by label, position and the share of speech-like
titles (rank.py). `check_column` is `sites add`'s check
crawl: the first listing page and one article, extracted. report.py renders the result as a
table, JSON or a registry entry. Nothing here writes anywhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

from archiver.cms import detect_family, extract_page, parse_listing
from archiver.discover import navigation, rank, sitemap
from archiver.discover.fetch import Challenge, FetchError, PoliteFetcher
from archiver.settings import DOWNLOAD_DELAY

MAX_SAMPLED = 10  # column pages fetched per discovery: a site with 500 columns costs 10 requests
MAX_DIRECTORIES = 2  # 信息公开 / 网站地图 pages read one level deep
MAX_HOPS = 3  # frameset / meta refresh / script redirect hops followed on the homepage
SAMPLE_TITLES = 20


@dataclass
class Candidate:
    url: str
    label: str
    kind: str  # speech | meeting | leaders | ''
    evidence: str
    score: float = 0.0
    family: str = ""
    articles: int = 0  # entries on the first listing page
    pages: int | None = None  # listing pages the walker knows from the first one
    titles: list[str] = field(default_factory=list)
    speech_titles: list[str] = field(default_factory=list)
    error: str = ""
    challenged: bool = False  # the column answered an anti-crawler challenge (HTTP 412/521)
    rendered: bool = False  # its first page was read through a browser (`sites add --render`)
    entries: list = field(default_factory=list, repr=False)  # the first page's, for check_column

    @property
    def walks(self) -> str:
        if self.error or not self.articles:
            return "no"
        return f"yes, {self.pages} pages" if self.pages and self.pages > 1 else "yes, one page"


@dataclass
class Discovery:
    homepage: str
    url: str = ""  # where the homepage really is (same-site redirects, frames followed)
    platform: str = ""
    title: str = ""  # the homepage's <title>
    problem: str = ""  # why nothing could be discovered (one line)
    notes: list[str] = field(default_factory=list)
    links: int = 0  # column-like links seen
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def speech_column(self) -> bool:
        """A column named for speeches whose titles are speeches."""
        return any(c.kind == "speech" and c.speech_titles for c in self.candidates)

    @property
    def misnamed(self) -> Candidate | None:
        """A column named 领导讲话 / 主席讲话 / 重要讲话 / 讲话 whose listed titles are none of them
        speeches (photo news about speeches, bios), when no column lists speeches as such."""
        if self.speech_column:
            return None
        return next((c for c in self.candidates if rank.SPEECH_NAME.match(c.label) and c.articles
                     and not c.error and not c.speech_titles), None)

    @property
    def proposed(self) -> list[Candidate]:
        """The columns to register: the best speech column; else a speech-named column whose list
        the walker cannot read or that answers an anti-crawler challenge (proposed, but `sites
        add`'s check fails on it: a refused speech column is never swapped for the meeting
        columns); else nothing when a speech-named column lists no speech (`misnamed`: which
        column holds the speeches is for a person to decide, not the meeting columns' one
        speech-like title); else every meeting column whose titles include speeches (sites
        without a speech column keep them there)."""
        good = [c for c in self.candidates if c.speech_titles and not c.error]
        if self.speech_column:
            return [next(c for c in good if c.kind == "speech")]
        top = self.candidates[0] if self.candidates else None
        if top is not None and top.kind == "speech" and not top.articles and (top.challenged or not top.error):
            return [top]
        if self.misnamed is not None:
            return []
        meetings = [c for c in good if c.kind == "meeting"]
        return meetings or good[:1]


def discover(homepage: str, *, delay: float = DOWNLOAD_DELAY, fetcher: PoliteFetcher | None = None) -> Discovery:
    result = Discovery(homepage)
    fetcher = fetcher or PoliteFetcher(homepage, delay=delay)
    try:
        page = _homepage(fetcher, homepage, result)
    except FetchError as exc:
        result.problem = str(exc)
        return result
    result.url = page.url
    result.platform = detect_family(page.url, page.text)
    result.title = navigation.page_title(page.text)
    links = navigation.column_links(page.url, page.text)
    for directory in navigation.directory_links(links)[:MAX_DIRECTORIES]:
        try:
            sub = fetcher.get(directory.url)
        except FetchError as exc:
            result.notes.append(f"{directory.label}: {exc}")
            continue
        known = {link.url for link in links}
        links += [link for link in navigation.column_links(sub.url, sub.text, via=directory.label)
                  if link.url not in known]
    known = {link.url for link in links}
    links += [link for link in sitemap.column_links(page.url, sitemap.read(fetcher, page.url, result.notes))
              if link.url not in known]
    result.links = len(links)
    named = [(rank.link_score(link.label, link.titles), link) for link in links]
    named = [(score, link) for score, link in named if score[1]]
    named.sort(key=lambda item: (-item[0][0], -rank.position_score(item[1].positions)))
    if len(named) > MAX_SAMPLED:
        result.notes.append(f"{len(named)} columns are named like speech, meeting or leader columns; "
                            f"the {MAX_SAMPLED} best named were sampled")
    for (score, kind), link in named[:MAX_SAMPLED]:
        candidate = Candidate(link.url, link.label, kind, link.evidence())
        _sample(fetcher, candidate)
        candidate.score = round(score + rank.position_score(link.positions)
                                + rank.title_score(candidate.titles)[0], 1)
        result.candidates.append(candidate)
    result.candidates.sort(key=lambda c: -c.score)
    if not named:
        result.notes.append(f"none of the {len(links)} column links is named like a speech, meeting or "
                            "leader column")
    elif result.proposed and result.proposed[0].challenged:
        result.notes.append(f"the column “{result.proposed[0].label}” answers an anti-crawler challenge; "
                            "reported, not circumvented")
    elif result.proposed and not result.proposed[0].articles:
        result.notes.append(f"the column “{result.proposed[0].label}” lists no article the walker can read "
                            "(its list may need a browser: render = true, or a family module)")
    elif (misnamed := result.misnamed) is not None:
        result.notes.append(f"the column “{misnamed.label}” is named for speeches but none of the "
                            f"{len(misnamed.titles)} titles it lists is speech-like "
                            f"(e.g. “{misnamed.titles[0]}”): nothing proposed; look at it and at the "
                            "meeting columns yourself")
    elif not result.speech_column:
        result.notes.append("no speech column: no column named 领导讲话/主席讲话/重要讲话/讲话 lists speeches"
                            + ("; proposing the meeting columns whose titles are speeches" if result.proposed else ""))
    if named and not result.proposed and result.misnamed is None:
        result.notes.append("no sampled column lists speech-like titles (…在…上的讲话, 工作报告, 致辞)")
    return result


def _homepage(fetcher: PoliteFetcher, url: str, result: Discovery):
    page = fetcher.get(url)
    for _ in range(MAX_HOPS):
        target = navigation.redirect_target(page.url, page.text)
        if target is None:
            return page
        kind, where = target
        result.notes.append(f"the homepage is a {kind} to {where}")
        page = fetcher.get(where)  # FetchError when offsite: reported, not followed
    return page


def _sample(fetcher: PoliteFetcher, candidate: Candidate) -> None:
    try:
        page = fetcher.get(candidate.url)
    except FetchError as exc:
        candidate.error, candidate.challenged = str(exc), isinstance(exc, Challenge)
        return
    listing = parse_listing(page.url, page.text, content_type=page.content_type)
    if not listing.entries and listing.follow and (listing.follow[0].method == "GET" or listing.follow[0].api):
        # Columns whose page is filled by a script from a list API (the post family; form and
        # JSON POSTs too): the walker follows the API, and so does the sample (one more request).
        spec = listing.follow[0]
        body, ctype = None, ""
        if spec.method == "POST":
            body, ctype = ((json.dumps(spec.formdata or {}).encode(), "application/json") if spec.json else
                           (urlencode(spec.formdata or {}).encode(), "application/x-www-form-urlencoded"))
        try:
            api = fetcher.get(spec.url, body, ctype)
        except FetchError as exc:
            candidate.error = f"list API {exc}"
            return
        listing = parse_listing(api.url, api.text, content_type=api.content_type)
    _read(candidate, listing)


def render_column(candidate: Candidate, fetcher: PoliteFetcher) -> None:
    """Read the column's first page again through a browser (its list is built by its own
    scripts): `sites add --render`; the entry then says `render = true` for the crawl."""
    from archiver.discover import browser

    try:
        html = browser.rendered_page(fetcher, candidate.url)
    except FetchError as exc:
        candidate.error, candidate.challenged = str(exc), isinstance(exc, Challenge)
        return
    candidate.rendered = True
    _read(candidate, parse_listing(candidate.url, html))


def _read(candidate: Candidate, listing) -> None:
    candidate.family = listing.family
    candidate.articles = len(listing.entries)
    candidate.pages = listing.total_pages or (1 + len(listing.follow))
    candidate.titles = [entry.title for entry in listing.entries[:SAMPLE_TITLES]]
    candidate.speech_titles = rank.title_score(candidate.titles)[1]
    candidate.entries = listing.entries


@dataclass
class Check:
    listing_url: str
    articles: int = 0
    article_url: str = ""
    fields: dict = field(default_factory=dict)
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def check_column(candidate: Candidate, fetcher: PoliteFetcher) -> Check:
    """`sites add`'s check crawl: the first listing page (already read) and one article,
    preferring a speech-like one, extracted by the family the listing was read with."""
    check = Check(candidate.url, candidate.articles)
    entries = candidate.entries
    if candidate.error or not entries:
        check.problem = candidate.error or ("the walker reads no article list from the column's first page"
                                            + ("" if candidate.rendered else
                                               " (if its scripts build the list: sites add --render)"))
        return check
    speech = set(candidate.speech_titles)
    entry = next((e for e in entries if e.title in speech), entries[0])
    check.article_url = entry.url
    try:
        page = fetcher.get(entry.url)
    except FetchError as exc:
        check.problem = f"article {exc}"
        return check
    art = extract_page(page.url, page.text, family=candidate.family)
    body = "\n".join(art.paragraphs)
    published = art.date_candidates[0][1] if art.date_candidates else entry.date_raw or ""
    check.fields = {"title": art.title or "", "published": published, "source": art.source or "",
                    "body_chars": len(body)}
    if not art.title or not body.strip():
        check.problem = "the article's title or body was not extracted (the site needs overrides)"
    return check
