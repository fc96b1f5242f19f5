"""Plans for the ledger's tests: the rectification columns of a row come from its organization's plan."""

from rectification import services as rectification_services
from rectification.services.common import settings_of


def file_plan(cycle, organization, actor, *, target_grade: str = "", measures=("建好阵地",), deadline=None,
              responsible_person: str = "廖仁旺", assisting_unit: str = "", liaison_leader: str = ""):
    """File a plan through rectification's services: one problem per measure, each measure with the given
    responsible person, deadline (the cycle's last day of rectification by default) and supporters."""
    deadline = deadline or settings_of(cycle).ends_on
    measures = [measures] if isinstance(measures, str) else measures
    problems = [{"title": f"问题{number}", "source": "other", "measures": [{
        "text": text, "responsible_person": responsible_person, "deadline": deadline,
        "assisting_unit": assisting_unit, "liaison_leader": liaison_leader}]}
        for number, text in enumerate(measures, 1)]
    return rectification_services.plan_file(actor=actor, cycle=cycle, organization=organization,
                                            target_grade=target_grade, problems=problems)
