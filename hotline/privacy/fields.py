"""A model field that stores text sealed at rest (see `hotline.privacy.crypto`)."""

from collections.abc import Callable
from typing import Any

from django.db import models

from hotline.privacy.crypto import PERSONAL, RINGS, Sealed, seal, unseal

KeyChoice = str | Callable[[Any], str]


class EncryptedTextField(models.TextField):
    """Text encrypted in the database and clear in Python. Not searchable: keep a keyed
    digest beside it where lookups are needed, named `<field>_digest` (rotation finds it by
    that name and recomputes it). The empty string is stored as empty.

    `key` names the key ring ("personal" or "confidential"), or is a function of the model
    instance returning one — an order's caller is sealed under the confidential key when the
    order is confidential (Art. 23). A value saved through `QuerySet.update()` has no
    instance and is sealed under the field's default ring. `key` does not change the column,
    so it is left out of migrations."""

    def __init__(self, *args: Any, key: KeyChoice = PERSONAL, **kwargs: Any) -> None:
        if isinstance(key, str) and key not in RINGS:
            raise ValueError(f"unknown key ring {key!r}")
        self.key = key
        super().__init__(*args, **kwargs)

    def context(self) -> str:
        """The associated data a value is bound to: the model and the column."""
        return f"{self.model._meta.label_lower}.{self.name}"

    def key_for(self, instance: Any | None) -> str:
        if callable(self.key):
            return self.key(instance) if instance is not None else PERSONAL
        return self.key

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return unseal(value, context=self.context())

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = super().pre_save(model_instance, add)
        if value is None or value == "" or isinstance(value, Sealed):
            return value
        return seal(str(value), context=self.context(), key=self.key_for(model_instance))

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or isinstance(value, Sealed):
            return value
        return seal(str(value), context=self.context(), key=self.key_for(None))
