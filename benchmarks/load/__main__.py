import sys

from benchmarks.load import run

run(quick="--quick" in sys.argv[1:])
