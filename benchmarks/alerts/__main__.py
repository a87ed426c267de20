import sys

from benchmarks.alerts import run

run(quick="--quick" in sys.argv[1:])
