"""The run: generate the tree, time every reader on it, check every reader's totals, print, save.

Readers, in one run on one tree (page cache warm for all: the tree was just written and synced):
ccusage's native binary (``claude session`` + ``codex session``; a warm-up, then the median of
5), the reference (every line decoded, then usage lines only), and ``paas usage import`` through
its CLI: full into a fresh SQLite database, again on the unchanged tree, and after one file grew.

Targets (the issue's): the full import ≤ 3× ccusage's time on the same tree (its Claude and Codex
runs added, each a whole process, as paas's is); the unchanged rerun ≥ 20× faster than the full
import (judged on the work the command reports in its ``seconds``; the process's ratio is printed
beside it); paas's totals per day and per session equal to the reference's exactly (after the
full import and after the growth), and the reference's equal to ccusage's session report.
ccusage's daily report is compared too but only informs: it keeps copies without a ``requestId``
apart when their timestamps differ, which its own session report does not (the rules follow the
session report).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.usage_import import ccusage, paas_run
from benchmarks.usage_import.generator import Tree, generate, grow
from benchmarks.usage_import.reference import CLAUDE, CODEX, Report, Totals, read_tree

RESULTS = Path(__file__).resolve().parents[1] / "results" / "usage_import.json"
FULL = {"claude_bytes": 315_000_000, "codex_bytes": 35_000_000}
QUICK = {"claude_bytes": 20_000_000, "codex_bytes": 3_000_000}
IMPORT_WITHIN = 3.0  # × ccusage's time
RERUN_FASTER = 20.0  # × faster than the full import
MB = 1_000_000


def say(message: str) -> None:
    print(f"[usage_import] {message}", file=sys.stderr, flush=True)


@dataclass
class Row:
    reader: str
    files: int | None
    megabytes: float | None
    lines: int | None
    seconds: float | None
    target: str = ""
    verdict: str = ""  # PASS, FAIL, or "" (information)
    note: str = ""
    cpu: float | None = None  # CPU seconds (user + system): what the machine's load does not inflate

    @property
    def rate(self) -> float | None:
        if self.seconds is None or self.megabytes is None or self.seconds <= 0:
            return None
        return self.megabytes / self.seconds

    def as_json(self) -> dict[str, Any]:
        return {"reader": self.reader, "files": self.files, "megabytes": self.megabytes, "lines": self.lines,
                "seconds": None if self.seconds is None else round(self.seconds, 4),
                "cpu_seconds": None if self.cpu is None else round(self.cpu, 4),
                "mb_per_second": None if self.rate is None else round(self.rate, 1),
                "target": self.target, "verdict": self.verdict, "note": self.note}


@dataclass
class Check:
    name: str
    result: str
    verdict: str = ""
    note: str = ""

    def as_json(self) -> dict[str, str]:
        return {"check": self.name, "result": self.result, "verdict": self.verdict, "note": self.note}


@dataclass
class Outcome:
    rows: list[Row] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def check(self, name: str, result: str, ok: bool | None, note: str = "") -> None:
        self.checks.append(Check(name, result, "" if ok is None else ("PASS" if ok else "FAIL"), note))


def compare(mine: dict[tuple[str, str], Totals], theirs: dict[tuple[str, str], Totals],
            agent: str | None = None) -> tuple[int, int, list[str]]:
    """Keys whose four token totals are equal (a key one side lacks counts as zeros)."""
    keys = sorted(key for key in set(mine) | set(theirs) if agent is None or key[0] == agent)
    zero = Totals()
    differing = [key for key in keys if mine.get(key, zero).figures() != theirs.get(key, zero).figures()]
    examples = [f"{key[1]}: {mine.get(key, zero).figures()} vs {theirs.get(key, zero).figures()}"
                for key in differing[:2]]
    return len(keys) - len(differing), len(keys), examples


def equal_check(outcome: Outcome, name: str, mine: dict[tuple[str, str], Totals],
                theirs: dict[tuple[str, str], Totals], agent: str | None = None, *, decides: bool = True,
                note: str = "") -> bool:
    equal, total, examples = compare(mine, theirs, agent)
    ok = equal == total and total > 0
    detail = note if ok or not examples else "; ".join(filter(None, [note, "e.g. " + " | ".join(examples)]))
    outcome.check(name, f"{equal}/{total} equal", ok if decides else None, detail)
    return ok


def work_seconds(answer: dict[str, Any]) -> float | None:
    """The seconds ``paas usage import --json`` says its work took (start-up not included)."""
    value = answer.get("seconds")
    return float(value) if isinstance(value, int | float) else None


def work(answer: dict[str, Any]) -> str:
    seconds = work_seconds(answer)
    return "not reported" if seconds is None else f"{seconds:.3f} s"


def ratio(slow: float, fast: float) -> float:
    return slow / fast if fast > 0 else float("inf")


def answer_totals(answer: dict[str, Any]) -> tuple[int, int, int, int]:
    return (int(answer.get("input_tokens", 0)), int(answer.get("output_tokens", 0)),
            int(answer.get("cache_creation_tokens", 0)), int(answer.get("cache_read_tokens", 0)))


def run_ccusage(outcome: Outcome, tree: Tree, reference: Report, megabytes: float) -> ccusage.CcusageRun | None:
    binary, why = ccusage.find_binary()
    if binary is None:
        outcome.rows.append(Row(f"ccusage {ccusage.VERSION} native", None, None, None, None, note=why))
        outcome.notes.append(f"ccusage not run: {why}")
        say(f"ccusage not run: {why}")
        return None
    say(f"ccusage {ccusage.VERSION}: claude and codex session (a warm-up, then 5 timed runs each), daily")
    try:
        run = ccusage.run_reports(binary, tree.claude_dir, tree.codex_dir)
    except (RuntimeError, OSError, ValueError) as problem:
        outcome.notes.append(f"ccusage failed: {problem}")
        say(f"ccusage failed: {problem}")
        return None
    claude_mb = sum(path.stat().st_size for path in tree.claude_files()) / MB
    codex_mb = megabytes - claude_mb
    outcome.rows.append(Row(f"ccusage {ccusage.VERSION} native: claude session", len(tree.claude_files()),
                            round(claude_mb, 1), tree.claude_lines, run.seconds, cpu=run.cpu_seconds,
                            note="median of " + ", ".join(f"{value:.3f}" for value in run.runs) + " s"))
    outcome.rows.append(Row(f"ccusage {ccusage.VERSION} native: codex session", len(tree.codex_files()),
                            round(codex_mb, 1), tree.codex_lines, run.codex_seconds, cpu=run.codex_cpu_seconds))
    equal_check(outcome, "reference = ccusage session report, Claude sessions", reference.per_session(),
                run.per_session, CLAUDE)
    equal_check(outcome, "reference = ccusage session report, Codex sessions", reference.per_session(),
                run.per_session, CODEX)
    equal_check(outcome, "reference = ccusage daily report, Claude days", reference.per_day(), run.per_day,
                CLAUDE, decides=False,
                note="information: ccusage's daily report keeps copies without requestId apart when their "
                     "timestamps differ; its session report merges them, as the rules do")
    days = {key for key in set(run.per_day) | set(reference.per_day()) if key[0] == CLAUDE}
    zero = Totals()
    differing = {day for _, day in days if run.per_day.get((CLAUDE, day), zero).figures()
                 != reference.per_day().get((CLAUDE, day), zero).figures()}
    explained = differing <= reference.untimed_copy_days
    outcome.check("ccusage daily differs only on days with untimed copies",
                  f"{len(differing)} differ, {len(differing & reference.untimed_copy_days)} of them such days; "
                  f"{len(days) - len(differing)} equal", explained,
                  "untimed copies: copies without requestId at another timestamp than the first")
    equal_check(outcome, "reference = ccusage daily report, Codex days", reference.per_day(), run.per_day, CODEX)
    return run


def run_paas(outcome: Outcome, tree: Tree, reference: Report, megabytes: float, ccusage_run: ccusage.CcusageRun | None,
             folder: Path) -> None:
    # ccusage's time on the same tree: its Claude and its Codex report, each a whole process
    ccusage_seconds = None if ccusage_run is None else ccusage_run.seconds + (ccusage_run.codex_seconds or 0.0)
    built, why = paas_run.cli_exists()
    if not built:
        for name in ("full (fresh SQLite)", "unchanged rerun", "after one file grew"):
            outcome.rows.append(Row(f"paas usage import, {name}", None, None, None, None, note="not built yet"))
        outcome.notes.append(why)
        say(why)
        return
    workspace = paas_run.Workspace(folder / "paas-data")
    how = workspace.prepare()
    outcome.notes.append(f"account unit: {how}")
    say("paas usage import: full")
    full_seconds, full_cpu, full = workspace.import_tree(tree.claude_dir, tree.codex_dir)
    target = f"≤ {IMPORT_WITHIN:g}× ccusage = {IMPORT_WITHIN * ccusage_seconds:.2f} s" if ccusage_seconds else \
        "≤ 3× ccusage (not run)"
    ok = None if ccusage_seconds is None else full_seconds <= IMPORT_WITHIN * ccusage_seconds
    outcome.rows.append(Row("paas usage import, full (fresh SQLite)", int(full.get("files", 0)), round(megabytes, 1),
                            int(full.get("lines", 0)), full_seconds, target,
                            "" if ok is None else ("PASS" if ok else "FAIL"),
                            f"the process; its work: {work(full)}; records {full.get('records')}, "
                            f"duplicates {full.get('duplicates')}", cpu=full_cpu))
    per_day, per_session = workspace.ledger_totals()
    equal_check(outcome, "paas = reference per day (full import)", per_day, reference.per_day())
    equal_check(outcome, "paas = reference per session (full import)", per_session, reference.per_session())
    if ccusage_run is not None:
        equal_check(outcome, "paas = ccusage session report (full import)", per_session, ccusage_run.per_session)
    outcome.check("paas --json totals = reference totals (full import)",
                  f"{answer_totals(full)} vs {reference.total().figures()}",
                  answer_totals(full) == reference.total().figures())
    outcome.check("paas records / duplicates vs reference", f"{full.get('records')}/{full.get('duplicates')} vs "
                  f"{reference.records}/{reference.duplicates}", None,
                  "information: how each counts a copy or a repeated Codex total may differ; the totals decide")

    say("paas usage import: unchanged rerun")
    rerun_seconds, rerun_cpu, rerun = workspace.import_tree(tree.claude_dir, tree.codex_dir)
    wall_speedup = ratio(full_seconds, rerun_seconds)
    full_work, rerun_work = work_seconds(full), work_seconds(rerun)
    # judged on the command's own work when it reports it: the interpreter's start-up is paid by any
    # Python command, and the target is about not reading the tree again (ccusage rereads all of it)
    speedup = wall_speedup if full_work is None or rerun_work is None else ratio(full_work, rerun_work)
    outcome.rows.append(Row("paas usage import, unchanged rerun", int(rerun.get("files", 0)), round(megabytes, 1),
                            int(rerun.get("lines", 0)), rerun_seconds,
                            f"≥ {RERUN_FASTER:g}× faster: work {speedup:.1f}×, process {wall_speedup:.1f}×",
                            "PASS" if speedup >= RERUN_FASTER else "FAIL",
                            f"the process; its work: {work(rerun)}; skipped {rerun.get('skipped_files', '?')} "
                            "unchanged files; MB: the tree it checked", cpu=rerun_cpu))
    outcome.check("unchanged rerun adds nothing", f"{answer_totals(rerun)}, records {rerun.get('records')}",
                  answer_totals(rerun) == (0, 0, 0, 0) and int(rerun.get("records", 0)) == 0)

    grown, appended = grow(tree)
    os.sync()
    say(f"paas usage import: after {grown.name} grew by {appended:,} bytes")
    after = read_tree([tree.claude_dir], [tree.codex_dir], usage_lines_only=True)
    grown_seconds, grown_cpu, grown_answer = workspace.import_tree(tree.claude_dir, tree.codex_dir)
    outcome.rows.append(Row("paas usage import, after one file grew", int(grown_answer.get("files", 0)),
                            round(appended / MB, 3), int(grown_answer.get("lines", 0)), grown_seconds,
                            note=f"the process; its work: {work(grown_answer)}; {appended:,} bytes appended to "
                                 "one file; MB: what grew", cpu=grown_cpu))
    expected = tuple(a - b for a, b in zip(after.total().figures(), reference.total().figures(), strict=True))
    outcome.check("paas --json after growth = the reference's growth", f"{answer_totals(grown_answer)} vs {expected}",
                  answer_totals(grown_answer) == expected)
    per_day, per_session = workspace.ledger_totals()
    equal_check(outcome, "paas = reference per day (after growth)", per_day, after.per_day())
    equal_check(outcome, "paas = reference per session (after growth)", per_session, after.per_session())


def fmt(value: float | int | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def print_outcome(outcome: Outcome, title: str) -> None:
    print(title)
    header = (f"{'reader':<46} {'files':>6} {'MB':>7} {'lines':>8} {'seconds':>8} {'cpu s':>7} {'MB/s':>7}  "
              f"{'target':<44} verdict")
    print(header)
    print("-" * len(header))
    for row in outcome.rows:
        print(f"{row.reader:<46} {fmt(row.files, 'd'):>6} {fmt(row.megabytes, '.1f'):>7} {fmt(row.lines, ',d'):>8} "
              f"{fmt(row.seconds, '.3f'):>8} {fmt(row.cpu, '.3f'):>7} {fmt(row.rate, '.0f'):>7}  {row.target:<44} "
              f"{row.verdict}"
              + (f"  ({row.note})" if row.note else ""))
    print()
    width = max(len(check.name) for check in outcome.checks) if outcome.checks else 20
    print(f"{'check':<{width}}  {'result':<40} verdict")
    for check in outcome.checks:
        note = f"  ({check.note})" if check.note else ""
        print(f"{check.name:<{width}}  {check.result:<40} {check.verdict}{note}")
    for note in outcome.notes:
        print(f"  note: {note}")


def run(quick: bool = False, *, keep: Path | None = None, seed: int = 10) -> dict[str, Any]:
    size = QUICK if quick else FULL
    folder = Path(tempfile.mkdtemp(prefix="paas-bench-usage-")) if keep is None else keep
    try:
        say(f"generating {sum(size.values()) / MB:.0f} MB of logs under {folder}")
        start = time.perf_counter()
        tree = generate(folder / "tree", seed=seed, **size)
        generated = time.perf_counter() - start
        os.sync()  # no writeback of the fresh tree while the readers are timed
        megabytes = tree.bytes / MB
        outcome = Outcome()
        outcome.notes.append(f"tree: {len(tree.claude_files())} Claude files, {len(tree.codex_files())} Codex "
                             f"files, {megabytes:.1f} MB, {tree.lines:,} lines, written in {generated:.1f} s "
                             f"(seed {seed})")

        say("reference: json.loads of every line")
        start, cpu = time.perf_counter(), time.process_time()
        reference = read_tree([tree.claude_dir], [tree.codex_dir])
        every_seconds, every_cpu = time.perf_counter() - start, time.process_time() - cpu
        start, cpu = time.perf_counter(), time.process_time()
        filtered = read_tree([tree.claude_dir], [tree.codex_dir], usage_lines_only=True)
        filtered_seconds, filtered_cpu = time.perf_counter() - start, time.process_time() - cpu
        rows = [Row("reference (Python): json.loads every line", reference.files, round(megabytes, 1),
                    reference.lines, every_seconds, cpu=every_cpu,
                    note=f"records {reference.records}, duplicates {reference.duplicates}, "
                         f"synthetic {reference.synthetic}"),
                Row("reference (Python): json.loads usage lines only", filtered.files, round(megabytes, 1),
                    filtered.lines, filtered_seconds, cpu=filtered_cpu)]
        ccusage_run = run_ccusage(outcome, tree, reference, megabytes)
        outcome.rows.extend(rows)
        outcome.check("reference: usage lines only = every line", "same totals per day and session"
                      if filtered.per_day() == reference.per_day() and filtered.per_session() ==
                      reference.per_session() else "different", filtered.per_day() == reference.per_day()
                      and filtered.per_session() == reference.per_session())
        run_paas(outcome, tree, reference, megabytes, ccusage_run, folder)
        outcome.notes.append("load average at the end: " + ", ".join(f"{value:.1f}" for value in os.getloadavg())
                             + f" on {os.cpu_count()} CPUs (wall seconds grow with it; cpu s much less)")
    finally:
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print_outcome(outcome, f"usage import: {megabytes:.1f} MB tree{' (quick)' if quick else ''}")
    passed = all(row.verdict != "FAIL" for row in outcome.rows) and \
        all(check.verdict != "FAIL" for check in outcome.checks)
    result = {"quick": quick, "seed": seed, "passed": passed, "rows": [row.as_json() for row in outcome.rows],
              "checks": [check.as_json() for check in outcome.checks], "notes": outcome.notes,
              "targets": {"import_within_ccusage": IMPORT_WITHIN, "rerun_faster": RERUN_FASTER}}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result
