"""The example plans shipped in ``resources/plans/``, offered on the plan page as a place to start.

Each example is a complete ``schema = 2`` plan file; the plan page loads one into its forms as an
unsaved plan, and the manager saves it as a version (docs/pay-rules.md §7.3).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.plan.model import Plan
from app.plan.toml_io import load_plan
from app.resources import read_text
from app.text import Text


@dataclass(frozen=True)
class ExamplePlan:
    file: str  # the file name under resources/plans/
    title: Text
    summary: Text

    @property
    def resource(self) -> str:
        return f"plans/{self.file}"

    def text(self) -> str:
        return read_text(self.resource)

    def plan(self) -> Plan:
        return load_plan(self.text(), source=self.file)


EXAMPLE_PLANS: tuple[ExamplePlan, ...] = (
    ExamplePlan(
        "call_centre_18.toml",
        Text("呼叫中心 18 项考核", "Call centre, 18 KPI items"),
        Text(
            "呼叫中心考核细则的 18 项指标：接听量按当月最高者折算、接通率与满意度按步长加减分、"
            "投诉按级别扣分、缺勤与报表差错按次扣分、月考与培训分档、执行力直接评分。",
            "The 18 items of the call-centre KPI rules: calls against the month's best, rates scored "
            "in steps, complaints by level, absences and report errors per occurrence, the exam and "
            "training in bands, and a direct score for execution.",
        ),
    ),
    ExamplePlan(
        "posts_schema2.toml",
        Text("分岗位：回访、接听、咨诉", "Per post: callback, answering, complaints desk"),
        Text(
            "客户服务部三个岗位（电话回访岗、电话接听岗、电话咨诉岗）各用自己的考核指标，"
            "寿险与意外险按产品组分别计提，月度优秀奖在各岗位内评比。",
            "The three posts of the customer-service department (callback, answering, complaints "
            "desk), each with its own KPI table; life and accident products with their own tiers; "
            "the monthly award ranked within each post.",
        ),
    ),
)


def example_plan(file: str) -> ExamplePlan:
    """The shipped example with that file name (``KeyError`` when there is none)."""
    for example in EXAMPLE_PLANS:
        if example.file == file:
            return example
    raise KeyError(file)
