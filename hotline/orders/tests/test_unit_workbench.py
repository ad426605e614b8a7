"""The unit workbench (`/orders/unit/`, `hotline/orders/unit_workbench.py`): each tab of the
inbox lists the unit's own orders and never another unit's, the filters, the working-day
countdown, the dashboard's figures, who may open it, and two managers approving one reply at
once.

Expected deadlines are worked out by hand from the State Council's 2025 schedule: the
National Day holiday runs Oct 1–8 2025; Sunday Sep 28 and Saturday Oct 11 are working days.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.urls import reverse

from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.clock import frozen_at
from hotline.orders import services
from hotline.orders.models import Action, Order, Reply, Status, Urge
from hotline.orders.services import urge_acknowledge
from hotline.orders.unit_workbench import unit_dashboard
from hotline.testing import BaseTestCase, aware

INBOX = reverse("orders:unit")
NUMBER = re.compile(r'href="/orders/([A-Z]+\d+)/"')


@contextmanager
def at(moment: str) -> Iterator[None]:
    with frozen_at(aware(moment)):
        yield


class WorkbenchTestCase(BaseTestCase):
    def inbox(self, user: User, **params: str) -> tuple[str, set[str]]:
        """The inbox page as `user` sees it, and the order numbers listed in its table."""
        self.client.force_login(user)
        response = self.client.get(INBOX, params)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        table = html[html.index("<table") : html.index("</table>")]
        return html, set(NUMBER.findall(table))

    def listed(self, user: User, **params: str) -> set[str]:
        return self.inbox(user, **params)[1]

    @staticmethod
    def numbers(*orders: Order) -> set[str]:
        return {order.number for order in orders}

    @staticmethod
    def row(html: str, order: Order) -> str:
        start = html.index(f'href="/orders/{order.number}/"')
        return html[start : html.index("</tr>", start)]


class InboxTests(WorkbenchTestCase):
    def setUp(self) -> None:
        self.handler_a2 = account_create(
            username="urban.handler2", roles=[Role.HANDLER], unit=self.unit_a
        )
        # Unit A (urban) leads these.
        self.sign = self.dispatched_order()
        self.sign_complaint = self.dispatched_order(request_type="complaint")
        self.doing_mine = self.in_progress_order()
        self.doing_other = services.order_sign(
            order=self.dispatched_order(category="urban.04"),
            actor=self.manager_a,
            handler=self.handler_a2,
        )
        self.approve = services.order_reply(
            order=self.in_progress_order(), actor=self.handler_a, text="已处理。"
        )
        self.returned = services.order_return(
            order=self.in_progress_order(), actor=self.handler_a, reason="属市场监管"
        )
        self.urged = services.order_urge(
            order=self.in_progress_order(), actor=self.operator, note="市民再次来电"
        )
        self.acknowledged = services.order_urge(
            order=self.in_progress_order(), actor=self.operator, note="请尽快"
        )
        urge_acknowledge(urge=Urge.objects.get(order=self.acknowledged), actor=self.handler_a)
        with at("2025-09-29 10:00"):
            # Sep 30, (holiday), Oct 9: due at 24:00 on Thu 9 Oct 2025, long past.
            self.overdue = self.in_progress_order()
        self.assertEqual(self.overdue.due_at, aware("2025-10-10 00:00"))
        checked = services.order_reply(
            order=self.in_progress_order(), actor=self.handler_a, text="已处理。"
        )
        self.left = services.order_decide_reply(order=checked, actor=self.manager_a, approve=True)
        # Unit B (market) leads, unit A assists.
        order = services.order_accept(order=self.create_order(), actor=self.operator)
        self.assist = services.order_dispatch(
            order=order, actor=self.operator, lead_unit=self.unit_b, assisting_units=[self.unit_a]
        )
        # Unit B's own orders, in every tab.
        self.b_sign = self.dispatched_order(unit=self.unit_b, category="market.01")
        self.b_doing = services.order_urge(
            order=self.in_progress_order(unit=self.unit_b), actor=self.operator, note="催办"
        )
        self.b_approve = services.order_reply(
            order=self.in_progress_order(unit=self.unit_b), actor=self.handler_b, text="已处理。"
        )
        self.b_returned = services.order_return(
            order=self.in_progress_order(unit=self.unit_b), actor=self.handler_b, reason="属城管"
        )
        with at("2025-09-29 10:00"):
            self.b_overdue = self.in_progress_order(unit=self.unit_b)

    def test_each_tab_lists_the_units_own_orders(self):
        expected = {
            "sign": self.numbers(self.sign, self.sign_complaint),
            "doing": self.numbers(
                self.doing_mine, self.doing_other, self.urged, self.acknowledged, self.overdue
            ),
            "approve": self.numbers(self.approve),
            "assist": self.numbers(self.assist),
            "urges": self.numbers(self.urged),
            "due": self.numbers(self.overdue),
            "returned": self.numbers(self.returned),
        }
        for user in (self.manager_a, self.leader_a):
            for tab, numbers in expected.items():
                with self.subTest(user=user.username, tab=tab):
                    self.assertEqual(self.listed(user, tab=tab), numbers)

    def test_unit_b_sees_only_its_own_orders_in_every_tab(self):
        expected = {
            # Unit B leads the order unit A assists.
            "sign": self.numbers(self.b_sign, self.assist),
            "doing": self.numbers(self.b_doing, self.b_overdue),
            "approve": self.numbers(self.b_approve),
            "assist": set(),
            "urges": self.numbers(self.b_doing),
            "due": self.numbers(self.b_overdue),
            "returned": self.numbers(self.b_returned),
        }
        for tab, numbers in expected.items():
            with self.subTest(tab=tab):
                self.assertEqual(self.listed(self.manager_b, tab=tab), numbers)

    def test_no_tab_ever_lists_another_units_order_or_one_that_left_the_unit(self):
        theirs = self.numbers(
            self.b_sign, self.b_doing, self.b_approve, self.b_returned, self.b_overdue, self.left
        )
        for user in (self.handler_a, self.manager_a, self.leader_a):
            for tab in ("sign", "doing", "approve", "assist", "urges", "due", "returned"):
                with self.subTest(user=user.username, tab=tab):
                    html, listed = self.inbox(user, tab=tab)
                    self.assertFalse(listed & theirs)
                    for order in (self.b_sign, self.b_doing, self.b_returned):
                        self.assertNotIn(order.number, html)

    def test_handler_has_no_approval_tab(self):
        html, listed = self.inbox(self.handler_a, tab="approve")
        self.assertNotIn("tab=approve", html)
        self.assertNotIn("答复待审批</a>", html)
        # An unknown or forbidden tab shows the first one, the orders to sign.
        self.assertEqual(listed, self.numbers(self.sign, self.sign_complaint))
        self.assertEqual(self.listed(self.handler_a, tab="nonsense"), listed)
        self.assertIn("tab=approve", self.inbox(self.manager_a)[0])

    def test_filter_by_request_type(self):
        self.assertEqual(
            self.listed(self.handler_a, tab="sign", type="complaint"),
            self.numbers(self.sign_complaint),
        )
        self.assertEqual(
            self.listed(self.handler_a, tab="sign", type="help"), self.numbers(self.sign)
        )

    def test_filter_by_category_or_its_parent(self):
        self.assertEqual(
            self.listed(self.handler_a, tab="doing", category="urban.04"),
            self.numbers(self.doing_other),
        )
        self.assertEqual(
            self.listed(self.handler_a, tab="doing", category="urban"),
            self.listed(self.handler_a, tab="doing"),
        )
        self.assertEqual(
            self.listed(self.manager_b, tab="sign", category="market"), self.numbers(self.b_sign)
        )
        self.assertEqual(self.listed(self.handler_a, tab="sign", category="market"), set())

    def test_filter_mine_shows_the_orders_i_handle(self):
        self.assertEqual(
            self.listed(self.handler_a, tab="doing", mine="1"),
            self.numbers(self.doing_mine, self.urged, self.acknowledged, self.overdue),
        )
        self.assertEqual(
            self.listed(self.handler_a2, tab="doing", mine="1"), self.numbers(self.doing_other)
        )

    def test_filter_due_before_includes_orders_due_on_that_day(self):
        # The table shows the order's last day, 2025-10-09; filtering by that day finds it.
        html, listed = self.inbox(self.handler_a, tab="doing", due_before="2025-10-09")
        self.assertIn("2025-10-09", self.row(html, self.overdue))
        self.assertEqual(listed, self.numbers(self.overdue))
        self.assertEqual(self.listed(self.handler_a, tab="doing", due_before="2025-10-08"), set())
        # A date that is not a date is ignored.
        for bad in ("tomorrow", "2025-02-30"):
            with self.subTest(due_before=bad):
                self.assertEqual(
                    self.listed(self.handler_a, tab="doing", due_before=bad),
                    self.listed(self.handler_a, tab="doing"),
                )

    def test_rows_show_the_working_day_countdown(self):
        html, _listed = self.inbox(self.handler_a, tab="doing")
        mine = self.row(html, self.doing_mine)
        self.assertRegex(mine, r"还剩 \d+ 个工作日 \d+ 小时")
        overdue = self.row(html, self.overdue)
        self.assertRegex(overdue, r'<span class="overdue">已超期 \d+ 个工作日 \d+ 小时</span>')
        self.assertIn("2025-10-09", overdue)
        # The urged order says so in its row.
        self.assertIn("催1", self.row(html, self.urged))

    def test_assisted_order_is_marked_as_assisting(self):
        html, _listed = self.inbox(self.handler_a, tab="assist")
        self.assertIn('<span class="badge">协办</span>', self.row(html, self.assist))

    def test_people_outside_member_units_get_404(self):
        for user in (
            self.operator,
            self.lead,
            self.reviewer,
            self.supervisor,
            self.auditor,
            self.sysadmin,
        ):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(INBOX).status_code, 404)

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(INBOX)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/login/"))

    def test_paging_and_bad_page_numbers(self):
        for page in ("0", "abc", "999"):
            with self.subTest(page=page):
                self.client.force_login(self.handler_a)
                self.assertEqual(self.client.get(INBOX, {"page": page}).status_code, 200)


class UrgesTabTests(WorkbenchTestCase):
    def test_urges_of_orders_closed_since_are_not_listed(self):
        open_urged = services.order_urge(
            order=self.in_progress_order(), actor=self.operator, note="市民再次来电"
        )
        closed = services.order_urge(
            order=self.in_progress_order(), actor=self.operator, note="请尽快"
        )
        closed = services.order_reply(order=closed, actor=self.handler_a, text="已处理。")
        closed = services.order_decide_reply(order=closed, actor=self.manager_a, approve=True)
        closed = services.order_check_reply(order=closed, actor=self.operator, accept=True)
        closed = services.order_record_callback(
            order=closed, actor=self.operator, satisfaction="satisfied"
        )
        self.assertEqual(closed.status, "closed")
        for user in (self.handler_a, self.manager_a):
            with self.subTest(user=user.username):
                _html, listed = self.inbox(user, tab="urges")
                self.assertEqual(listed, self.numbers(open_urged))


class DashboardTests(WorkbenchTestCase):
    """Seen on Mon 20 Oct 2025 12:00; the last 30 days start on Sat 20 Sep 12:00."""

    NOW = "2025-10-20 12:00"

    def replied_and_rated(
        self, order: Order, *, reply: str, approve: str, rate: str, how: str
    ) -> Order:
        with at(reply):
            order = services.order_reply(order=order, actor=self.handler_a, text="已处理。")
        with at(approve):
            order = services.order_decide_reply(order=order, actor=self.manager_a, approve=True)
            order = services.order_check_reply(order=order, actor=self.operator, accept=True)
        with at(rate):
            return services.order_record_callback(
                order=order, actor=self.operator, satisfaction=how, note="回访记录"
            )

    def dispatched(self, moment: str, **kwargs) -> Order:  # type: ignore[no-untyped-def]
        with at(moment):
            return self.dispatched_order(**kwargs)

    def signed(self, order: Order, moment: str) -> Order:
        with at(moment):
            return services.order_sign(order=order, actor=self.handler_a)

    def setUp(self) -> None:
        # Open, signed after 1 h, due at 24:00 on Mon 20 Oct (Fri 17, Mon 20): due soon.
        self.o1 = self.signed(self.dispatched("2025-10-16 09:00"), "2025-10-16 10:00")
        # Open, signed after 25 h (late), due at 24:00 on Wed 15 Oct: overdue.
        self.o2 = self.signed(self.dispatched("2025-10-13 09:00"), "2025-10-14 10:00")
        # Open, a consultation not signed for three days (late), due Wed 22 Oct.
        self.o3 = self.dispatched("2025-10-17 09:00", request_type="consult")
        # Signed after 30 min, replied on Fri 10 Oct before its limit (Fri 10, Sat 11): satisfied.
        self.o4 = self.replied_and_rated(
            self.signed(self.dispatched("2025-10-09 09:00"), "2025-10-09 09:30"),
            reply="2025-10-10 15:00",
            approve="2025-10-10 16:00",
            rate="2025-10-13 10:00",
            how="satisfied",
        )
        # Signed after 1 h, replied on Mon 13 Oct after its limit (Oct 9, 10): unsatisfied.
        self.o5 = self.replied_and_rated(
            self.signed(self.dispatched("2025-09-30 09:00"), "2025-09-30 10:00"),
            reply="2025-10-13 09:00",
            approve="2025-10-13 10:00",
            rate="2025-10-14 10:00",
            how="unsatisfied",
        )
        # Signed, then returned by unit A and given to unit B.
        o6 = self.signed(self.dispatched("2025-10-14 09:00"), "2025-10-14 09:10")
        with at("2025-10-14 11:00"):
            o6 = services.order_return(order=o6, actor=self.handler_a, reason="属市场监管")
        with at("2025-10-14 14:00"):
            self.o6 = services.order_decide_return(
                order=o6, actor=self.lead, uphold=True, reason="同意", lead_unit=self.unit_b
            )
        # All of it before the last 30 days: counted nowhere.
        self.o7 = self.replied_and_rated(
            self.signed(self.dispatched("2025-09-01 09:00"), "2025-09-01 09:10"),
            reply="2025-09-02 09:00",
            approve="2025-09-02 10:00",
            rate="2025-09-03 10:00",
            how="unsatisfied",
        )
        # Unit B's own order.
        self.o8 = self.dispatched("2025-10-15 09:00", unit=self.unit_b)
        # Dispatched 2 h ago, not signed yet: still within its day to sign.
        self.o9 = self.dispatched("2025-10-20 10:00")
        # A consultation signed after 5 min, replied the same day (limit Oct 10, 11, 13):
        # basically satisfied.
        self.o10 = self.replied_and_rated(
            self.signed(
                self.dispatched("2025-10-09 09:00", request_type="consult"), "2025-10-09 09:05"
            ),
            reply="2025-10-09 14:00",
            approve="2025-10-09 15:00",
            rate="2025-10-10 10:00",
            how="basically",
        )

    def test_the_hand_counted_due_dates(self):
        due = {
            "o1": "2025-10-21 00:00",
            "o2": "2025-10-16 00:00",
            "o3": "2025-10-23 00:00",
            "o4": "2025-10-12 00:00",
            "o5": "2025-10-11 00:00",
            "o9": "2025-10-23 00:00",
            "o10": "2025-10-14 00:00",
        }
        for name, moment in due.items():
            with self.subTest(order=name):
                self.assertEqual(self.reload(getattr(self, name)).due_at, aware(moment))

    def test_unit_a_figures(self):
        board = unit_dashboard(user=self.handler_a, now=aware(self.NOW))
        assert board is not None
        self.assertEqual((board.open, board.due_soon, board.overdue), (4, 1, 1))
        # o1, o4, o5, o10 signed within a day; o2 and o3 were not; o9 still has time.
        self.assertEqual((board.signed_on_time, board.dispatched), (4, 6))
        self.assertEqual(board.signed_on_time_rate, "67%")
        # o4 and o10 replied within the limit, o5 after it.
        self.assertEqual((board.replied_on_time, board.replied), (2, 3))
        self.assertEqual(board.replied_on_time_rate, "67%")
        self.assertEqual(board.returned, 1)
        # o4 satisfied, o10 basically satisfied, o5 unsatisfied; o7 is too old.
        self.assertEqual((board.satisfied, board.rated), (2, 3))
        self.assertEqual(board.satisfaction_rate, "67%")

    def test_every_member_of_the_unit_sees_the_same_figures(self):
        boards = {
            unit_dashboard(user=user, now=aware(self.NOW))
            for user in (self.handler_a, self.manager_a, self.leader_a)
        }
        self.assertEqual(len(boards), 1)

    def test_unit_b_figures(self):
        board = unit_dashboard(user=self.manager_b, now=aware(self.NOW))
        assert board is not None
        # o6 (due Thu 16 Oct) and o8 (due Fri 17 Oct), neither signed.
        self.assertEqual((board.open, board.due_soon, board.overdue), (2, 0, 2))
        self.assertEqual((board.signed_on_time, board.dispatched), (0, 2))
        self.assertEqual(board.signed_on_time_rate, "0%")
        self.assertEqual((board.replied, board.returned, board.rated), (0, 0, 0))
        self.assertEqual(board.replied_on_time_rate, "—")
        self.assertEqual(board.satisfaction_rate, "—")

    def test_no_dashboard_outside_member_units(self):
        for user in (self.operator, self.reviewer, self.auditor):
            with self.subTest(user=user.username):
                self.assertIsNone(unit_dashboard(user=user, now=aware(self.NOW)))


class DashboardPageTests(WorkbenchTestCase):
    def tile(self, html: str, label: str) -> str:
        match = re.search(r"<strong>([^<]*)</strong><span>" + re.escape(label), html)
        assert match is not None, label
        return match.group(1)

    def test_tiles_show_the_units_figures_now(self):
        self.in_progress_order()
        self.in_progress_order()
        self.dispatched_order()  # just arrived: not yet late to sign
        self.in_progress_order(unit=self.unit_b)
        services.order_return(
            order=self.in_progress_order(), actor=self.handler_a, reason="属市场监管"
        )
        html, _listed = self.inbox(self.manager_a)
        self.assertEqual(self.tile(html, "在办"), "4")
        self.assertEqual(self.tile(html, "已超期"), "0")
        self.assertEqual(self.tile(html, "按时签收率"), "100%")
        self.assertEqual(self.tile(html, "按时答复率"), "—")
        self.assertEqual(self.tile(html, "退单"), "1")
        self.assertEqual(self.tile(html, "满意率（近30天，0件）"), "—")


class ConcurrentApprovalTests(WorkbenchTestCase):
    """Two people with the approval open act on it at once: one succeeds, the other is told
    the order changed and sees its new state; nothing is applied twice."""

    def setUp(self) -> None:
        self.order = services.order_reply(
            order=self.in_progress_order(), actor=self.handler_a, text="已现场核查处理。"
        )
        self.detail = reverse("orders:detail", args=[self.order.number])
        self.approve = reverse("orders:act", args=[self.order.number, Action.REPLY_APPROVED])

    def open_the_approval(self, user: User) -> str:
        self.client.force_login(user)
        html = self.client.get(self.detail).content.decode()
        match = re.search(r'name="reply_approved-version" value="(\d+)"', html)
        assert match is not None, f"{user} is not offered the approval"
        return match.group(1)

    def race(self):  # type: ignore[no-untyped-def]
        seen_by_manager = self.open_the_approval(self.manager_a)
        seen_by_leader = self.open_the_approval(self.leader_a)
        self.assertEqual(seen_by_manager, seen_by_leader)
        self.client.force_login(self.manager_a)
        first = self.client.post(self.approve, {"reply_approved-version": seen_by_manager})
        self.assertRedirects(first, self.detail, fetch_redirect_response=False)
        self.client.force_login(self.leader_a)
        return self.client.post(
            self.approve,
            {"reply_approved-version": seen_by_leader, "reply_approved-reason": "同意"},
        )

    def test_the_second_approval_gets_409_the_new_state_and_changes_nothing(self):
        second = self.race()
        self.assertEqual(second.status_code, 409)
        self.assertContains(
            second, '<span class="status st-reply_check">答复待审查</span>', status_code=409
        )
        order = self.reload(self.order)
        self.assertEqual(order.status, Status.REPLY_CHECK)
        reply = order.replies.get()
        self.assertEqual(
            (reply.state, reply.approved_by), (Reply.State.PENDING_CHECK, self.manager_a)
        )
        self.assertEqual(order.events.filter(action=Action.REPLY_APPROVED).count(), 1)
        # The approval is gone from both inboxes.
        self.assertEqual(self.listed(self.leader_a, tab="approve"), set())

    def test_the_second_approval_is_told_the_order_changed(self):
        second = self.race()
        self.assertContains(second, "工单已被他人更新", status_code=409)
