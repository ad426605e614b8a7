"""The knowledge pages. Every view of `hotline/knowledge/urls.py` has a denied-access test:
administrators may not search, unpublished entries are 404 to those who may not edit them,
and only editors reach the maintenance pages."""

from django.urls import reverse

from hotline.accounts.models import User
from hotline.knowledge import services
from hotline.knowledge.models import Entry, EntryState
from hotline.knowledge.tests.base import KnowledgeTestCase

HTMX = {"HTTP_HX_REQUEST": "true"}


class PageTestCase(KnowledgeTestCase):
    def get(self, user: User | None, url: str, **extra):  # type: ignore[no-untyped-def]
        if user is not None:
            self.client.force_login(user)
        return self.client.get(url, **extra)

    def post(self, user: User, url: str, data: dict):  # type: ignore[no-untyped-def]
        self.client.force_login(user)
        return self.client.post(url, data)


class SearchPageTests(PageTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.entry = self.published(title="居住证申领流程", answer="到派出所户籍窗口办理。")

    def test_operator_searches_and_sees_highlighted_results(self):
        response = self.get(self.operator, reverse("knowledge:search") + "?q=怎么办理居住证")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("<mark>居住证申领</mark>流程", html)
        self.assertIn(f'data-entry-id="{self.entry.pk}"', html)
        self.assertIn("<html", html)

    def test_reviewer_unit_staff_and_auditor_may_search(self):
        for user in (self.reviewer, self.handler_b, self.leader_a, self.supervisor, self.auditor):
            with self.subTest(user=user.username):
                self.assertEqual(self.get(user, reverse("knowledge:search")).status_code, 200)

    def test_sysadmin_cannot_search(self):
        self.assertEqual(
            self.get(self.sysadmin, reverse("knowledge:search") + "?q=居住证").status_code, 403
        )

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.get(None, reverse("knowledge:search"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/login/"))


class ResultsPartialTests(PageTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.entry = self.published(
            title="居住证申领流程", answer='到派出所"户籍"窗口办理<b>居住证</b>。'
        )

    def test_htmx_request_gets_only_the_result_list(self):
        response = self.get(self.operator, reverse("knowledge:results") + "?q=居住证", **HTMX)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertNotIn("<html", html)
        self.assertNotIn("<form", html)
        self.assertTrue(html.lstrip().startswith('<div class="kb-results" id="kb-results"'))
        self.assertIn(f'data-entry-id="{self.entry.pk}"', html)
        self.assertIn(f'data-ref="KB-{self.entry.pk}"', html)
        self.assertIn("用此条答复", html)
        # The answer travels escaped inside the attribute.
        self.assertIn(
            'data-answer="到派出所&quot;户籍&quot;窗口办理&lt;b&gt;居住证&lt;/b&gt;。"', html
        )

    def test_no_match_says_so(self):
        response = self.get(self.operator, reverse("knowledge:results") + "?q=火星移民", **HTMX)
        self.assertContains(response, "没有找到")

    def test_plain_request_is_sent_to_the_search_page(self):
        response = self.get(self.operator, reverse("knowledge:results") + "?q=居住证")
        self.assertRedirects(
            response, reverse("knowledge:search") + "?q=%E5%B1%85%E4%BD%8F%E8%AF%81"
        )

    def test_sysadmin_cannot_use_the_partial(self):
        self.assertEqual(
            self.get(self.sysadmin, reverse("knowledge:results") + "?q=居住证", **HTMX).status_code,
            403,
        )

    def test_unit_filter(self):
        response = self.get(
            self.operator, reverse("knowledge:results") + "?q=居住证&unit=market", **HTMX
        )
        self.assertNotContains(response, f'data-entry-id="{self.entry.pk}"')


class DetailTests(PageTestCase):
    def test_operator_reads_published_entry(self):
        entry = self.published()
        response = self.get(self.operator, reverse("knowledge:detail", args=[entry.pk]))
        self.assertContains(response, entry.answer)
        self.assertNotContains(response, "变更记录")

    def test_unpublished_entry_is_404_for_operator_and_other_unit(self):
        entry = self.pending()
        for user in (self.operator, self.handler_b, self.supervisor):
            with self.subTest(user=user.username):
                self.assertEqual(
                    self.get(user, reverse("knowledge:detail", args=[entry.pk])).status_code, 404
                )

    def test_unpublished_entry_is_visible_to_its_unit_and_the_reviewer(self):
        entry = self.pending()
        for user in (self.handler_a, self.manager_a, self.reviewer):
            with self.subTest(user=user.username):
                response = self.get(user, reverse("knowledge:detail", args=[entry.pk]))
                self.assertContains(response, "变更记录")
        self.assertContains(
            self.get(self.reviewer, reverse("knowledge:detail", args=[entry.pk])), "发布"
        )

    def test_sysadmin_cannot_read_entries(self):
        entry = self.published()
        self.assertEqual(
            self.get(self.sysadmin, reverse("knowledge:detail", args=[entry.pk])).status_code, 404
        )

    def test_text_is_escaped_on_the_page(self):
        entry = self.published(
            title="<script>alert(1)</script>", answer="<script>alert(2)</script>"
        )
        html = self.get(
            self.operator, reverse("knowledge:detail", args=[entry.pk])
        ).content.decode()
        self.assertNotIn("<script>alert", html)
        self.assertIn("&lt;script&gt;alert(2)&lt;/script&gt;", html)


class ActionTests(PageTestCase):
    def act(self, user: User, entry: Entry, action: str, **data):  # type: ignore[no-untyped-def]
        payload = {
            f"{action}-version": entry.version,
            **{f"{action}-{k}": v for k, v in data.items()},
        }
        return self.post(user, reverse("knowledge:act", args=[entry.pk, action]), payload)

    def test_reviewer_publishes_from_the_page(self):
        entry = self.pending()
        response = self.act(self.reviewer, entry, "publish", note="")
        self.assertRedirects(response, reverse("knowledge:detail", args=[entry.pk]))
        self.assertEqual(Entry.objects.get(pk=entry.pk).state, EntryState.PUBLISHED)

    def test_handler_cannot_publish_from_the_page(self):
        entry = self.pending()
        response = self.act(self.handler_a, entry, "publish", note="")
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "只有热线主办单位的审核员可以发布", status_code=403)
        self.assertEqual(Entry.objects.get(pk=entry.pk).state, EntryState.PENDING)

    def test_operator_cannot_act_on_unpublished_entry(self):
        entry = self.pending()
        self.assertEqual(self.act(self.operator, entry, "publish").status_code, 404)

    def test_missing_reason_keeps_the_form_with_an_error(self):
        entry = self.published()
        response = self.act(self.reviewer, entry, "withdraw", note="")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "这个字段是必填项", status_code=400)
        self.assertEqual(Entry.objects.get(pk=entry.pk).state, EntryState.PUBLISHED)

    def test_stale_form_is_refused(self):
        entry = self.draft()
        stale = entry.version
        services.entry_update(entry=entry, actor=self.manager_a, title="新", answer="新")
        response = self.post(
            self.handler_a,
            reverse("knowledge:act", args=[entry.pk, "submit"]),
            {"submit-version": stale},
        )
        self.assertEqual(response.status_code, 409)
        self.assertEqual(Entry.objects.get(pk=entry.pk).state, EntryState.DRAFT)

    def test_unknown_action_is_404(self):
        entry = self.draft()
        self.assertEqual(self.act(self.handler_a, entry, "delete").status_code, 404)

    def test_get_is_not_allowed(self):
        entry = self.draft()
        self.assertEqual(
            self.get(
                self.handler_a, reverse("knowledge:act", args=[entry.pk, "submit"])
            ).status_code,
            405,
        )

    def test_revise_opens_the_new_draft(self):
        entry = self.published()
        response = self.act(self.handler_a, entry, "revise")
        revision = Entry.objects.get(revises=entry)
        self.assertRedirects(response, reverse("knowledge:detail", args=[revision.pk]))


class FormTests(PageTestCase):
    def form_data(self, **overrides):  # type: ignore[no-untyped-def]
        data = {
            "title": "夜间施工噪声投诉",
            "questions": "晚上工地很吵\n半夜施工",
            "answer": "夜间22时至次日6时禁止产生噪声的施工作业,请说明工地位置。",
            "unit": self.unit_a.pk,
            "category": "",
            "source": "《中华人民共和国噪声污染防治法》",
            "valid_from": "",
            "valid_to": "",
        }
        data.update(overrides)
        return data

    def test_handler_drafts_an_entry(self):
        response = self.post(self.handler_a, reverse("knowledge:create"), self.form_data())
        entry = Entry.objects.get()
        self.assertRedirects(response, reverse("knowledge:detail", args=[entry.pk]))
        self.assertEqual(
            (entry.unit, entry.state, entry.question_list()),
            (self.unit_a, "draft", ["晚上工地很吵", "半夜施工"]),
        )

    def test_invalid_form_keeps_what_was_typed(self):
        response = self.post(
            self.handler_a,
            reverse("knowledge:create"),
            self.form_data(answer="", valid_from="2026-05-02", valid_to="2026-05-01"),
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "这个字段是必填项", status_code=400)
        self.assertContains(response, "失效日期不能早于生效日期", status_code=400)
        self.assertContains(response, 'value="夜间施工噪声投诉"', status_code=400)
        self.assertFalse(Entry.objects.exists())

    def test_other_unit_cannot_draft_for_unit_a(self):
        response = self.post(self.handler_b, reverse("knowledge:create"), self.form_data())
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Entry.objects.exists())

    def test_operator_and_sysadmin_cannot_open_the_form(self):
        for user in (self.operator, self.sysadmin):
            with self.subTest(user=user.username):
                self.assertEqual(self.get(user, reverse("knowledge:create")).status_code, 403)

    def test_handler_edits_own_draft(self):
        entry = self.draft()
        url = reverse("knowledge:edit", args=[entry.pk])
        self.assertContains(self.get(self.handler_a, url), entry.title)
        response = self.post(
            self.handler_a, url, self.form_data(version=entry.version, title="路灯报修(修改)")
        )
        self.assertRedirects(response, reverse("knowledge:detail", args=[entry.pk]))
        self.assertEqual(Entry.objects.get(pk=entry.pk).title, "路灯报修(修改)")

    def test_edit_is_denied_to_other_units_and_for_published_entries(self):
        draft = self.draft()
        self.assertEqual(
            self.get(self.handler_b, reverse("knowledge:edit", args=[draft.pk])).status_code, 404
        )
        self.assertEqual(
            self.get(self.operator, reverse("knowledge:edit", args=[draft.pk])).status_code, 404
        )
        published = self.published(title="另一条")
        self.assertEqual(
            self.get(self.handler_a, reverse("knowledge:edit", args=[published.pk])).status_code,
            403,
        )


class ManageTests(PageTestCase):
    def test_unit_staff_see_only_their_units_entries(self):
        mine = self.draft(title="城管条目")
        theirs = self.draft(title="市场条目", actor=self.handler_b, unit=self.unit_b)
        response = self.get(self.handler_a, reverse("knowledge:manage"))
        self.assertContains(response, reverse("knowledge:detail", args=[mine.pk]))
        self.assertNotContains(response, reverse("knowledge:detail", args=[theirs.pk]))

    def test_reviewer_sees_the_pending_queue(self):
        pending = self.pending(title="待审条目")
        response = self.get(self.reviewer, reverse("knowledge:manage"))
        self.assertContains(response, "待发布(1)")
        self.assertContains(response, reverse("knowledge:detail", args=[pending.pk]))

    def test_operator_and_sysadmin_cannot_manage(self):
        for user in (self.operator, self.sysadmin, self.supervisor):
            with self.subTest(user=user.username):
                self.assertEqual(self.get(user, reverse("knowledge:manage")).status_code, 403)


class DirectoryPageTests(PageTestCase):
    def test_operator_reads_the_directory(self):
        services.unit_directory_update(
            unit=self.unit_a, actor=self.reviewer, phone="029-87035101", office_hours=""
        )
        self.assertContains(self.get(self.operator, reverse("knowledge:directory")), "029-87035101")
        self.assertContains(
            self.get(self.operator, reverse("knowledge:unit", args=[self.unit_a.pk])),
            "029-87035101",
        )

    def test_sysadmin_cannot_read_the_directory(self):
        self.assertEqual(self.get(self.sysadmin, reverse("knowledge:directory")).status_code, 403)
        self.assertEqual(
            self.get(self.sysadmin, reverse("knowledge:unit", args=[self.unit_a.pk])).status_code,
            403,
        )

    def test_unit_manager_updates_contact_details(self):
        url = reverse("knowledge:unit", args=[self.unit_a.pk])
        response = self.post(
            self.manager_a, url, {"phone": "029-87035199", "office_hours": "工作日 9:00-17:00"}
        )
        self.assertRedirects(response, url)
        self.unit_a.refresh_from_db()
        self.assertEqual(self.unit_a.phone, "029-87035199")

    def test_operator_and_other_unit_cannot_update_contact_details(self):
        url = reverse("knowledge:unit", args=[self.unit_a.pk])
        for user in (self.operator, self.manager_b, self.handler_a):
            with self.subTest(user=user.username):
                self.assertEqual(
                    self.post(user, url, {"phone": "1", "office_hours": ""}).status_code, 403
                )
        self.unit_a.refresh_from_db()
        self.assertEqual(self.unit_a.phone, "")
