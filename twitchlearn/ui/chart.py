"""Plotly charts drawn by plotly.js in the browser, without plotly in the kernel.

A chart is a plain figure (`{"data": [...], "layout": {...}}`, plotly's JSON schema) sent as
an output of an ipywidgets `Output` under plotly's own MIME type. JupyterLab and Voila draw
it with the `jupyterlab-plotly` renderer that ships with the plotly package: plotly.js is a
static file (Voila serves it with Last-Modified; a later page gets 304 and no body), and
each redraw sends only the figure (about 2 kB for the explorer).

Why not `plotly.graph_objects.FigureWidget`: it made every explorer kernel import plotly
and anywidget (131 MB against 59 MB for the start page) and sent plotly.js, about 5 MB, over
the websocket as the state of each chart (docs/performance.md). This module imports neither,
so it also runs in the browser edition (Pyodide).

    chart = Chart(figure, text="Caffeine: 2 points; sleep: 0 points")
    chart.widget                   # display it, or put it in a box
    chart.show(new_figure, text)   # redraw in place
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import ipywidgets as widgets

__all__ = ["CHART_HEIGHT", "PLOTLY_MIME", "Chart", "chart_output"]

PLOTLY_MIME: Final = "application/vnd.plotly.v1+json"
# How tall a chart of the course is. course.css gives the plot (`.tl-chart .js-plotly-plot`)
# this height too: with `responsive` plotly sizes the plot to 100% of that node, which has no
# height of its own, so without the CSS the chart was drawn 0 px high (found by the
# accessibility test: an empty scrollable region).
CHART_HEIGHT: Final = 360
# No toolbar: the charts are read, not zoomed or exported. `responsive`: plotly redraws the
# chart when the window changes size; without it a chart kept the width of the page at its
# first draw, so turning a phone, or a narrower window, cut it off (tests/browser/test_pages.py).
_CONFIG: Final[dict[str, Any]] = {"displaylogo": False, "displayModeBar": False}
# Only `Chart` asks for it: the teacher dashboard's charts (JupyterLab, `chart_output`) are
# resized by JupyterLab itself and have no CSS height.
_RESPONSIVE: Final[dict[str, Any]] = {"responsive": True}


def chart_output(figure: Mapping[str, Any], text: str) -> dict[str, Any]:
    """`figure` as one output of an `Output` widget (nbformat's display_data).

    `text` is the plain-text form, shown where no plotly renderer is installed (plain
    nbconvert, a terminal): say what the chart says, not "<chart>".
    """
    bundle = {**figure, "config": {**_CONFIG, **figure.get("config", {})}}
    return {
        "output_type": "display_data",
        "data": {PLOTLY_MIME: bundle, "text/plain": text},
        "metadata": {},
    }


class Chart:
    """One chart that can be redrawn in place, as wide as the page and `CHART_HEIGHT` high,
    following the window's width. `widget` is what goes on the page."""

    def __init__(self, figure: Mapping[str, Any], *, text: str, css_class: str = "") -> None:
        self.widget = widgets.Output()
        self.widget.add_class("tl-chart")
        if css_class:
            self.widget.add_class(css_class)
        self.figure: Mapping[str, Any] = {}
        self.text = ""
        self.draws = 0  # how many figures were sent
        self.show(figure, text)

    def show(self, figure: Mapping[str, Any], text: str) -> None:
        """Replace the chart with `figure`: one widget message, with only the figure in it."""
        self.figure = figure
        self.text = text
        responsive = {**figure, "config": {**_RESPONSIVE, **figure.get("config", {})}}
        self.widget.outputs = (chart_output(responsive, text),)
        self.draws += 1
