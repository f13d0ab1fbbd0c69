"""Charts drawn on the server as inline SVG strings: no JavaScript, no CDN, works offline.

Pure functions of plain data; every text is escaped, so the output is well-formed XML.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

SVG_NS = "http://www.w3.org/2000/svg"
# Distinct on white and for the common colour blindnesses (Okabe–Ito).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: a label, a percent (None when there is nothing to count), a link."""

    label: str
    percent: float | None
    detail: str = ""
    href: str = ""


@dataclass(frozen=True)
class Series:
    """One line: a name and a value per x position (None leaves a gap)."""

    name: str
    values: Sequence[float | None]


def _fmt(number: float) -> str:
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _pct(percent: float | None) -> str:
    return "—" if percent is None else f"{percent:.1f}".replace(".", ",") + "%"


def bar_colour(percent: float | None) -> str:
    if percent is None:
        return "#9aa5b1"
    if percent >= 100:
        return "#1e7b34"
    if percent >= 80:
        return "#0072B2"
    if percent >= 50:
        return "#E69F00"
    return "#b3261e"


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        # No style attribute (the CSP forbids inline style): `.chart` in coverage.css caps the
        # width at the container's, and the width attribute at the drawing's own.
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {width} {height}" width="{width}" '
        f'role="img" aria-label={quoteattr(title)} class="chart" '
        f'font-family="system-ui,sans-serif">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def bar_chart(bars: Sequence[Bar], *, title: str, width: int = 380) -> str:
    """Horizontal bars, one per row, the label above its bar so long names fit on a phone."""
    row, top, label_h, bar_h = 40, 6, 15, 16
    track = width - 70
    body = []
    for i, bar in enumerate(bars):
        y = top + i * row
        filled = 0.0 if bar.percent is None else min(max(bar.percent, 0.0), 100.0)
        tip = f"{bar.label}: {_pct(bar.percent)}" + (f" ({bar.detail})" if bar.detail else "")
        parts = [
            f"<title>{escape(tip)}</title>",
            # The whole row takes the click, not only the glyphs and the filled part.
            f'<rect x="0" y="{y}" width="{width}" height="{row}" fill="#fff" fill-opacity="0"/>',
            f'<text x="0" y="{y + 12}" font-size="13" fill="#1d2733">{escape(bar.label)}</text>',
            f'<rect x="0" y="{y + label_h + 2}" width="{track}" height="{bar_h}" fill="#eef1f4"/>',
            f'<rect x="0" y="{y + label_h + 2}" width="{_fmt(track * filled / 100)}" '
            f'height="{bar_h}" fill="{bar_colour(bar.percent)}"/>',
            f'<text x="{track + 6}" y="{y + label_h + 15}" font-size="13" '
            f'fill="#1d2733">{escape(_pct(bar.percent))}</text>',
        ]
        group = "".join(parts)
        if bar.href:
            body.append(f'<a href={quoteattr(bar.href)} class="bar-link">{group}</a>')
        else:
            body.append(f"<g>{group}</g>")
    height = top * 2 + max(len(bars), 1) * row
    return _svg(width, height, title, body)


def _y(value: float, top: int, plot_h: int) -> float:
    return top + plot_h * (1 - min(max(value, 0.0), 100.0) / 100)


def _grid(left: int, top: int, plot_w: int, plot_h: int) -> list[str]:
    out = []
    for tick in (0, 25, 50, 75, 100):
        y = _fmt(_y(tick, top, plot_h))
        out.append(
            f'<line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" stroke="#d9dee4"/>'
            f'<text x="{left - 6}" y="{y}" font-size="11" text-anchor="end" '
            f'dominant-baseline="middle" fill="#5b6775">{tick}%</text>'
        )
    return out


def _x_labels(labels: Sequence[str], xs: list[float], baseline: float) -> list[str]:
    step = max(1, len(labels) // 8)
    return [
        f'<text x="{_fmt(xs[i])}" y="{_fmt(baseline + 16)}" font-size="11" '
        f'text-anchor="middle" fill="#5b6775">{escape(label)}</text>'
        for i, label in enumerate(labels)
        if i % step == (len(labels) - 1) % step
    ]


def _polylines(values: Sequence[float | None], xs: list[float], top: int, plot_h: int) -> list:
    """Runs of consecutive known points: a gap where a value is None."""
    runs: list[list[str]] = [[]]
    for x, v in zip(xs, values, strict=False):
        if v is None:
            runs.append([])
        else:
            runs[-1].append(f"{_fmt(x)},{_fmt(_y(v, top, plot_h))}")
    return [r for r in runs if r]


def _series(s: Series, colour: str, xs: list[float], labels: Sequence[str], box: tuple) -> str:
    top, plot_h = box
    out = [
        f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"/>'
        for run in _polylines(s.values, xs, top, plot_h)
    ]
    for x, v, label in zip(xs, s.values, labels, strict=False):
        if v is not None:
            out.append(
                f'<circle cx="{_fmt(x)}" cy="{_fmt(_y(v, top, plot_h))}" r="2.5" '
                f'fill="{colour}"><title>{escape(f"{s.name} {label}: {_pct(v)}")}</title></circle>'
            )
    return f'<g class="series">{"".join(out)}</g>'


def _legend(series: Sequence[Series], y: float, width: int) -> list[str]:
    out, x = [], 10.0
    for i, s in enumerate(series):
        w = 28 + 7 * len(s.name)
        if x + w > width and x > 10:
            x, y = 10.0, y + 18
        colour = PALETTE[i % len(PALETTE)]
        out.append(
            f'<rect x="{_fmt(x)}" y="{_fmt(y - 9)}" width="14" height="4" fill="{colour}"/>'
            f'<text x="{_fmt(x + 18)}" y="{_fmt(y - 3)}" font-size="12" '
            f'fill="#1d2733">{escape(s.name)}</text>'
        )
        x += w
    return out


def _axis_titles(x_title: str, y_title: str, left: int, plot_w: int, top: int, plot_h: int) -> list:
    baseline = top + plot_h
    return [
        f'<text x="{_fmt(left + plot_w)}" y="{_fmt(baseline + 31)}" font-size="11" '
        f'text-anchor="end" fill="#5b6775" class="axis-x">{escape(x_title)}</text>',
        f'<text x="12" y="{_fmt(top + plot_h / 2)}" font-size="11" text-anchor="middle" '
        f'fill="#5b6775" transform="rotate(-90 12 {_fmt(top + plot_h / 2)})" '
        f'class="axis-y">{escape(y_title)}</text>',
    ]


def line_chart(
    series: Sequence[Series],
    *,
    labels: Sequence[str],
    title: str,
    width: int = 640,
    x_title: str = "Tháng/năm",
    y_title: str = "Tỷ lệ (%)",
) -> str:
    """Percent (0–100) over time: one line per series, x positions labelled by `labels`, both
    axes titled."""
    left, right, top, plot_h = 54, 24, 10, 180
    plot_w = width - left - right
    n = max(len(labels), 1)
    xs = [left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2) for i in range(n)]
    body = _grid(left, top, plot_w, plot_h)
    body += _x_labels(labels, xs, top + plot_h)
    body += _axis_titles(x_title, y_title, left, plot_w, top, plot_h)
    body += [
        _series(s, PALETTE[i % len(PALETTE)], xs, labels, (top, plot_h))
        for i, s in enumerate(series)
    ]
    legend_rows = 1 + sum(7 * len(s.name) + 28 for s in series) // max(width - 20, 1)
    body += _legend(series, top + plot_h + 54, width)
    return _svg(width, top + plot_h + 48 + 18 * legend_rows + 8, title, body)
