"""``python -m benchmarks.accounts [--quick]``."""

from benchmarks.accounts.cli import main

raise SystemExit(main())
