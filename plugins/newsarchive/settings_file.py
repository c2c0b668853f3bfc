"""Read a literal setting from a project's ``pelicanconf.py`` without running the file."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

#: The Pelican settings file of a project, as ``pelican`` and ``make html`` use it.
SETTINGS_FILE = "pelicanconf.py"


class SettingError(ValueError):
    """A setting the file gives in a form that cannot be read without running it."""


def read_literal(conf: str | Path, name: str, default: Any = None) -> Any:
    """The value of the last top-level ``NAME = <literal>`` in ``conf``; ``default`` when the file
    or the assignment is missing. :class:`SettingError` (``file:line: …``) when the value is not
    a Python literal (a call, a name…) or the file does not parse."""
    conf = Path(conf)
    try:
        text = conf.read_text("utf-8")
    except FileNotFoundError:
        return default
    try:
        tree = ast.parse(text, str(conf))
    except SyntaxError as exc:
        raise SettingError(f"{conf}:{exc.lineno}: not valid Python ({exc.msg})") from None
    found: ast.Assign | None = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            found = node
    if found is None:
        return default
    try:
        return ast.literal_eval(found.value)
    except ValueError:
        raise SettingError(
            f"{conf}:{found.lineno}: {name} is not a literal value "
            "(write it out: strings, numbers, lists and dicts only)"
        ) from None
