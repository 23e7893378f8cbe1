"""Charts drawn with QtCharts (PySide6-Addons, the same Qt release as PySide6-Essentials).

QtCharts rather than pyqtgraph: it draws with the window's own fonts and antialiasing, so Chinese
labels and the light theme look like the rest of the app, and the frozen bundle only gains
libQt6Charts and libQt6OpenGL (3.6 MiB measured) instead of numpy and pyqtgraph (tens of MB).
See docs/pay-rules.md §12.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

from app.money import fmt_money
from app.simulation import Histogram

PALETTE = ("#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#c62828", "#00838f")


def chart_view(title: str, parent: QWidget | None = None, *, legend: bool = True) -> QChartView:
    chart = QChart()
    chart.setTitle(title)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setVisible(legend)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    view = QChartView(chart, parent)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(180)
    return view


def _clear(chart: QChart) -> None:
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)


def set_histogram(view: QChartView, histogram: Histogram, names: Sequence[str]) -> None:
    """Bars of how many agents changed by how much, one colour per plan, bins shared."""
    chart = view.chart()
    _clear(chart)
    if not histogram.edges:
        return
    series = QBarSeries()
    for i, (name, counts) in enumerate(zip(names, histogram.counts, strict=True)):
        bar = QBarSet(name)
        bar.setColor(QColor(PALETTE[i % len(PALETTE)]))
        for n in counts:
            bar.append(n)
        series.append(bar)
    chart.addSeries(series)
    edges = histogram.edges
    labels = [f"{fmt_money(edges[i]).split('.')[0]}~{fmt_money(edges[i + 1]).split('.')[0]}"
              for i in range(len(edges) - 1)]
    x = QBarCategoryAxis()
    x.append(labels)
    x.setLabelsAngle(-45)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(x)
    y = QValueAxis()
    y.setLabelFormat("%d")
    y.setRange(0, max([1, *(n for row in histogram.counts for n in row)]))
    y.applyNiceNumbers()
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(y)


def set_lines(
    view: QChartView,
    categories: Sequence[str],
    series_values: Sequence[tuple[str, Sequence[Decimal | int | None]]],
    *,
    label_format: str = "%.0f",
    minimum_zero: bool = True,
) -> None:
    """One line per named series over ``categories`` (months); ``None`` leaves a gap."""
    chart = view.chart()
    _clear(chart)
    if not categories:
        return
    x = QBarCategoryAxis()
    x.append(list(categories))
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    y = QValueAxis()
    y.setLabelFormat(label_format)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    values = [float(v) for _, row in series_values for v in row if v is not None]
    low = min([0.0, *values]) if minimum_zero else min(values, default=0.0)
    high = max(values, default=1.0)
    if high <= low:
        high = low + 1
    if minimum_zero:
        y.setRange(low, high)
        y.applyNiceNumbers()
    else:  # scores near 100: a tight whole-number range, five ticks that fit a small chart
        low, high = math.floor(low) - 1, math.ceil(high) + 1
        step = max(1, math.ceil((high - low) / 4))
        y.setRange(low, low + 4 * step)
        y.setTickCount(5)
    for i, (name, row) in enumerate(series_values):
        line = QLineSeries()
        line.setName(name)
        line.setColor(QColor(PALETTE[i % len(PALETTE)]))
        line.setPointsVisible(True)
        for j, v in enumerate(row):
            if v is not None:
                line.append(QPointF(j, float(v)))
        chart.addSeries(line)
        line.attachAxis(x)
        line.attachAxis(y)


def set_stacked_bars(
    view: QChartView, categories: Sequence[str], series_values: Sequence[tuple[str, Sequence[Decimal]]]
) -> None:
    """Bars per category (month), one bar per named series side by side."""
    chart = view.chart()
    _clear(chart)
    if not categories:
        return
    series = QBarSeries()
    for i, (name, row) in enumerate(series_values):
        bar = QBarSet(name)
        bar.setColor(QColor(PALETTE[i % len(PALETTE)]))
        for v in row:
            bar.append(float(v))
        series.append(bar)
    chart.addSeries(series)
    x = QBarCategoryAxis()
    x.append(list(categories))
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(x)
    y = QValueAxis()
    y.setLabelFormat("%.0f")
    values = [float(v) for _, row in series_values for v in row]
    y.setRange(min([0.0, *values]), max([1.0, *values]))
    y.applyNiceNumbers()
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(y)
