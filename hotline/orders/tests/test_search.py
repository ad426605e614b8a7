"""The list's search box (orders/search.py): words of title or address, found through each
database's index and exactly as a substring search would find them."""

from contextlib import ExitStack, contextmanager
from unittest import mock

from django.core.management import call_command
from django.db import connection

from hotline.accounts.models import User
from hotline.orders import search, services
from hotline.orders.models import Order
from hotline.orders.search_text import search_text_for
from hotline.orders.selectors import OrderFilter, order_list
from hotline.testing import BaseTestCase


def recorded(operator: User, title: str, address: str) -> Order:
    return services.order_create(
        actor=operator,
        channel="phone",
        request_type="consult",
        caller_name="张三",
        caller_phone="13812345678",
        content=f"{title}，请处理。",
        title=title,
        address=address,
    )


class SearchTextTests(BaseTestCase):
    def test_chinese_runs_become_bigrams_ending_in_the_last_character(self):
        self.assertEqual(search_text_for("幸福路"), "幸福 福路 路")

    def test_ascii_words_stay_whole_and_full_width_forms_become_ascii(self):
        self.assertEqual(search_text_for("Ａ栋１２号"), "a 栋 12 号")

    def test_title_and_address_share_one_column_without_repeats(self):
        self.assertEqual(search_text_for("路灯", "路灯杆"), "路灯 灯 灯杆 杆")

    def test_punctuation_separates_runs(self):
        self.assertEqual(search_text_for("噪音，扰民"), "噪音 音 扰民 民")


class OrderSearchTests(BaseTestCase):
    """Runs on SQLite (FTS5) and on PostgreSQL (GIN) alike: `make test` does both in CI."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.noise = recorded(cls.operator, "夜间施工噪音扰民", "幸福路12号幸福里小区")
        cls.lamp = recorded(cls.operator, "路灯不亮", "光明大道120号")
        cls.water = recorded(cls.operator, "停水咨询", "Ａ栋３单元")
        cls.scattered = recorded(cls.operator, "扰民的施工，夜间有噪音", "和平街")

    def found(self, q: str) -> set[str]:
        orders = order_list(user=self.reviewer, filters=OrderFilter(q=q))
        return {order.title for order in orders}

    def test_a_word_inside_the_title_is_found(self):
        self.assertEqual(self.found("噪音扰民"), {"夜间施工噪音扰民"})

    def test_a_word_inside_the_address_is_found(self):
        self.assertEqual(self.found("幸福里"), {"夜间施工噪音扰民"})

    def test_pieces_in_another_order_do_not_match(self):
        # 「施工噪音」 has its bigrams 施工 工噪 噪音 only in the first order; 「夜间噪音」's bigram
        # 间噪 in neither, though both words occur in the scattered one.
        self.assertEqual(self.found("施工噪音"), {"夜间施工噪音扰民"})
        self.assertEqual(self.found("夜间噪音"), set())

    def test_every_word_must_occur(self):
        self.assertEqual(self.found("施工 噪音"), {"夜间施工噪音扰民", "扰民的施工，夜间有噪音"})
        self.assertEqual(self.found("施工 路灯"), set())

    def test_one_character_finds_it_anywhere_in_a_word(self):
        self.assertEqual(self.found("亮"), {"路灯不亮"})
        self.assertEqual(self.found("灯"), {"路灯不亮"})

    def test_numbers_and_letters_match_as_written_and_as_prefixes(self):
        self.assertEqual(self.found("12号"), {"夜间施工噪音扰民"})
        self.assertEqual(self.found("120"), {"路灯不亮"})
        self.assertEqual(self.found("12"), {"夜间施工噪音扰民", "路灯不亮"})

    def test_a_number_matches_from_its_first_digit(self):
        recorded(self.operator, "井盖缺失", "光明大道112号")
        self.assertEqual(self.found("12号"), {"夜间施工噪音扰民"})  # not 112号
        self.assertEqual(self.found("112号"), {"井盖缺失"})

    def test_full_width_and_half_width_forms_find_each_other(self):
        self.assertEqual(self.found("A栋3单元"), {"停水咨询"})
        self.assertEqual(self.found("光明大道１２０号"), {"路灯不亮"})

    def test_an_order_number_finds_that_order_only(self):
        self.assertEqual(self.found(self.lamp.number.lower()), {"路灯不亮"})

    def test_punctuation_alone_finds_what_contains_it(self):
        self.assertEqual(self.found("，"), {"扰民的施工，夜间有噪音"})

    def test_a_corrected_title_is_found_by_its_new_words_only(self):
        services.order_correct(
            order=self.lamp, actor=self.reviewer, reason="标题有误", title="井盖缺失"
        )
        self.assertEqual(self.found("井盖"), {"井盖缺失"})
        self.assertEqual(self.found("路灯"), set())

    def test_search_is_scoped_to_what_the_user_may_see(self):
        self.assertEqual(order_list(user=self.handler_a, filters=OrderFilter(q="路灯")).count(), 0)


class SqliteIndexRepairTests(BaseTestCase):
    def test_a_rebuilt_table_gets_its_triggers_and_index_back_after_migrate(self):
        if connection.vendor != "sqlite":
            self.skipTest("SQLite only: PostgreSQL keeps its index when a table is altered")
        order = recorded(self.operator, "路灯不亮", "光明大道")
        with connection.cursor() as cursor:
            for name in search._SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
            # An emptied index: what Django's rebuild of the table leaves behind.
            cursor.execute(
                f"INSERT INTO {search.SQLITE_TABLE}({search.SQLITE_TABLE}) VALUES ('delete-all')"
            )
        call_command("migrate", verbosity=0)  # post_migrate re-installs and refills
        found = order_list(user=self.reviewer, filters=OrderFilter(q="路灯"))
        self.assertEqual(list(found), [order])
        services.order_correct(
            order=order, actor=self.reviewer, reason="标题有误", title="井盖缺失"
        )
        self.assertEqual(order_list(user=self.reviewer, filters=OrderFilter(q="井盖")).count(), 1)


class FrequentWordsTests(BaseTestCase):
    """Words held by very many orders are looked for among the newest orders only."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.lamps = [recorded(cls.operator, f"路灯不亮{n}", "光明大道") for n in range(3)]

    @contextmanager
    def frequent(self):  # type: ignore[no-untyped-def]
        """Two matches count as many; on PostgreSQL the statistics say 路灯 is in every order."""
        with ExitStack() as stack:
            stack.enter_context(mock.patch.object(search, "RECENT_MATCHES", 2))
            if connection.vendor == "postgresql":
                shares = {"路灯": 1.0, "灯不": 1.0, "不亮": 1.0}
                stack.enter_context(
                    mock.patch.object(search, "_postgres_piece_frequencies", return_value=shares)
                )
            yield

    def test_the_newest_matches_are_searched_and_the_bound_says_since_when(self):
        with self.frequent():
            found = list(order_list(user=self.reviewer, filters=OrderFilter(q="路灯")))
            bound = search.search_bound("路灯")
            rare = search.search_bound("光明大道 不亮2")
        self.assertEqual({o.pk for o in found}, {o.pk for o in self.lamps[1:]})
        assert bound is not None
        self.assertEqual(bound.since, self.lamps[1].created_at)
        if connection.vendor == "sqlite":
            self.assertIsNone(rare)  # FTS5 counts: one order holds both words

    def test_an_order_number_or_a_rare_word_is_not_bounded(self):
        self.assertIsNone(search.search_bound(self.lamps[0].number))
        self.assertIsNone(search.search_bound("路灯"))
        self.assertEqual(order_list(user=self.reviewer, filters=OrderFilter(q="路灯")).count(), 3)

    def test_the_list_page_tells_the_user(self):
        self.client.force_login(self.reviewer)
        with self.frequent():
            page = self.client.get("/orders/", {"list": "all", "q": "路灯"})
        self.assertContains(page, "只查找了")
        self.assertContains(page, "路灯不亮2")
        self.assertNotContains(page, "路灯不亮0")

    def test_without_statistics_the_newest_matches_are_still_the_limit(self):
        with mock.patch.object(search, "RECENT_MATCHES", 2):
            found = list(order_list(user=self.reviewer, filters=OrderFilter(q="路灯")))
            bound = search.search_bound("路灯")
        self.assertEqual({o.pk for o in found}, {o.pk for o in self.lamps[1:]})
        assert bound is not None
        self.assertEqual(bound.since, self.lamps[1].created_at)
