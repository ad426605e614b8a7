"""A model field that stores text sealed with AES-GCM (see `hotline.privacy.crypto`)."""

from typing import Any

from django.db import models

from hotline.privacy.crypto import PREFIX, seal, unseal


class EncryptedTextField(models.TextField):
    """Text encrypted in the database and clear in Python. Not searchable: keep a keyed
    digest beside it where lookups are needed. The empty string is stored as empty."""

    def _context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return unseal(value, context=self._context())

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or str(value).startswith(PREFIX):
            return value
        return seal(str(value), context=self._context())
