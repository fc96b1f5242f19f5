"""A dashboard table as an Apache ECharts option: plain JSON, sent from an endpoint (the Content-Security-Policy
allows no inline script), drawn by static/yearend/dashboard.js."""

from yearend.selectors import Table

# How each chart draws its table: (bars lying down, for long category names; series stacked).
LAYOUTS = {"progress": (False, False), "grades": (False, True), "rectification": (True, False),
           "pledges": (True, True), "years": (False, True)}
ROW_HEIGHT, MARGINS = 26, 90  # a lying chart grows with its rows: its names stay readable on a phone


def option(table: Table) -> dict:
    if table.key == "targets":
        return targets_option(table)
    if table.key == "transitions":
        return heatmap_option(table)
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


def targets_option(table: Table) -> dict:
    """Each target: its rate and its minimum share side by side, the rate's bar labelled met or missed by N."""
    categories = [row[0] for row in table.rows]
    # No organization started at the origin: no rate to draw, only the words.
    rates = [{"value": row[1] if row[1] is not None else 0,
              "label": {"show": True, "position": "right",
                        "formatter": f"{{c}}% · {row[5]}" if row[1] is not None else str(row[5])}}
             for row in table.rows]
    shares = [row[2] for row in table.rows]
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "top": 0},
        "grid": {"left": 8, "right": 90, "bottom": 8, "top": 36, "containLabel": True},
        "xAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {"type": "category", "data": categories, "inverse": True,
                  "axisLabel": {"interval": 0, "width": 130, "overflow": "break"}},
        "series": [{"name": str(table.columns[1]), "type": "bar", "data": rates},
                   {"name": str(table.columns[2]), "type": "bar", "data": shares}],
    }


def heatmap_option(table: Table) -> dict:
    """The matrix as a heat map: where organizations started (rows) against where the acceptance put them."""
    columns = [str(name) for name in table.columns[1:]]
    rows = [str(row[0]) for row in table.rows]
    data = [[x, y, row[x + 1]] for y, row in enumerate(table.rows) for x in range(len(columns))]
    top = max((value for _x, _y, value in data), default=0)
    return {
        "aria": {"enabled": True},
        "tooltip": {"position": "top"},
        "grid": {"left": 8, "right": 16, "bottom": 56, "top": 16, "containLabel": True},
        "xAxis": {"type": "category", "data": columns, "splitArea": {"show": True},
                  "axisLabel": {"interval": 0, "width": 60, "overflow": "break"}},
        "yAxis": {"type": "category", "data": rows, "inverse": True, "splitArea": {"show": True}},
        "visualMap": {"min": 0, "max": max(top, 1), "calculable": True, "orient": "horizontal", "left": "center",
                      "bottom": 0},
        "series": [{"name": str(table.title), "type": "heatmap", "data": data, "label": {"show": True}}],
    }


def height(table: Table) -> int | None:
    """The pixels a lying chart needs for its rows; None for the stylesheet's height."""
    if table.key == "targets":
        return len(table.rows) * ROW_HEIGHT * 2 + MARGINS
    if table.key == "transitions":
        return len(table.rows) * ROW_HEIGHT * 2 + MARGINS + 60
    lying, _stacked = LAYOUTS.get(table.key, (False, False))
    return len(table.rows) * ROW_HEIGHT + MARGINS if lying else None
