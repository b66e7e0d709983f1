"""Horizontal bar charts for admin pages, drawn server-side as inline SVG with pygal.

The SVG holds no script and fetches nothing: pygal's tooltip script and its inline config are
left out, and each bar carries a ``<title>`` that the browser shows on hover. Labels use the
page's Chinese fonts (Noto Sans CJK first); the chart is an image named by its title.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.etree import etree
from pygal.style import Style

FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
FONT_SIZE = 12
WIDTH = 800
BAR_HEIGHT = 14
GROUP_GAP = 12
# Title, axis and legend (two lines) around the bars.
FRAME_HEIGHT = 110


@dataclass(frozen=True)
class Point:
    """One bar (or stacked segment): its length, and optionally its hover text, link and label.

    ``text`` is written on the bar instead of the length (a count on a bar scaled by share).
    """

    value: float
    title: str = ""
    url: str = ""
    text: str = ""


def _text_width(text: str, size: int) -> float:
    # Chinese characters are about one em wide; pygal reckons 0.6 em for every character.
    return sum(size if ord(char) > 0x2E7F else 0.6 * size for char in text)


def _pygal_value(point, category: str, serie: str):
    if point is None:
        return None
    if not isinstance(point, Point):
        point = Point(point)
    if not point.value:
        return None  # no bar, no "0" written on the axis
    value = {"value": point.value, "label": point.title or f"{category} · {serie}：{point.value}"}
    if point.url:
        value["xlink"] = {"href": point.url, "target": "_self"}
    if point.text:
        value["formatter"] = lambda _value, text=point.text: text
    return value


def _local(element) -> str:
    # With lxml installed, pygal's tags carry the SVG namespace: "{http://...}title".
    return str(element.tag).rsplit("}", 1)[-1]


def _finish(title: str):
    """Return an XML filter naming the chart, giving each bar its hover title, and dropping the
    inline script with pygal's config (only its tooltip script, left out, would read it)."""

    def apply(root):
        for defs in [e for e in root if _local(e) == "defs"]:
            for script in [e for e in defs if _local(e) == "script"]:
                defs.remove(script)
        root.set("role", "img")
        root.set("aria-label", title)
        for element in root:
            if _local(element) == "title":
                element.text = title
        for group in root.iter():
            if _local(group) != "g":
                continue
            if "guides" in group.get("class", ""):
                # pygal titles each axis guide with its position (0.1666…): noise when read out.
                for hint in [c for c in group if _local(c) == "title"]:
                    group.remove(hint)
            elif group.get("class") == "bar":
                labels = [d.text for d in group.iter() if d.get("class") == "label"]
                if labels:
                    etree.SubElement(group, group.tag[:-1] + "title").text = labels[0]
        return root

    return apply


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[float | Point | None]],
    *,
    colours: Sequence[str],
    stacked: bool = False,
    max_value: float | None = None,
) -> SafeString:
    """Return a horizontal bar chart as inline SVG, the first category at the top.

    ``series`` maps each legend label to one value per category, drawn in ``colours`` (one per
    series): side by side in a group per category, or stacked into one bar when ``stacked``.
    Each value is a number, a ``Point`` or ``None`` (no bar). ``max_value`` fixes the scale's end
    (100 for shares); otherwise it fits the largest value.
    """
    bars_per_category = 1 if stacked else max(len(series), 1)
    height = FRAME_HEIGHT + len(categories) * (bars_per_category * BAR_HEIGHT + GROUP_GAP)
    widest = max((_text_width(str(c), FONT_SIZE) for c in categories), default=0)
    pygal_guess = max((0.6 * FONT_SIZE * len(str(c)) for c in categories), default=0)
    style = Style(
        font_family=FONT,
        colors=tuple(colours),
        background="transparent",
        plot_background="transparent",
        foreground="currentColor",
        foreground_strong="currentColor",
        foreground_subtle="#d0d5da",
        opacity="1",
        opacity_hover=".8",
        label_font_size=FONT_SIZE,
        major_label_font_size=FONT_SIZE,
        value_font_size=FONT_SIZE - 1,
        legend_font_size=FONT_SIZE,
    )
    chart_class = pygal.HorizontalStackedBar if stacked else pygal.HorizontalBar
    chart = chart_class(
        style=style,
        js=[],  # no tooltip script fetched from elsewhere; bars carry <title> instead
        width=WIDTH,
        height=height,
        print_values=True,
        print_zeroes=False,
        legend_at_bottom=True,
        legend_at_bottom_columns=len(series),
        truncate_label=-1,
        truncate_legend=-1,
        show_y_guides=False,
        margin_left=20 + round(widest - pygal_guess),
        range=(0, max_value) if max_value is not None else None,
        disable_xml_declaration=True,
    )
    chart.add_xml_filter(_finish(str(title)))
    # pygal draws the first category at the bottom; the pages read from the top.
    chart.x_labels = [str(c) for c in reversed(categories)]
    for serie, values in series.items():
        points = [
            _pygal_value(point, str(category), str(serie))
            for category, point in zip(categories, values, strict=True)
        ]
        chart.add(str(serie), points[::-1])
    return mark_safe(chart.render(is_unicode=True))
