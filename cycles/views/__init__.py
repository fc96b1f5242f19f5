"""Pages of the yearly cycle and the grading workflow: parse, authorize, call one service or selector, render.

Every rule (order of steps, who decides, quotas, locks) lives in cycles.services; a refusal comes
back as a ValidationError naming its field and is shown on the form that caused it. By sub-topic:
the cycle, the level lists, one organization's grading, the status survey (cycles/urls.py names them).
"""
