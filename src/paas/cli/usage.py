"""`paas usage import` and `paas usage watch`: usage read from the agents' own logs (Claude Code
session JSONL, Codex CLI rollouts) into the ledger, in each account's unit.

The rules live in ``services.usage_import``; this door finds the default folders, shows progress
on standard error (a terminal only), prints what a run read and added, and (watch) repeats the
incremental import, saying when an account's session comes due to rotate.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from paas.cli import door
from paas.core.units import exact, exact_in_unit

if TYPE_CHECKING:
    from paas.services.usage_import import ImportRequest, UsageImportOut

usage_app = typer.Typer(help="Usage read from the agents' own logs (Claude Code, Codex CLI).", no_args_is_help=True)

ClaudeDirs = Annotated[list[Path] | None, typer.Option(
    "--claude", help="A Claude Code config dir (or its projects folder); repeat for several. "
                     "Default: $CLAUDE_CONFIG_DIR (comma-separated), else ~/.config/claude and ~/.claude.")]
CodexDirs = Annotated[list[Path] | None, typer.Option(
    "--codex", help="A CODEX_HOME (or its sessions folder); repeat for several. Default: $CODEX_HOME, else ~/.codex.")]
AccountRef = Annotated[str | None, typer.Option("--account", help="The account (name or id) every file spends on.")]
Mappings = Annotated[list[str] | None, typer.Option(
    "--map", help="DIR=ACCOUNT: files below DIR spend on ACCOUNT (the closest folder wins); repeat for several.")]
MAX_UNMAPPED_SHOWN = 5


def usage_import(claude: ClaudeDirs = None, codex: CodexDirs = None, account: AccountRef = None,
                 mappings: Mappings = None, as_json: door.JsonFlag = False) -> None:
    """Read what is new in the agents' logs and charge it to the accounts (tokens or usd).

    Counted as ccusage's session report counts: Claude Code records deduplicated by message id and
    request id (or message id alone when one copy has no request id or is a sidechain; the fuller
    copy wins), Codex from its cumulative token counts. Only what grew since the last run is read.
    """
    request = _request(claude, codex, account, mappings)
    started = time.perf_counter()
    answer = _run_once(request, progress=not as_json)
    seconds = time.perf_counter() - started
    if as_json:
        from paas.services.views import as_json as view_json

        door.console().print_json(data={**view_json(answer), "seconds": round(seconds, 3)})
        return
    _print_run(answer, seconds)


def usage_watch(claude: ClaudeDirs = None, codex: CodexDirs = None, account: AccountRef = None,
                mappings: Mappings = None,
                interval: Annotated[float, typer.Option(min=0.1, help="Seconds between two imports.")] = 5.0,
                rounds: Annotated[int | None, typer.Option(min=1, help="Stop after this many imports "
                                                           "(default: until Ctrl-C).")] = None) -> None:
    """Import again and again (only what grew) until Ctrl-C: one line per change, a warning when an
    account's session comes due to rotate."""
    request = _request(claude, codex, account, mappings)
    due: set[int] = set()
    told_unmapped = False
    done = 0
    try:
        while rounds is None or done < rounds:
            answer = _run_once(request, progress=False)
            done += 1
            if answer.unmapped_files and not told_unmapped:
                _note_unmapped(answer.unmapped_files)
                told_unmapped = True
            if answer.records or answer.updated:
                spent = ", ".join(f"{item.account_name} +{exact_in_unit(item.credits, item.quota_unit)}"
                                  for item in answer.accounts)
                door.say(f"{time.strftime('%H:%M:%S')} +{answer.records:,} records "
                         f"({answer.duplicates:,} duplicates) from {answer.files} files: {spent}",
                         highlight=False, soft_wrap=True)
            for item in answer.accounts:
                if item.rotate_due and item.account_id not in due:
                    where = f" (session {item.session_id})" if item.session_id else ""
                    door.console(stderr=True).print(
                        f"[yellow]warning:[/yellow] {item.account_name}{where} is due to rotate: "
                        f"{exact(item.credits_used, item.quota_unit)} of "
                        f"{exact_in_unit(item.rotate_threshold, item.quota_unit)} used "
                        "(`paas rotate`)", highlight=False, soft_wrap=True)
                    due.add(item.account_id)
                elif not item.rotate_due:
                    due.discard(item.account_id)
            if rounds is None or done < rounds:
                time.sleep(interval)
    except KeyboardInterrupt:
        door.say("stopped", highlight=False, soft_wrap=True)


usage_app.command("import")(usage_import)
usage_app.command("watch")(usage_watch)


def _request(claude: list[Path] | None, codex: list[Path] | None, account: str | None,
             mappings: list[str] | None) -> ImportRequest:
    from paas.config import agent_log_folders
    from paas.services.usage_import import ImportRequest

    pairs: list[tuple[Path, str]] = []
    for text in mappings or []:
        folder, _, name = text.rpartition("=")
        if not folder.strip() or not name.strip():
            door.fail(f"--map {text!r}: give DIR=ACCOUNT", 2)
        pairs.append((Path(folder.strip()), name.strip()))
    if not claude and not codex:
        found_claude, found_codex = agent_log_folders()
        if not found_claude and not found_codex:
            door.fail("no agent logs found (~/.claude, ~/.config/claude, ~/.codex, $CLAUDE_CONFIG_DIR, $CODEX_HOME); "
                      "name a folder with --claude DIR or --codex DIR", 2)
        claude, codex = found_claude, found_codex
    return ImportRequest(claude_dirs=tuple(claude or ()), codex_dirs=tuple(codex or ()), account=account,
                         mappings=tuple(pairs))


def _run_once(request: ImportRequest, *, progress: bool) -> UsageImportOut:
    from paas.services.usage_import import import_usage

    shown_on = door.console(stderr=True)
    if not (progress and shown_on.is_terminal):  # no bar to draw: not even its module is loaded
        with door.read_and_run() as (read, run):
            return import_usage(read, run, now=door.now(), request=request)
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                  console=shown_on, transient=True) as bar, \
            door.read_and_run() as (read, run):
        task = bar.add_task("reading logs", total=None)

        def advance(done: int, total: int) -> None:
            # all read, the records are saved next (400,000 take seconds): say so, not a bar stuck at 100%
            bar.update(task, completed=done, total=total,
                       description="saving to the database" if done >= total else "reading logs")

        return import_usage(read, run, now=door.now(), request=request, progress=advance)


def _print_run(answer: UsageImportOut, seconds: float) -> None:
    door.say(f"read {answer.files:,} files ({answer.skipped_files:,} unchanged, not opened), {answer.lines:,} lines "
             f"in {seconds:.2f} s: {answer.records:,} records kept, {answer.duplicates:,} duplicates skipped"
             + (f", {answer.updated:,} replaced by fuller copies" if answer.updated else "")
             + (f", {answer.bad_lines:,} bad lines skipped" if answer.bad_lines else ""),
             highlight=False, soft_wrap=True)
    door.say(f"tokens added: input {answer.input_tokens:,}, output {answer.output_tokens:,}, "
             f"cache creation {answer.cache_creation_tokens:,}, cache read {answer.cache_read_tokens:,}",
             highlight=False)
    for item in answer.accounts:
        due = " [red]rotate due[/red]" if item.rotate_due else ""
        where = f" to session {item.session_id}" if item.session_id else ""
        door.say(f"{item.account_name}: +{exact_in_unit(item.credits, item.quota_unit)} over {item.records:,} records"
                 f"{where}; {exact(item.credits_used, item.quota_unit)} of "
                 f"{exact(item.rotate_threshold, item.quota_unit)} used in its window{due}",
                 highlight=False)
    if answer.unpriced:
        door.note(f"{answer.unpriced:,} records of models genai-prices does not price were charged 0 cents")
    if answer.unmapped_files:
        _note_unmapped(answer.unmapped_files)


def _note_unmapped(paths: list[str]) -> None:
    shown = ", ".join(paths[:MAX_UNMAPPED_SHOWN])
    more = f" and {len(paths) - MAX_UNMAPPED_SHOWN} more" if len(paths) > MAX_UNMAPPED_SHOWN else ""
    door.note(f"{len(paths)} files below no --map folder were not read: {shown}{more}")
