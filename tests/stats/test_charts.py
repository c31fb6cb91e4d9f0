"""The dashboard's SVG charts: well-formed, named pictures whose shapes match their figures."""

import re
import xml.etree.ElementTree as ET

from django.utils.safestring import SafeString

from stats.charts import NO_BASIS, bar_chart, column_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(chart: SafeString) -> ET.Element:
    """Return the chart's root element; parsing fails on any unescaped text."""
    return ET.fromstring(str(chart))


def _by_class(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    """Return the elements named tag whose class is cls, in document order."""
    return [el for el in root.iter(f"{SVG}{tag}") if el.get("class") == cls]


def _bars(bars: list[tuple[str, float | None, str]]) -> ET.Element:
    return _parse(bar_chart(title="按时答复率", summary="各单位", bars=bars, chart_id="rate"))


def _columns(columns: list[tuple[str, int]]) -> ET.Element:
    return _parse(column_chart(title="每月答复", summary="按月", columns=columns, chart_id="month"))


def test_the_chart_is_a_picture_named_by_its_title_and_description():
    chart = bar_chart(
        title="按时答复率", summary="三个单位", bars=[("甲", 1.0, "100%")], chart_id="c1"
    )
    root = _parse(chart)

    assert isinstance(chart, SafeString)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    ids = {el.get("id"): el for el in root.iter() if el.get("id")}
    assert ids["c1-title"].tag == f"{SVG}title"
    assert ids["c1-title"].text == "按时答复率"
    assert ids["c1-desc"].tag == f"{SVG}desc"
    assert ids["c1-desc"].text == "三个单位"


def test_labels_from_the_database_are_escaped():
    label = '<script>alert("x")</script> 财政局 & 税务局'
    chart = bar_chart(title="A & B", summary="<b>", bars=[(label, 0.5, "50%")], chart_id="c")
    root = _parse(chart)

    assert "<script" not in str(chart)
    assert list(root.iter(f"{SVG}script")) == []
    assert root.find(f"{SVG}title").text == "A & B"
    assert root.find(f"{SVG}desc").text == "<b>"
    row = _by_class(root, "g", "chart-row")[0]
    assert row.find(f"{SVG}title").text == f"{label}：50%"


def test_bar_lengths_are_proportional_to_the_fractions():
    root = _bars([("甲", 1.0, "100%"), ("乙", 0.5, "50%"), ("丙", 0.25, "25%"), ("丁", 0.0, "0%")])
    widths = [float(rect.get("width")) for rect in _by_class(root, "rect", "chart-bar")]

    assert widths[0] > 0
    assert widths[1:] == [widths[0] / 2, widths[0] / 4, 0]
    values = [text.text for text in _by_class(root, "text", "chart-value")]
    assert values == ["100%", "50%", "25%", "0%"]


def test_a_fraction_with_nothing_to_divide_by_draws_no_bar():
    root = _bars([("甲", 0.5, "50.0%(1/2)"), ("乙", None, "—")])

    assert len(_by_class(root, "rect", "chart-bar")) == 1
    rows = _by_class(root, "g", "chart-row")
    assert rows[1].find(f"{SVG}rect") is None
    assert rows[1].find(f"{SVG}text[@class='chart-value']").text == NO_BASIS


def test_a_long_label_is_cut_and_kept_whole_in_the_row_title():
    name = "某某市某某区住房和城乡建设局城市管理综合行政执法大队"
    row = _by_class(_bars([(name, 0.5, "50%")]), "g", "chart-row")[0]

    shown = row.find(f"{SVG}text[@class='chart-label']").text
    assert len(shown) == 20
    assert shown == name[:19] + "…"
    assert row.find(f"{SVG}title").text == f"{name}：50%"


def test_the_bar_chart_grows_a_row_per_bar():
    short = _bars([("甲", 0.5, "50%")] * 2)
    tall = _bars([("甲", 0.5, "50%")] * 100)

    height = float(tall.get("viewBox").split()[3])
    assert height - float(short.get("viewBox").split()[3]) == 98 * 26
    assert len(_by_class(tall, "rect", "chart-bar")) == 100


def test_column_heights_are_proportional_to_the_counts():
    root = _columns([("1月", 8), ("2月", 4), ("3月", 0)])
    rects = _by_class(root, "rect", "chart-column")
    heights = [float(rect.get("height")) for rect in rects]

    assert heights[0] > 0
    assert heights[1:] == [heights[0] / 2, 0]
    # Every column stands on the same baseline.
    assert len({float(r.get("y")) + float(r.get("height")) for r in rects}) == 1
    assert [t.text for t in _by_class(root, "text", "chart-value")] == ["8", "4", "0"]
    assert [t.text for t in _by_class(root, "text", "chart-label")] == ["1月", "2月", "3月"]
    axis = [t.text for t in _by_class(root, "text", "chart-axis")]
    assert axis[0] == "0"
    assert int(axis[-1]) >= 8


def test_many_columns_keep_every_value_but_label_every_other():
    months = [(f"2025年{m}月", m) for m in range(1, 13)] + [
        (f"2026年{m}月", m) for m in range(1, 13)
    ]
    root = _columns(months)

    assert len(_by_class(root, "rect", "chart-column")) == 24
    assert len(_by_class(root, "text", "chart-value")) == 24
    labels = [t.text for t in _by_class(root, "text", "chart-label")]
    assert labels == [label for label, _ in months[::2]]
    titles = [g.find(f"{SVG}title").text for g in _by_class(root, "g", "chart-col")]
    assert titles[1] == "2025年2月：2"
    assert len(titles) == 24


def test_no_columns_still_make_a_named_picture_that_says_so():
    root = _columns([])

    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "每月答复"
    assert _by_class(root, "text", "chart-empty")[0].text == "暂无数据"
    assert _by_class(root, "rect", "chart-column") == []


def test_output_is_deterministic_with_coordinates_to_one_decimal():
    bars = [("甲", 1 / 3, "33.3%(1/3)"), ("乙", 2 / 7, "28.6%(2/7)")]
    first = bar_chart(title="t", summary="s", bars=bars, chart_id="d")
    columns = [("1月", 3), ("2月", 7), ("3月", 1)]

    assert bar_chart(title="t", summary="s", bars=bars, chart_id="d") == first
    assert column_chart(title="t", summary="s", columns=columns, chart_id="e") == column_chart(
        title="t", summary="s", columns=columns, chart_id="e"
    )
    assert float(_by_class(_parse(first), "rect", "chart-bar")[0].get("width")) == 106.7
    shapes = [el for el in _parse(first).iter() if el.tag != f"{SVG}svg"]
    numbers = [el.get(a) for el in shapes for a in ("x", "y", "x1", "x2", "width") if el.get(a)]
    assert len(numbers) > 10
    assert all(re.fullmatch(r"\d+(\.\d)?", n) for n in numbers), numbers
