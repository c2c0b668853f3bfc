"""The archive-request loop's steps (``newsarchive request parse|capture|comment|label``).

An issue made from ``.github/ISSUE_TEMPLATE/archive-request.yml`` asks for an article; the
workflow ``.github/workflows/archive-request.yml`` runs these steps, which share one JSON state
file: ``parse`` reads the URL from the issue body (untrusted: only one http(s) address is
accepted), ``capture`` archives it, ``comment`` writes the bilingual answer and ``label`` names
the issue's label. The pure parts (:func:`parse_form`, :func:`request_url`, :func:`comment`,
:func:`label`) come first; the command's glue is at the end.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from .. import atomic
from ..inputs import InputError

# The form's fields as its issue body shows them: "### <label>", a blank line, the answer.
FIELDS = {
    "url": "原文地址 / Article address",
    "title": "标题 / Title",
    "status": "原文现在还能打开吗？ / Is the page still online?",
    "copy": "已有的副本 / Copies you have",
    "why": "说明 / Notes",
}
NO_RESPONSE = "_No response_"
MAX_URL = 2048
LABELS = {"archived": "archived", "duplicate": "duplicate", "failed": "capture failed"}
_HEADING = re.compile(r"^###\s+(.+?)\s*$", re.MULTILINE)


class RequestError(ValueError):
    """A request that cannot be acted on; the message says why, for the issue's comment."""


def parse_form(body: str) -> dict[str, str]:
    """The answers of an issue form's body, by field id (unanswered fields left out)."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    labels = {label: key for key, label in FIELDS.items()}
    headings = list(_HEADING.finditer(body))
    answers: dict[str, str] = {}
    for i, heading in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(body)
        value = body[heading.end() : end].strip()
        key = labels.get(heading.group(1).strip())
        if key and value and value != NO_RESPONSE:
            answers[key] = value
    return answers


def request_url(value: str) -> str:
    """The one http(s) address a request names; :class:`RequestError` for anything else."""
    value = value.strip().strip("<>").strip()
    if not value:
        raise RequestError("the request names no address")
    if len(value) > MAX_URL:
        raise RequestError(f"the address is longer than {MAX_URL} characters")
    if re.search(r"[\s\x00-\x1f\x7f\"'`<>\\]", value):
        raise RequestError("give one address only, with no spaces or quotes")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise RequestError(f"{value[:100]} is not a valid address") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise RequestError(f"{value[:100]} is not an http(s) address")
    if not parts.hostname or "." not in parts.hostname.strip("."):
        raise RequestError(f"{value[:100]} has no site name")
    if parts.username is not None or parts.password is not None:
        raise RequestError("the address must not carry a user name or password")
    return value


def parse_request(body: str) -> dict[str, Any]:
    """The request in an issue body: ``{"url": …, "title": …, "status": …}``; raises
    :class:`RequestError` when it names no usable address."""
    answers = parse_form(body)
    if "url" not in answers:
        raise RequestError(
            f"the issue has no “{FIELDS['url']}” answer: use the archive-request form"
        )
    found = {"url": request_url(answers["url"])}
    for key in ("title", "status"):
        if key in answers:
            found[key] = one_line(answers[key], 300)
    return found


def one_line(text: str, limit: int = 200) -> str:
    """``text`` on one line, without control characters, at most ``limit`` characters."""
    text = re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", str(text))
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quiet(text: str, limit: int = 300) -> str:
    """Untrusted text made inert in a comment: one line, no mentions, no Markdown or HTML."""
    text = one_line(text, limit)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"([\\`*_\[\]()#|~!])", r"\\\1", text)
    return text.replace("@", "@\u200b")


def code(text: str) -> str:
    """A file path for a Markdown code span: one line, no backticks."""
    return one_line(text, 300).replace("`", "'")


def address(url: str) -> str:
    """A URL for a comment, percent-encoding what Markdown would read as syntax or a mention."""
    return quote(one_line(url, 2100), safe=":/?#&=%~+,;!$*'-._")


def label(state: dict[str, Any], pr: str | None = None) -> str:
    """The issue's label: archived (a pull request is open), duplicate, or capture failed."""
    captured = state.get("capture") or {}
    if captured.get("outcome") == "duplicate":
        return LABELS["duplicate"]
    if captured and pr and not state.get("error"):
        return LABELS["archived"]
    return LABELS["failed"]


def comment(state: dict[str, Any], pr: str | None = None, run: str | None = None) -> str:
    """The answer on the issue, in Chinese then English: the pull request and captured title,
    or why nothing was archived."""
    captured = state.get("capture") or {}
    error = state.get("error")
    log = f"\n\n运行记录 / Run log: {address(run)}" if run else ""
    pr = address(pr) if pr else None
    if error or not captured:
        why = quiet(error or "the workflow stopped before the page was captured", 500)
        return (
            f"❌ 未能存档：{why}\n\n"
            "可以把保存的网页（.html）附在这个议题里，或按 CONTRIBUTING.md 自己添加。\n\n"
            f"❌ Could not archive: {why}\n\n"
            "You can attach a saved copy of the page (.html) to this issue, or add it yourself "
            f"as CONTRIBUTING.md explains.{log}\n"
        )
    title, path = quiet(captured.get("title") or ""), code(captured.get("path") or "")
    if captured.get("outcome") == "duplicate":
        existing = code(captured.get("existing") or "")
        return (
            f"ℹ️ 《{title}》已经存档过，内容相同：`{existing}`。没有开新的拉取请求。\n\n"
            f"ℹ️ “{title}” is already archived with the same text: `{existing}`. "
            f"No pull request was opened.{log}\n"
        )
    if not pr:
        return (
            f"⚠️ 已抓取《{title}》（`{path}`），但未能开拉取请求。\n\n"
            f"⚠️ Captured “{title}” (`{path}`), but the pull request could not be opened.{log}\n"
        )
    zh = [f"✅ 已抓取《{title}》，拉取请求：{pr}", f"文件：`{path}`"]
    en = [f"✅ Captured “{title}”: pull request {pr}", f"File: `{path}`"]
    if captured.get("copied_from"):
        gone, copy = quiet(captured.get("gone") or ""), address(captured["copied_from"])
        zh.append(f"原网页已无法访问（{gone}），存档的是 Wayback Machine 的副本：{copy}")
        en.append(f"The page is gone ({gone}); this is the Wayback Machine's copy: {copy}")
    if captured.get("outcome") == "new-capture":
        existing = code(captured.get("existing") or "")
        zh.append(f"这个网址以前存档过（`{existing}`），这次内容不同，两份都会保留。")
        en.append(
            f"This URL was archived before (`{existing}`) with a different text; both are kept."
        )
    zh.append("检查通过并合并后，文章就会出现在网站上。")
    en.append("Once its checks pass and it is merged, the article will be on the site.")
    return "\n".join(zh) + "\n\n" + "\n".join(en) + log + "\n"


# --- the command ------------------------------------------------------------------------------


def _load(path: str) -> dict[str, Any]:
    try:
        state = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _save(path: str, state: dict[str, Any]) -> None:
    text = json.dumps(state, ensure_ascii=False, indent=2) + "\n"
    atomic.write(path, text, durable=False)  # a step killed mid-write leaves the last state


def _parse(args: argparse.Namespace) -> int:
    body = Path(args.body).read_text("utf-8", errors="replace")  # OSError: cli.main's one line
    try:
        state: dict[str, Any] = {"request": parse_request(body)}
    except RequestError as exc:
        _save(args.state, {"error": str(exc)})
        raise InputError(str(exc)) from None
    _save(args.state, state)
    print(f"url={state['request']['url']}")
    return 0


def _capture(args: argparse.Namespace) -> int:
    from ..convert.errors import ArchiveError
    from ..web import FetchError
    from .capture import capture
    from .importer import write_new

    state = _load(args.state)
    url = (state.get("request") or {}).get("url")
    if not url:
        state.setdefault("error", "the request names no address")
        _save(args.state, state)
        raise InputError(state["error"])
    try:
        captured = capture(url, args.content)
        if captured.outcome != "duplicate":
            write_new(captured.imported)
    except ArchiveError as exc:
        problem = exc.problem
        state["error"] = f"{problem.message} ({problem.hint})" if problem.hint else problem.message
    except FetchError as exc:
        state["error"] = str(exc)
    except FileExistsError as exc:
        state["error"] = f"{exc.filename} already exists"
    else:
        state["capture"] = captured.summary()
    _save(args.state, state)
    if "error" in state:
        raise InputError(state["error"])
    if state["capture"]["outcome"] != "duplicate":  # for $GITHUB_OUTPUT: one line each
        print(f"path={one_line(state['capture']['path'], 1000)}")
        print(f"title={one_line(state['capture']['title'])}")
    return 0


def _comment(args: argparse.Namespace) -> int:
    sys.stdout.write(comment(_load(args.state), args.pr or None, args.run_url or None))
    return 0


def _label(args: argparse.Namespace) -> int:
    print(label(_load(args.state), args.pr or None))
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``parse``, ``capture``, ``comment`` and ``label`` subcommands."""
    steps = parser.add_subparsers(dest="request_command", required=True)
    state_help = "the JSON file the steps share (default: request.json)"

    parse = steps.add_parser("parse", help="read the URL from an archive-request issue's body")
    parse.add_argument("body", metavar="BODY_FILE", help="the issue body (Markdown)")
    parse.set_defaults(run=_parse)

    capture = steps.add_parser("capture", help="capture the requested URL into content/")
    capture.add_argument("--content", default="content", help="the archive (default: content)")
    capture.set_defaults(run=_capture)

    answer = steps.add_parser("comment", help="print the issue comment (Chinese and English)")
    label_step = steps.add_parser("label", help="print the label the issue gets")
    for step in (answer, label_step):
        step.add_argument("--pr", help="the pull request's address, when one was opened")
    answer.add_argument(
        "--run", dest="run_url", help="the workflow run's address, linked from the comment"
    )
    answer.set_defaults(run=_comment)
    label_step.set_defaults(run=_label)
    for step in (parse, capture, answer, label_step):
        step.add_argument("--state", default="request.json", help=state_help)
