import sys

from benchmarks.forecast import run

run(quick="--quick" in sys.argv[1:])
