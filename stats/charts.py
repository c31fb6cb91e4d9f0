"""Server-rendered SVG charts for the statistics dashboard.

Drawn as plain SVG in Python so the dashboard needs no script, no CDN and no chart library:
government intranets have no internet. Each chart is one picture (``role="img"``) named by
its own ``<title>`` and ``<desc>``; the page shows the same figures as a table, so nothing
inside is focusable. Every label is escaped, as labels are agency names from the database.
"""

from __future__ import annotations

from html import escape

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

TEXT = "#1a1a1a"  # 17:1 on white
BAR = "#1d4e89"
GRID = "#c8c8c8"
AXIS = "#767676"
FONT = 14
AXIS_FONT = 12
# Room is reserved for text at the large-print size, so enlarging it by CSS overlaps nothing.
LARGE_FONT = 16
WIDTH = 820
NO_BASIS = "—(无可计算的件)"
NO_DATA = "暂无数据"

ROW = 26
BAR_HEIGHT = 18
BARS_TOP = 28
LABEL_CHARS = 20
LABEL_END = LABEL_CHARS * LARGE_FONT + 4
BAR_X = LABEL_END + 8
BAR_W = 320

PLOT_LEFT = 56
PLOT_RIGHT = 12
PLOT_TOP = 28
PLOT_H = 220
MIN_STEP = 36
# Beyond this many columns only every other label is written; each value stays in its column.
THIN_AFTER = 12


def _n(value: float) -> str:
    """Return value rounded to one decimal, without a trailing ``.0``."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


def _text_width(text: str, size: float = LARGE_FONT) -> float:
    """Return the estimated width of text: a full em for CJK characters, 0.6 em for others."""
    return sum(size if ord(ch) >= 0x2E80 else size * 0.6 for ch in text)


def _svg(
    *, chart_id: str, title: str, summary: str, width: float, height: float, body: list[str]
) -> SafeString:
    """Return the ``<svg>`` picture, named by title and described by summary, around body."""
    head = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        'aria-labelledby="{0}-title {0}-desc" viewBox="0 0 {1} {2}" width="100%" '
        'font-family="sans-serif" font-size="{3}" fill="{4}">'
        '<title id="{0}-title">{5}</title><desc id="{0}-desc">{6}</desc>',
        chart_id,
        _n(width),
        _n(height),
        FONT,
        TEXT,
        title,
        summary,
    )
    return mark_safe(head + "".join(body) + "</svg>")


def _empty(*, chart_id: str, title: str, summary: str) -> SafeString:
    """Return a short picture that says there is no data."""
    body = [format_html('<text class="chart-empty" x="16" y="30">{}</text>', NO_DATA)]
    return _svg(chart_id=chart_id, title=title, summary=summary, width=WIDTH, height=48, body=body)


def _scale(peak: int) -> tuple[int, int]:
    """Return the axis top and gridline step: at most four steps of 1, 2 or 5 × 10ⁿ to peak."""
    magnitude = 1
    while True:
        for multiple in (1, 2, 5):
            step = multiple * magnitude
            if step * 4 >= peak:
                return step * max(1, -(-peak // step)), step
        magnitude *= 10


def bar_chart(
    *, title: str, summary: str, bars: list[tuple[str, float | None, str]], chart_id: str
) -> SafeString:
    """Return horizontal bars, one row per ``(label, fraction 0..1 or None, text at the end)``.

    A None fraction (nothing to divide by) draws no bar and says ``NO_BASIS`` instead of text.
    Labels longer than ``LABEL_CHARS`` are cut with '…'; the row's ``<title>`` keeps them whole.
    """
    if not bars:
        return _empty(chart_id=chart_id, title=title, summary=summary)
    bottom = BARS_TOP + len(bars) * ROW
    body = []
    for share, tick in ((0, "0%"), (0.5, "50%"), (1, "100%")):
        x = _n(BAR_X + share * BAR_W)
        body.append(
            format_html(
                '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{3}"/>'
                '<text class="chart-axis" x="{0}" y="16" font-size="{4}" '
                'text-anchor="middle">{5}</text>',
                x,
                BARS_TOP - 4,
                bottom,
                AXIS if share == 0 else GRID,
                AXIS_FONT,
                tick,
            )
        )
    # A row is written with plain f-strings: format_html over a hundred agencies' rows cost
    # the page tens of milliseconds. Everything from outside (label, text) is escaped.
    for i, (label, fraction, text) in enumerate(bars):
        top = BARS_TOP + i * ROW
        baseline = _n(top + ROW / 2 + 5)
        shown = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
        bar, end = "", float(BAR_X)
        if fraction is None:
            text = NO_BASIS
        else:
            length = max(0.0, min(fraction, 1.0)) * BAR_W
            end += length
            bar = (
                f'<rect class="chart-bar" x="{BAR_X}" y="{_n(top + (ROW - BAR_HEIGHT) / 2)}" '
                f'width="{_n(length)}" height="{BAR_HEIGHT}" fill="{BAR}"/>'
            )
        label, shown, text = escape(label), escape(shown), escape(text)
        body.append(
            f'<g class="chart-row"><title>{label}：{text}</title>'
            f'<text class="chart-label" x="{LABEL_END}" y="{baseline}" text-anchor="end">'
            f"{shown}</text>{bar}"
            f'<text class="chart-value" x="{_n(end + 6)}" y="{baseline}">{text}</text></g>'
        )
    return _svg(
        chart_id=chart_id, title=title, summary=summary, width=WIDTH, height=bottom + 8, body=body
    )


def column_chart(
    *, title: str, summary: str, columns: list[tuple[str, int]], chart_id: str
) -> SafeString:
    """Return vertical columns of counts, one per ``(label, count)``, each count written above.

    The y axis runs from 0 past the greatest count with a few numbered gridlines. Beyond
    ``THIN_AFTER`` columns every other label is left out, and labels too wide for their room
    are turned 45°; each column's ``<title>`` keeps its label and count.
    """
    if not columns:
        return _empty(chart_id=chart_id, title=title, summary=summary)
    count = len(columns)
    plot_w = max(WIDTH - PLOT_LEFT - PLOT_RIGHT, count * MIN_STEP)
    step = plot_w / count
    top, tick = _scale(max(value for _, value in columns))
    thin = count > THIN_AFTER
    labelled = {i for i in range(count) if not thin or i % 2 == 0}
    label_w = max(_text_width(columns[i][0]) for i in labelled)
    turned = label_w > step * (2 if thin else 1) - 4
    reach = label_w * 0.71  # how far a label turned 45° reaches down and to the left
    left = max(PLOT_LEFT, round(reach - step / 2 + 4)) if turned else PLOT_LEFT
    base = PLOT_TOP + PLOT_H
    label_y = base + 18
    body = []
    for value in range(0, top + 1, tick):
        y = base - value / top * PLOT_H
        body.append(
            format_html(
                '<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="{3}"/>'
                '<text class="chart-axis" x="{4}" y="{5}" font-size="{6}" '
                'text-anchor="end">{7}</text>',
                left,
                _n(y),
                _n(left + plot_w),
                AXIS if value == 0 else GRID,
                left - 8,
                _n(y + 4),
                AXIS_FONT,
                value,
            )
        )
    for i, (label, value) in enumerate(columns):
        centre = _n(left + (i + 0.5) * step)
        height = value / top * PLOT_H
        caption = ""
        if i in labelled:
            turn = format_html(' transform="rotate(-45 {} {})"', centre, label_y) if turned else ""
            caption = format_html(
                '<text class="chart-label" x="{}" y="{}" text-anchor="{}"{}>{}</text>',
                centre,
                label_y,
                "end" if turned else "middle",
                turn,
                label,
            )
        body.append(
            format_html(
                '<g class="chart-col"><title>{0}：{1}</title>'
                '<rect class="chart-column" x="{2}" y="{3}" width="{4}" height="{5}" fill="{6}"/>'
                '<text class="chart-value" x="{7}" y="{8}" text-anchor="middle">{1}</text>{9}</g>',
                label,
                value,
                _n(left + (i + 0.2) * step),
                _n(base - height),
                _n(step * 0.6),
                _n(height),
                BAR,
                centre,
                _n(base - height - 6),
                caption,
            )
        )
    height = label_y + (reach + 8 if turned else 10)
    return _svg(
        chart_id=chart_id,
        title=title,
        summary=summary,
        width=left + plot_w + PLOT_RIGHT,
        height=height,
        body=body,
    )
