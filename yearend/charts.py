"""A dashboard table as an Apache ECharts option: plain JSON, sent from an endpoint (the Content-Security-Policy
allows no inline script), drawn by static/yearend/dashboard.js."""

from yearend.selectors import Table

# How each chart draws its table: bars side by side, stacked, or lying down for long category names.
LAYOUTS = {"progress": "bars", "grades": "stacked", "rectification": "lying", "pledges": "stacked",
           "years": "stacked"}


def option(table: Table) -> dict:
    layout = LAYOUTS.get(table.key, "bars")
    categories = [str(row[0]) for row in table.rows]
    series = [{"name": str(name), "type": "bar", "data": [row[n] for row in table.rows],
               **({"stack": "all"} if layout == "stacked" else {})}
              for n, name in enumerate(table.columns[1:], start=1)]
    category_axis = {"type": "category", "data": categories, "axisLabel": {"interval": 0, "width": 90,
                                                                          "overflow": "break"}}
    value_axis = {"type": "value", "minInterval": 1}
    lying = layout == "lying"
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "top": 0},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 36, "containLabel": True},
        "xAxis": value_axis if lying else category_axis,
        "yAxis": {**category_axis, "inverse": True} if lying else value_axis,
        "series": series,
    }
