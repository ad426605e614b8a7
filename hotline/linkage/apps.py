from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "hotline.linkage"
    label = "linkage"
    verbose_name = "110联动"

    def ready(self) -> None:
        from hotline.linkage import checks  # noqa: F401 - registers the system checks
        from hotline.linkage.outbox import order_event_written
        from hotline.orders import history

        # 110 is told of a linked order's changes as they are written (outbox docstring).
        history.listen(order_event_written)
