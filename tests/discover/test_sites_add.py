"""Issue #22 end to end, as a user runs it: `sites discover` (table, JSON, TOML), `sites add`
(check crawl, written to the user's registry) then `crawl --site SLUG` archives the column
completely; bad homepages are reported in one line and nothing is written."""

from __future__ import annotations

import json
import statistics
import tomllib
from pathlib import Path

import pytest

from archiver.discover import MAX_DIRECTORIES, MAX_SAMPLED, sitemap
from archiver.replica.homepage import DECOY
from archiver.replica.testing import ReplicaProcess
from tests.clirun import export_jsonl, run_cli, speech_gold

BUNDLED = Path(__file__).resolve().parents[2] / "archiver" / "sites" / "sites.toml"


@pytest.fixture
def sites_file(tmp_path):
    return tmp_path / "config" / "sites.toml"


def sites(*args: str, sites_file, check: bool = False):
    return run_cli("sites", *args, "--delay", "0", env={"ARCHIVER_SITES": str(sites_file)}, check=check)


def test_discover_prints_json_and_an_entry_that_loads(replica, sites_file):
    home = replica.url("trs")
    data = json.loads(sites("discover", home, "--format", "json", sites_file=sites_file, check=True).stdout)
    assert data["proposed"] == [replica.sites["trs"]["listing"]]
    assert data["candidates"][0]["label"] == "领导讲话" and data["speech_column"] is True
    assert "\\u" not in sites("discover", home, "--format", "json", sites_file=sites_file).stdout
    entry = tomllib.loads(sites("discover", home, "--format", "toml", "--slug", "jingzhou",
                                sites_file=sites_file, check=True).stdout)["site"][0]
    assert entry["slug"] == "jingzhou" and entry["name"] == "荆州市政协" and entry["verified"] is False
    assert entry["columns"] == [replica.sites["trs"]["listing"]] and entry["homepage"] == home
    assert not sites_file.exists()  # discover never writes


def test_add_then_crawl_archives_the_column_completely(replica, sites_file, tmp_path):
    proc = sites("add", replica.url("detail"), "--slug", "susong", sites_file=sites_file, check=True)
    assert "title" in proc.stdout and "body_chars" in proc.stdout  # the checked article's fields
    entry = tomllib.loads(sites_file.read_text("utf-8"))["site"][0]
    assert entry["verified"] is True and entry["verified_on"] and entry["source"]
    db = f"sqlite:///{tmp_path}/a.sqlite3"
    run_cli("crawl", "--db", db, "--delay", "0", "--no-progress", "--site", "susong", cwd=tmp_path,
            env={"ARCHIVER_SITES": str(sites_file)}, check=True)  # the user's registry, as `sites add` said
    got = {r["url"] for r in export_jsonl(db, cwd=tmp_path)}
    gold = speech_gold(replica, site="detail")
    assert gold and set(gold) <= got
    again = sites("add", replica.url("detail"), "--slug", "susong", sites_file=sites_file)
    assert again.returncode == 2 and "already there" in again.stderr
    assert sites_file.read_text("utf-8").count("[[site]]") == 1


@pytest.fixture(scope="module")
def faulty():
    with ReplicaProcess(scale=5, sites=["trs", "hanweb", "nospeech"]) as rp:
        yield rp


@pytest.mark.parametrize("mode,params,says", [
    ("homepage", {"shape": "offsite"}, "redirects to another site"),
    ("challenge", {"status": 412}, "HTTP 412 anti-crawler challenge"),
    ("challenge", {"status": 521}, "HTTP 521 anti-crawler challenge"),
    ("robots", {"disallow": ["/ldjh/", "/lm/"]}, "no column to register"),
])
def test_bad_homepages_write_nothing(faulty, sites_file, mode, params, says):
    faulty.clear_faults()
    faulty.fault("trs", "/" if mode == "challenge" else None, mode, **params)
    proc = sites("add", faulty.url("trs"), sites_file=sites_file)
    faulty.clear_faults()
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert says in proc.stdout + proc.stderr and "Traceback" not in proc.stderr
    assert "nothing written" in proc.stderr
    assert not sites_file.exists()


@pytest.mark.parametrize("shape", ["frameset", "script"])
def test_framesets_and_script_redirects_are_followed_on_the_same_site(faulty, sites_file, shape):
    faulty.clear_faults()
    faulty.fault("hanweb", None, "homepage", shape=shape)
    data = json.loads(sites("discover", faulty.url("hanweb"), "--format", "json", sites_file=sites_file).stdout)
    faulty.clear_faults()
    assert data["url"].endswith("/home/index.html") and any(shape in n or "redirect" in n for n in data["notes"])
    assert data["proposed"] == [faulty.sites["hanweb"]["listing"]]


@pytest.mark.parametrize("shape", ["frameset", "script"])
def test_framesets_and_script_redirects_to_another_domain_are_reported_not_followed(faulty, sites_file, shape):
    faulty.clear_faults()
    faulty.fault("hanweb", None, "homepage", shape=shape, target="offsite")
    faulty.clear_log()
    proc = sites("add", faulty.url("hanweb"), sites_file=sites_file)
    faulty.clear_faults()
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "www.zxcloud.cn" in proc.stdout + proc.stderr and "another site" in proc.stdout + proc.stderr
    assert "nothing written" in proc.stderr and not sites_file.exists()
    assert [e["path"] for e in faulty.access_log(site="hanweb")] == ["/robots.txt", "/"]


@pytest.mark.parametrize("status", [412, 521])
def test_a_challenged_column_is_reported_and_nothing_written(faulty, sites_file, status):
    """The homepage reads, the speech column answers an anti-crawler challenge: the check crawl
    fails, says so and writes nothing; the challenge is not retried around."""
    faulty.clear_faults()
    faulty.fault("trs", "/ldjh/*", "challenge", status=status)
    proc = sites("add", faulty.url("trs"), sites_file=sites_file)
    faulty.clear_faults()
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"HTTP {status} anti-crawler challenge" in proc.stdout + proc.stderr
    assert "nothing written" in proc.stderr and not sites_file.exists()


def test_a_speech_named_column_without_speeches_is_reported_and_nothing_written(faulty, sites_file):
    """The homepage's only speech-named column (讲话) lists photo news about speeches, the
    meeting column one speech: nothing is proposed (the meeting column is not swapped in), the
    report names the column and why, and `sites add` writes nothing."""
    faulty.clear_faults()
    faulty.fault("trs", None, "homepage", shape="decoy")
    data = json.loads(sites("discover", faulty.url("trs"), "--format", "json", sites_file=sites_file).stdout)
    proc = sites("add", faulty.url("trs"), sites_file=sites_file)
    faulty.clear_faults()
    named = [c for c in data["candidates"] if c["label"] == DECOY[1]]
    assert named and named[0]["articles"] and not named[0]["speech_titles"]  # read, and not speeches
    assert any(c["kind"] == "meeting" and c["speech_titles"] for c in data["candidates"])  # the bait
    assert data["proposed"] == [] and not data["speech_column"]
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stdout + proc.stderr
    assert proc.stderr.count("\n") == 1 and "nothing written" in proc.stderr
    assert f"“{DECOY[1]}” is named for speeches but none of the" in proc.stderr
    assert not sites_file.exists()


def requests_bound(columns: int = 1) -> int:
    """robots.txt, the homepage, its directories, the sampled columns, the sitemaps, one article
    per proposed column (each is checked)."""
    return 2 + MAX_DIRECTORIES + MAX_SAMPLED + sitemap.MAX_FILES + columns


@pytest.mark.parametrize("slug", ["trs", "nospeech"])
def test_sites_add_on_hundreds_of_columns_is_bounded_and_finds_the_right_columns(faulty, tmp_path, slug):
    """500 and 1,000 column links cost the same requests (counted in the replica's log), and
    the right column(s) are still written: the speech column where it exists, the meeting
    columns with speeches where it does not."""
    right = {"trs": [faulty.sites["trs"]["listing"]],
             "nospeech": [faulty.sites["nospeech"]["listing"], faulty.url("nospeech", "/lm/cwhy/index.html")]}
    counts = []
    for count in (500, 1000):
        sites_file = tmp_path / f"{count}.toml"
        faulty.clear_faults()
        faulty.fault(slug, None, "homepage", shape="columns", count=count)
        faulty.clear_log()
        proc = sites("add", faulty.url(slug), "--slug", "many", sites_file=sites_file)
        counts.append(len(faulty.access_log(site=slug)))
        faulty.clear_faults()
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert f"{MAX_SAMPLED} best named were sampled" in proc.stdout
        entry = tomllib.loads(sites_file.read_text("utf-8"))["site"][0]
        assert entry["columns"] == right[slug] and entry["verified"] is True
    assert counts[0] == counts[1] <= requests_bound(len(right[slug])), counts


def test_five_hundred_columns_cost_a_bounded_number_of_requests(faulty, sites_file):
    faulty.clear_faults()
    faulty.fault("trs", None, "homepage", shape="columns", count=500)
    faulty.clear_log()
    data = json.loads(sites("discover", faulty.url("trs"), "--format", "json", sites_file=sites_file).stdout)
    requests = len(faulty.access_log(site="trs"))
    faulty.clear_faults()
    assert data["links"] > 500 and any("were sampled" in n for n in data["notes"])
    assert data["proposed"] == [faulty.sites["trs"]["listing"]]
    assert requests <= 15


def test_bad_arguments_are_one_line(sites_file):
    proc = sites("discover", "not a url", sites_file=sites_file)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "http(s)" in proc.stderr


@pytest.mark.parametrize("slug", ["jeecmsapi", "phpcmsapi", "siteserverjs"])
def test_api_listed_columns_are_proposed_added_and_archived_completely(replica, tmp_path, slug):
    """Columns whose page lists nothing until a script calls the CMS's list API (JEECMS
    /api/content/list.jspx, PHPCMS api.php?op=lists, SiteServer /api/plugins/contents/list)."""
    sites_file = tmp_path / "sites.toml"
    data = json.loads(sites("discover", replica.url(slug), "--format", "json", sites_file=sites_file,
                            check=True).stdout)
    assert data["proposed"] == [replica.sites[slug]["listing"]]
    assert data["candidates"][0]["walks"].startswith("yes") and data["candidates"][0]["speech_titles"]
    sites("add", replica.url(slug), "--slug", "apisite", sites_file=sites_file, check=True)
    assert tomllib.loads(sites_file.read_text("utf-8"))["site"][0]["columns"] == data["proposed"]
    db = f"sqlite:///{tmp_path}/a.sqlite3"
    run_cli("crawl", "--db", db, "--delay", "0", "--no-progress", "--site", "apisite", cwd=tmp_path,
            env={"ARCHIVER_SITES": str(sites_file)}, check=True)
    got = {r["url"] for r in export_jsonl(db, cwd=tmp_path)}
    gold = speech_gold(replica, site=slug)
    assert gold and set(gold) <= got, sorted(set(gold) - got)[:5]


def test_the_entry_goes_to_the_users_file_never_the_bundled_registry(replica, tmp_path):
    """`--sites-file` wins over `$ARCHIVER_SITES`; without either, the file under
    `$XDG_CONFIG_HOME`; the bundled registry is never touched."""
    bundled = BUNDLED.read_bytes()
    chosen, env_file = tmp_path / "chosen.toml", tmp_path / "env.toml"
    home = replica.url("hanweb")
    run_cli("sites", "add", home, "--slug", "jinhua", "--delay", "0", "--sites-file", str(chosen),
            env={"ARCHIVER_SITES": str(env_file)}, check=True)
    assert tomllib.loads(chosen.read_text("utf-8"))["site"][0]["slug"] == "jinhua" and not env_file.exists()
    config = tmp_path / "xdg"
    proc = run_cli("sites", "add", home, "--slug", "jinhua", "--delay", "0",
                   env={"ARCHIVER_SITES": "", "XDG_CONFIG_HOME": str(config)}, check=True)
    default = config / "cppcc-archiver" / "sites.toml"
    assert str(default) in proc.stdout and tomllib.loads(default.read_text("utf-8"))["site"][0]["verified"]
    assert BUNDLED.read_bytes() == bundled


def test_discovery_keeps_the_delay_between_requests(faulty, sites_file):
    faulty.clear_faults()
    faulty.clear_log()
    run_cli("sites", "discover", faulty.url("trs"), "--delay", "0.4", "--format", "json",
            env={"ARCHIVER_SITES": str(sites_file)}, check=True)
    times = [e["t"] for e in faulty.access_log(site="trs")]
    gaps = [b - a for a, b in zip(times, times[1:])]
    # logged on arrival, so one slow connection can shorten the next gap: the median holds the delay
    assert len(times) > 5 and statistics.median(gaps) >= 0.38 and min(gaps) >= 0.2, gaps


def test_a_proposed_column_whose_check_fails_is_left_out_of_the_entry(faulty, sites_file):
    """Every proposed column is checked (its first page and one article) before it is written
    verified: on the site without a speech column both meeting columns are proposed; when the
    second one's articles answer 404 it is left out, named on stderr, and only the column whose
    check passed is written."""
    faulty.clear_faults()
    for n in range(1, 9):  # the column's articles (its listing page stays up)
        faulty.fault("nospeech", f"/lm/cwhy/{n}.html", "status", status=404)
    proc = sites("add", faulty.url("nospeech"), "--slug", "checked", sites_file=sites_file)
    faulty.clear_faults()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    cwhy = faulty.url("nospeech", "/lm/cwhy/index.html")
    assert f"{cwhy} left out: check failed" in proc.stderr
    entry = tomllib.loads(sites_file.read_text("utf-8"))["site"][0]
    assert entry["columns"] == [faulty.sites["nospeech"]["listing"]] and entry["verified"] is True
