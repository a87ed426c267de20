import argparse
from pathlib import Path

from benchmarks.usage_import import run

parser = argparse.ArgumentParser(prog="python -m benchmarks.usage_import")
parser.add_argument("--quick", action="store_true", help="a ~23 MB tree instead of ~350 MB")
parser.add_argument("--keep", type=Path, help="generate into this folder and leave it there (default: a temp dir)")
parser.add_argument("--seed", type=int, default=10)
arguments = parser.parse_args()
run(quick=arguments.quick, keep=arguments.keep, seed=arguments.seed)
