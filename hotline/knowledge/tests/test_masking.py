"""Personal numbers never reach the search log (masking.query_mask)."""

from django.test import SimpleTestCase

from hotline.knowledge.masking import query_mask


class QueryMaskTests(SimpleTestCase):
    def test_it_masks_an_18_digit_id_number_also_with_x(self):
        self.assertEqual(query_mask("身份证110101199003071234丢了"), "身份证[身份证号]丢了")
        self.assertEqual(query_mask("11010119900307123X补办"), "[身份证号]补办")

    def test_it_masks_a_mobile_number_plain_grouped_and_with_country_code(self):
        self.assertEqual(query_mask("手机13812345678停机"), "手机[手机号]停机")
        self.assertEqual(query_mask("138 1234 5678"), "[手机号]")
        self.assertEqual(query_mask("+86-138-1234-5678 打不通"), "[手机号] 打不通")

    def test_it_masks_a_landline_with_its_area_code(self):
        self.assertEqual(query_mask("029-87654321没人接"), "[电话]没人接")
        self.assertEqual(query_mask("(029)87654321"), "[电话]")

    def test_it_masks_bank_card_numbers_of_16_to_19_digits(self):
        self.assertEqual(query_mask("卡号6222021234567890被冻结"), "卡号[银行卡号]被冻结")
        self.assertEqual(query_mask("6222021234567890123"), "[银行卡号]")
        self.assertEqual(query_mask("6222 0212 3456 7890 扣费"), "[银行卡号] 扣费")

    def test_it_masks_full_width_digits_and_other_long_numbers(self):
        self.assertEqual(query_mask("电话１３８１２３４５６７８"), "电话[手机号]")
        self.assertEqual(query_mask("编号 1234567"), "编号 [号码]")

    def test_it_keeps_short_numbers_that_say_what_was_asked(self):
        text = "2026年居住证办理需要3个工作日吗"
        self.assertEqual(query_mask(text), text)
        self.assertEqual(query_mask(""), "")
