"""``python -m benchmarks.briefing [--quick] [--markdown]``."""

from benchmarks.briefing.cli import main

raise SystemExit(main())
