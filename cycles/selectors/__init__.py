"""Reads of cycles: progress per level, overdue lists, each user's to-dos, an organization's history.

By sub-topic: the cycle and its levels, grades, deadlines, progress and overdue work, to-dos, the
status survey.
"""

from cycles.selectors.cycle import (
    cycle_list,
    grading_events,
    grading_history,
    level_list_of,
    levels_of,
    list_whole,
    owner_contacts,
    previous_cycle,
    sectors_below,
    subordinate_gradings,
    subordinate_list_states,
)
from cycles.selectors.deadlines import (
    Due,
    cycle_deadline,
    effective_deadline,
    extensions_of,
    grading_due,
    grading_due_of,
    gradings_due,
    list_deadline,
    next_step,
    own_steps,
    step_closed,
    step_deadline,
)
from cycles.selectors.grades import (
    DEFAULT_GRADES,
    cycle_grades,
    cycle_standard,
    grading_grades,
    grading_standard,
    level_summary,
    organization_grades,
    scheme_grades,
    summary_tables,
)
from cycles.selectors.progress import (
    LevelOverview,
    Overdue,
    OverdueList,
    StepProgress,
    level_overviews,
    overdue_list,
    overdue_lists,
    step_progress,
)
from cycles.selectors.survey import (
    NOT_ANSWERED,
    SURVEY_ANSWERS,
    SurveyCount,
    SurveyFilter,
    survey_answers_of,
    survey_counts,
    survey_organizations,
)
from cycles.selectors.todos import Todo, todo_list

__all__ = ["level_summary", "summary_tables", "DEFAULT_GRADES", "scheme_grades", "cycle_grades", "cycle_standard", "organization_grades", "grading_standard", "grading_grades", "next_step", "own_steps", "cycle_deadline", "effective_deadline", "extensions_of", "step_deadline", "step_closed", "Due", "grading_due", "gradings_due", "grading_due_of", "list_deadline", "cycle_list", "subordinate_gradings", "level_list_of", "list_whole", "previous_cycle", "owner_contacts", "subordinate_list_states", "grading_history", "grading_events", "levels_of", "sectors_below", "Overdue", "overdue_list", "StepProgress", "step_progress", "OverdueList", "overdue_lists", "LevelOverview", "level_overviews", "Todo", "todo_list", "NOT_ANSWERED", "SURVEY_ANSWERS", "SurveyFilter", "survey_organizations", "survey_answers_of", "SurveyCount", "survey_counts"]
