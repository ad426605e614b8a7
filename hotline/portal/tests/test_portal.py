from hotline.orders import services
from hotline.orders.models import Channel, Order, Status
from hotline.portal.models import PortalCounter
from hotline.portal.services import LOOKUP_FAILURES_ALLOWED, SUBMISSIONS_ALLOWED
from hotline.testing import BaseTestCase

PHONE = "13912345678"


class PortalTestCase(BaseTestCase):
    def submit(self, **overrides):  # type: ignore[no-untyped-def]
        data = {
            "request_type": "consult",
            "content": "请问居住证在哪里办理，需要带什么材料？",
            "caller_phone": PHONE,
        }
        data.update(overrides)
        return self.client.post("/portal/submit/", data, follow=True)

    def lookup(self, number: str, phone: str = PHONE, ip: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
        return self.client.post(
            "/portal/track/", {"number": number, "phone": phone}, REMOTE_ADDR=ip, follow=True
        )


class SubmitTests(PortalTestCase):
    def test_resident_submission_becomes_a_web_order_and_shows_its_number(self):
        response = self.submit()
        order = Order.objects.get()
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, order.number)
        self.assertEqual(order.channel, Channel.WEB)
        self.assertEqual(order.status, Status.RECEIVED)
        self.assertIsNone(order.created_by)
        self.assertEqual(order.caller_phone_mask, "139****5678")

    def test_missing_fields_are_explained_in_chinese_and_typed_text_is_kept(self):
        response = self.submit(caller_phone="", content="居住证怎么办理呢请问")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "请填写手机号码", status_code=400)
        self.assertContains(response, "居住证怎么办理呢请问", status_code=400)
        self.assertFalse(Order.objects.exists())

    def test_bad_phone_is_refused(self):
        response = self.submit(caller_phone="12ab")
        self.assertContains(response, "手机号码格式不正确", status_code=400)
        self.assertFalse(Order.objects.exists())

    def test_emergency_cannot_be_submitted_on_the_web(self):
        response = self.submit(request_type="emergency")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Order.objects.exists())

    def test_too_many_submissions_from_one_client_are_slowed_down(self):
        for _ in range(SUBMISSIONS_ALLOWED):
            self.assertEqual(self.submit().status_code, 200)
        response = self.submit()
        self.assertContains(response, "提交过于频繁", status_code=429)
        self.assertEqual(Order.objects.count(), SUBMISSIONS_ALLOWED)
        other = self.client.post(
            "/portal/submit/",
            {
                "request_type": "consult",
                "content": "请问居住证在哪里办理，需要带什么材料？",
                "caller_phone": PHONE,
            },
            REMOTE_ADDR="10.9.9.9",
        )
        self.assertEqual(other.status_code, 302)


class PhoneNumberTests(PortalTestCase):
    """One form of a number everywhere: written in full-width digits on the portal, it finds
    the order recorded on the phone, and a masked number is not a caller's phone."""

    def test_a_full_width_number_finds_the_callers_order(self):
        order = self.create_order(caller_phone=PHONE)
        response = self.lookup(order.number, phone="１３９１２３４５６７８")
        self.assertContains(response, order.number)

    def test_a_submission_in_full_width_digits_is_the_same_caller(self):
        self.submit(caller_phone="１３９ １２３４ ５６７８")
        order = Order.objects.get()
        self.assertEqual((order.caller_phone, order.caller_phone_mask), (PHONE, "139****5678"))

    def test_a_masked_number_is_refused_on_the_portal_and_in_the_services(self):
        response = self.submit(caller_phone="139****5678")
        self.assertContains(response, "手机号码格式不正确", status_code=400)
        from hotline.core.errors import InvalidInput

        with self.assertRaises(InvalidInput):
            services.order_create(
                actor=self.operator,
                channel=Channel.PHONE,
                request_type="consult",
                content="咨询",
                caller_phone="152****1080",
            )
        self.assertFalse(Order.objects.exists())


class PostRedirectGetTests(PortalTestCase):
    """Every submission is a POST followed by a redirect: a reload of the page the caller
    lands on submits, finds or rates nothing a second time."""

    def test_a_reload_of_the_receipt_does_not_submit_again(self):
        response = self.client.post(
            "/portal/submit/",
            {"request_type": "consult", "content": "请问居住证在哪里办理？", "caller_phone": PHONE},
        )
        order = Order.objects.get()
        self.assertRedirects(response, f"/portal/submitted/{order.number}/")
        for _reload in range(2):
            self.assertContains(self.client.get(f"/portal/submitted/{order.number}/"), order.number)
        self.assertEqual(Order.objects.count(), 1)

    def test_the_receipt_and_the_order_show_only_in_the_session_that_proved_them(self):
        self.submit()
        order = Order.objects.get()
        self.client.logout()  # a new session
        for url in (f"/portal/submitted/{order.number}/", f"/portal/order/{order.number}/"):
            self.assertEqual(self.client.get(url).status_code, 404)

    def test_finding_an_order_redirects_to_its_page(self):
        order = self.create_order(caller_phone=PHONE)
        response = self.client.post("/portal/track/", {"number": order.number, "phone": PHONE})
        self.assertRedirects(response, f"/portal/order/{order.number}/")

    def test_a_rating_redirects_to_its_thanks_and_a_reload_rates_nothing(self):
        order = self.reply_checked_order(caller_phone=PHONE)
        self.lookup(order.number)
        response = self.client.post(f"/portal/rate/{order.number}/", {"satisfaction": "basically"})
        self.assertRedirects(response, f"/portal/rated/{order.number}/")
        self.assertContains(self.client.get(f"/portal/rated/{order.number}/"), "基本满意")
        self.assertEqual(order.events.filter(action="callback").count(), 1)


class LookupTests(PortalTestCase):
    def setUp(self) -> None:
        self.submit()
        self.order = Order.objects.get()

    def test_number_and_phone_show_the_order(self):
        response = self.lookup(self.order.number)
        self.assertContains(response, self.order.number)
        self.assertContains(response, "已受理")
        self.assertContains(response, "居住证")

    def test_phone_written_differently_still_matches(self):
        response = self.lookup(self.order.number, phone="+86 139-1234-5678")
        self.assertEqual(response.status_code, 200)

    def test_wrong_phone_shows_nothing_of_the_order(self):
        response = self.lookup(self.order.number, phone="13900000000")
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(response, "居住证", status_code=404)
        self.assertContains(response, "没有找到", status_code=404)

    def test_repeated_failures_from_one_address_are_slowed_down_without_locking_out_others(self):
        for _ in range(LOOKUP_FAILURES_ALLOWED):
            self.assertEqual(self.lookup(self.order.number, phone="13900000000").status_code, 404)
        # Even the right pair is refused from that address for a while ...
        response = self.lookup(self.order.number)
        self.assertContains(response, "查询失败次数过多", status_code=429)
        # ... but not from another one.
        self.assertEqual(self.lookup(self.order.number, ip="10.0.0.2").status_code, 200)
        self.assertEqual(
            PortalCounter.objects.get(scope="lookup_number").count, LOOKUP_FAILURES_ALLOWED
        )

    def test_client_addresses_are_not_stored_in_clear(self):
        self.lookup(self.order.number, phone="13900000000")
        self.assertTrue(PortalCounter.objects.exists())
        for counter in PortalCounter.objects.all():
            self.assertNotIn("10.0.0.1", counter.key)
            self.assertEqual(len(counter.key), 64)

    def test_reply_is_shown_only_after_the_operating_centre_accepted_it(self):
        order = services.order_accept(order=self.order, actor=self.operator)
        order = services.order_dispatch(order=order, actor=self.operator, lead_unit=self.unit_a)
        order = services.order_sign(order=order, actor=self.handler_a)
        order = services.order_reply(
            order=order, actor=self.handler_a, text="请携带身份证到便民服务中心办理。"
        )
        order = services.order_decide_reply(order=order, actor=self.manager_a, approve=True)
        self.assertNotContains(self.lookup(self.order.number), "便民服务中心办理")
        services.order_check_reply(order=order, actor=self.operator, accept=True)
        response = self.lookup(self.order.number)
        self.assertContains(response, "请携带身份证到便民服务中心办理")
        self.assertContains(response, "已答复")

    def test_merged_request_shows_the_result_of_the_order_it_joined(self):
        earlier = self.create_order(request_type="consult", content="居住证办理地点和材料")
        earlier = services.order_answer(
            order=earlier, actor=self.operator, answer="居住证在各街道便民服务中心办理。"
        )
        services.order_merge(order=self.order, into=earlier, actor=self.operator)
        response = self.lookup(self.order.number)
        self.assertContains(response, "居住证在各街道便民服务中心办理")


class DisplayModeTests(PortalTestCase):
    def test_large_type_mode_is_remembered(self):
        response = self.client.post("/portal/display/", {"large": "1", "next": "/portal/submit/"})
        self.assertRedirects(response, "/portal/submit/", fetch_redirect_response=False)
        page = self.client.get("/portal/submit/")
        self.assertContains(page, 'class="large"')

    def test_display_switch_does_not_redirect_off_site(self):
        response = self.client.post(
            "/portal/display/", {"large": "1", "next": "https://evil.example/"}
        )
        self.assertEqual(response["Location"], "/portal/")

    def test_pages_have_landmarks_and_labels(self):
        page = self.client.get("/portal/submit/")
        for marker in [
            'role="main"',
            'role="banner"',
            'lang="zh-Hans"',
            '<label for="id_content">',
            "<legend>",
        ]:
            self.assertContains(page, marker)


class RatingTests(PortalTestCase):
    def setUp(self) -> None:
        self.order = self.reply_checked_order(caller_phone=PHONE)

    def test_caller_rates_satisfied_and_the_order_closes(self):
        self.lookup(self.order.number)
        response = self.client.post(
            f"/portal/rate/{self.order.number}/", {"satisfaction": "satisfied"}, follow=True
        )
        self.assertContains(response, "感谢您的评价")
        self.assertContains(response, '<p class="number">满意</p>', html=False)
        order = self.reload(self.order)
        self.assertEqual(order.status, Status.CLOSED)
        self.assertEqual(order.satisfaction, "satisfied")
        event = order.events.get(action="callback")
        self.assertIsNone(event.actor)
        self.assertEqual(event.data["by"], "caller")

    def test_unsatisfied_rating_goes_to_the_host_unit(self):
        self.lookup(self.order.number)
        self.client.post(
            f"/portal/rate/{self.order.number}/",
            {"satisfaction": "unsatisfied", "comment": "没人来处理"},
        )
        order = self.reload(self.order)
        self.assertEqual(order.status, Status.UNSATISFIED)
        self.assertEqual(order.events.get(action="callback").reason, "没人来处理")

    def test_rating_without_finding_the_order_first_is_refused(self):
        response = self.client.post(
            f"/portal/rate/{self.order.number}/", {"satisfaction": "satisfied"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.reload(self.order).status, Status.CALLBACK)

    def test_rating_form_appears_only_once_the_reply_is_accepted(self):
        self.assertContains(self.lookup(self.order.number), "评价办理结果")
        other = self.in_progress_order(caller_phone=PHONE)
        self.assertNotContains(self.lookup(other.number), "评价办理结果")
        response = self.client.post(f"/portal/rate/{other.number}/", {"satisfaction": "satisfied"})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(self.reload(other).status, Status.IN_PROGRESS)

    def test_a_second_rating_is_refused(self):
        self.lookup(self.order.number)
        self.client.post(f"/portal/rate/{self.order.number}/", {"satisfaction": "satisfied"})
        response = self.client.post(
            f"/portal/rate/{self.order.number}/", {"satisfaction": "unsatisfied"}
        )
        self.assertEqual(response.status_code, 409)
        self.assertEqual(self.reload(self.order).satisfaction, "satisfied")

    def test_missing_choice_is_explained(self):
        self.lookup(self.order.number)
        response = self.client.post(f"/portal/rate/{self.order.number}/", {})
        self.assertContains(response, "请选择满意程度", status_code=400)
