"""Trigram indexes for searching organizations by name on PostgreSQL (a name-contains query over a
million rows otherwise scans the table). SQLite has no such index; there the search scans, which
is fast enough at a county's size. The parent_id index goes: org_children_idx covers it."""

from django.db import migrations, models

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS org_name_trgm_idx ON orgs_organization USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS org_short_name_trgm_idx ON orgs_organization USING gin (short_name gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS org_name_trgm_idx", "DROP INDEX IF EXISTS org_short_name_trgm_idx"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_organization_tree_facts_roles")]

    operations = [
        migrations.AlterField(
            model_name="organization",
            name="parent",
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=models.deletion.PROTECT,
                                    related_name="children", to="orgs.organization", verbose_name="parent organization"),
        ),
        migrations.RunPython(run(CREATE), run(DROP)),
    ]
