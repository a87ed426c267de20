"""The MCP door: the tools an AI agent calls (report usage, save its context, read its briefing,
hand off, the pool, the knowledge base) over the same services as the API and the CLI.

``tools`` does the work (one unit of work per tool, the API's JSON), ``server`` registers the
tools with the descriptions the agent reads (the `mcp` SDK's ``MCPServer``), ``stdio`` serves
them to a local agent (`paas mcp`), ``http`` at ``/mcp`` on `paas serve`, behind bearer tokens.
Importing this package imports nothing else, so the CLI starts fast.
"""
