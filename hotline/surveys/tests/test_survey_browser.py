"""A survey end to end in a real browser: the reviewer sets it up, an operator calls, the
results show the counts."""

from pathlib import Path

from playwright.sync_api import expect

from hotline.e2e.browser import ARTIFACTS, BrowserTestCase
from hotline.surveys.models import Campaign, Response, TargetStatus
from hotline.surveys.tests.base import xlsx_bytes
from hotline.testing import PASSWORD

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SurveyBrowserTest(BrowserTestCase):
    def test_reviewer_sets_up_operator_calls_results_show_counts(self):
        self.login("reviewer", PASSWORD)
        self.page.goto(self.url("/surveys/"))
        self.page.get_by_role("link", name="新建调查").click()
        self.page.get_by_label("调查名称").fill("市容环境满意度调查")
        self.page.get_by_label("委托单位").select_option(label="示范区城市管理执法局")
        self.page.get_by_label("调查目的").fill("了解居民对市容环境整治的评价")
        self.page.get_by_label("允许调查对象通过网页链接答卷").check()
        self.page.get_by_role("button", name="保存").click()
        expect(self.page.get_by_text("已创建调查")).to_be_visible()

        self.page.get_by_label("题型").select_option(label="单选")
        self.page.get_by_label("题目").fill("您对小区周边环境是否满意？")
        self.page.get_by_label("选项（每行一个）").fill("满意\n基本满意\n不满意")
        self.page.get_by_role("button", name="添加题目").click()
        expect(self.page.get_by_text("已添加题目")).to_be_visible()
        self.page.locator("summary", has_text="添加题目").click()
        self.page.get_by_label("题型").select_option(label="量表打分")
        self.page.get_by_label("题目").fill("请为环境整治效果打分")
        self.page.get_by_label("最低分含义").fill("很差")
        self.page.get_by_label("最高分含义").fill("很好")
        self.page.get_by_role("button", name="添加题目").click()
        expect(self.page.locator("ol.questions > li")).to_have_count(2)

        self.page.get_by_role("link", name="导入 Excel 名单").click()
        self.page.get_by_label("名单文件（.xlsx）").set_input_files(
            {
                "name": "名单.xlsx",
                "mimeType": XLSX,
                "buffer": xlsx_bytes(
                    [("张三", "13812345678"), ("李四", "13912345678"), ("王五", "13812345678")]
                ),
            }
        )
        self.page.get_by_role("button", name="导入").click()
        expect(self.page.get_by_text("已导入 2 个号码，跳过重复号码 1 个。")).to_be_visible()
        expect(self.page.get_by_text("138****5678")).to_be_visible()
        self.page.get_by_role("button", name="开始调查").click()
        expect(self.page.locator("h1 .status")).to_have_text("进行中")
        self.screenshot("survey-campaign")
        campaign = Campaign.objects.get()

        self.page.get_by_role("button", name="退出").click()
        self.login("operator", PASSWORD)
        self.page.goto(self.url("/surveys/"))
        self.page.get_by_role("link", name="拨打", exact=True).click()
        expect(
            self.page.get_by_role("heading", name="拨打名单：市容环境满意度调查")
        ).to_be_visible()
        self.page.get_by_role("button", name="拨打下一个").click()
        expect(self.page.locator(".dial")).to_have_text("13812345678")
        self.page.get_by_label("基本满意").check()
        self.page.get_by_label("5（很好）").check()
        self.screenshot("survey-call")
        self.page.get_by_role("button", name="已接通，保存答卷").click()
        expect(self.page.get_by_text("已保存答卷。")).to_be_visible()
        self.page.get_by_role("button", name="拨打下一个").click()
        expect(self.page.locator(".dial")).to_have_text("13912345678")
        self.page.get_by_label("情况").fill("无人接听")
        self.page.get_by_role("button", name="未接通").click()
        expect(self.page.get_by_text("已记录未接通（第 1 次）")).to_be_visible()

        response = Response.objects.get()
        self.assertEqual(
            sorted(a.value for a in response.answers.all() if isinstance(a.value, str)),
            ["基本满意"],
        )
        self.assertEqual(campaign.targets.filter(status=TargetStatus.COMPLETED).count(), 1)

        # The second person answers on their own link, on a phone.
        second = campaign.targets.get(status=TargetStatus.IN_PROGRESS)
        phone = self.browser.new_context(
            locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True
        )
        mobile = phone.new_page()
        mobile.goto(self.url(f"/surveys/r/{second.web_token}/"))
        expect(mobile.get_by_role("heading", name="市容环境满意度调查")).to_be_visible()
        mobile.get_by_role("button", name="提交").click()
        expect(mobile.get_by_text("此题必答。").first).to_be_visible()
        mobile.get_by_label("满意", exact=True).check()
        mobile.get_by_label("4", exact=True).check()
        mobile.screenshot(path=str(self.screenshot_path("survey-web-answer")), full_page=True)
        mobile.get_by_role("button", name="提交").click()
        expect(mobile.get_by_text("答卷已提交")).to_be_visible()
        mobile.screenshot(path=str(self.screenshot_path("survey-web-thanks")), full_page=True)
        phone.close()

        self.page.get_by_role("button", name="退出").click()
        self.login("urban.manager", PASSWORD)
        self.page.goto(self.url(f"/surveys/{campaign.pk}/results/"))
        expect(self.page.locator('[data-count="total"]')).to_have_text("2")
        expect(self.page.locator('[data-count="completed"]')).to_have_text("2")
        expect(self.page.locator('[data-count="in_progress"]')).to_have_text("0")
        expect(self.page.locator('[data-count="rate"]')).to_have_text("100.0%")
        expect(self.page.locator(".mean")).to_have_text("4.5")
        expect(self.page.locator("svg.bars")).to_have_count(3)
        expect(self.page.get_by_text("13812345678")).to_have_count(0)
        self.screenshot("survey-results")

    def screenshot_path(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        return ARTIFACTS / f"{name}.png"
