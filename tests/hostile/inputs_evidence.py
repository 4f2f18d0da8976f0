"""Hostile inputs, evidence parsing: linear in the input's size.

One 124 KB row in a `show license summary` table took 15 s to parse: the row regexes backtrack
within a line, so a line's cost grew with the square of its length. Lines longer than any CLI
prints are now set aside (with a warning naming the line) before parsing, so every line's cost
is bounded and a file's cost is linear in its size. Timings compare a run with its double,
best of three, with a generous ratio and an absolute floor, so a busy machine does not flake.
"""

from __future__ import annotations

import time

from planner.evidence.ingest import MAX_CLI_LINE, parse_file_text

HEAD = ("Router#show license summary\nLicense Usage:\n"
        "  License                 Entitlement Tag               Count Status\n"
        "  " + "-" * 77 + "\n")
GOOD_ROW = "  network-advantage       (C9300-48 Network Advan...)    1 IN USE\n"


def _best_of_three(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        parse_file_text(text, "sw.txt")
        best = min(best, time.perf_counter() - start)
    return best


def _spaces_row(width: int) -> str:
    return "  network-advantage" + " " * width + "1 IN USE\n"


def test_one_long_row_doubled_costs_about_double() -> None:
    parse_file_text(HEAD + GOOD_ROW, "warm.txt")  # templates compiled outside the timing
    small = _best_of_three(HEAD + _spaces_row(62_000) + GOOD_ROW + "Router#\n")
    large = _best_of_three(HEAD + _spaces_row(124_000) + GOOD_ROW + "Router#\n")
    assert large < 3 * small + 0.05, (small, large)
    assert large < 1.0, large


def test_many_worst_case_rows_doubled_cost_about_double() -> None:
    row = _spaces_row(MAX_CLI_LINE - 40)  # just under the cap: the costliest line parsed
    parse_file_text(HEAD + GOOD_ROW, "warm.txt")
    small = _best_of_three(HEAD + row * 4 + GOOD_ROW + "Router#\n")
    large = _best_of_three(HEAD + row * 8 + GOOD_ROW + "Router#\n")
    assert large < 3 * small + 0.05, (small, large)


def test_overlong_line_is_named_and_the_rest_still_parsed() -> None:
    text = HEAD + _spaces_row(MAX_CLI_LINE * 3) + GOOD_ROW + "Router#\n"
    records, problems, _ = parse_file_text(text, "sw.txt")
    [problem] = [p for p in problems if "characters long" in p.message]
    assert (problem.file, problem.line) == ("sw.txt", 5)
    licences = [lic.tag for _, rec in records for lic in rec.licences]
    assert "network-advantage" in licences
