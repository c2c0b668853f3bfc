"""Problems found in archived files, reported as ``path:line: level: what (how to fix)``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in one file: where it is, what is wrong and how to fix it."""

    path: str
    line: int
    message: str
    hint: str = ""
    level: str = "error"

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {self.level}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def github_annotation(self) -> str:
        """The problem as a GitHub Actions workflow command."""
        text = f"{self.message} ({self.hint})" if self.hint else self.message
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{self.level} file={self.path},line={self.line}::{text}"


class ArchiveError(Exception):
    """A file that cannot be converted; carries the :class:`Problem`."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def fail(path: str, line: int, message: str, hint: str = "") -> ArchiveError:
    """Build an :class:`ArchiveError` for ``raise fail(...)``."""
    return ArchiveError(Problem(path, line, message, hint))
