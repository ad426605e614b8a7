"""Who sees which order, through the pages and through `orders_visible_to` (DESIGN §2,
STYLE §5): a unit sees only what it currently leads or assists, confidential orders only their
tracker, assigned handler and the host reviewers, administrators none. Every view of
`hotline/orders/urls.py` and `hotline/web/urls.py` has a denied-access test here."""

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.audit.models import AuditEntry
from hotline.orders import services
from hotline.orders.models import Order, OrderEvent, Status
from hotline.orders.rules import orders_visible_to
from hotline.testing import BaseTestCase


class PageTestCase(BaseTestCase):
    def detail(self, order: Order) -> str:
        return reverse("orders:detail", args=[order.number])

    def act(self, order: Order, action: str) -> str:
        return reverse("orders:act", args=[order.number, action])

    def as_user(self, user: User) -> None:
        self.client.force_login(user)

    def listed(self, user: User, order: Order) -> bool:
        self.as_user(user)
        response = self.client.get(reverse("orders:list"))
        self.assertEqual(response.status_code, 200)
        return f'href="{self.detail(order)}"' in response.content.decode()

    def row(self, order: Order) -> tuple:
        return (
            Order.objects.filter(pk=order.pk).values().get(),
            OrderEvent.objects.filter(order_id=order.pk).count(),
        )


class UnitScopingTests(PageTestCase):
    def setUp(self) -> None:
        self.order = self.dispatched_order()  # led by unit A (urban)

    def test_handler_cannot_see_other_units_order(self):
        self.as_user(self.handler_b)
        self.assertEqual(self.client.get(self.detail(self.order)).status_code, 404)

    def test_handler_does_not_find_other_units_order_in_list(self):
        self.assertFalse(self.listed(self.handler_b, self.order))
        self.assertFalse(self.listed(self.manager_b, self.order))

    def test_handler_cannot_find_other_units_order_by_number_search(self):
        self.as_user(self.handler_b)
        response = self.client.get(reverse("orders:list"), {"q": self.order.number})
        self.assertNotContains(response, f'href="{self.detail(self.order)}"')
        self.assertContains(response, "没有工单。")

    def test_handler_cannot_sign_other_units_order(self):
        before = self.row(self.order)
        self.as_user(self.handler_b)
        response = self.client.post(
            self.act(self.order, "sign"), {"sign-version": self.order.version}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.row(self.order), before)

    def test_lead_unit_handler_sees_and_signs_the_order(self):
        self.assertTrue(self.listed(self.handler_a, self.order))
        response = self.client.get(self.detail(self.order))
        self.assertContains(response, self.order.number)
        self.assertContains(response, f'action="{self.act(self.order, "sign")}"')
        response = self.client.post(
            self.act(self.order, "sign"), {"sign-version": self.order.version}
        )
        self.assertRedirects(response, self.detail(self.order))
        order = self.reload(self.order)
        self.assertEqual(order.status, Status.IN_PROGRESS)
        self.assertEqual(order.handler, self.handler_a)

    def test_sign_with_a_stale_version_is_refused_and_changes_nothing(self):
        stale = self.order.version
        services.order_urge(order=self.order, actor=self.operator, note="催办")
        before = self.row(self.order)
        self.as_user(self.handler_a)
        response = self.client.post(self.act(self.order, "sign"), {"sign-version": stale})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(self.row(self.order), before)

    def test_unit_no_longer_sees_order_after_upheld_return(self):
        order = services.order_sign(order=self.order, actor=self.handler_a)
        order = services.order_return(order=order, actor=self.handler_a, reason="属市场监管职责")
        services.order_decide_return(
            order=order, actor=self.lead, uphold=True, reason="同意", lead_unit=self.unit_b
        )
        self.as_user(self.handler_a)
        self.assertEqual(self.client.get(self.detail(order)).status_code, 404)
        self.assertFalse(self.listed(self.handler_a, order))
        self.assertFalse(self.listed(self.manager_a, order))
        self.assertTrue(self.listed(self.handler_b, order))
        self.assertEqual(self.client.get(self.detail(order)).status_code, 200)

    def test_assisting_unit_sees_the_order_but_cannot_sign_it(self):
        order = services.order_accept(order=self.create_order(), actor=self.operator)
        order = services.order_dispatch(
            order=order, actor=self.operator, lead_unit=self.unit_a, assisting_units=[self.unit_b]
        )
        self.as_user(self.handler_b)
        self.assertEqual(self.client.get(self.detail(order)).status_code, 200)
        before = self.row(order)
        response = self.client.post(self.act(order, "sign"), {"sign-version": order.version})
        self.assertContains(response, "签收", status_code=403)
        self.assertEqual(self.row(order), before)


class ConfidentialScopingTests(PageTestCase):
    def setUp(self) -> None:
        self.handler_a2 = account_create(
            username="urban.handler2", roles=[Role.HANDLER], unit=self.unit_a
        )
        order = self.dispatched_order(is_confidential=True)
        self.order = services.order_sign(order=order, actor=self.manager_a, handler=self.handler_a)

    def test_confidential_order_is_hidden_from_unassigned_handler_of_same_unit(self):
        self.as_user(self.handler_a2)
        self.assertEqual(self.client.get(self.detail(self.order)).status_code, 404)
        self.assertFalse(self.listed(self.handler_a2, self.order))

    def test_confidential_order_is_visible_to_assigned_handler_tracker_and_reviewer(self):
        for user in (self.handler_a, self.operator, self.reviewer):
            with self.subTest(user=user.username):
                self.as_user(user)
                self.assertEqual(self.client.get(self.detail(self.order)).status_code, 200)
                self.assertTrue(self.listed(user, self.order))

    def test_confidential_order_is_hidden_from_other_centre_staff_and_supervision(self):
        for user in (self.lead, self.supervisor, self.auditor, self.handler_b):
            with self.subTest(user=user.username):
                self.as_user(user)
                self.assertEqual(self.client.get(self.detail(self.order)).status_code, 404)
                self.assertFalse(self.listed(user, self.order))

    def test_unassigned_handler_cannot_act_on_confidential_order(self):
        before = self.row(self.order)
        self.as_user(self.handler_a2)
        response = self.client.post(
            self.act(self.order, "reply"),
            {"reply-version": self.order.version, "reply-text": "已处理"},
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.row(self.order), before)


class AdminAndAuditorTests(PageTestCase):
    def setUp(self) -> None:
        self.order = self.in_progress_order()

    def test_sysadmin_sees_no_orders(self):
        self.as_user(self.sysadmin)
        # 三员分立: the order list itself is refused to the administrators.
        self.assertContains(
            self.client.get(reverse("orders:list")),
            "系统管理员和安全管理员不查看工单",
            status_code=403,
        )
        self.assertEqual(self.client.get(self.detail(self.order)).status_code, 404)

    def test_auditor_reads_the_order_but_has_no_actions(self):
        self.as_user(self.auditor)
        response = self.client.get(self.detail(self.order))
        self.assertContains(response, self.order.number)
        self.assertContains(response, "当前没有您可以执行的操作。")
        self.assertNotContains(response, "/act/")
        before = self.row(self.order)
        response = self.client.post(
            self.act(self.order, "urge"), {"urge-version": self.order.version, "urge-note": "催办"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.row(self.order), before)

    def test_anonymous_is_redirected_to_login(self):
        self.client.logout()
        for url in (
            reverse("home"),
            reverse("orders:list"),
            reverse("orders:intake"),
            reverse("orders:intake-caller"),
            reverse("orders:intake-related"),
            reverse("orders:intake-proposal"),
            self.detail(self.order),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertRedirects(response, f"/login/?next={url}", fetch_redirect_response=False)
        for url in (
            self.act(self.order, "urge"),
            reverse("orders:reveal", args=[self.order.number]),
        ):
            with self.subTest(url=url):
                response = self.client.post(url, {})
                self.assertRedirects(response, f"/login/?next={url}", fetch_redirect_response=False)


class ViewAccessTests(PageTestCase):
    """One denied-access test per view of orders/urls.py and web/urls.py."""

    def setUp(self) -> None:
        self.order = self.in_progress_order()

    # orders:list — an account that may see no orders gets an empty list.
    def test_list_shows_nothing_to_an_account_without_orders(self):
        outsider = account_create(username="outsider", roles=[], password="x-unused-123")
        self.assertFalse(self.listed(outsider, self.order))

    # orders:intake and its partials
    def test_unit_staff_cannot_open_or_post_the_intake_screen(self):
        self.as_user(self.handler_a)
        for method, name in (
            ("get", "orders:intake"),
            ("post", "orders:intake-caller"),
            ("post", "orders:intake-related"),
            ("get", "orders:intake-proposal"),
        ):
            with self.subTest(name=name):
                self.assertEqual(getattr(self.client, method)(reverse(name)).status_code, 404)
        count = Order.objects.count()
        response = self.client.post(
            reverse("orders:intake"),
            {"request_type": "help", "content": "内容", "outcome": "register"},
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Order.objects.count(), count)

    def test_operator_records_an_order_through_the_intake_screen(self):
        self.as_user(self.operator)
        self.assertEqual(self.client.get(reverse("orders:intake")).status_code, 200)
        response = self.client.post(
            reverse("orders:intake"),
            {
                "request_type": "help",
                "content": "路灯不亮",
                "caller_phone": "13812345678",
                "outcome": "register",
            },
        )
        order = Order.objects.latest("id")
        self.assertRedirects(response, self.detail(order))
        self.assertEqual((order.content, order.created_by), ("路灯不亮", self.operator))

    def test_intake_refuses_a_bad_phone_and_keeps_what_was_typed(self):
        self.as_user(self.operator)
        count = Order.objects.count()
        response = self.client.post(
            reverse("orders:intake"),
            {
                "request_type": "help",
                "content": "路灯不亮了",
                "caller_phone": "12",
                "outcome": "register",
            },
        )
        self.assertContains(response, "号码格式不正确", status_code=400)
        self.assertContains(response, "路灯不亮了", status_code=400)
        self.assertEqual(Order.objects.count(), count)

    def test_intake_caller_history_shows_only_visible_orders(self):
        self.as_user(self.operator)
        response = self.client.post(
            reverse("orders:intake-caller"), {"caller_phone": "13812345678"}
        )
        self.assertContains(response, self.order.number)

    def test_the_callers_number_never_travels_in_an_address(self):
        self.as_user(self.operator)
        for name in ("orders:intake-caller", "orders:intake-related"):
            with self.subTest(name=name):
                url = reverse(name)
                response = self.client.get(url, {"caller_phone": "13812345678"})
                self.assertEqual(response.status_code, 405)
        page = self.client.get(reverse("orders:intake")).content.decode()
        self.assertNotIn('hx-get="/orders/intake/caller/', page)
        self.assertNotIn('hx-get="/orders/intake/related/', page)

    # orders:detail
    def test_detail_is_404_for_other_unit_and_for_unknown_number(self):
        self.as_user(self.handler_b)
        self.assertEqual(self.client.get(self.detail(self.order)).status_code, 404)
        self.as_user(self.reviewer)
        self.assertEqual(
            self.client.get(reverse("orders:detail", args=["YL2099010100001"])).status_code, 404
        )

    # orders:act
    def test_act_refuses_get_unknown_actions_and_other_units(self):
        before = self.row(self.order)
        self.as_user(self.handler_a)
        self.assertEqual(self.client.get(self.act(self.order, "reply")).status_code, 405)
        self.assertEqual(self.client.post(self.act(self.order, "delete"), {}).status_code, 404)
        self.as_user(self.handler_b)
        response = self.client.post(
            self.act(self.order, "reply"), {"reply-version": self.order.version, "reply-text": "x"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.row(self.order), before)

    def test_act_refuses_an_action_the_role_may_not_take(self):
        before = self.row(self.order)
        self.as_user(self.handler_a)
        response = self.client.post(
            self.act(self.order, "urge"),
            {"urge-version": self.order.version, "urge-note": "自己催"},
        )
        # Refused before the form is read, with the rule's reason (docs/access-matrix.md).
        self.assertContains(response, "您无权对该工单执行", status_code=403)
        self.assertEqual(self.row(self.order), before)

    # orders:reveal
    def test_reveal_is_404_for_other_unit_and_403_for_supervisor(self):
        url = reverse("orders:reveal", args=[self.order.number])
        self.as_user(self.handler_b)
        self.assertEqual(self.client.post(url, {"reason": "回访"}).status_code, 404)
        self.as_user(self.supervisor)
        response = self.client.post(url, {"reason": "抽查"})
        self.assertEqual(response.status_code, 403)
        self.assertNotContains(response, "13812345678", status_code=403)
        self.assertFalse(
            AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL_PERSONAL_DATA).exists()
        )

    def test_reveal_shows_the_caller_to_the_handler_and_is_audited(self):
        self.as_user(self.handler_a)
        page = reverse("orders:detail", args=[self.order.number])
        self.assertNotContains(self.client.get(page), "13812345678")
        response = self.client.post(
            reverse("orders:reveal", args=[self.order.number]), {"reason": "联系诉求人核实地址"}
        )
        self.assertRedirects(response, page, fetch_redirect_response=False)
        # The page shows the number after the redirect, and a reload reveals nothing again.
        self.assertContains(self.client.get(page), "13812345678")
        self.assertContains(self.client.get(page), "13812345678")
        entry = AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL_PERSONAL_DATA).get()
        self.assertEqual(
            (entry.actor, entry.target, entry.reason),
            (self.handler_a, self.order.number, "联系诉求人核实地址"),
        )

    # web: home, login, logout, healthz
    def test_home_redirects_anonymous_to_login(self):
        response = self.client.get(reverse("home"))
        self.assertRedirects(response, "/login/?next=/", fetch_redirect_response=False)

    def test_login_page_sends_a_signed_in_user_home(self):
        self.as_user(self.operator)
        self.assertRedirects(self.client.get(reverse("login")), "/", fetch_redirect_response=False)

    def test_logout_refuses_get(self):
        self.as_user(self.operator)
        self.assertEqual(self.client.get(reverse("logout")).status_code, 405)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_healthz_refuses_post(self):
        self.assertEqual(self.client.post(reverse("healthz")).status_code, 405)


class VisibleToTests(BaseTestCase):
    """`orders_visible_to` for every persona over one set of orders."""

    def test_each_persona_sees_exactly_its_orders(self):
        handler_a2 = account_create(
            username="urban.handler2", roles=[Role.HANDLER], unit=self.unit_a
        )
        inactive = account_create(username="urban.gone", roles=[Role.HANDLER], unit=self.unit_a)
        User.objects.filter(pk=inactive.pk).update(is_active=False)
        inactive = User.objects.get(pk=inactive.pk)
        orders = {
            "a": self.dispatched_order(),
            "ab": services.order_dispatch(
                order=services.order_accept(order=self.create_order(), actor=self.operator),
                actor=self.operator,
                lead_unit=self.unit_a,
                assisting_units=[self.unit_b],
            ),
            "b": self.dispatched_order(unit=self.unit_b),
            "new": self.create_order(),
            "conf": services.order_sign(
                order=self.dispatched_order(is_confidential=True),
                actor=self.manager_a,
                handler=self.handler_a,
            ),
        }
        expected = {
            self.operator: {"a", "ab", "b", "new", "conf"},  # the tracker of the confidential one
            self.lead: {"a", "ab", "b", "new"},
            self.reviewer: {"a", "ab", "b", "new", "conf"},
            self.supervisor: {"a", "ab", "b", "new"},
            self.auditor: {"a", "ab", "b", "new"},
            self.sysadmin: set(),
            self.handler_a: {"a", "ab", "conf"},
            handler_a2: {"a", "ab"},
            self.manager_a: {"a", "ab", "conf"},
            self.leader_a: {"a", "ab", "conf"},
            self.handler_b: {"ab", "b"},
            self.manager_b: {"ab", "b"},
            inactive: set(),
            AnonymousUser(): set(),
        }
        names = {order.pk: name for name, order in orders.items()}
        for user, names_seen in expected.items():
            with self.subTest(user=getattr(user, "username", "anonymous") or "anonymous"):
                seen = {names[pk] for pk in orders_visible_to(user).values_list("pk", flat=True)}
                self.assertEqual(seen, names_seen)

    def test_scoping_keeps_an_already_filtered_queryset(self):
        order_a, order_b = self.dispatched_order(), self.dispatched_order(unit=self.unit_b)
        qs = Order.objects.filter(pk__in=[order_a.pk, order_b.pk])
        self.assertEqual(list(orders_visible_to(self.handler_a, qs)), [order_a])
        self.assertEqual(
            list(orders_visible_to(self.handler_a, Order.objects.filter(pk=order_b.pk))), []
        )


class ActionPageTests(PageTestCase):
    """The action forms behind the buttons: each renders and reaches its service."""

    def test_detail_page_renders_for_each_state_and_actor(self):
        complaint = self.create_order(request_type="complaint")
        in_review = services.order_submit_for_review(
            order=complaint, actor=self.operator, opinion="建议城管"
        )
        returned = services.order_return(
            order=self.in_progress_order(), actor=self.handler_a, reason="派错"
        )
        approval = services.order_reply(
            order=self.in_progress_order(), actor=self.handler_a, text="已办"
        )
        check = services.order_decide_reply(
            order=services.order_reply(
                order=self.in_progress_order(), actor=self.handler_a, text="已办"
            ),
            actor=self.manager_a,
            approve=True,
        )
        callback = self.reply_checked_order()
        unsatisfied = services.order_record_callback(
            order=self.reply_checked_order(),
            actor=self.operator,
            satisfaction="unsatisfied",
            note="未解决",
        )
        merged = services.order_merge(order=self.create_order(), into=callback, actor=self.operator)
        orders = [
            self.create_order(),
            in_review,
            services.order_accept(order=self.create_order(), actor=self.operator),
            self.dispatched_order(),
            self.in_progress_order(request_type="complaint"),
            returned,
            approval,
            check,
            callback,
            unsatisfied,
            merged,
        ]
        for user in (
            self.operator,
            self.lead,
            self.reviewer,
            self.supervisor,
            self.handler_a,
            self.manager_a,
        ):
            self.as_user(user)
            for order in orders:
                with self.subTest(user=user.username, status=order.status):
                    response = self.client.get(self.detail(order))
                    self.assertIn(response.status_code, (200, 404))
                    if response.status_code == 200:
                        self.assertContains(response, order.number)

    def test_operator_dispatches_through_the_page(self):
        order = services.order_accept(order=self.create_order(), actor=self.operator)
        self.as_user(self.operator)
        response = self.client.post(
            self.act(order, "dispatch"),
            {
                "dispatch-version": order.version,
                "dispatch-lead_unit": self.unit_a.pk,
                "dispatch-assisting_units": [self.unit_b.pk],
            },
        )
        self.assertRedirects(response, self.detail(order))
        order = self.reload(order)
        self.assertEqual((order.status, order.lead_unit), (Status.DISPATCHED, self.unit_a))
        self.assertEqual(
            sorted(order.assignments.values_list("unit__code", "role")),
            [("market", "assist"), ("urban", "lead")],
        )

    def test_merge_form_finds_the_target_by_number(self):
        target, duplicate = self.dispatched_order(), self.create_order()
        self.as_user(self.operator)
        response = self.client.post(
            self.act(duplicate, "merge"),
            {"merge-version": duplicate.version, "merge-into": f" {target.number} "},
        )
        self.assertRedirects(response, self.detail(duplicate))
        self.assertEqual(self.reload(duplicate).merged_into, target)

    def test_merge_form_cannot_reach_an_order_the_user_may_not_see(self):
        # Confidential and followed by another operator: hidden from the lead.
        hidden = self.dispatched_order(is_confidential=True)
        Order.objects.filter(pk=hidden.pk).update(tracker=self.operator, created_by=None)
        duplicate = self.create_order()
        before = self.row(duplicate)
        self.as_user(self.lead)
        response = self.client.post(
            self.act(duplicate, "merge"),
            {"merge-version": duplicate.version, "merge-into": hidden.number},
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.row(duplicate), before)

    def test_refused_callback_shows_the_reason_and_changes_nothing(self):
        order = self.reply_checked_order()
        before = self.row(order)
        self.as_user(self.operator)
        response = self.client.post(
            self.act(order, "callback"),
            {"callback-version": order.version, "callback-satisfaction": "unsatisfied"},
        )
        self.assertContains(response, "请填写回访记录。", status_code=400)
        self.assertEqual(self.row(order), before)


class StatusFilterTests(BaseTestCase):
    def test_units_are_offered_only_states_after_dispatch_and_other_states_list_nothing(self):
        from hotline.orders.rules import statuses_visible_to
        from hotline.orders.selectors import OrderFilter, order_list

        order = self.dispatched_order()
        offered = {value for value, _label in statuses_visible_to(self.handler_a)}
        self.assertIn(Status.DISPATCHED, offered)
        self.assertFalse(offered & {Status.RECEIVED, Status.PENDING_REVIEW, Status.MERGED})
        self.assertEqual(len(statuses_visible_to(self.reviewer)), len(Status.values))
        mine = order_list(user=self.handler_a, filters=OrderFilter(status=Status.DISPATCHED))
        self.assertEqual(list(mine), [order])
        before = order_list(user=self.handler_a, filters=OrderFilter(status=Status.RECEIVED))
        self.assertEqual(list(before), [])

    def test_the_list_page_offers_a_unit_only_its_states(self):
        self.client.force_login(self.handler_a)
        page = self.client.get(reverse("orders:list"), {"list": "all"}).content.decode()
        self.assertIn('value="dispatched"', page)
        self.assertNotIn('value="pending_review"', page)

    def test_a_unit_filtering_by_another_lead_unit_sees_the_orders_it_assists(self):
        from hotline.orders.selectors import OrderFilter, order_list

        order = services.order_accept(order=self.create_order(), actor=self.operator)
        assisted = services.order_dispatch(
            order=order, actor=self.operator, lead_unit=self.unit_b, assisting_units=[self.unit_a]
        )
        self.dispatched_order(unit=self.unit_b)  # led by market, urban not involved
        own = self.dispatched_order()
        by_market = order_list(user=self.manager_a, filters=OrderFilter(unit="market"))
        self.assertEqual(list(by_market), [assisted])
        by_urban = order_list(user=self.manager_a, filters=OrderFilter(unit="urban"))
        self.assertEqual(list(by_urban), [own])
        self.assertEqual(
            order_list(user=self.reviewer, filters=OrderFilter(unit="market")).count(), 2
        )
