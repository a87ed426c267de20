"""``python -m paas.cli``: the same as ``paas``."""

from paas.cli import main

main()
