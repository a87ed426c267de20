"""What a chart is given: JSON the page's script hands to uPlot (``data-chart``), built from the
same views the table beside the chart shows, so the two always agree."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, time
from typing import Any, Protocol


class DayFigure(Protocol):
    @property
    def date(self) -> Any: ...

    @property
    def credits(self) -> int: ...


def day_series(days: Sequence[DayFigure], label: str) -> str:
    """Per-day figures as a time-axis bar chart (x: seconds at 00:00 UTC)."""
    x = [int(datetime.combine(day.date, time(), tzinfo=UTC).timestamp()) for day in days]
    return chart(kind="bars", x=x, series=[{"label": label, "values": [day.credits for day in days]}], time=True)


def chart(*, kind: str, x: Sequence[float], series: list[dict[str, Any]], time: bool = False,
          band: tuple[float, float] | None = None, x_label: str = "") -> str:
    """The ``data-chart`` attribute's JSON (escaped by the template like any other attribute)."""
    spec: dict[str, Any] = {"kind": kind, "x": list(x), "series": series, "time": time, "xLabel": x_label}
    if band is not None:
        spec["band"] = list(band)
    return json.dumps(spec, separators=(",", ":"))
