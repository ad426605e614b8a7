from django.core.management.base import BaseCommand

from hotline.catalogue.services import catalogue_load


class Command(BaseCommand):
    help = "Load or update the catalogue (units, places, request types, categories, rules) from the data files."

    def handle(self, *args, **options) -> None:
        counts = catalogue_load()
        self.stdout.write(
            f"{counts.units} units, {counts.places} places, {counts.request_types} request types, "
            f"{counts.categories} categories, {counts.exclusions} exclusion reasons"
        )
