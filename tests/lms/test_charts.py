import re

from lms.charts import Point, bar_chart

COLOURS = ("#9aa5b1", "#2f6fb3")


def chart(**kwargs):
    return bar_chart(
        "各总工会须配备与已定岗人数",
        ["涪城区总工会", "游仙区总工会"],
        {"须配备": [4, 1], "已定岗": [5, None]},
        colours=COLOURS,
        **kwargs,
    )


def test_the_chart_is_an_image_named_by_its_title():
    svg = chart()
    assert svg.startswith("<svg")
    assert 'role="img"' in svg and 'aria-label="各总工会须配备与已定岗人数"' in svg
    assert "<title>各总工会须配备与已定岗人数</title>" in svg


def test_each_bar_has_a_hover_title_with_its_category_series_and_value():
    titles = re.findall(r"<title>([^<]*)</title>", chart())
    assert "涪城区总工会 · 已定岗：5" in titles
    assert "游仙区总工会 · 须配备：1" in titles
    assert not any(t.startswith("游仙区总工会 · 已定岗") for t in titles)  # None draws no bar


def test_the_chart_fetches_nothing_and_uses_the_series_colours():
    svg = chart()
    assert "<script" not in svg and "kozea.github.io" not in svg
    assert all(colour in svg for colour in COLOURS)
    assert "Noto Sans CJK SC" in svg


def test_the_first_category_is_drawn_at_the_top():
    svg = chart()
    assert svg.index(">游仙区总工会<") < svg.index(">涪城区总工会<")  # pygal writes bottom-up


def test_points_carry_links_titles_and_printed_text():
    svg = bar_chart(
        "达标",
        ["涪城区总工会 · 年度培训学时"],
        {"已达标": [Point(40, title="已达标：2", url="/admin/compliance/2/annual/met/", text="2")]},
        colours=("#2e7d32",),
        stacked=True,
        max_value=100,
    )
    assert 'xlink:href="/admin/compliance/2/annual/met/"' in svg
    assert "<title>已达标：2</title>" in svg
    assert re.search(r'<text[^>]*class="value[^"]*"[^>]*>2</text>', svg)


def test_names_are_escaped():
    svg = bar_chart("图", ["<b>工会</b>"], {"人数": [1]}, colours=("#000",))
    assert "<b>" not in svg and "&lt;b&gt;工会&lt;/b&gt;" in svg
