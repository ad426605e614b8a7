"""The audit trail is a hash chain (audit/chain.py) kept append-only by database triggers
(core/guards.py): `hotline audit_verify` passes on an intact trail and names the first entry
an attacker with database access edited, removed or inserted."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from hotline.audit.chain import GENESIS, entry_digest
from hotline.audit.models import AuditEntry
from hotline.audit.services import audit_record
from hotline.core.guards import append_only_lifted
from hotline.testing import BaseTestCase


def raw(sql: str, params: list | None = None) -> None:
    """Run SQL past the triggers, as someone with write access to the database could."""
    with append_only_lifted(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


class AuditChainTests(BaseTestCase):
    def setUp(self):
        self.entries = [
            audit_record(
                actor=self.operator,
                action=AuditEntry.Action.REVEAL_PERSONAL_DATA,
                target=f"order:{n}",
                reason=f"回拨核实 {n}",
                fields=["phone"],
                n=n,
            )
            for n in range(1, 6)
        ]
        self.first_seq = self.entries[0].seq

    def verify(self) -> str:
        out = StringIO()
        call_command("audit_verify", stdout=out)
        return out.getvalue()

    def assertVerifyFails(self, *fragments: str) -> None:
        with self.assertRaises(CommandError) as caught:
            self.verify()
        self.assertEqual(caught.exception.returncode, 1)
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))

    def seq(self, n: int) -> int:
        return self.first_seq + n - 1

    def test_each_entry_carries_the_hash_of_the_one_before(self):
        chain = list(AuditEntry.objects.order_by("seq"))
        self.assertEqual([e.seq for e in chain], list(range(1, len(chain) + 1)))
        self.assertEqual(chain[0].prev_hash, GENESIS)
        for before, entry in zip(chain, chain[1:], strict=False):
            self.assertEqual(entry.prev_hash, before.hash)
        for entry in chain:
            self.assertEqual(entry.hash, entry.digest())

    def test_the_hash_covers_the_content_as_read_back(self):
        entry = AuditEntry.objects.get(pk=self.entries[2].pk)
        self.assertEqual(entry.hash, self.entries[2].hash)
        self.assertEqual(entry.digest(), entry.hash)

    def test_verify_passes_on_an_intact_trail(self):
        output = self.verify()
        self.assertIn("审计链完整", output)
        self.assertIn(self.entries[-1].hash, output)

    def test_verify_passes_on_an_empty_trail(self):
        raw("DELETE FROM audit_auditentry")
        self.assertIn("共 0 条", self.verify())

    def test_verify_names_an_edited_entry(self):
        raw("UPDATE audit_auditentry SET reason = %s WHERE seq = %s", ["无事由", self.seq(3)])
        self.assertVerifyFails(f"第 {self.seq(3)} 条", f"#{self.entries[2].pk}", "已被修改")

    def test_verify_names_an_entry_whose_detail_was_edited(self):
        entry = self.entries[1]
        raw(
            "UPDATE audit_auditentry SET detail = %s WHERE id = %s",
            ['{"fields": ["phone", "id_number"], "n": 2}', entry.pk],
        )
        self.assertVerifyFails(f"第 {entry.seq} 条", "已被修改")

    def test_verify_names_the_entry_after_a_deleted_one(self):
        raw("DELETE FROM audit_auditentry WHERE seq = %s", [self.seq(2)])
        self.assertVerifyFails(f"第 {self.seq(3)} 条", f"#{self.entries[2].pk}", "已被删除")

    def test_verify_names_the_first_entry_after_a_renumbered_deletion(self):
        # Deleted, and the later entries renumbered to close the gap.
        raw("DELETE FROM audit_auditentry WHERE seq = %s", [self.seq(2)])
        for n in (3, 4, 5):
            raw("UPDATE audit_auditentry SET seq = seq - 1 WHERE seq = %s", [self.seq(n)])
        self.assertVerifyFails(f"第 {self.seq(2)} 条", f"#{self.entries[2].pk}", "哈希与第")

    def test_verify_names_an_inserted_entry_at_the_end(self):
        forged = AuditEntry(
            actor=self.operator,
            action=AuditEntry.Action.EXPORT,
            seq=self.seq(6),
            prev_hash="f" * 64,
        )
        forged.hash = forged.digest()
        forged.save(force_insert=True)
        self.assertVerifyFails(f"第 {self.seq(6)} 条", f"#{forged.pk}", "被插入")

    def test_verify_names_the_entry_after_one_inserted_mid_chain(self):
        # A careful forger: room made by renumbering, the forged entry hashed correctly.
        for n in (5, 4, 3):
            raw("UPDATE audit_auditentry SET seq = seq + 1 WHERE seq = %s", [self.seq(n)])
        forged = AuditEntry(
            actor=self.operator,
            action=AuditEntry.Action.EXPORT,
            seq=self.seq(3),
            prev_hash=self.entries[1].hash,
        )
        forged.hash = forged.digest()
        forged.save(force_insert=True)
        self.assertVerifyFails(f"第 {self.seq(4)} 条", f"#{self.entries[2].pk}", "被插入")

    def test_the_database_refuses_to_update_or_delete_an_entry(self):
        for sql in (
            "UPDATE audit_auditentry SET reason = 'x' WHERE seq = %s",
            "DELETE FROM audit_auditentry WHERE seq = %s",
        ):
            with (
                self.subTest(sql=sql),
                self.assertRaises(IntegrityError),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, [self.seq(1)])
        with self.assertRaises(IntegrityError), transaction.atomic():
            AuditEntry.objects.filter(pk=self.entries[0].pk).update(reason="x")
        with self.assertRaises(IntegrityError), transaction.atomic():
            AuditEntry.objects.filter(pk=self.entries[0].pk).delete()
        self.assertIn("审计链完整", self.verify())

    def test_the_chain_digest_is_stable(self):
        # The digest of the existing trail must never change: a change re-chains nothing and
        # fails every entry written before it.
        self.assertEqual(
            entry_digest(
                seq=1,
                at=datetime(2026, 1, 1, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
                actor_id=7,
                action="export",
                target="order:1",
                reason="事由",
                detail={"b": 1, "a": ["x"]},
                prev_hash=GENESIS,
            ),
            "87c354e4e5288b28af279e7bf9dc2c5818734354caf3b9f25c8f7aa833cd72e7",
        )
