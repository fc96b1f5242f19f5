"""Writes of rectification (整改提高), by sub-topic: the plan and its review, progress, the mid-year check."""

from rectification.services.midyear import midyear_rate
from rectification.services.orders import order_open
from rectification.services.plans import (
    deduction_problem_text,
    measure_add,
    measure_delete,
    measure_update,
    plan_approve,
    plan_approve_many,
    plan_content,
    plan_contents,
    plan_ensure,
    plan_file,
    plan_return,
    plan_revise,
    plan_submit,
    plan_update,
    problem_add,
    problem_delete,
    problem_from_deduction,
    problem_from_veto,
    problem_update,
    rectification_settings_update,
    supporter_create,
)
from rectification.services.progress import (
    evidence_add,
    letter_sign,
    measure_answer,
    measure_complete,
    measure_reopen,
    measure_verify,
    progress_report,
)

__all__ = [
    "deduction_problem_text", "evidence_add", "letter_sign", "measure_add", "measure_answer", "measure_complete",
    "measure_delete", "measure_reopen", "measure_update", "measure_verify", "midyear_rate", "order_open", "plan_approve",
    "plan_approve_many", "plan_content", "plan_contents", "plan_ensure", "plan_file", "plan_return", "plan_revise", "plan_submit",
    "plan_update", "problem_add", "problem_delete", "problem_from_deduction", "problem_from_veto", "problem_update",
    "progress_report", "rectification_settings_update", "supporter_create",
]
