"""Recordings (Art. 24): heard only by the roles of `rules.RECORDING_ROLES`, each opening
audited; never a file outside HOTLINE_RECORDINGS_DIR."""

import tempfile
from pathlib import Path

from django.test import override_settings
from django.urls import reverse

from hotline.audit.models import AuditEntry
from hotline.cti.tests.base import CtiTestCase


class RecordingTests(CtiTestCase):
    def setUp(self) -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        (Path(self.dir.name) / "2026").mkdir()
        (Path(self.dir.name) / "2026" / "c-1.wav").write_bytes(b"RIFF-recording")
        (Path(self.dir.name).parent / "secret.txt").write_text("outside")
        self.addCleanup((Path(self.dir.name).parent / "secret.txt").unlink)
        self.answered_call(agent=self.operator)

    def hang_up(self, recording: str, call_id: str = "c-1"):  # type: ignore[no-untyped-def]
        return self.record(
            "hangup", call_id=call_id, cause="normalClearing", agent="operator", recording=recording
        ).call

    def open(self, call, user):  # type: ignore[no-untyped-def]
        self.client.force_login(user)
        with override_settings(HOTLINE_RECORDINGS_DIR=self.dir.name):
            return self.client.post(reverse("cti:recording", args=[call.pk]))

    def test_a_lead_hears_the_recording_and_it_is_audited(self):
        call = self.hang_up("2026/c-1.wav")
        self.client.force_login(self.lead)
        self.assertContains(self.client.get(reverse("cti:call", args=[call.pk])), "收听 / 下载录音")
        response = self.open(call, self.lead)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), b"RIFF-recording")  # type: ignore[attr-defined]
        entry = AuditEntry.objects.get(action="cti.recording_open")
        self.assertEqual((entry.actor, entry.target), (self.lead, f"call:{call.pk}"))

    def test_an_operator_is_refused_and_nothing_is_audited(self):
        call = self.hang_up("2026/c-1.wav")
        self.client.force_login(self.operator)
        page = self.client.get(reverse("cti:call", args=[call.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "收听 / 下载录音")
        self.assertEqual(self.open(call, self.operator).status_code, 403)
        self.assertFalse(AuditEntry.objects.filter(action="cti.recording_open").exists())

    def test_a_unit_handler_does_not_see_calls(self):
        call = self.hang_up("2026/c-1.wav")
        self.client.force_login(self.handler_a)
        self.assertEqual(self.client.get(reverse("cti:call", args=[call.pk])).status_code, 404)
        self.assertEqual(self.client.get(reverse("cti:calls")).status_code, 404)
        self.assertEqual(self.open(call, self.handler_a).status_code, 404)

    def test_a_reference_outside_the_directory_is_never_opened(self):
        references = ("../secret.txt", "2026/../../secret.txt", "2026", "missing.wav")
        for n, reference in enumerate(references):
            with self.subTest(reference=reference):
                call = self.hang_up(reference, call_id=f"t-{n}")
                response = self.open(call, self.auditor)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn(b"outside", response.content)
                self.assertContains(response, "录音系统中按以下编号调取")

    def test_an_absolute_reference_stays_inside_the_directory(self):
        call = self.hang_up("/2026/c-1.wav")
        response = self.open(call, self.reviewer)
        self.assertEqual(b"".join(response.streaming_content), b"RIFF-recording")  # type: ignore[attr-defined]
