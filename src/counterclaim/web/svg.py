"""Server-side chart geometry for the figures board: a pure function from figures to SVG shapes.

The template turns the shapes into plain SVG elements and attributes (no ``style=``, no
script: the CSP forbids both); every label goes through Jinja autoescape.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from counterclaim.records import describe_figure, format_number

PALETTE = ("#1f5fbf", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490", "#a16207", "#be185d")
MARKERS = ("circle", "square", "triangle", "diamond")


def _day(published: str | None) -> date | None:
    try:
        return date.fromisoformat((published or "")[:10])
    except ValueError:
        return None


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round tick values from 0 to at least ``top`` (1-2-5 steps)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    n = math.ceil(top / step - 1e-9)
    return [round(i * step, 6) for i in range(n + 1)]


def _tick_label(v: float) -> str:
    if v >= 1_000_000:
        return f"{v / 1_000_000:g}M"
    if v >= 10_000:
        return f"{v / 1000:g}k"
    return format_number(v)


def _marker(kind: str, x: float, y: float, r: float) -> dict[str, Any]:
    """One marker shape: a circle, or a polygon's points."""
    if kind == "circle":
        return {"shape": "circle", "cx": round(x, 1), "cy": round(y, 1), "r": r}
    if kind == "square":
        pts = [(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)]
    elif kind == "triangle":
        pts = [(x, y - r * 1.2), (x + r * 1.1, y + r * 0.9), (x - r * 1.1, y + r * 0.9)]
    else:
        pts = [(x, y - r * 1.3), (x + r * 1.3, y), (x, y + r * 1.3), (x - r * 1.3, y)]
    return {"shape": "polygon", "points": " ".join(f"{a:.1f},{b:.1f}" for a, b in pts)}


def figure_chart(figures: list[dict[str, Any]], *, width: int = 640, height: int = 260,
                 title: str = "") -> dict[str, Any] | None:
    """Shapes of a dated scatter chart of ``figures`` (value against the document's date).

    Each figure needs ``published`` (ISO date), ``value`` and optionally ``low``/``high`` (drawn as a
    vertical bar), ``source``/``source_name`` (one colour and marker per source) and ``text``.

    Returns:
        None when fewer than two figures are dated; else ``{"width", "height", "title", "axes",
        "xticks", "yticks", "bars", "points", "legend"}`` of plain numbers and strings.
    """
    dated = [(d, f) for f in figures if (d := _day(f.get("published"))) is not None and f.get("value") is not None]
    if len(dated) < 2:
        return None
    sources: dict[Any, int] = {}
    for _, f in dated:
        sources.setdefault(f.get("source"), len(sources))
    legend_h = 16 * len(sources)
    left, right, top = 64, 16, 16
    plot_w, plot_h = width - left - right, height - top - 40
    total_h = height + legend_h

    days = [d.toordinal() for d, _ in dated]
    d0, d1 = min(days), max(days)
    span = d1 - d0

    def x_of(d: date) -> float:
        return left + (plot_w / 2 if span == 0 else 12 + (d.toordinal() - d0) * (plot_w - 24) / span)

    top_value = max(max(f["value"], f.get("high") or 0) for _, f in dated)
    yticks = nice_ticks(float(top_value))
    y_max = yticks[-1] or 1.0

    def y_of(v: float) -> float:
        return top + plot_h - (min(v, y_max) / y_max) * plot_h

    base = top + plot_h
    axes = [{"x1": left, "y1": top, "x2": left, "y2": base}, {"x1": left, "y1": base, "x2": left + plot_w, "y2": base}]
    ytick_shapes = [{"y": round(y_of(v), 1), "x1": left - 4, "x2": left + plot_w, "label": _tick_label(v),
                     "lx": left - 8, "ly": round(y_of(v) + 4, 1)} for v in yticks]
    distinct = sorted(set(days))
    picks = distinct if len(distinct) <= 4 else [distinct[0], distinct[len(distinct) // 3],
                                                   distinct[2 * len(distinct) // 3], distinct[-1]]
    xtick_shapes = [{"x": round(x_of(date.fromordinal(o)), 1), "y1": base, "y2": base + 4,
                     "label": date.fromordinal(o).isoformat(), "ly": base + 18} for o in picks]

    bars, points = [], []
    for d, f in sorted(dated, key=lambda p: (p[0], p[1]["value"])):
        i = sources[f.get("source")]
        colour, marker = PALETTE[i % len(PALETTE)], MARKERS[i % len(MARKERS)]
        x, y = x_of(d), y_of(float(f["value"]))
        low, high = f.get("low"), f.get("high")
        if low is not None and high is not None and low != high:
            bars.append({"x1": round(x, 1), "x2": round(x, 1), "y1": round(y_of(float(low)), 1),
                         "y2": round(y_of(float(high)), 1), "stroke": colour})
        parts = (f.get("source_name") or "unattributed", d.isoformat(), describe_figure(f),
                 f.get("counted") or "", f.get("subgroup") or "")
        label = " · ".join(x for x in parts if x)
        points.append({**_marker(marker, x, y, 4.5), "fill": colour, "id": f.get("id"), "label": label})
    legend = []
    for src, i in sources.items():
        name = next((f.get("source_name") for _, f in dated if f.get("source") == src), None) or "unattributed"
        y = height + 16 * i
        legend.append({**_marker(MARKERS[i % len(MARKERS)], left + 6, y - 4, 4.5), "fill": PALETTE[i % len(PALETTE)],
                       "tx": left + 18, "ty": y, "label": name})
    return {"width": width, "height": total_h, "title": title, "axes": axes, "xticks": xtick_shapes,
            "yticks": ytick_shapes, "bars": bars, "points": points, "legend": legend}
