"""The wire format's pure functions (protocols/linkage-110.md)."""

import hashlib
import hmac
import json
import uuid

from django.test import SimpleTestCase

from hotline.linkage import protocol
from hotline.linkage.protocol import ProtocolError


class SignatureTests(SimpleTestCase):
    def test_it_signs_timestamp_dot_raw_body_with_hmac_sha256(self):
        body = '{"a":"漏水"}'.encode()
        expected = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
        self.assertEqual(protocol.sign("s3cret", "1700000000", body), "sha256=" + expected)

    def test_a_changed_body_or_secret_does_not_verify(self):
        sig = protocol.sign("s3cret", "1700000000", b"{}")
        self.assertTrue(protocol.signature_valid("s3cret", "1700000000", b"{}", sig))
        self.assertFalse(protocol.signature_valid("s3cret", "1700000000", b"{ }", sig))
        self.assertFalse(protocol.signature_valid("other", "1700000000", b"{}", sig))
        self.assertFalse(protocol.signature_valid("s3cret", "1700000001", b"{}", sig))
        self.assertFalse(protocol.signature_valid("", "1700000000", b"{}", sig))
        self.assertFalse(protocol.signature_valid("s3cret", "1700000000", b"{}", ""))

    def test_timestamps_more_than_300_seconds_away_either_way_are_stale(self):
        now = 1_700_000_000
        self.assertTrue(protocol.timestamp_fresh(str(now - 300), now=now))
        self.assertTrue(protocol.timestamp_fresh(str(now + 300), now=now))
        self.assertFalse(protocol.timestamp_fresh(str(now - 301), now=now))
        self.assertFalse(protocol.timestamp_fresh(str(now + 301), now=now))
        self.assertFalse(protocol.timestamp_fresh("soon", now=now))
        self.assertFalse(protocol.timestamp_fresh("", now=now))

    def test_verify_checks_peer_then_signature_then_time(self):
        body, now = b"{}", 1_700_000_000
        sig = protocol.sign("k", str(now - 1000), body)
        args = dict(secret="k", expected_peer="yl-110", body=body, now=now)
        with self.assertRaises(ProtocolError) as caught:
            protocol.verify(peer="yl-999", timestamp=str(now), signature=sig, **args)
        self.assertEqual((caught.exception.status, caught.exception.code), (401, "bad_signature"))
        with self.assertRaises(ProtocolError) as caught:
            protocol.verify(peer="yl-110", timestamp=str(now), signature=sig, **args)
        self.assertEqual(caught.exception.code, "bad_signature")
        with self.assertRaises(ProtocolError) as caught:
            protocol.verify(peer="yl-110", timestamp=str(now - 1000), signature=sig, **args)
        self.assertEqual((caught.exception.status, caught.exception.code), (401, "stale_timestamp"))

    def test_headers_carry_peer_timestamp_signature_and_idempotency_key(self):
        headers = protocol.headers(peer="yl-12345", secret="k", body=b"{}", message_id="m", now=5.9)
        self.assertEqual(headers["X-Linkage-Peer"], "yl-12345")
        self.assertEqual(headers["X-Linkage-Timestamp"], "5")
        self.assertEqual(headers["X-Linkage-Signature"], protocol.sign("k", "5", b"{}"))
        self.assertEqual(headers["Idempotency-Key"], "m")
        self.assertEqual(headers["Content-Type"], "application/json")


class ParseTests(SimpleTestCase):
    def message(self, **changes):
        data = {
            "message_id": str(uuid.uuid4()),
            "kind": "status",
            "sent_at": "2026-12-02T09:30:00+08:00",
            "ref": "YL2026120200017",
            "state": "dispatched",
        }
        data.update(changes)
        return json.dumps(data).encode()

    def refused(self, body: bytes) -> str:
        with self.assertRaises(ProtocolError) as caught:
            protocol.parse(body)
        self.assertEqual((caught.exception.status, caught.exception.code), (400, "invalid_input"))
        return caught.exception.message

    def test_every_state_of_the_page_is_read(self):
        for state in protocol.STATES:
            self.assertEqual(protocol.parse(self.message(state=state)).state, state)

    def test_bad_bodies_are_invalid_input(self):
        self.refused(b"not json")
        self.refused(b"\xff\xfe")
        self.refused(b"[]")
        self.refused(self.message(message_id="not-a-uuid"))
        self.refused(self.message(kind="ping"))
        self.refused(self.message(state="lost"))
        self.refused(self.message(sent_at="yesterday"))
        self.refused(self.message(sent_at="2026-12-02T09:30:00"))  # no offset
        self.refused(self.message(ref=""))

    def test_a_transfer_needs_a_summary_and_known_codes(self):
        case = {"ref": "110-1", "category": "non_police", "summary": "漏水"}
        body = self.message(kind="transfer", case=case)
        self.assertEqual(protocol.parse(body).case.summary, "漏水")
        self.assertIn(
            "summary", self.refused(self.message(kind="transfer", case={**case, "summary": ""}))
        )
        self.refused(self.message(kind="transfer", case={**case, "category": "fire"}))
        self.refused(self.message(kind="transfer", case={**case, "situation": "boredom"}))
        self.refused(self.message(kind="transfer", case={**case, "rescue_lines": ["999"]}))
        self.refused(self.message(kind="transfer", case={**case, "urgent": "yes"}))
        self.refused(self.message(kind="transfer", case={**case, "caller": "张某"}))
        self.refused(self.message(kind="transfer", case="漏水"))

    def test_encoding_is_fixed_so_a_resend_is_the_same_bytes(self):
        message = {"message_id": "x", "case": {"summary": "漏水"}}
        self.assertEqual(protocol.encode(message), protocol.encode(dict(message)))
        self.assertIn("漏水".encode(), protocol.encode(message))
