"""Voters' pages are reached by a random public key per session, not by the sequential id."""

from django.db import migrations, models

import core.keys


def draw_keys(apps, schema_editor):
    BallotSession = apps.get_model("ballots", "BallotSession")
    for session in BallotSession.objects.only("pk").iterator():
        BallotSession.objects.filter(pk=session.pk).update(public_key=core.keys.public_key())


class Migration(migrations.Migration):
    dependencies = [("ballots", "0004_voters_and_the_second_person_who_opens")]

    operations = [
        migrations.AddField(
            model_name="ballotsession", name="public_key",
            field=models.CharField(max_length=16, null=True, editable=False, verbose_name="public key"),
        ),
        migrations.RunPython(draw_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="ballotsession", name="public_key",
            field=models.CharField(default=core.keys.public_key, editable=False, max_length=16, unique=True,
                                   verbose_name="public key"),
        ),
    ]
