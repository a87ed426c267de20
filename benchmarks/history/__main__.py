import sys

from benchmarks.history import run

run(quick="--quick" in sys.argv[1:])
