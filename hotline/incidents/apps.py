from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "hotline.incidents"
    label = "incidents"
    verbose_name = "重大突发事件"

    def ready(self) -> None:
        from hotline.incidents.services import order_event_written
        from hotline.orders import history

        # A call marked as a major incident opens or joins an incident in the transaction that
        # records it (Art. 17); the orders core does not depend on this app.
        history.listen(order_event_written)
