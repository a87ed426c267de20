import sys

from benchmarks.export_import import run

run(quick="--quick" in sys.argv[1:])
