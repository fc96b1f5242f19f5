"""The yearly cycle and the grading workflow: each transition is one service with its guards.

Every service runs in one transaction, locks the row it moves (so of two reviewers acting at
once exactly one wins and the other is told what happened), keeps the level tallies current,
and writes its audit event. Refusals are ValidationError or PermissionDenied with a Chinese
message; nothing partial is saved. By sub-topic: the cycle itself, an organization's own steps,
its superior's decision, the level lists, the status survey.
"""

from cycles.services.cycle import cycle_attachment_add, cycle_open, cycle_update, deadline_extend, grading_ensure
from cycles.services.lists import (
    grading_reopen,
    level_list_approve,
    level_list_return,
    level_list_submit,
    list_quota_failures,
)
from cycles.services.own_steps import VOTE_KEYS, grading_submit, step_record
from cycles.services.superior import combined_score, department_input_record, grading_decide, grading_return
from cycles.services.survey import SURVEY_FIELDS, survey_save

__all__ = ["cycle_open", "grading_ensure", "cycle_update", "deadline_extend", "cycle_attachment_add", "VOTE_KEYS", "step_record", "grading_submit", "grading_return", "grading_decide", "department_input_record", "combined_score", "list_quota_failures", "level_list_submit", "level_list_return", "level_list_approve", "grading_reopen", "SURVEY_FIELDS", "survey_save"]
