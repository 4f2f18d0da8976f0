"""Problems found in the input, and the errors the core raises.

The core never imports click: it raises these, and only `planner.cli` maps them to exit codes.
Validation collects every problem before stopping (mkdocs' load_config pattern), so a user fixes
a whole file in one pass instead of one error per run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class ExitCode(IntEnum):
    """The CLI's exit codes, as documented in the README."""

    OK = 0
    FINDINGS = 1  # findings the user asked to fail on (--strict)
    INPUT = 2  # usage, input or validation error
    SOLVER = 3  # infeasible model or solver failure


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: where, what, and what was expected."""

    severity: Severity
    file: str
    message: str
    line: int | None = None  # CSV row or text line (1-based, header is line 1)
    column: str | None = None  # CSV column or YAML path (e.g. `sites[3].internet`)
    expected: str | None = None
    position: int | None = None  # 1-based character column within the line, when known

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.column:
            where += f": {self.column}"
        text = f"{where}: {self.severity}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        return text

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.file, self.line or 0, self.column or "", self.message)

    def as_dict(self) -> dict[str, str | int | None]:
        """The problem as data (the `--format json` object): every key always present.

        `field` is the CSV column name or YAML/JSON path the problem is about; `column` is the
        1-based character position in the line when it is known (null otherwise).
        """
        return {"severity": self.severity.value, "file": self.file, "line": self.line,
                "column": self.position, "field": self.column, "message": self.message,
                "expected": self.expected}


def error(file: str, message: str, *, line: int | None = None, column: str | None = None,
          expected: str | None = None, position: int | None = None) -> Problem:
    return Problem(Severity.ERROR, file, message, line, column, expected, position)


def warning(file: str, message: str, *, line: int | None = None, column: str | None = None,
            expected: str | None = None, position: int | None = None) -> Problem:
    return Problem(Severity.WARNING, file, message, line, column, expected, position)


def problems_document(problems: Iterable[Problem]) -> dict[str, object]:
    """Problems as one JSON-ready document: counts and the sorted problem objects."""
    ordered = sorted(problems, key=Problem.sort_key)
    return {"errors": sum(1 for p in ordered if p.severity is Severity.ERROR),
            "warnings": sum(1 for p in ordered if p.severity is Severity.WARNING),
            "problems": [p.as_dict() for p in ordered]}


class PlannerError(Exception):
    """Base of every error the core raises on purpose; carries its exit code."""

    exit_code: ExitCode = ExitCode.INPUT


class InputError(PlannerError):
    """The input cannot be used: one or more problems, all of them listed."""

    exit_code = ExitCode.INPUT

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=Problem.sort_key))
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(PlannerError):
    """A command was asked for something that does not make sense (unknown example, bad date)."""

    exit_code = ExitCode.INPUT


class SolverError(PlannerError):
    """The model is infeasible, or the solver failed or found no plan in time."""

    exit_code = ExitCode.SOLVER


def errors_in(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.ERROR]
