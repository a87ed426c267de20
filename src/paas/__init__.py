"""PAAS AI Orchestrator: a pool of AI accounts, their credit ledger, projects, sessions and handoff briefings."""

__version__ = "0.1.0"
