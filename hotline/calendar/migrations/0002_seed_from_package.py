"""Seed the working-day calendar from the chinesecalendar package, so that every freshly
migrated database (the test database too) knows the State Council's schedule."""

from django.db import migrations


def seed(apps, schema_editor):
    from hotline.calendar.package import package_days, package_years

    CalendarDay = apps.get_model("calendar", "CalendarDay")
    db = schema_editor.connection.alias
    rows = [
        CalendarDay(date=day.date, is_working=day.is_working, note=day.note, source="package")
        for year in package_years()
        for day in package_days(year=year)
    ]
    # A day already present (entered by hand before this ran) is kept as it is.
    CalendarDay.objects.using(db).bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def unseed(apps, schema_editor):
    CalendarDay = apps.get_model("calendar", "CalendarDay")
    CalendarDay.objects.using(schema_editor.connection.alias).filter(source="package").delete()


class Migration(migrations.Migration):
    dependencies = [("calendar", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
