"""Mask the personal data already written in orders' texts and seal the originals (issue 13;
privacy/text.py): the content, address, title and direct answer of every order, and the text
of every reply and note, by the rules new texts follow, with the keyed digest of each number
for the search box. Rows already masked are left as they
are, so the migration can run again after an interruption.

The order history (OrderEvent) is append-only and guarded by triggers; its rows written
before this migration (a note's text copied into `reason`, a correction's old and new
address) are not rewritten here."""

from django.db import migrations

from hotline.orders.search_text import search_text_for
from hotline.privacy.text import number_digest, text_numbers, text_protect

BATCH = 500


def mask_existing(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    Reply = apps.get_model("orders", "Reply")
    Note = apps.get_model("orders", "Note")
    NumberDigest = apps.get_model("orders", "NumberDigest")

    def keep(order, text):
        NumberDigest.objects.bulk_create(
            [NumberDigest(order=order, digest=number_digest(n)) for n in sorted(text_numbers(text))],
            ignore_conflicts=True,
        )
    for order in Order.objects.order_by("pk").iterator(chunk_size=BATCH):
        who = {"caller_name": order.caller_name, "caller_phone": order.caller_phone}
        changed = []
        for name in ("content", "address", "title", "answer"):
            if getattr(order, f"{name}_sealed"):
                continue
            masked, sealed = text_protect(getattr(order, name), **who)
            if sealed:
                keep(order, sealed)
                setattr(order, name, masked)
                setattr(order, f"{name}_sealed", sealed)
                changed += [name, f"{name}_sealed"]
        if changed:
            if "title" in changed or "address" in changed:
                order.search_text = search_text_for(order.title, order.address)
                changed.append("search_text")
            order.save(update_fields=changed)
        for model in (Reply, Note):
            for row in model.objects.filter(order_id=order.pk, text_sealed=""):
                masked, sealed = text_protect(row.text, **who)
                if sealed:
                    keep(order, sealed)
                    row.text, row.text_sealed = masked, sealed
                    row.save(update_fields=["text", "text_sealed"])


class Migration(migrations.Migration):
    dependencies = [("orders", "0023_sec_pii_sealed_texts")]

    operations = [migrations.RunPython(mask_existing, migrations.RunPython.noop)]
