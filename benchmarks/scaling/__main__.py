import sys

from benchmarks.scaling import run

run(quick="--quick" in sys.argv[1:])
