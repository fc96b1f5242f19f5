"""The JSON API of the yearly cycle and the grading workflow, on the same services, selectors and access rules as the pages.

Two routers: ``/cycles`` for cycles and what happens per level (kept-current summary, the
subordinates' gradings, overdue lists, the level's list and its approval, each user's to-dos),
``/gradings`` for one organization's grading (its steps, submit, return, determine, department
inputs, reopen). Every endpoint is thin: parse, find the objects through ``cycles.access`` and
``orgs.access``, call one service or selector, answer. A cycle, level or grading outside the
user's scope answers 404, the same as a missing one; inside it, an action that is not the user's
answers 403. Input fields carry their model field's ``verbose_name`` as title, so a schema error
names the field in the user's language; the services' refusals come back as 400 in the same format.
"""

from ninja import Router

from cycles.api import cycle, gradings, levels

# What jinwei.api mounts: /cycles (the cycle's endpoints, then its levels') and /gradings.
router = Router()
router.add_router("", cycle.router)
router.add_router("", levels.router)
gradings_router = gradings.router
