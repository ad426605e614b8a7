"""Asking for an export and deciding it (Art. 24): purpose, who may ask, who may decide."""

from django.test import override_settings

from hotline.audit.models import AuditEntry
from hotline.core.errors import InvalidInput, NotAllowed, WrongState
from hotline.releases import services
from hotline.releases.models import ReleaseRequest, ReleaseStatus
from hotline.releases.tests.base import PURPOSE, ReleaseTestCase

A = AuditEntry.Action


class RequestTests(ReleaseTestCase):
    def test_it_records_the_request_and_audits_it_naming_the_request(self):
        release = self.ask()
        self.assertEqual(release.status, ReleaseStatus.PENDING)
        self.assertEqual(release.params, {"report": self.report.pk})
        self.assertTrue(release.number.startswith("R-"))
        entry = AuditEntry.objects.get(action=A.RELEASE_REQUEST)
        self.assertEqual(entry.actor, self.reviewer)
        self.assertEqual(entry.target, f"release:{release.number}")
        self.assertEqual(entry.reason, PURPOSE)
        self.assertEqual(entry.detail["kind"], "stats.report")

    def test_a_purpose_under_ten_characters_is_refused_and_nothing_is_written(self):
        for purpose in (
            "",
            "   ",
            "导出",
            "一二三四五六七八九",
            "  一二三四五六七八九\n ",
            "a" * 501,
        ):
            with self.subTest(purpose=purpose), self.assertRaises(InvalidInput) as caught:
                self.ask(purpose=purpose)
            self.assertIn("导出用途", caught.exception.message)
        self.assertFalse(ReleaseRequest.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action=A.RELEASE_REQUEST).exists())

    def test_ten_characters_is_enough(self):
        self.assertEqual(self.ask(purpose="一二三四五六七八九十").purpose, "一二三四五六七八九十")

    def test_only_who_may_read_the_data_may_ask_for_it(self):
        # Reports: host, supervising unit and auditor read them; units and admins do not.
        for user in (self.operator, self.handler_a, self.manager_a, self.sysadmin):
            with self.subTest(user=user.username), self.assertRaises(NotAllowed):
                self.ask(user)
        # The order list: the administrators read no order (等保 三员).
        with self.assertRaises(NotAllowed):
            self.ask(self.sysadmin, kind="orders.list", params={})
        self.assertFalse(ReleaseRequest.objects.exists())

    def test_unknown_kinds_and_bad_parameters_are_refused(self):
        cases = [
            ("no.such", {}),
            ("stats.report", {}),
            ("stats.report", {"report": "abc"}),
            ("stats.report", {"report": -1}),
            ("stats.report", {"report": 10**9}),
            ("orders.list", {"status": "nonsense"}),
            ("orders.list", {"q": "x" * 61}),
            ("orders.list", {"q": ["a", "b"]}),
            ("stats.orders", {"figure": "received", "from": "2026-11-31", "to": "2026-11-30"}),
            ("stats.orders", {"figure": "nonsense", "from": "2026-11-01", "to": "2026-11-30"}),
            ("surveys.results", {"campaign": 12345}),
        ]
        for kind, params in cases:
            with self.subTest(kind=kind, params=params), self.assertRaises(InvalidInput):
                self.ask(kind=kind, params=params)
        self.assertFalse(ReleaseRequest.objects.exists())

    def test_order_list_parameters_keep_only_the_filters(self):
        release = self.ask(
            self.handler_a,
            kind="orders.list",
            params={
                "status": "in_progress",
                "q": " 违建 ",
                "sort": "x",
                "list": "all",
                "open": "1",
            },
        )
        self.assertEqual(release.params, {"status": "in_progress", "q": "违建", "open": "1"})

    def test_personal_data_is_asked_for_only_where_the_kind_has_any(self):
        self.assertFalse(self.ask(personal_data=True).personal_data)  # a report: counts only
        self.assertTrue(self.ask(kind="orders.list", params={}, personal_data=True).personal_data)


class DecisionTests(ReleaseTestCase):
    def test_the_supervisor_approves_for_the_configured_hours_and_downloads(self):
        release = self.ask()
        with override_settings(HOTLINE_RELEASE_VALID_HOURS=5):
            approved = services.release_approve(actor=self.supervisor, release=release, note="同意")
        self.assertEqual(approved.status, ReleaseStatus.APPROVED)
        self.assertEqual(approved.decided_by, self.supervisor)
        self.assertEqual((approved.expires_at - approved.decided_at).total_seconds(), 5 * 3600)
        self.assertEqual(approved.max_downloads, 3)
        entry = AuditEntry.objects.get(action=A.RELEASE_APPROVE)
        self.assertEqual(
            (entry.actor, entry.target), (self.supervisor, f"release:{release.number}")
        )

    def test_no_one_approves_or_refuses_their_own_request(self):
        release = self.ask(self.supervisor)
        with self.assertRaises(NotAllowed) as caught:
            services.release_approve(actor=self.supervisor, release=release)
        self.assertEqual(caught.exception.code, "self_approval")
        with self.assertRaises(NotAllowed):
            services.release_refuse(actor=self.supervisor, release=release, note="不同意导出")
        self.client.force_login(self.supervisor)
        response = self.client.post(f"/releases/{release.pk}/approve/")
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "不能审批本人的导出申请", status_code=403)
        self.assertNotContains(self.client.get("/releases/queue/"), release.number)
        release.refresh_from_db()
        self.assertEqual(release.status, ReleaseStatus.PENDING)
        self.assertFalse(
            AuditEntry.objects.filter(action__in=[A.RELEASE_APPROVE, A.RELEASE_REFUSE]).exists()
        )

    def test_a_second_supervisor_approves_a_supervisors_request(self):
        from hotline.accounts.roles import Role
        from hotline.accounts.services import account_create

        other = account_create(
            username="supervisor2", roles=[Role.SUPERVISOR], unit=self.supervisor.unit
        )
        release = self.ask(self.supervisor)
        self.assertEqual(
            services.release_approve(actor=other, release=release).status, ReleaseStatus.APPROVED
        )

    def test_no_one_but_a_supervisor_decides(self):
        release = self.ask()
        others = (
            self.reviewer, self.operator, self.lead, self.auditor, self.sysadmin,
            self.handler_a, self.manager_a, self.leader_a,
        )  # fmt: skip
        for user in others:
            with self.subTest(user=user.username):
                with self.assertRaises(NotAllowed):
                    services.release_approve(actor=user, release=release)
                with self.assertRaises(NotAllowed):
                    services.release_refuse(actor=user, release=release, note="不同意导出")
                self.client.force_login(user)
                for verb in ("approve", "refuse"):
                    status = self.client.post(
                        f"/releases/{release.pk}/{verb}/", {"note": "x"}
                    ).status_code
                    self.assertIn(status, (403, 404))
        release.refresh_from_db()
        self.assertEqual(release.status, ReleaseStatus.PENDING)
        self.assertIsNone(release.decided_by)

    def test_a_refusal_needs_a_reason_and_is_audited(self):
        release = self.ask()
        for note in ("", "   "):
            with self.assertRaises(InvalidInput):
                services.release_refuse(actor=self.supervisor, release=release, note=note)
        refused = services.release_refuse(actor=self.supervisor, release=release, note="用途不明确")
        self.assertEqual(refused.status, ReleaseStatus.REFUSED)
        entry = AuditEntry.objects.get(action=A.RELEASE_REFUSE)
        self.assertEqual((entry.target, entry.reason), (f"release:{release.number}", "用途不明确"))

    def test_a_decided_or_withdrawn_request_is_not_decided_again(self):
        approved = self.approved()
        refused = services.release_refuse(actor=self.supervisor, release=self.ask(), note="不同意")
        withdrawn = services.release_withdraw(actor=self.reviewer, release=self.ask())
        for release in (approved, refused, withdrawn):
            with self.subTest(status=release.status):
                with self.assertRaises(WrongState):
                    services.release_approve(actor=self.supervisor, release=release)
                with self.assertRaises(WrongState):
                    services.release_refuse(actor=self.supervisor, release=release, note="改判")
        self.assertEqual(AuditEntry.objects.filter(action=A.RELEASE_APPROVE).count(), 1)

    def test_only_the_requester_withdraws_and_only_while_pending(self):
        release = self.ask()
        for user in (self.supervisor, self.auditor, self.operator):
            with self.subTest(user=user.username), self.assertRaises(NotAllowed):
                services.release_withdraw(actor=user, release=release)
        self.assertEqual(
            services.release_withdraw(actor=self.reviewer, release=release).status,
            ReleaseStatus.WITHDRAWN,
        )
        self.assertTrue(AuditEntry.objects.filter(action=A.RELEASE_WITHDRAW).exists())
        with self.assertRaises(WrongState):
            services.release_withdraw(actor=self.reviewer, release=release)

    def test_the_decision_page_flow(self):
        release = self.ask()
        self.client.force_login(self.supervisor)
        queue = self.client.get("/releases/queue/")
        self.assertContains(queue, release.number)
        response = self.client.post(
            f"/releases/{release.pk}/refuse/", {"note": ""}
        )  # no reason: refused with a message, nothing changes
        self.assertContains(response, "驳回须说明理由", status_code=400)
        response = self.client.post(f"/releases/{release.pk}/approve/", {"note": "同意报送"})
        self.assertRedirects(response, f"/releases/{release.pk}/")
        release.refresh_from_db()
        self.assertEqual(release.status, ReleaseStatus.APPROVED)
        self.assertNotContains(self.client.get("/releases/queue/"), release.number)
