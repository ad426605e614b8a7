from django.db import migrations, models

# Orders that left the callback state through a path that forgot their task (rated on the web,
# rated from the order page, closed by the operator lead or by rule) kept an open task. Close
# each with the outcome its order's close says, at the time the order closed or was rated.


def close_forgotten_tasks(apps, schema_editor):
    CallbackTask = apps.get_model("callbacks", "CallbackTask")
    OrderEvent = apps.get_model("orders", "OrderEvent")
    stale = CallbackTask.objects.filter(closed_at__isnull=True).exclude(
        order__status="callback"
    )
    for task in stale.select_related("order").iterator():
        order = task.order
        rated = (
            OrderEvent.objects.filter(order=order, action="callback", at__gte=task.opened_at)
            .order_by("at")
            .first()
        )
        if rated is not None:
            task.outcome, task.closed_at = "rated", rated.at
        else:
            closing = (
                OrderEvent.objects.filter(order=order, action="close", at__gte=task.opened_at)
                .order_by("at")
                .first()
            )
            task.outcome = "closed" if closing and closing.actor_id else "auto_closed"
            task.closed_at = closing.at if closing else (order.closed_at or order.updated_at)
        task.save(update_fields=["outcome", "closed_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("callbacks", "0001_initial"),
        ("orders", "0014_due_queue_covering_index_id"),
    ]

    operations = [
        migrations.AlterField(
            model_name="callbacktask",
            name="outcome",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "待回访"),
                    ("rated", "已评价"),
                    ("unreachable", "无法联系"),
                    ("auto_closed", "按规则办结"),
                    ("closed", "班长办结"),
                ],
                default="",
                max_length=20,
                verbose_name="结果",
            ),
        ),
        migrations.RunPython(close_forgotten_tasks, migrations.RunPython.noop),
    ]
