"""`newsarchive sources check` against a local HTTP server: every kind of answer, the journal,
a killed run, two checks before gone, the command's output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from http_support import LocalServer, Reply
from newsarchive.cli import main
from newsarchive.sources.check import CheckConfig, find_sources, run_checks
from newsarchive.sources.status import journal_path, load
from newsarchive.web import FetchConfig
from sources_support import ARTICLES, NOT_FOUND_PAGE, archived_file, article, article_page, page

GOLD = next(p for p in ARTICLES if p.parent.name == "rfi")
OTHER = next(p for p in ARTICLES if p.parent.name == "rfi" and p != GOLD)
LIVE_PAGE = article_page(GOLD).encode()
# A publisher's home page: teasers of other articles, enough text to look like an article page.
HOME_PAGE = page(
    "".join(f"<p>{a.metadata['summary']}</p>" for a in map(article, ARTICLES)), "首页"
).encode()
FAST = CheckConfig(
    fetch=FetchConfig(connect_timeout=1, read_timeout=0.5, deadline=3),
    workers=4,
    delay=0,
    backoff=0.05,
)


@pytest.fixture
def server(site: LocalServer) -> LocalServer:
    return site


def _archive(tmp_path: Path, server: LocalServer, names: list[str]) -> Path:
    content = tmp_path / "content"
    folder = content / "articles" / "local"
    folder.mkdir(parents=True)
    for i, name in enumerate(names):
        text = archived_file(GOLD, f"{server.url}/news/{name}", 1_700_000_000_000 + i * 1000)
        (folder / f"{name}.html").write_text(text, "utf-8")
    return content


SCENARIOS = {
    "live": (Reply(200, LIVE_PAGE), "live", 200),
    "missing": (Reply(404, b"<h1>Not Found</h1>"), "gone", 404),
    "removed": (Reply(410, b""), "gone", 410),
    "to-home": (Reply(301, headers={"Location": "/"}), "gone", 200),
    "soft-404": (Reply(200, NOT_FOUND_PAGE.encode()), "gone", 200),
    "edited": (
        Reply(200, page(article(OTHER).html, article(GOLD).metadata["title"]).encode()),
        "changed",
        200,
    ),
    "busy": ([Reply(429, headers={"Retry-After": "1"}), Reply(200, LIVE_PAGE)], "live", 200),
    "flaky": ([Reply(503), Reply(502), Reply(200, LIVE_PAGE)], "live", 200),
    "slow": (Reply(200, LIVE_PAGE, delay=2), "unknown", None),
    "any-address": (Reply(200, HOME_PAGE), "gone", 200),  # soft 404: the probe gets it too
    "loop": (Reply(302, headers={"Location": "/news/loop-2"}), "unknown", None),
}


def _serve(server: LocalServer) -> None:
    for name, (reply, _, _) in SCENARIOS.items():
        server.routes[f"news/{name}"] = reply
    server.default = lambda key: Reply(200, HOME_PAGE) if key.startswith("news/any-") else None
    server.routes["news/loop-2"] = Reply(302, headers={"Location": "/news/loop"})
    server.routes[""] = Reply(200, page("<p>今日要闻</p>", "首页").encode())


def test_every_kind_of_answer_is_classified(tmp_path, server):
    _serve(server)
    content = _archive(tmp_path, server, list(SCENARIOS))
    sources, problems = find_sources([content])
    assert problems == [] and len(sources) == len(SCENARIOS)
    status = content / "source-status.jsonl"
    records: dict = {}
    started = time.monotonic()
    run = run_checks(sources, records, status, confirm_after=timedelta(0), config=FAST)
    assert time.monotonic() - started >= 1  # the 429's Retry-After was waited for
    results = {r.url.rsplit("/", 1)[1]: (r.result, r.code) for r in run.checked}
    assert results == {name: (want, code) for name, (_, want, code) in SCENARIOS.items()}
    reasons = {r.url.rsplit("/", 1)[1]: r.reason for r in run.checked}
    assert reasons["slow"] == "timeout" and reasons["loop"] == "redirect-loop"
    assert "soft 404" in reasons["soft-404"] and reasons["to-home"].endswith(f"{server.url}/")
    assert "does not exist" in reasons["any-address"]
    probes = [s.key for s in server.requests if "-newsarchive-probe-" in s.key]
    assert sorted(k.split("-newsarchive")[0] for k in probes) == ["news/any-address", "news/edited"]
    # retried in the same run: HEAD 429, HEAD 200, GET 200; HEAD 503, 502, 200, GET
    assert [s.method for s in server.requests if s.key == "news/busy"] == ["HEAD", "HEAD", "GET"]
    assert server.hits["news/flaky"] == 4
    # a 404 is answered to the HEAD: no GET is sent
    assert [s.method for s in server.requests if s.key == "news/missing"] == ["HEAD"]
    assert all("newsarchive/" in s.headers["user-agent"] for s in server.requests)
    # one gone answer is not enough: the standing stays unknown until a second check
    standing = {r.url.rsplit("/", 1)[1]: r.status for r in load(status)[0].values()}
    assert standing["missing"] == standing["soft-404"] == "unknown"
    assert standing["live"] == "live" and standing["edited"] == "changed"
    assert not journal_path(status).exists()


def test_two_checks_make_gone_and_confirm_after_is_respected(tmp_path, server):
    server.routes["news/missing"] = Reply(404)
    content = _archive(tmp_path, server, ["missing"])
    sources, _ = find_sources([content])
    status = content / "source-status.jsonl"
    records: dict = {}
    for _ in range(2):  # two checks within a day: not enough with the default 3 days
        run_checks(sources, records, status, config=FAST)
    assert load(status)[0][f"{server.url}/news/missing"].status == "unknown"
    run_checks(sources, records, status, confirm_after=timedelta(0), config=FAST)
    record = load(status)[0][f"{server.url}/news/missing"]
    assert (record.status, record.code, record.checks) == ("gone", 404, 3)
    assert record.first_gone and record.confirmed and record.confirmed >= record.first_gone


def test_the_private_address_rule_holds_without_the_opt_in(tmp_path, server, monkeypatch):
    server.routes["news/live"] = Reply(200, LIVE_PAGE)
    content = _archive(tmp_path, server, ["live"])
    monkeypatch.delenv("NEWSARCHIVE_ALLOW_PRIVATE")
    config = CheckConfig(fetch=FetchConfig(connect_timeout=1, read_timeout=1), delay=0)
    run = run_checks(find_sources([content])[0], {}, content / "s.jsonl", config=config)
    assert [(r.result, r.reason) for r in run.checked] == [("unknown", "private-address")]
    assert server.hits["news/live"] == 0


def test_the_command_limits_prints_json_and_sums_up_by_publisher(tmp_path, server, capsys):
    _serve(server)
    content = _archive(tmp_path, server, ["live", "missing", "edited"])
    status = content / "source-status.jsonl"
    args = ["sources", "check", str(content), "--status", str(status), "--delay", "0"]
    assert main([*args, "--limit", "2", "--json", "--confirm-after", "0"]) == 0
    out, err = capsys.readouterr()
    rows = json.loads(out)
    assert len(rows) == 2 and {r["publisher"] for r in rows} == {"127.0.0.1"}
    assert {r["status"] for r in rows} <= {"live", "unknown", "changed"}
    assert "publisher" in err and "127.0.0.1" in err  # the summary goes to stderr with --json
    assert main([*args, "--limit", "1"]) == 0
    out, _ = capsys.readouterr()
    line = next(line for line in out.splitlines() if line.startswith("127.0.0.1"))
    # URLs, checked now, live, changed, gone, unknown, never checked
    assert line.split()[1:] == ["3", "1", "1", "1", "0", "1", "0"]
    assert len(load(status)[0]) == 3


def test_the_command_uses_the_projects_publishers_as_the_build_does(
    tmp_path, server, capsys, monkeypatch
):
    """NEWSARCHIVE_PUBLISHERS from the project's pelicanconf.py (read, not run) names the
    publishers, as in the build; a value that cannot be read is one error line."""
    _serve(server)
    _archive(tmp_path, server, ["live", "missing"])
    conf = tmp_path / "pelicanconf.py"
    conf.write_text(
        'NEWSARCHIVE_PUBLISHERS = {"local": {"name": "本地新闻", "hosts": ["127.0.0.1"]}}\n',
        "utf-8",
    )
    monkeypatch.chdir(tmp_path)
    args = ["sources", "check", "content", "--delay", "0", "--confirm-after", "0"]
    assert main([*args, "--json"]) == 0
    out, err = capsys.readouterr()
    assert {r["publisher"] for r in json.loads(out)} == {"本地新闻"}
    assert "\n本地新闻 " in err and "127.0.0.1" not in err
    elsewhere = tmp_path / "elsewhere.py"  # --settings names another file
    elsewhere.write_text('NEWSARCHIVE_PUBLISHERS = {"x": {"name": "别处", "hosts": ["127.0.0.1"]}}')
    assert main([*args, "--settings", str(elsewhere)]) == 0
    assert "\n别处 " in capsys.readouterr().out
    conf.write_text("import os\nNEWSARCHIVE_PUBLISHERS = dict(os.environ)\n", "utf-8")
    assert main(args) == 1
    assert capsys.readouterr().err == (
        "newsarchive: error: pelicanconf.py:2: NEWSARCHIVE_PUBLISHERS is not a literal value "
        "(write it out: strings, numbers, lists and dicts only)\n"
    )


def test_a_killed_run_keeps_what_it_checked_and_the_next_run_goes_on(tmp_path, server):
    names = [f"a{i}" for i in range(8)]
    for name in names:
        server.routes[f"news/{name}"] = Reply(200, LIVE_PAGE, delay=0.1)
    content = _archive(tmp_path, server, names)
    status = content / "source-status.jsonl"
    command = [sys.executable, "-m", "newsarchive.cli", "sources", "check", str(content)]
    command += ["--status", str(status), "--delay", "0", "--workers", "1", "--no-progress"]
    env = {**os.environ, "NEWSARCHIVE_ALLOW_PRIVATE": "1"}
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    journal = journal_path(status)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if journal.exists() and journal.read_text().count("\n") >= 3:
            break
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    records, problems = load(status)
    assert 3 <= len(records) < len(names)
    assert all(r.status == "live" for r in records.values())
    assert all(p.level == "warning" for p in problems)
    before = dict(records)
    run = run_checks(
        find_sources([content])[0], records, status, limit=len(names) - len(before), config=FAST
    )
    assert {r.url for r in run.checked}.isdisjoint(before)  # the unchecked ones first
    assert len(load(status)[0]) == len(names)


def test_a_status_file_that_cannot_be_written_is_a_one_line_error(tmp_path, server, capsys):
    server.routes["news/live"] = SCENARIOS["live"][0]
    content = _archive(tmp_path, server, ["live"])
    status = tmp_path / "missing" / "source-status.jsonl"
    assert main(["sources", "check", str(content), "--status", str(status)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("newsarchive: error: ") and err.count("\n") == 1 and "missing" in err


def test_the_options_defaults_are_the_check_configs():
    """The parser states CheckConfig's defaults without importing the HTTP stack: they agree."""
    from newsarchive.sources import command

    assert (CheckConfig().workers, CheckConfig().delay) == (command.WORKERS, command.DELAY)
