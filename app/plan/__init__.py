"""The plan (提成方案): model, TOML load/save and validation with key-path errors."""

from app.plan.model import Plan
from app.plan.toml_io import PlanError, default_plan, default_plan_text, dump_plan, load_plan

__all__ = ["Plan", "PlanError", "default_plan", "default_plan_text", "dump_plan", "load_plan"]
