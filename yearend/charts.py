"""A dashboard table as an Apache ECharts option: plain JSON, sent from an endpoint (the Content-Security-Policy
allows no inline script), drawn by static/yearend/dashboard.js."""

from yearend.selectors import Table

# How each chart draws its table: (bars lying down, for long category names; series stacked).
LAYOUTS = {"progress": (False, False), "grades": (False, True), "rectification": (True, False),
           "pledges": (True, True), "years": (False, True)}
ROW_HEIGHT, MARGINS = 26, 90  # a lying chart grows with its rows: its names stay readable on a phone


def option(table: Table) -> dict:
    lying, stacked = LAYOUTS.get(table.key, (False, False))
    categories = [str(row[0]) for row in table.rows]
    series = [{"name": str(name), "type": "bar", "data": [row[n] for row in table.rows],
               **({"stack": "all"} if stacked else {})}
              for n, name in enumerate(table.columns[1:], start=1)]
    category_axis = {"type": "category", "data": categories,
                     "axisLabel": {"interval": 0, "width": 130 if lying else 80, "overflow": "break"}}
    value_axis = {"type": "value", "minInterval": 1}
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "top": 0},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 36, "containLabel": True},
        "xAxis": value_axis if lying else category_axis,
        "yAxis": {**category_axis, "inverse": True} if lying else value_axis,
        "series": series,
    }


def height(table: Table) -> int | None:
    """The pixels a lying chart needs for its rows; None for the stylesheet's height."""
    lying, _stacked = LAYOUTS.get(table.key, (False, False))
    return len(table.rows) * ROW_HEIGHT + MARGINS if lying else None
