"""Tasks for the tests of the job runner: work that counts rows at a set pace, or fails as asked.
They run in a real worker too, which imports them by name like any other task."""

import time

from django.core.exceptions import ValidationError
from django_tasks import task

from core.jobs import job_execute
from ledgers.models import LedgerJob


class Refused(Exception):
    problems = [{"row": 4, "column": "E", "header": "流动党员数", "message": "流动党员数不是数字", "blocking": True}]


def _count(progress, rows: int, pause: float, fail: str, problems: int = 1, padding: int = 0) -> dict:
    for done in range(rows + 1):
        progress(done, rows)
        if done < rows:
            time.sleep(pause)
    if fail == "unexpected":
        raise RuntimeError("disk full at /var/lib/jinwei")
    if fail == "refused":
        raise Refused
    if fail == "invalid":
        raise ValidationError({"file": ["第 3 行：缺少党组织名称。"]})
    return {"rows": rows, **({"padding": "很" * padding} if padding else {}),
            "problems": [{"row": 3 + number, "column": "A", "header": "党支部名称", "message": "名称有空格",
                          "blocking": number > 1500} for number in range(problems)]}


@task(takes_context=True)
def count_rows(context, job_id: int, *, rows: int = 3, pause: float = 0.0, fail: str = "", problems: int = 1,
               padding: int = 0) -> None:
    job_execute(context, LedgerJob, job_id, lambda job, progress: _count(progress, rows, pause, fail, problems, padding))
