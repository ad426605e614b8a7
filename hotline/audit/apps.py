from django.apps import AppConfig
from django.db.backends.signals import connection_created


class AuditConfig(AppConfig):
    name = "hotline.audit"
    verbose_name = "审计"

    def ready(self) -> None:
        from hotline.core.guards import register_sqlite_switch

        # The append-only triggers of the audit trail and the order history ask it.
        connection_created.connect(register_sqlite_switch, dispatch_uid="hotline-append-only")
