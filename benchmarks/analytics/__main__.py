import sys

from benchmarks.analytics import run

run(quick="--quick" in sys.argv[1:])
