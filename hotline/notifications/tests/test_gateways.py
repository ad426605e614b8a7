"""The demo gateway writes messages to the log without personal data: numbers masked, links
to callers' orders left out (a link opens the order as the number and phone would)."""

from django.test import SimpleTestCase

from hotline.notifications.gateways import ConsoleGateway, log_safe


class ConsoleGatewayTests(SimpleTestCase):
    def test_the_log_line_masks_the_recipient_and_leaves_out_the_link(self):
        with self.assertLogs("hotline.notifications", "INFO") as logs:
            ConsoleGateway().send(
                channel="sms",
                address="13812345678",
                subject="",
                body="您反映的诉求已办理，查看详情并评价：http://127.0.0.1:8000/portal/r/eyJhbGci.abc/",
            )
        line = logs.output[0]
        self.assertIn("138****5678", line)
        self.assertNotIn("13812345678", line)
        self.assertNotIn("/portal/r/", line)
        self.assertIn("[链接]", line)

    def test_numbers_inside_the_text_are_masked_too(self):
        text = log_safe("来电人 13912345678、座机 029-87012345 反映：工单 YL2025100100037")
        self.assertNotIn("13912345678", text)
        self.assertNotIn("87012345", text)
        self.assertIn("YL2025100100037", text)  # an order number is not personal data

    def test_a_mail_address_is_masked(self):
        with self.assertLogs("hotline.notifications", "INFO") as logs:
            ConsoleGateway().send(
                channel="mail", address="wang.min@example.gov.cn", subject="新工单", body="请签收"
            )
        self.assertIn("w***@example.gov.cn", logs.output[0])
        self.assertNotIn("wang.min", logs.output[0])
