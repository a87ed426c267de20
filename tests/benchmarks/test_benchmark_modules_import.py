"""Every benchmark module imports with the dev extras alone, so `make bench` works on a fresh clone."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "benchmarks"
MODULES = sorted(info.name for info in pkgutil.walk_packages([str(ROOT)], prefix="benchmarks.")
                 if not info.name.endswith("__main__"))


def test_the_benchmarks_are_found() -> None:
    assert {"benchmarks.accounts.rotation", "benchmarks.briefing"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_benchmark_module_imports(name: str) -> None:
    importlib.import_module(name)
