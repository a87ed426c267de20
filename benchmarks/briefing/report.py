"""The printed side of the benchmark: rich tables for the terminal, Markdown tables for the README."""

from __future__ import annotations

import sys
from typing import Any

from benchmarks.briefing.compressor import LEVELS
from benchmarks.briefing.facts import CATEGORIES, CATEGORY_LABELS
from benchmarks.briefing.reader_gold import KIND_LABELS, KINDS

METHOD_LABELS = {"tail": "keep-the-tail", "original": "original rule", "textrank": "TextRank (sumy)"}
TABLE_COLUMNS = ("method", "level", "token ratio", *(CATEGORY_LABELS[c] for c in CATEGORIES), "macro", "faithful",
                 "mean time", "max peak")
TERMINAL_WIDTH = 180  # when stdout is not a terminal (a pipe, a CI log), rich would wrap at 80


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value * 1000:.0f} ms" if value < 10 else f"{value:.1f} s"


def _megabytes(value: float | None) -> str:
    return "–" if value is None else f"{value / 1e6:.1f} MB"


def method_label(method: str, compressor_name: str) -> str:
    return compressor_name if method == "briefing" else METHOD_LABELS.get(method, method)


def summary_rows(summary: dict[str, Any], dataset: str, compressor_name: str) -> list[list[str]]:
    rows = []
    for method, levels in summary.get(dataset, {}).items():
        for level in LEVELS:
            entry = levels.get(level)
            if entry is None:
                continue
            recall = entry.get("recall", {})
            rows.append([method_label(method, compressor_name), level, _pct(entry["ratio"]),
                         *(_num(recall.get(name)) for name in CATEGORIES), _num(entry.get("macro")),
                         _num(entry.get("faithfulness")), _seconds(entry["seconds"]),
                         _megabytes(entry["max_peak_bytes"])])
    return rows


READER_COLUMNS = ("method", "level", "score", *(KIND_LABELS[k] for k in KINDS), "secrets", "stale/reversed/noise")


def reader_rows(summary: dict[str, Any], compressor_name: str) -> list[list[str]]:
    rows = []
    for method, levels in summary.get("corpus", {}).items():
        for level in LEVELS:
            reader = (levels.get(level) or {}).get("reader")
            if reader is None:
                continue
            hints = reader["must_not_present"]
            rows.append([method_label(method, compressor_name), level, _num(reader["score"]),
                         *(_num(reader["recall"].get(kind)) for kind in KINDS), str(reader["secrets_carried"]),
                         f"{hints.get('stale_error', 0)}/{hints.get('superseded_constraint', 0)}/"
                         f"{hints.get('noise', 0)}"])
    return rows


def needle_rows(summary: dict[str, Any], compressor_name: str) -> list[list[str]]:
    rows = []
    for method, levels in summary.get("needle", {}).items():
        for level in LEVELS:
            entry = levels.get(level)
            if entry:
                rows.append([method_label(method, compressor_name), level,
                             *(_num(entry["by_position"].get(p)) for p in ("0", "25", "50", "75", "100")),
                             _num(entry.get("needle"))])
    return rows


def speed_rows(rows: list[dict[str, Any]]) -> list[list[str]]:
    return [[f"{row['bytes'] / 1e6:.2f} MB", "error", row["error"][:60], "", "", ""] if "error" in row else
            [f"{row['bytes'] / 1e6:.2f} MB", _seconds(row["parse_seconds"]), _seconds(row["seconds"]),
             f"{row['seconds'] / (row['bytes'] / 1e6):.3f} s/MB", _megabytes(row["peak_bytes"]),
             f"{row['peak_over_input']:.1f}×"] for row in rows]


def target_lines(checks: list[dict[str, Any]]) -> list[str]:
    lines = []
    for check in checks:
        relation = "≤" if check["at_most"] else "≥"
        value = "–" if check["value"] is None else f"{check['value']:.3f}"
        lines.append(f"{'PASS' if check['passed'] else 'FAIL'}  {check['target']}: {value} (target {relation} "
                     f"{check['goal']:g})")
    return lines


def tables(results: dict[str, Any]) -> list[tuple[str, tuple[str, ...], list[list[str]]]]:
    """``(title, header, rows)`` of every table, in print order."""
    name = results["meta"]["compressor"]
    summary = results["summary"]
    out: list[tuple[str, tuple[str, ...], list[list[str]]]] = []
    for dataset, title in (("corpus", "Real corpus"), ("synthetic", "Synthetic set (planted facts, 8 formats)")):
        if dataset in summary:
            files = next(iter(next(iter(summary[dataset].values())).values()))["files"]
            out.append((f"{title}: {files} transcripts", TABLE_COLUMNS, summary_rows(summary, dataset, name)))
    reader = reader_rows(summary, name)
    if reader:
        out.append(("Reader gold on the real corpus (recall per kind; secrets carried; must-not terms present)",
                    READER_COLUMNS, reader))
    if "synthetic" in summary:
        constraint = [[method_label(m, name), level, _num(entry.get("constraints"))]
                      for m, levels in summary["synthetic"].items() for level, entry in levels.items()]
        out.append(("Synthetic set: planted user constraint recalled", ("method", "level", "constraint"), constraint))
    if "needle" in summary:
        out.append(("Needle recall by position in the transcript",
                    ("method", "level", "0%", "25%", "50%", "75%", "100%", "all"), needle_rows(summary, name)))
    if results.get("speed"):
        out.append((f"Speed: {name}, level medium, one core",
                    ("input", "parse", "build", "build per MB", "peak", "peak / input"), speed_rows(results["speed"])))
    gold = results.get("gold", {})
    if gold:
        out.append(("Gold facts per corpus file", ("file", *(CATEGORY_LABELS[c] for c in CATEGORIES)),
                    [[file, *(str(counts.get(c, 0)) for c in CATEGORIES)] for file, counts in gold.items()]))
    return out


def print_rich(results: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console() if sys.stdout.isatty() else Console(width=TERMINAL_WIDTH)
    if results["meta"]["stand_in"]:
        console.print("[bold yellow]paas.core.briefing not found: the rows named 'stand-in' are the benchmark's "
                      "naive stand-in, NOT the briefing engine.[/]")
    for title, header, rows in tables(results):
        table = Table(title=title, title_justify="left")
        for number, column in enumerate(header):
            table.add_column(column, justify="left" if number < 2 else "right")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    console.print("[bold]Targets[/]")
    for line in target_lines(results["targets"]):
        console.print(f"  [{'green' if line.startswith('PASS') else 'red'}]{line}[/]")


def markdown(results: dict[str, Any]) -> str:
    parts = []
    if results["meta"]["stand_in"]:
        parts.append("> paas.core.briefing was not found: rows named `stand-in` are the benchmark's naive stand-in.\n")
    for title, header, rows in tables(results):
        parts.append(f"**{title}**\n")
        parts.append("| " + " | ".join(header) + " |")
        parts.append("|" + "|".join("---" if i < 2 else "---:" for i in range(len(header))) + "|")
        parts += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
        parts.append("")
    parts.append("**Targets**\n")
    parts += [f"- {line}" for line in target_lines(results["targets"])]
    return "\n".join(parts) + "\n"
