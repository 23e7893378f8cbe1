"""What the plan editor (ui/widgets/plan_editor.py) and its schema-2 forms (ui/widgets/plan_v2_forms.py)
share: the choices and QA tables both show, and reading and writing a plan document by dotted path."""

from __future__ import annotations

from typing import Any

from ui.models.plan_tables import Choice, Column

MODE_CHOICES = (
    Choice("marginal", "超额累进（每段按本段比例）", "Marginal (each slice at its tier's rate)"),
    Choice("whole", "全额累进（全部按最高达到段比例）", "Whole (all at the highest tier reached)"),
)
BETTER_CHOICES = (
    Choice("higher", "越高越好", "Higher is better"),
    Choice("lower", "越低越好", "Lower is better"),
)
QA_BAND_COLUMNS = (
    Column("min", "平均分不低于", "Average at least", tip_zh="必须有一行为 0", tip_en="one row must be 0"),
    Column("coefficient", "提成系数", "Coefficient"),
)
GRADE_COLUMNS = (
    Column("min", "平均分不低于", "Average at least", tip_zh="必须有一行为 0", tip_en="one row must be 0"),
    Column("grade", "等级", "Grade", kind="text"),
)


def doc_get(doc: Any, path: str) -> Any:
    """The value at a dotted ``path`` of a plan document (nested dicts); None where there is none."""
    node = doc
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def doc_put(doc: dict[str, Any], path: str, value: Any) -> None:
    """Set the value at a dotted ``path``, making the tables on the way."""
    parts = path.split(".")
    node = doc
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
