"""Helpers for the survey tests: campaigns, questionnaires and lists built through the real
services, and Excel files built with openpyxl."""

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from hotline.surveys import services, targets
from hotline.surveys.models import Campaign, Question, Target
from hotline.testing import BaseTestCase

PHONES = ["13800000001", "13800000002", "13800000003", "13800000004"]


def xlsx_bytes(rows: Iterable[Sequence[Any]], *, header: Sequence[str] = ("姓名", "电话")) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_upload(content: bytes, name: str = "名单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name,
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


class SurveyTestCase(BaseTestCase):
    def make_campaign(self, *, questions: bool = True, **kwargs: Any) -> Campaign:
        defaults: dict[str, Any] = {
            "actor": self.reviewer,
            "title": "供水服务满意度调查",
            "commissioning_unit": self.unit_a,
            "purpose": "了解居民对城市管理的意见",
        }
        defaults.update(kwargs)
        campaign = services.campaign_create(**defaults)
        if questions:
            self.add_questions(campaign)
        return campaign

    def add_questions(self, campaign: Campaign) -> list[Question]:
        return [
            services.question_add(
                campaign=campaign,
                actor=self.reviewer,
                kind="single",
                text="您是否了解本单位的服务电话？",
                choices=["了解", "不了解"],
            ),
            services.question_add(
                campaign=campaign,
                actor=self.reviewer,
                kind="multiple",
                text="您通过哪些渠道反映问题？",
                choices=["电话", "网站", "现场"],
                required=False,
            ),
            services.question_add(
                campaign=campaign,
                actor=self.reviewer,
                kind="scale",
                text="总体满意程度",
                scale_min=1,
                scale_max=5,
                scale_min_label="很不满意",
                scale_max_label="非常满意",
            ),
            services.question_add(
                campaign=campaign,
                actor=self.reviewer,
                kind="text",
                text="其他意见和建议",
                required=False,
            ),
        ]

    def import_phones(self, campaign: Campaign, phones: Sequence[str] = PHONES) -> None:
        content = xlsx_bytes([(f"居民{i}", phone) for i, phone in enumerate(phones)])
        targets.targets_import_excel(
            campaign=campaign,
            actor=self.reviewer,
            upload=io.BytesIO(content),
            name="名单.xlsx",
            size=len(content),
        )

    def running_campaign(self, phones: Sequence[str] = PHONES, **kwargs: Any) -> Campaign:
        campaign = self.make_campaign(**kwargs)
        self.import_phones(campaign, phones)
        return services.campaign_start(campaign=campaign, actor=self.reviewer)

    def target(self, campaign: Campaign, phone: str) -> Target:
        from hotline.privacy.personal import phone_digest

        return Target.objects.get(campaign=campaign, phone_digest=phone_digest(phone))

    def questions(self, campaign: Campaign) -> list[Question]:
        return list(campaign.questions.order_by("order"))

    def answers(
        self,
        campaign: Campaign,
        single: str = "了解",
        multiple: Sequence[str] = ("电话",),
        scale: int = 4,
        text: str = "",
    ) -> dict[int, Any]:
        q1, q2, q3, q4 = self.questions(campaign)
        return {q1.pk: single, q2.pk: list(multiple), q3.pk: scale, q4.pk: text}
