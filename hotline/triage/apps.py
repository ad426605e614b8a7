from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "hotline.triage"
    label = "triage"
    verbose_name = "智能分拨"

    def ready(self) -> None:
        from hotline.orders import history
        from hotline.triage.services import order_event_written

        # Each new order keeps what triage suggested for it (issue 14); the orders core does
        # not depend on this app.
        history.listen(order_event_written)
