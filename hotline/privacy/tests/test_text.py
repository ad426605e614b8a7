"""Personal data written in free text (privacy/text.py): a corpus of what must be masked and
of ordinary text that must come back unchanged."""

import unicodedata

from django.test import SimpleTestCase

from hotline.privacy.text import (
    BANK_CARD,
    ID_NUMBER,
    NAME,
    PHONE,
    id_check_character,
    is_resident_id,
    luhn_valid,
    text_find,
    text_mask,
    text_protect,
)

ID_X = "11010519491231002X"  # GB 11643's own example, check character X
IDS = ["370202199210153338", "320106198503171237", "510107200012294568", "610103197909100872"]
CARDS = ["6222021234567894", "622848001234567894", "6217000123456789019", "4111111111111111"]


def full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "0" <= ch <= "9" else ch for ch in text)


def grouped(digits: str, size: int = 4, sep: str = " ") -> str:
    return sep.join(digits[i : i + size] for i in range(0, len(digits), size))


# (text, the personal value that must not survive the mask, as digits or characters)
POSITIVE = [
    # resident ID numbers
    (f"身份证号{ID_X}", ID_X),
    (f"身份证号{ID_X.lower()}，请核实", ID_X.lower()),
    (f"身份证：{IDS[0]}", IDS[0]),
    (f"我的证件号码是{IDS[1]}。", IDS[1]),
    (f"{IDS[2]}是我儿子的", IDS[2]),
    (f"身份证 {IDS[3][:6]} {IDS[3][6:14]} {IDS[3][14:]}", IDS[3][6:14]),
    (f"身份证{IDS[0][:6]}-{IDS[0][6:14]}-{IDS[0][14:]}", IDS[0][6:14]),
    (f"身份证号{full_width(IDS[1])}", full_width(IDS[1])),
    (f"身份证号{full_width(ID_X[:17])}Ｘ", full_width(ID_X[:17])),
    ("老身份证110105491231002还没换", "110105491231002"),
    ("旧证号码：370202921015333", "440524800101001"),
    (f"(身份证{IDS[2]})", IDS[2]),
    (f"身份证号为{IDS[3]}，电话同上", IDS[3]),
    (f"证号{ID_X}\n地址幸福路", ID_X),
    # mobiles
    ("电话13912345678", "13912345678"),
    ("手机：13698765432，白天打", "13698765432"),
    ("另一个号码139 1234 5678", "139 1234 5678"),
    ("号码139-1234-5678", "139-1234-5678"),
    ("请回电+8613912345678", "13912345678"),
    ("请回电 +86 139 1234 5678", "1234"),
    ("0086-13912345678", "13912345678"),
    ("8613912345678是我的号", "13912345678"),
    ("回电１３９１２３４５６７８", "１３９１２３４５６７８"),
    ("回电１３９－１２３４－５６７８", "１２３４"),
    ("15000001111", "15000001111"),
    ("找老王19912340000", "19912340000"),
    ("电话 17712345678 或 18612345678", "18612345678"),
    ("电话17712345678/18612345678", "17712345678"),
    ("两个号13912345678、13698765432都行", "13698765432"),
    ("微信同号16612345678", "16612345678"),
    ("13812345678\n", "13812345678"),
    ("联系（13912345678）", "13912345678"),
    ("13912345678 2人受伤", "13912345678"),
    ("号码是 139　1234　5678", "1234　5678"),
    # landlines
    ("座机029-87654321", "87654321"),
    ("座机029 8765 4321", "8765 4321"),
    ("(029)87654321", "87654321"),
    ("（029）87654321", "87654321"),
    ("010-62345678转801", "62345678"),
    ("0571-87654321-801", "87654321"),
    ("02987654321", "02987654321"),
    ("单位电话0755-2345678", "2345678"),
    ("电话87654321", "87654321"),
    ("联系电话：6234 5678", "6234 5678"),
    ("拨打 82345678 找我", "82345678"),
    ("tel 87654321", "87654321"),
    # bank cards
    (f"卡号{CARDS[0]}", CARDS[0]),
    (f"卡号 {grouped(CARDS[0])}", grouped(CARDS[0])[5:]),
    (f"银行卡{grouped(CARDS[1])}", CARDS[1][4:8]),
    (f"退到{CARDS[2]}", CARDS[2]),
    (f"退款卡号{grouped(CARDS[2], sep='-')}", CARDS[2][4:12]),
    (f"信用卡{CARDS[3]}", CARDS[3]),
    ("卡号5522001234567895", "5522001234567895"),
    ("卡号3566002020360505", "3566002020360505"),
    ("卡号9558801234567890128", "9558801234567890128"),
    ("卡号6214831234563", "6214831234563"),
    (f"卡号{full_width(CARDS[0])}", full_width(CARDS[0])),
    ("卡号6212 2624 0200 5601 238", "2624 0200 5601"),
    ("发现卡6011000999900016", "6011000999900016"),
    (f"转账至{CARDS[1]}，户名张", CARDS[1]),
]

# Ordinary text that must come back as it was written.
NEGATIVE = [
    "工单YL2025100100037已办结",
    "请查询工单 YL2026120200001 的进度",
    "参照ZX202612020000012处理",
    "2026年12月2日下午反映",
    "2026-12-02 14:30:00 发生",
    "20261202那天停水",
    "上午9:30到11:00停电",
    "罚款12345.67元",
    "欠薪13912345678元",
    "共计1,234,567元",
    "工资6222021234567894元",
    "金额 13800000000 元",
    "损失超过15000000000万",
    "小区住了13812345678人？不可能",
    "拨打12345热线",
    "已报110，119也来了",
    "120急救车到了",
    "请拨打12345或者110",
    "邮编710061",
    "幸福路88号3单元502室",
    "8栋1201",
    "门牌号1234号",
    "3号楼2单元1601",
    "共有1200户居民",
    "持续了30天",
    "车牌陕A12345",
    "车牌号陕AD12345",
    "订单号SF1234567890123",
    "快递单号JD0012345678901",
    "400-810-8888是商家客服",
    "4008108888",
    "800-820-8820",
    "商家热线400 820 8820",
    "发票号码12345678",
    "合同编号2026-0001-0023",
    "受理编号：12345678901234567",
    "随机数1234567890123456",
    "123456789012345678",
    "110101199913321234号码不对",
    "110101202612311234",
    "000000000000000000",
    "99999999999",
    "12345678901",
    "10086是移动客服",
    "95588是工行客服",
    "12315消费者投诉",
    "第1234567次",
    "版本1.2.3",
    "IP 192.168.1.100",
    "坐标108.953098,34.2778",
    "面积120.5平方米",
    "身高175，体重70公斤",
    "GB 11643-1999 标准",
    "GB/T 2260",
    "ISO 7064",
    "第十四条第二项",
    "（2026）第123号",
    "国办发〔2022〕12号",
    "报警回执20261202001",
    "已于2026年12月02日10时30分处理",
    "噪音超过85分贝",
    "温度-5度",
    "电话费88元",
    "电话号码是空号",
    "手机丢了",
    "已电话联系",
    "身份证号1101",
    "卡号尾号1234",
    "电话139****5678",
    "身份证号110101********1234",
    "卡号6222 **** **** 1234",
    "张*反映",
]


class CorpusTests(SimpleTestCase):
    def test_the_corpus_is_large_enough(self):
        self.assertGreaterEqual(len(POSITIVE), 60)
        self.assertGreaterEqual(len(NEGATIVE), 60)

    def test_every_personal_number_is_masked_keeping_the_length(self):
        for text, secret in POSITIVE:
            with self.subTest(text=text):
                masked = text_mask(text)
                self.assertNotEqual(masked, text)
                self.assertNotIn(secret, masked)
                self.assertEqual(len(masked), len(text))
                self.assertIn("*", masked)

    def test_ordinary_text_is_left_as_written(self):
        for text in NEGATIVE:
            with self.subTest(text=text):
                self.assertEqual(text_mask(text), text)
                self.assertEqual(text_find(text), [])

    def test_masking_twice_changes_nothing_more(self):
        for text, _secret in POSITIVE:
            with self.subTest(text=text):
                once = text_mask(text)
                self.assertEqual(text_mask(once), once)


class MaskShapeTests(SimpleTestCase):
    def test_the_masks_keep_what_identifies_nobody(self):
        cases = {
            f"身份证号{ID_X}": "身份证号110105********002X",
            "电话 13912345678": "电话 139****5678",
            f"卡号 {grouped(CARDS[0])}": "卡号 6222 **** **** 7894",
            "座机029-87654321": "座机029-******21",
            "+86 139-1234-5678": "+86 139-****-5678",
            "老证110105491231002": "老证110105******002",
            "回电１３９１２３４５６７８": "回电１３９****５６７８",
        }
        for text, masked in cases.items():
            with self.subTest(text=text):
                self.assertEqual(text_mask(text), masked)

    def test_the_kinds_found(self):
        found = text_find(f"张三身份证{ID_X}电话13912345678卡号{CARDS[0]}", caller_name="张三")
        self.assertEqual([f.kind for f in found], [NAME, ID_NUMBER, PHONE, BANK_CARD])

    def test_a_number_glued_to_text_around_it_is_still_found(self):
        for before, after in [("号", "，"), ("：", "。"), ("\n", "\n"), ("(", ")"), ("是", "的")]:
            with self.subTest(before=before, after=after):
                text = f"{before}13912345678{after}"
                self.assertEqual(text_mask(text), f"{before}139****5678{after}")


class CallerTests(SimpleTestCase):
    def test_the_callers_name_is_masked_wherever_it_is_written(self):
        text = "我是欧阳春花，欧阳春花的家在幸福路"
        self.assertEqual(text_mask(text, caller_name="欧阳春花"), "我是欧**花，欧**花的家在幸福路")

    def test_a_one_character_name_is_not_masked_in_every_word(self):
        self.assertEqual(text_mask("王先生说王府井", caller_name="王"), "王先生说王府井")

    def test_the_callers_own_short_landline_is_masked_without_a_phone_word(self):
        self.assertEqual(text_mask("打 87654321 找我", caller_phone="87654321"), "打 ****4321 找我")
        self.assertEqual(text_mask("打 87654321 找我"), "打 87654321 找我")

    def test_the_callers_phone_in_any_written_form(self):
        for written in ["+86 139 1234 5678", "１３９１２３４５６７８", "139-1234-5678"]:
            with self.subTest(written=written):
                masked = text_mask(f"回电{written}", caller_phone="13912345678")
                self.assertNotIn("1234", unicodedata.normalize("NFKC", masked))

    def test_protect_gives_the_original_only_when_something_was_masked(self):
        self.assertEqual(text_protect("路灯不亮"), ("路灯不亮", ""))
        masked, original = text_protect("电话13912345678")
        self.assertEqual((masked, original), ("电话139****5678", "电话13912345678"))


class ChecksTests(SimpleTestCase):
    def test_id_check_character_and_its_errors(self):
        self.assertEqual(id_check_character(ID_X[:17]), "X")
        for good in [ID_X, *IDS]:
            self.assertTrue(is_resident_id(good))
            for wrong in "0123456789X":
                if wrong != good[-1]:
                    self.assertFalse(is_resident_id(good[:17] + wrong))

    def test_an_id_with_an_impossible_birth_date_or_province_is_not_one(self):
        for first17 in [
            "11010519491331002",
            "11010519490230002",
            "00010519491231002",
            "11010518491231002",
            "11010530001231002",
        ]:
            with self.subTest(first17=first17):
                self.assertFalse(is_resident_id(first17 + id_check_character(first17)))

    def test_luhn(self):
        for card in CARDS:
            self.assertTrue(luhn_valid(card))
            broken = card[:-1] + str((int(card[-1]) + 1) % 10)
            self.assertFalse(luhn_valid(broken))
            self.assertEqual(text_mask(f"卡号{broken}"), f"卡号{broken}")


class HostileInputTests(SimpleTestCase):
    def test_a_text_of_the_longest_size_made_of_digit_groups_is_read_in_linear_time(self):
        # 4,000 characters (MAX_TEXT) of digit groups once took over a minute (every run of
        # groups was tried against every other); each must now take well under a second.
        import time

        from hotline.core.text import MAX_TEXT

        for unit in ["1 ", "1-", "１ ", "6222 ", "13912345678 ", "(1)", "1" * 30 + " "]:
            text = (unit * (MAX_TEXT // len(unit) + 1))[:MAX_TEXT]
            with self.subTest(unit=unit):
                started = time.perf_counter()
                masked = text_mask(text, caller_name="张三", caller_phone="13912345678")
                self.assertLess(time.perf_counter() - started, 3.0)
                self.assertEqual(len(masked), len(text))

    def test_many_phones_in_a_row_are_each_masked(self):
        text = "13912345678 " * 300
        self.assertEqual(text_mask(text), "139****5678 " * 300)


class WrittenFormsTests(SimpleTestCase):
    """The ways a person writes a number that a careless pattern misses."""

    def test_every_written_form_of_one_number_is_masked(self):
        forms = {
            "dots": "139.1234.5678",
            "3-8": "139 12345678",
            "4-4-3": "1391 2345 678",
            "spaces around hyphens": "139 - 1234 - 5678",
            "chinese numerals": "一三九一二三四五六七八",
            "yao for one": "幺三九幺二三四五六七八",
            "zero-width space": "139\u200b1234\u200b5678",
            "tab": "139\t1234\t5678",
            "no-break space": "139\u00a01234\u00a05678",
            "full-width brackets": "（＋８６）１３９１２３４５６７８",
            "id in groups of four": "1101 0519 4912 3100 2X",
            "id with dots": "110105.19491231.002X",
            "id in chinese numerals": "一一〇一〇五一九四九一二三一〇〇二X",
        }
        for name, written in forms.items():
            with self.subTest(name):
                masked = text_mask(f"号码{written}，谢谢")
                self.assertNotEqual(masked, f"号码{written}，谢谢")
                self.assertEqual(len(masked), len(f"号码{written}，谢谢"))
                self.assertTrue(masked.endswith("，谢谢"))
                self.assertGreaterEqual(masked.count("*"), 4)

    def test_text_with_dots_and_chinese_numerals_that_is_no_number_stays(self):
        for text in [
            "罚款1234.56元",
            "金额12345678.90",
            "版本2.10.3",
            "192.168.100.200",
            "二〇二六年十二月二日",
            "一二三四五六",
            "第一二三四五期",
            "共3.5公里",
            "坐标108.953098",
            "电话费1234.56",
        ]:
            with self.subTest(text=text):
                self.assertEqual(text_mask(text), text)
