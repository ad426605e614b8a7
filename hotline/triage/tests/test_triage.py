"""Triage (issue 14): each decision on requests of our own (none from the corpus or the
evaluation file), the command line, the intake panel, the API, the record of suggestions, the
acceptance page, the retraining and the model file's signature."""

import io
import json
import os
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from hotline.orders.models import Order
from hotline.orders.selectors import related_candidates
from hotline.testing import BaseTestCase, login_verified
from hotline.triage import store
from hotline.triage.corpus import corpus_rows
from hotline.triage.evaluate import Figure, not_worse
from hotline.triage.models import TriageSuggestion, TriageTraining
from hotline.triage.rules import rules_apply
from hotline.triage.services import triage_suggest
from hotline.units.models import Place


def suggest(text: str, place: str | None = None):
    return triage_suggest(text=text, place=place)


class DecisionTests(SimpleTestCase):
    """One test per decision, several requests each, written for these tests."""

    def test_an_emergency_happening_now_is_suggested_with_its_situation_and_lines(self):
        cases = [
            (
                "我家厨房一股很浓的煤气味，越来越重，邻居家也闻到了，康乐社区2号楼",
                "public_facility",
                "119",
            ),
            (
                "我孙子五岁，刚才在小区门口玩，一转眼人不见了，找了半小时也没找到",
                "missing_person",
                None,
            ),
            ("有个小伙子坐在渭河大桥栏杆外面，说不想活了，要往下跳", "life_danger", None),
            (
                "河水漫上来了，村里的路已经淹了，水还在涨，有几户老人还没出来",
                "natural_disaster",
                "119",
            ),
        ]
        for text, situation, line in cases:
            with self.subTest(text=text):
                s = suggest(text)
                self.assertEqual(s.type, "emergency")
                self.assertTrue(s.accept)
                self.assertEqual(s.emergency["situation"], situation)
                self.assertIn("110", s.emergency["lines"])  # Art. 13: always the 110 desk
                if line:
                    self.assertIn(line, s.emergency["lines"])

    def test_what_is_past_or_a_question_is_not_an_emergency(self):
        for text in [
            "上周我家燃气漏过一次，燃气公司已经修好了，想问一下多久做一次安全检查",
            "请问家里老人有老年痴呆，社区有没有日间照料的地方",
            "小区里的猫丢了三天了，有没有人看见",
        ]:
            with self.subTest(text=text):
                self.assertIsNone(suggest(text).emergency)

    def test_art_12_exclusions_are_suggested_with_their_reason(self):
        cases = [
            ("法院判了他还我五万块钱，到现在一直不执行，你们帮我催催法院", "other_branch"),
            ("我们村的支书收了开发商的红包，贪污了征地补偿款，我要举报他", "discipline"),
            ("你帮我查一下我前妻现在住哪，把她手机号告诉我", "secret_privacy"),
        ]
        for text, reason in cases:
            with self.subTest(text=text):
                s = suggest(text)
                self.assertFalse(s.accept)
                self.assertEqual(s.exclusion, reason)
                self.assertIsNone(s.unit)
                self.assertEqual(s.units, [])

    def test_ordinary_requests_are_accepted_with_their_type(self):
        cases = [
            ("想问一下异地就医备案要带哪些材料，在哪里办", "consult"),
            ("表扬一下供电公司的李师傅，半夜冒雨来给我们修好了线路", "praise"),
            ("建议在邰城路和常乐路口加一个红绿灯，过马路太危险了", "suggestion"),
        ]
        for text, kind in cases:
            with self.subTest(text=text):
                s = suggest(text)
                self.assertTrue(s.accept)
                self.assertEqual(s.type, kind)

    def test_a_major_incident_is_suggested(self):
        cases = [
            ("厂里食堂中午吃了饭，二十多个工人上吐下泻，好几个送医院了", "food_safety"),
            ("渭河支流今天整段河水发黑发臭，河面上漂着好多死鱼", "pollution"),
        ]
        for text, kind in cases:
            with self.subTest(text=text):
                self.assertEqual(suggest(text).major_incident, kind)
        self.assertIsNone(suggest("楼下饭馆的菜有点咸，服务员态度也一般").major_incident)

    def test_the_lead_unit_follows_the_matter(self):
        cases = [
            ("老板拖欠我们三个月工资不给，工地上十几个人都没拿到钱", "hrss"),
            ("学校门口的流动摊贩卖炸串，把路都占了", "urban"),
            ("暖气一点都不热，屋里才十二度", "heating"),
            ("苹果树叶子发黄卷起来，是不是得了什么病，该打什么药", "agritech"),
        ]
        for text, unit in cases:
            with self.subTest(text=text):
                s = suggest(text)
                self.assertEqual(s.unit, unit, s.units)
                self.assertLessEqual(len(s.units), 5)
                self.assertTrue(0 < s.confidence <= 1)

    def test_a_territorial_matter_goes_to_the_street_or_town_of_the_place(self):
        text = "楼上邻居天天往楼道里堆杂物，说了好几次也不听，两家快吵起来了"
        self.assertEqual(suggest(text, place="西桥社区").unit, "st_yangling")
        self.assertEqual(suggest(text, place="五泉村").unit, "tn_wuquan")
        # A place named in the text counts as well.
        self.assertEqual(suggest("永安村" + text).unit, "st_litai")

    def test_odd_input_gets_a_suggestion_and_no_error(self):
        for text in [
            "",
            "   ",
            "a" * 10_000,
            "<script>alert(1)</script>",
            "'; DROP TABLE orders;--",
            "１２３４５６",
        ]:
            with self.subTest(text=text[:20]):
                s = suggest(text)
                self.assertIn(
                    s.type,
                    {"consult", "complaint", "report", "suggestion", "help", "emergency", "praise"},
                )


class RuleTests(SimpleTestCase):
    def test_a_lost_pet_is_not_a_missing_person(self):
        self.assertNotIn("missing_person", rules_apply("我家狗丢了，找不到了").emergency)
        self.assertIn("missing_person", rules_apply("我家老人走丢了，找不到了").emergency)

    def test_a_city_outside_the_district_is_out_of_jurisdiction(self):
        self.assertIn("out_of_jurisdiction", rules_apply("西安市雁塔区的一家店卖假货").exclusions)
        self.assertNotIn("out_of_jurisdiction", rules_apply("西桥社区的一家店卖假货").exclusions)


class CommandTests(SimpleTestCase):
    def run_triage(self, data: bytes) -> list[dict]:
        out = io.StringIO()
        stdin = mock.Mock(buffer=io.BytesIO(data))
        with mock.patch("sys.stdin", stdin):
            call_command("triage", stdout=out)
        return [json.loads(line) for line in out.getvalue().splitlines()]

    def test_one_answer_a_line_in_input_order_and_bad_lines_say_why(self):
        data = (
            "\n".join(
                [
                    json.dumps(
                        {"id": "a", "text": "小区电梯坏了一个礼拜没人修"}, ensure_ascii=False
                    ),
                    "not json",
                    json.dumps({"id": "b"}),
                    json.dumps({"id": "c", "text": "停水了", "place": 12}),
                    json.dumps(["a list"]),
                    json.dumps(
                        {"id": 7, "text": "我要咨询医保报销", "place": "西桥社区"},
                        ensure_ascii=False,
                    ),
                ]
            ).encode()
            + b"\n\xff\xfe bad bytes\n"
        )
        answers = self.run_triage(data)
        self.assertEqual([a.get("id") for a in answers], ["a", None, "b", "c", None, 7, None])
        self.assertEqual(
            [a.get("error", "").split(":")[0] for a in answers],
            ["", "not_json", "text_required", "place_invalid", "not_an_object", "", "not_utf8"],
        )
        for answer in (answers[0], answers[5]):
            self.assertEqual(
                set(answer),
                {
                    "id",
                    "type",
                    "accept",
                    "exclusion",
                    "emergency",
                    "major_incident",
                    "unit",
                    "units",
                    "confidence",
                    "category",
                },
            )

    def test_eval_prints_the_figures_and_fails_when_emergency_recall_is_low(self):
        good = {
            "text": "燃气管道漏气了，满楼道都是味，有人头晕",
            "type": "emergency",
            "accept": True,
            "exclusion": None,
            "emergency": {"situation": "public_facility", "lines": ["110", "119", "120"]},
            "major_incident": None,
            "unit": "gas",
            "alt_units": [],
        }
        missed = {
            **good,
            "text": "谢谢你们上个月的帮助",
        }  # labelled an emergency the text does not tell
        with tempfile.TemporaryDirectory() as folder:
            ok, bad = Path(folder, "ok.jsonl"), Path(folder, "bad.jsonl")
            ok.write_text(json.dumps(good, ensure_ascii=False) + "\n", encoding="utf-8")
            bad.write_text(json.dumps(missed, ensure_ascii=False) + "\n", encoding="utf-8")
            out = io.StringIO()
            call_command("triage_eval", str(ok), "--json", stdout=out)
            figures = json.loads(out.getvalue())["figures"]
            self.assertEqual(figures["emergency_recall"], 1.0)
            with self.assertRaises(CommandError):
                call_command("triage_eval", str(bad), stdout=io.StringIO())
            broken = Path(folder, "broken.jsonl")
            broken.write_text('{"text": "no labels"}\n', encoding="utf-8")
            with self.assertRaisesMessage(CommandError, "broken.jsonl:1"):
                call_command("triage_eval", str(broken), stdout=io.StringIO())


class StoreTests(SimpleTestCase):
    def test_an_altered_model_file_is_refused(self):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder, "model.pickle")
            with override_settings(HOTLINE_TRIAGE_MODEL_PATH=str(path)):
                store.model_write(store.triage_model())
                self.assertIsNotNone(store.model_read())
                blob = bytearray(path.read_bytes())
                blob[-10] ^= 0xFF
                path.write_bytes(bytes(blob))
                self.assertIsNone(store.model_read())
                path.write_bytes(b"\x00" * 10)
                self.assertIsNone(store.model_read())

    def test_a_model_another_process_installs_is_taken_up(self):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder, "model.pickle")
            with override_settings(HOTLINE_TRIAGE_MODEL_PATH=str(path)):
                store.model_forget()
                try:
                    first = store.triage_model()  # none there: built and saved
                    self.assertTrue(path.exists())
                    self.assertIs(store.triage_model(), first)
                    newer = store.model_from_corpus(corpus_rows()[::10], version="other-process")
                    store.model_write(newer)  # as `hotline triage_train` in another process
                    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 5))
                    self.assertEqual(store.triage_model().meta["version"], "other-process")
                    path.write_bytes(b"not a model")  # a file that does not fit is not used
                    self.assertEqual(store.triage_model().meta["version"], "other-process")
                finally:
                    store.model_forget()

    def test_a_model_is_installed_only_when_not_worse(self):
        def figures(recall, unit):
            return [
                Figure("emergency_recall", "", 0.98, recall, 10),
                Figure("unit_top1", "", 0.85, unit, 10),
            ]

        self.assertTrue(not_worse(figures(1.0, 0.8), figures(1.0, 0.9)))
        self.assertFalse(not_worse(figures(1.0, 0.9), figures(1.0, 0.8)))
        self.assertFalse(
            not_worse(figures(1.0, 0.8), figures(0.9, 0.95))
        )  # never fewer emergencies


class RecordTests(BaseTestCase):
    def test_each_new_order_keeps_the_suggestion_as_codes_only(self):
        order = self.create_order(content="楼下的烧烤店每天晚上油烟很大，熏得窗户都不敢开")
        record = TriageSuggestion.objects.get(order=order)
        self.assertTrue(record.request_type)
        self.assertTrue(record.unit)
        text_fields = [
            f.name for f in TriageSuggestion._meta.fields if f.get_internal_type() == "TextField"
        ]
        self.assertEqual(text_fields, [])  # no room for the request's words

    def test_a_confidential_order_keeps_no_suggestion(self):
        order = self.create_order(content="举报单位领导的问题", is_confidential=True)
        self.assertFalse(TriageSuggestion.objects.filter(order=order).exists())

    def test_a_failing_model_does_not_stop_the_order(self):
        with mock.patch("hotline.triage.services.triage_suggest", side_effect=RuntimeError("boom")):
            order = self.create_order(content="小区路灯坏了")
        self.assertTrue(Order.objects.filter(pk=order.pk).exists())
        self.assertFalse(TriageSuggestion.objects.filter(order=order).exists())


class PageTests(BaseTestCase):
    def test_the_operator_gets_live_suggestions_with_an_emergency_alarm(self):
        self.client.force_login(self.operator)
        page = self.client.post(
            reverse("triage:suggest"), {"content": "楼道里一股很浓的煤气味，越来越重了"}
        )
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        self.assertIn('role="alert"', html)
        self.assertIn("110", html)
        self.assertIn("triage-apply", html)
        quiet = self.client.post(reverse("triage:suggest"), {"content": "小区路灯坏了好几天"})
        self.assertNotIn('role="alert"', quiet.content.decode())
        self.assertEqual(
            self.client.post(reverse("triage:suggest"), {"content": ""}).status_code, 200
        )
        self.assertEqual(self.client.get(reverse("triage:suggest")).status_code, 405)

    def test_only_the_operating_centre_gets_suggestions(self):
        self.client.force_login(self.handler_a)
        self.assertEqual(
            self.client.post(reverse("triage:suggest"), {"content": "井盖丢了"}).status_code, 403
        )

    def test_the_acceptance_page_counts_suggestions_taken(self):
        taken = self.create_order(content="暖气不热，屋里才十度")
        record = TriageSuggestion.objects.get(order=taken)
        Order.objects.filter(pk=taken.pk).update(request_type_id=record.request_type)
        other = self.create_order(content="学校门口流动摊贩占道")
        TriageSuggestion.objects.filter(order=other).update(request_type="praise")
        login_verified(self.client, self.reviewer)
        html = self.client.get(reverse("triage:acceptance"), {"days": "bogus"}).content.decode()
        self.assertIn("诉求类型", html)
        self.assertIn("<td>1</td><td>2</td><td>50%</td>", html.replace("\n", ""))
        self.client.force_login(self.operator)
        self.assertEqual(self.client.get(reverse("triage:acceptance")).status_code, 403)
        self.client.force_login(self.handler_a)
        self.assertEqual(self.client.get(reverse("triage:acceptance")).status_code, 403)


class ApiTests(BaseTestCase):
    def test_the_api_answers_the_schema_fields_and_refuses_bad_input(self):
        self.client.force_login(self.operator)
        url = "/api/v1/triage"
        answer = self.client.post(
            url, {"text": "学校门口流动摊贩占道"}, content_type="application/json"
        )
        self.assertEqual(answer.status_code, 200, answer.content)
        self.assertEqual(answer.json()["unit"], "urban")
        self.assertEqual(
            self.client.post(url, {"text": "   "}, content_type="application/json").status_code, 400
        )
        self.assertEqual(
            self.client.post(url, {}, content_type="application/json").status_code, 422
        )
        self.client.force_login(self.handler_a)
        self.assertEqual(
            self.client.post(
                url, {"text": "路灯坏了"}, content_type="application/json"
            ).status_code,
            403,
        )
        self.client.logout()
        self.assertEqual(
            self.client.post(
                url, {"text": "路灯坏了"}, content_type="application/json"
            ).status_code,
            401,
        )


class LearningTests(BaseTestCase):
    def test_retraining_uses_closed_orders_and_records_the_figures(self):
        order = self.reply_checked_order(content="幸福路上有人私搭乱建彩钢房，堵住了消防通道")
        Order.objects.filter(pk=order.pk).update(status="closed")
        with (
            mock.patch("hotline.triage.services.corpus_rows", return_value=corpus_rows()[::4]),
            mock.patch("hotline.triage.services.model_install") as install,
        ):
            from hotline.triage.services import decision_rows, triage_train

            rows = decision_rows()
            self.assertEqual([r["id"] for r in rows], [f"order:{order.pk}"])
            self.assertEqual(rows[0]["unit"], "urban")
            result = triage_train()
        training = TriageTraining.objects.get()
        self.assertEqual(training.decision_rows, 1)
        self.assertEqual(set(training.before), set(training.after))
        self.assertEqual(install.called, result.installed)


class DuplicateTests(BaseTestCase):
    def test_another_caller_telling_the_same_matter_in_other_words_is_found(self):
        place = Place.objects.get(name="西桥社区")
        same = self.create_order(
            caller_phone="13900000021",
            category=None,
            place=place,
            content="西桥社区3号楼电梯坏了好几天，老人下不了楼",
        )
        self.create_order(
            caller_phone="13900000022",
            category=None,
            place=place,
            content="咨询西桥社区老年证在哪办",
        )
        found = related_candidates(
            user=self.operator,
            place_id=place.pk,
            content="三号楼的升降梯又停了，我妈八十多了爬不动楼",
        )
        self.assertEqual(found[0].order, same)
        self.assertTrue(found[0].reasons[0].startswith("内容相似"), found[0].reasons)
        self.assertTrue(all(c.score < found[0].score for c in found[1:]))
