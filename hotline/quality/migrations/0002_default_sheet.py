"""The default scoring sheet (version 1). Its items are written out here, not imported: a
migration keeps what it did even when the code's defaults change later."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

DEFAULT_ITEMS = [
    {"code": "greeting", "label": "服务用语", "max_points": 15},
    {"code": "record", "label": "记录准确", "max_points": 25},
    {"code": "routing", "label": "派单准确", "max_points": 25},
    {"code": "policy", "label": "政策解答准确", "max_points": 25},
    {"code": "manners", "label": "服务态度", "max_points": 10},
]


def seed(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Sheet = apps.get_model("quality", "Sheet")
    if not Sheet.objects.exists():
        Sheet.objects.create(version=1, name="话务质检评分表", items=DEFAULT_ITEMS)


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
