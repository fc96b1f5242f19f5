"""The default checklist of a spot check (seeds/004: 抽查调阅建立台帐和落实整改措施情况), as data."""

from django.db import migrations

ITEMS = (
    ("台账齐全", "基础台账、问题档案、整改台账是否建立齐全"),
    ("内容准确", "台账内容与实际情况、定级结果是否一致"),
    ("整改措施落实", "整改措施是否按时限落实，责任人是否明确"),
    ("佐证材料齐全", "会议记录、照片等佐证材料是否齐全"),
)


def add_items(apps, schema_editor):
    ChecklistItem = apps.get_model("spotchecks", "ChecklistItem")
    for position, (title, guidance) in enumerate(ITEMS, start=1):
        ChecklistItem.objects.get_or_create(title=title, defaults={"position": position, "guidance": guidance})


def remove_items(apps, schema_editor):
    apps.get_model("spotchecks", "ChecklistItem").objects.filter(title__in=[title for title, _g in ITEMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("spotchecks", "0001_spot_checks_population_sample_findings")]
    operations = [migrations.RunPython(add_items, remove_items)]
