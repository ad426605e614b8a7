"""Personal data written inside an order's texts (Art. 22; issue 13): what the services store
and what the audited reveal shows.

Every text a resident, an operator or a unit writes about an order goes through `order_text`
at the service that stores it: the clear column gets the masked text, the sealed column beside
it the original (`privacy/text.py` says what is masked). `order_texts_clear` is the other way,
for the person who revealed the caller a moment ago (the same audited action and rule).
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from hotline.orders.models import Note, NumberDigest, Order, Reply
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
    NumberDigest.objects.bulk_create(
        [NumberDigest(order=order, digest=digest) for digest in sorted(number_digests_of(*texts))],
        ignore_conflicts=True,
    )


def number_digests_of(*texts: str, kid: str | None = None) -> set[str]:
    """The `NumberDigest` digests of the personal numbers written in `texts`, under the
    personal ring's current key or key `kid`: the one computation intake
    (`order_numbers_keep`) and key rotation share (issue 13 "Keys"; docs/keys.md)."""
    return {number_digest(value, kid=kid) for text in texts for value in text_numbers(text)}


# --- key rotation (issue 13 "Keys"; privacy/rotation.py, docs/keys.md) ----------------------
# A NumberDigest is not a column beside its number: the numbers are found again in the
# order's sealed originals (content, address, title, answer, replies, notes; a confidential
# order's are sealed under the confidential ring and open as well). Numbers written only in
# texts whose original is not kept (an urge's note, a history reason) cannot be found again.

SEALED_TEXTS = ("content_sealed", "address_sealed", "title_sealed", "answer_sealed")


def orders_sealed_texts(*, after: int, limit: int) -> dict[int, list[str]]:
    """The sealed originals of the next `limit` orders after id `after`, by order id (every
    order, those with nothing sealed too, so the ids run on)."""
    rows = Order._base_manager.filter(pk__gt=after).order_by("pk")[:limit]
    texts: dict[int, list[str]] = {}
    for pk, *sealed in rows.values_list("pk", *SEALED_TEXTS):
        texts[pk] = [text for text in sealed if text]
    for model in (Reply, Note):
        pairs = model._base_manager.filter(order_id__in=texts).exclude(text_sealed="")
        for order_id, text in pairs.values_list("order_id", "text_sealed"):
            texts[order_id].append(text)
    return texts


def _existing(pks: list[int]) -> set[tuple[int, str]]:
    return set(NumberDigest.objects.filter(order_id__in=pks).values_list("order_id", "digest"))


def number_digests_rotate(after: int, limit: int) -> tuple[int | None, int]:
    """One batch of `hotline datakey rotate`: add the digests under the current key of the
    numbers in the sealed texts of the orders after id `after`, keeping the older ones (the
    search matches every key until `retire`). (last order id, or None when no order is left;
    digests added)."""
    texts = orders_sealed_texts(after=after, limit=limit)
    if not texts:
        return None, 0
    existing = _existing(list(texts))
    new = sorted(
        (pk, digest)
        for pk, written in texts.items()
        for digest in number_digests_of(*written)
        if (pk, digest) not in existing
    )
    NumberDigest.objects.bulk_create(
        [NumberDigest(order_id=pk, digest=digest) for pk, digest in new], ignore_conflicts=True
    )
    return max(texts), len(new)


def _all_sealed_texts(batch: int = 500) -> Iterator[dict[int, list[str]]]:
    after = 0
    while texts := orders_sealed_texts(after=after, limit=batch):
        yield texts
        after = max(texts)


def number_digests_unrotated() -> int:
    """How many (order, number) found in orders' sealed texts have no digest under the
    current key yet: `retire` refuses while any has not, `status` reports them."""
    missing = 0
    for texts in _all_sealed_texts():
        existing = _existing(list(texts))
        missing += sum(
            (pk, digest) not in existing
            for pk, written in texts.items()
            for digest in number_digests_of(*written)
        )
    return missing


def number_digests_retire(kid: str) -> int:
    """Remove the digests made with key `kid` (about to be retired) of the numbers in orders'
    sealed texts; returns how many. Called once every number has its current digest."""
    removed = 0
    for texts in _all_sealed_texts():
        old = {
            (pk, d) for pk, written in texts.items() for d in number_digests_of(*written, kid=kid)
        }
        for pk in {pk for pk, _digest in old}:
            digests = [d for p, d in old if p == pk]
            removed += NumberDigest.objects.filter(order_id=pk, digest__in=digests).delete()[0]
    return removed


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
