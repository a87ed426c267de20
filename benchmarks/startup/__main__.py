import sys

from benchmarks.startup import run

run(quick="--quick" in sys.argv[1:])
