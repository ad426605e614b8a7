"""Seed the synonym groups of `data/synonyms.txt` (missing groups only; the admin edits them)."""

from pathlib import Path

from django.db import migrations

SYNONYMS = Path(__file__).resolve().parent.parent / "data" / "synonyms.txt"


def groups():
    # Kept here (not imported from services) so that the migration never changes.
    for line in SYNONYMS.read_text(encoding="utf-8").splitlines():
        words = []
        for word in line.split("#", 1)[0].replace("=", " ").split():
            if word not in words:
                words.append(word)
        if len(words) > 1:
            yield words


def seed(apps, schema_editor):
    Synonym = apps.get_model("knowledge", "Synonym")
    for words in groups():
        Synonym.objects.get_or_create(term=words[0], defaults={"synonyms": ",".join(words[1:])})


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
