"""The target parser reads the printed target plus the indicator's name and unit."""

from decimal import Decimal

import pytest

from indicators import targets as tk
from indicators.targets import parse_target

D = Decimal


@pytest.mark.parametrize(
    ("text", "name", "unit", "kind", "value", "extra"),
    [
        ("7.5", "地区生产总值增长", "%", tk.ANNUAL_GROWTH, D("7.5"), {}),
        ("70", "常住人口城镇化率", "%", tk.LEVEL, D(70), {}),
        ("7.0左右", "社会消费品零售总额增长", "%", tk.ANNUAL_GROWTH, D("7.0"), {"approximate": True}),
        ("[12]", "研发经费投入增长", "%", tk.CUMULATIVE, D(12), {"compound": True}),
        ("[13.5]", "单位生产总值能源消耗降低", "%", tk.CUMULATIVE, D("13.5"), {"compound": True}),
        ("【3】", "累计新增城镇就业", "万人", tk.CUMULATIVE, D(3), {"compound": False}),
        ("3.0", "每万人发明专利拥有量", "件", tk.LEVEL, D("3.0"), {}),
        ("五年年均增长2.5", "数字经济核心产业增加值占地区生产总值比重", "%", tk.ANNUAL_INCREMENT, D("2.5"), {}),
        ("五年年均增长1.0", "人均预期寿命", "岁", tk.ANNUAL_INCREMENT, D("1.0"), {}),
        ("年均增长6", "一般公共预算收入增长", "%", tk.ANNUAL_GROWTH, D(6), {}),
        ("五年年均增长与经济增长基本同步", "城乡居民人均可支配收入增长率", "%", tk.LINKED, None, {"approximate": True}),
        ("高于GDP增长", "居民收入增长", "%", tk.LINKED, None, {"note": "高于"}),
        ("3.5", "城镇新增就业人数", "万人", tk.CUMULATIVE, D("3.5"), {}),
        ("＜5.5", "城镇调查失业率", "%", tk.CEILING, D("5.5"), {"inclusive": False, "direction": tk.LOWER}),
        ("<5.5", "城镇调查失业率", "%", tk.CEILING, D("5.5"), {"inclusive": False}),
        ("5.5以内", "城镇调查失业率", "%", tk.CEILING, D("5.5"), {"inclusive": True}),
        ("低于5.5", "城镇调查失业率", "%", tk.CEILING, D("5.5"), {"inclusive": False}),
        ("控制在3以内", "居民消费价格涨幅", "%", tk.CEILING, D(3), {"inclusive": True}),
        ("＞95", "基本养老保险参保率", "%", tk.FLOOR, D(95), {"inclusive": False}),
        ("≥95", "基本医疗保险参保率", "%", tk.FLOOR, D(95), {"inclusive": True}),
        ("稳定在35以上", "粮食综合生产能力", "万吨", tk.FLOOR, D(35), {"inclusive": True}),
        ("11.0左右", "劳动年龄人口平均受教育年限", "年", tk.LEVEL, D("11.0"), {"approximate": True}),
        ("按市下达目标", "单位生产总值能源消耗降幅", "%", tk.ASSIGNED, None, {"direction": tk.HIGHER}),
        ("按省下达目标", "单位生产总值二氧化碳排放降低", "%", tk.ASSIGNED, None, {}),
        ("１４．０５", "森林覆盖率", "%", tk.LEVEL, D("14.05"), {}),
        ("持续改善", "生态环境质量", "", tk.QUALITATIVE, None, {}),
        ("", "城镇就业", "", tk.QUALITATIVE, None, {}),
    ],
)
def test_parse_target(text: str, name: str, unit: str, kind: str, value: Decimal | None, extra: dict) -> None:
    parsed = parse_target(text, name, unit)
    assert parsed.kind == kind
    assert parsed.value == value
    for attribute, expected in extra.items():
        assert getattr(parsed, attribute) == expected


@pytest.mark.parametrize(
    ("name", "direction"),
    [
        ("城镇调查失业率", tk.LOWER),
        ("单位生产总值能耗", tk.LOWER),
        ("单位生产总值能源消耗降幅", tk.HIGHER),
        ("森林覆盖率", tk.HIGHER),
    ],
)
def test_direction_from_name(name: str, direction: str) -> None:
    assert tk.direction_for(name) == direction
