"""Writes of the acceptance, by sub-topic: targets, the round, one organization's acceptance and a level's."""

from acceptance.services.round import acceptance_round_open
from acceptance.services.targets import target_set, targets_seed
from acceptance.services.workflow import (
    acceptance_decide,
    acceptance_level_submit,
    acceptance_report_save,
    acceptance_return,
    acceptance_sheet,
    acceptance_sheet_open,
    acceptance_submit,
    acceptance_survey_schedule,
)

__all__ = [
    "acceptance_decide", "acceptance_level_submit", "acceptance_report_save", "acceptance_return",
    "acceptance_round_open", "acceptance_sheet", "acceptance_sheet_open", "acceptance_submit",
    "acceptance_survey_schedule", "target_set", "targets_seed",
]
