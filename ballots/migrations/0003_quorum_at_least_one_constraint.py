# A migration of its own: on PostgreSQL a table whose rows were just updated (0002) cannot be altered in the same
# transaction while its deferred foreign-key checks are pending.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ballots', '0002_meeting_grade_and_quorum_of_one'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='ballotsession',
            constraint=models.CheckConstraint(condition=models.Q(('quorum__gte', 1)), name='ballot_session_quorum_at_least_one'),
        ),
    ]
