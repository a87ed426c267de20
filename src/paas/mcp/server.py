"""The MCP server (the `mcp` SDK's ``MCPServer``): the tools an agent calls, with when to call them.

``build_server(door, guard)`` registers seven tools over ``tools.McpDoor``. Each tool checks the
caller first (``guard``: nothing over stdio, where the person running `paas mcp` owns the
database; over HTTP the bearer token's role: viewer for the reads, operator for the writes),
then runs its body with domain errors as tool errors. Arguments are typed with the services'
field limits; one that fails them is a tool error naming the field and the rule (the SDK's own
message would quote pydantic's internals). The descriptions are the agent's instructions:
report usage after each task; hand off when ``report_usage`` answers ``rotate_due``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, InputRequiredResult, ToolAnnotations
from pydantic import AfterValidator, Field, StringConstraints, ValidationError

from paas import __version__
from paas.core.types import KnowledgeCategory, Role
from paas.mcp.tools import McpDoor, tool_errors
from paas.services.field_rules import MAX_CREDITS, Name, SearchText, ShortText, invalid, storable
from paas.services.scopes import EVERY_PROJECT, Scope

Guard = Callable[[Context, Role], Scope]  # checks the caller; answers what it may see
ProjectArg = Annotated[str | int | None, Field(
    description="The project's name or id. Leave it out to use the project linked to the working directory "
                "(`paas projects link DIR --project P`) or the one `paas mcp --project P` names.")]
LevelArg = Annotated[str | None, Field(
    description="low (~2,500 tokens), medium (~1,200) or high (~400). Leave it out for the saved briefing.")]
Transcript = Annotated[str, AfterValidator(storable)]  # its size is checked in bytes (tools.MAX_TRANSCRIPT_BYTES)
Words = Annotated[str, StringConstraints(max_length=4_000), AfterValidator(storable)]

INSTRUCTIONS = """PAAS keeps this project's pool of AI accounts, its credits and its handoff briefings.
At the start of a session call get_briefing to read where the last one stopped. After each task you
finish, call report_usage with the credits it cost. When report_usage answers rotate_due: true, finish
the step you are on, call save_context with your conversation, then handoff with your own summary and
next step: it moves the project to the next account and answers the briefing the next session reads."""


class PaasMCPServer(MCPServer[Any]):
    """``MCPServer`` whose argument errors name the field and the rule, the way every door says them."""

    async def call_tool(self, name: str, arguments: dict[str, Any],
                        context: Context[Any, Any] | None = None) -> CallToolResult | InputRequiredResult:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as problem:
            if isinstance(problem.__cause__, ValidationError):
                said = invalid(problem.__cause__).message
                raise ToolError(f"Error executing tool {name}: {said}") from problem.__cause__
            raise


def open_to_all(ctx: Context, role: Role) -> Scope:
    """The stdio guard: the person who started `paas mcp` may do what the CLI lets them do."""
    return EVERY_PROJECT


def build_server(door: McpDoor, guard: Guard = open_to_all) -> PaasMCPServer:
    server = PaasMCPServer("paas", title="PAAS AI Orchestrator", version=__version__, instructions=INSTRUCTIONS)
    reads = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
    writes = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False,
                             open_world_hint=False)

    def allowed(ctx: Context, role: Role) -> Scope:
        with tool_errors():
            return guard(ctx, role)

    @server.tool(annotations=writes, description=(
        "Record the credits the task you just finished cost, on the project's session in progress. Call it "
        "after EACH task. The answer has rotate_due: when it is true the account reached the project's "
        "rotation threshold: finish the step you are on, then call save_context and handoff. It also gives "
        "account_credits_used, account_quota, rotate_threshold and next_reset_at; `rotation` is filled when "
        "the project rotates by itself (auto_rotate)."))
    def report_usage(
        ctx: Context,
        credits: Annotated[int, Field(strict=True, ge=1, le=MAX_CREDITS, description="Credits the task cost.")],
        note: Annotated[ShortText | None, Field(description="What the task was, in a few words.")] = None,
        project: ProjectArg = None,
    ) -> dict[str, Any]:
        scope = allowed(ctx, Role.OPERATOR)
        with tool_errors():
            return door.report_usage(credits=credits, note=note, project=project, scope=scope)

    @server.tool(annotations=writes, description=(
        "Save this session's conversation for the project: the transcript is kept (once) and a briefing is "
        "built from it, so a rotation hands over what really happened. Give transcript_path (a file on this "
        "machine: Claude Code JSONL, Codex rollout, Aider history, Cline/Roo JSON, SpecStory or plain "
        "Markdown; local `paas mcp` only) or text (the conversation itself), not both. Call it before "
        "handoff, and whenever a long stretch of work is worth keeping."))
    def save_context(
        ctx: Context,
        transcript_path: Annotated[str | None, StringConstraints(max_length=4_096), Field(
            description="Path of the transcript file (absolute, or relative to the working directory).")] = None,
        text: Annotated[Transcript | None, Field(description="The conversation's text, when there is no file.")]
        = None,
        project: ProjectArg = None,
    ) -> dict[str, Any]:
        scope = allowed(ctx, Role.OPERATOR)
        with tool_errors():
            return door.save_context(transcript_path=transcript_path, text=text, project=project, scope=scope)

    @server.tool(annotations=reads, description=(
        "Read the project's handoff briefing: where the work stands, the next step, open errors, the user's "
        "rules. Call it when a session starts. Without level: the latest saved briefing (after a rotation, "
        "the one written for you). With level: one built now from the latest saved transcript."))
    def get_briefing(ctx: Context, level: LevelArg = None, project: ProjectArg = None) -> dict[str, Any]:
        scope = allowed(ctx, Role.VIEWER)
        with tool_errors():
            return door.get_briefing(level=level, project=project, scope=scope)

    @server.tool(annotations=writes, description=(
        "Hand the project off to the next account: ends this session, leases the best free account to a new "
        "one and answers the briefing for it (next_account, briefing). Call it when report_usage says "
        "rotate_due, after save_context. summary and next_step are your own words: they go into the briefing "
        "in a marked section, each claim checked against the saved transcript (supported, contradicted or "
        "not found), so state only what the transcript shows."))
    def handoff(
        ctx: Context,
        summary: Annotated[Words | None, Field(description="What this session did, in a few sentences.")] = None,
        next_step: Annotated[Words | None, Field(description="What the next session should do first.")] = None,
        level: Annotated[str, Field(description="Briefing detail: low, medium or high.")] = "medium",
        project: ProjectArg = None,
    ) -> dict[str, Any]:
        scope = allowed(ctx, Role.OPERATOR)
        with tool_errors():
            return door.handoff(summary=summary, next_step=next_step, level=level, project=project, scope=scope)

    @server.tool(annotations=reads, description=(
        "The pool now: every account's credits left, quota, status, when it resets and which project's "
        "session holds it, and every session in progress with its progress towards the rotation threshold. "
        "Figures are in each account's quota_unit (credits, tokens, or usd in US cents); totals per unit in by_unit."))
    def pool_status(ctx: Context) -> dict[str, Any]:
        scope = allowed(ctx, Role.VIEWER)
        with tool_errors():
            return door.pool_status(scope)

    @server.tool(annotations=reads, description=(
        "The forecast now: each account's burn rate per hour, pace and when it runs out (and whether before "
        "its reset), when each session in progress reaches its rotate threshold, when the pool runs dry "
        "within 24 h and what it has at 00:00 UTC tomorrow. Use it to plan how much work fits before a rotation."))
    def forecast(ctx: Context) -> dict[str, Any]:
        scope = allowed(ctx, Role.VIEWER)
        with tool_errors():
            return door.forecast(scope)

    @server.tool(annotations=reads, description=(
        "Search the knowledge base (patterns, error solutions, optimizations, best practices, tips) before "
        "solving a problem that may have been solved before. Every word must match the title, description "
        "or tags."))
    def search_knowledge(
        ctx: Context,
        query: Annotated[SearchText, Field(description="Words to find.")],
        category: Annotated[KnowledgeCategory | None, Field(description="Only this category.")] = None,
        limit: Annotated[int, Field(strict=True, ge=1, le=100, description="How many entries at most.")] = 20,
    ) -> dict[str, Any]:
        scope = allowed(ctx, Role.VIEWER)
        with tool_errors():
            return door.search_knowledge(query=query, category=category, limit=limit, scope=scope)

    @server.tool(annotations=writes, description=(
        "Add what this session learned to the knowledge base, for later sessions: a fix for an error, a "
        "pattern, a tip. A title is unique within its category."))
    def add_knowledge(
        ctx: Context,
        category: Annotated[KnowledgeCategory, Field(description="What kind of entry it is.")],
        title: Annotated[Name, Field(description="A short title (unique in its category).")],
        description: Annotated[Words | None, Field(description="The entry itself.")] = None,
        tags: Annotated[list[Annotated[str, StringConstraints(max_length=100)]] | None,
                        Field(max_length=20, description="A few tags.")] = None,
    ) -> dict[str, Any]:
        allowed(ctx, Role.OPERATOR)
        with tool_errors():
            return door.add_knowledge(category=category, title=title, description=description, tags=tags)

    return server
