"""The summary workbook's 趋势 sheet: the months up to the exported one, with native Excel charts.

One row per month (the series of the 趋势 page, docs/pay-rules.md §12.2), then three openpyxl
charts drawn by Excel from those cells: pay cost by component (clustered columns), average net
pay, average QA score and K, and headcount with complaints and praise (lines).
"""

from __future__ import annotations

from openpyxl.chart import BarChart, LineChart, Reference

from app.i18n import tr
from app.reports.xlsx_writer import Column, SummaryBook, new_sheet
from app.summary_columns import SUMMARY_COLUMNS
from app.trends import COMPONENTS, History

CHART_COLUMN = "P"  # the charts stand to the right of the table


def trend_columns() -> list[Column]:
    labels = {c.key: c.label for c in SUMMARY_COLUMNS}
    return [
        Column(tr("月份", "Month"), 10),
        Column(tr("人数", "Headcount"), 8, "int"),
        *(Column(tr(labels[k].zh, labels[k].en), 13, "money") for k in COMPONENTS),
        Column(tr("实发合计", "Net total"), 14, "money"),
        Column(tr("人均实发", "Average net"), 12, "money"),
        Column(tr("质检均分", "QA average"), 10, "score"),
        Column(tr("平均 K", "Average K"), 10, "score"),
        Column(tr("投诉", "Complaints"), 8, "int"),
        Column(tr("表扬", "Praise"), 8, "int"),
    ]


def add_trend_sheet(book: SummaryBook, trend: History, title: str, header: str) -> None:
    sheet = new_sheet(book, title, trend_columns(), header, autofilter=False)
    for p in trend.points:
        sheet.row([p.month, p.headcount, *(p.cost[k] for k in COMPONENTS), p.net, p.avg_net, p.avg_qa, p.avg_kpi,
                   p.complaints, p.praise])
    ws, last = sheet.ws, 1 + len(trend.points)
    months = Reference(ws, min_col=1, min_row=2, max_row=last)

    def chart(kind: type[BarChart] | type[LineChart], name: str, columns: list[int], anchor: str) -> None:
        c = kind()
        if isinstance(c, BarChart):
            c.type, c.grouping = "col", "clustered"
        c.title = name
        c.height, c.width = 7.5, 16
        for col in columns:
            c.add_data(Reference(ws, min_col=col, min_row=1, max_row=last), titles_from_data=True)
        c.set_categories(months)
        ws.add_chart(c, anchor)

    first_cost = 3
    chart(BarChart, tr("工资成本构成（元）", "Pay cost by component"),
          list(range(first_cost, first_cost + len(COMPONENTS))), f"{CHART_COLUMN}2")
    net_avg = first_cost + len(COMPONENTS) + 1
    chart(LineChart, tr("人均实发（元）", "Average net pay"), [net_avg], f"{CHART_COLUMN}18")
    chart(LineChart, tr("质检均分与平均 K", "QA average and average K"), [net_avg + 1, net_avg + 2],
          f"{CHART_COLUMN}34")
    chart(LineChart, tr("人数、投诉与表扬", "Headcount, complaints and praise"), [2, net_avg + 3, net_avg + 4],
          f"{CHART_COLUMN}50")
