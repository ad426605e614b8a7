"""Personal data written inside an order's texts (Art. 22; issue 13): what the services store
and what the audited reveal shows.

Every text a resident, an operator or a unit writes about an order goes through `order_text`
at the service that stores it: the clear column gets the masked text, the sealed column beside
it the original (`privacy/text.py` says what is masked). `order_texts_clear` is the other way,
for the person who revealed the caller a moment ago (the same audited action and rule).
"""

from dataclasses import dataclass, field

from hotline.orders.models import NumberDigest, Order
from hotline.privacy.text import number_digest, text_numbers, text_protect


def order_text(order: Order, text: str) -> tuple[str, str]:
    """(masked, sealed original or "") of a text about `order`: personal numbers, and the
    order's caller's name and phone wherever they are written in it. The keyed digest of
    each number is kept (`order_numbers_keep`), so a search for it finds the order."""
    masked, original = text_protect(
        text, caller_name=order.caller_name, caller_phone=order.caller_phone
    )
    if original and order.pk is not None:
        order_numbers_keep(order, original)
    return masked, original


def order_numbers_keep(order: Order, *texts: str) -> None:
    """Keep the keyed digests of the personal numbers written in `texts` about `order`
    (`NumberDigest`): the list's search box finds the order from a full ID, phone or card
    number, and neither the number nor its pieces are in any index."""
    digests = {number_digest(value) for text in texts for value in text_numbers(text)}
    NumberDigest.objects.bulk_create(
        [NumberDigest(order=order, digest=digest) for digest in sorted(digests)],
        ignore_conflicts=True,
    )


@dataclass(frozen=True)
class ClearTexts:
    """An order's texts as they were written, for the page of someone who revealed them."""

    content: str
    address: str
    title: str
    answer: str
    replies: dict[int, str] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)


def order_texts_clear(order: Order) -> ClearTexts:
    """The originals of the order's content, address, title, answer, replies and notes (the
    masked text where nothing was masked). Call only after an audited reveal."""
    return ClearTexts(
        content=order.content_sealed or order.content,
        address=order.address_sealed or order.address,
        title=order.title_sealed or order.title,
        answer=order.answer_sealed or order.answer,
        replies={
            pk: sealed
            for pk, sealed in order.replies.exclude(text_sealed="").values_list("pk", "text_sealed")
        },
        notes={
            pk: sealed
            for pk, sealed in order.notes.exclude(text_sealed="").values_list("pk", "text_sealed")
        },
    )


def order_sealed_texts(order: Order) -> list[str]:
    """Which of the order's texts hold something sealed, as the audit entry of a reveal
    names them: "caller", "content", "address", "title", "answer", "reply", "note"."""
    shown = ["caller"] if order.caller_phone_mask or order.caller_name_mask else []
    for name in ("content", "address", "title", "answer"):
        if getattr(order, f"{name}_sealed"):
            shown.append(name)
    if order.replies.exclude(text_sealed="").exists():
        shown.append("reply")
    if order.notes.exclude(text_sealed="").exists():
        shown.append("note")
    return shown
