"""The first version of the assessment weights (Art. 20, 21): units 20 / 40 / 40, operators
30 / 40 / 30. Later versions are added in the admin; none is ever changed."""

from django.db import migrations


def create(apps, schema_editor):
    Scheme = apps.get_model("stats", "AssessmentScheme")
    if not Scheme.objects.exists():
        Scheme.objects.create(version=1, note="默认权重")


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
