"""The load table: per backend, each phase's rate and p50/p99 per kind of request, the ratio to
the same server's ``/ping`` (the hello-world baseline, measured in the same run), the target and
PASS/FAIL; then 5xx, transport errors and the invariants."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

READ_RATIO, USAGE_RATIO = 0.5, 0.3  # of the baseline's rate, each kind on its own
READ_P99_MS, WRITE_P99_MS = 100.0, 250.0  # in the mixed run


@dataclass
class Row:
    label: str
    rate: str = ""
    p50: str = ""
    p99: str = ""
    ratio: str = ""
    target: str = ""
    verdict: str = ""


@dataclass
class LoadTable:
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(row.verdict != "FAIL" for row in self.rows)

    def add(self, row: Row, ok: bool | None = None) -> None:
        row.verdict = "" if ok is None else ("PASS" if ok else "FAIL")
        self.rows.append(row)

    def print(self) -> None:
        headers = Row("measure", "rate/s", "p50", "p99", "× ping", "target", "result")
        columns = ("label", "rate", "p50", "p99", "ratio", "target", "verdict")
        widths = {name: max(len(getattr(row, name)) for row in [headers, *self.rows]) for name in columns}
        print(self.title)
        for row in [headers, *self.rows]:
            cells = [getattr(row, name).ljust(widths[name]) if name in ("label", "target")
                     else getattr(row, name).rjust(widths[name]) for name in columns]
            print("  " + "  ".join(cells).rstrip())
        for note in self.notes:
            print(f"  note: {note}")
        print()

    def as_json(self) -> dict[str, Any]:
        return {"title": self.title, "passed": self.passed, "rows": [vars(row) for row in self.rows],
                "notes": self.notes}


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:.1f} ms"


def kind_row(label: str, summary: dict[str, Any], baseline_rate: float | None = None) -> Row:
    ratio = "" if not baseline_rate else f"{summary['rate_per_s'] / baseline_rate:.2f}×"
    return Row(label, f"{summary['rate_per_s']:.0f}", _ms(summary.get("p50_ms")), _ms(summary.get("p99_ms")), ratio)


def add_backend(table: LoadTable, label: str, phases: dict[str, dict[str, Any]], broken: list[str]) -> None:
    """``phases``: PhaseResult summaries by name (ping, read, usage, mixed)."""
    ping = phases["ping"]["kinds"]["ping"]
    base = ping["rate_per_s"]
    table.add(kind_row(f"{label}: /ping alone (baseline)", ping))
    read = phases["read"]["kinds"]["read"]
    row = kind_row(f"{label}: reads alone", read, base)
    row.target = f"≥ {READ_RATIO}× ping"
    table.add(row, read["rate_per_s"] >= READ_RATIO * base)
    usage = phases["usage"]["kinds"]["usage"]
    row = kind_row(f"{label}: usage writes alone", usage, base)
    row.target = f"≥ {USAGE_RATIO}× ping"
    table.add(row, usage["rate_per_s"] >= USAGE_RATIO * base)
    mixed = phases["mixed"]
    total = sum(kind["answered"] for kind in mixed["kinds"].values()) / mixed["wall_seconds"]
    table.add(Row(f"{label}: mixed 70/20/10, all kinds", f"{total:.0f}", ratio=f"{total / base:.2f}×"))
    for kind, limit in (("read", READ_P99_MS), ("usage", WRITE_P99_MS), ("rotate", WRITE_P99_MS)):
        summary = mixed["kinds"][kind]
        row = kind_row(f"{label}: mixed, {kind}s", summary, base)
        row.target = f"p99 ≤ {limit:.0f} ms"
        table.add(row, summary.get("p99_ms", float("inf")) <= limit)
    statuses: dict[str, int] = {}
    for phase in phases.values():
        for kind in phase["kinds"].values():
            for code, count in kind["statuses"].items():
                statuses[code] = statuses.get(code, 0) + count
    fivexx = sum(count for code, count in statuses.items() if code.startswith("5"))
    transport = sum(count for code, count in statuses.items() if not code.isdigit())
    table.add(Row(f"{label}: status codes", ", ".join(f"{code}×{count}" for code, count in sorted(statuses.items()))))
    table.add(Row(f"{label}: 5xx answers", str(fivexx), target="0"), fivexx == 0)
    table.add(Row(f"{label}: transport errors", str(transport), target="0"), transport == 0)
    table.add(Row(f"{label}: invariants (ledger = counters, no double lease)",
                  "held" if not broken else "; ".join(broken)[:120], target="all hold"), not broken)
