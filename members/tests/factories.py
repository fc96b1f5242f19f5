import datetime
import itertools

from members import services
from members.choices import Education, Gender

_numbers = itertools.count(1)


def make_member(actor, organization, **fields):
    number = next(_numbers)
    data = {"name": f"党员{number}", "gender": Gender.MALE, "birth_date": datetime.date(1970, 1, 1) + datetime.timedelta(days=number),
            "education": Education.SENIOR, "joined_on": datetime.date(1995, 7, 1)}
    data.update(fields)
    return services.member_create(actor=actor, organization=organization, **data)
