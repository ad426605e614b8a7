import shutil
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from hotline.orders.models import Attachment, Order
from hotline.testing import BaseTestCase

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = (  # the smallest PDF a strict reader parses (a PDF that cannot be parsed is refused)
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n"
    b"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n110\n%%EOF\n"
)
EXE = b"MZ\x90\x00" + b"\x00" * 64

MEDIA = tempfile.mkdtemp(prefix="hotline-media-")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@override_settings(MEDIA_ROOT=MEDIA)
class AttachmentTests(BaseTestCase):
    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def portal_submit(self, *files: SimpleUploadedFile):  # type: ignore[no-untyped-def]
        return self.client.post(
            "/portal/submit/",
            {
                "request_type": "help",
                "content": "小区门口路灯不亮了，晚上看不见路。",
                "caller_phone": "13912345678",
                "attachments": list(files),
            },
        )

    def test_resident_attaches_a_photo_recognised_by_its_content(self):
        response = self.portal_submit(upload("路灯.png", PNG))
        self.assertEqual(response.status_code, 302)  # to the receipt
        attachment = Attachment.objects.get()
        self.assertEqual(attachment.content_type, "image/png")
        self.assertEqual(attachment.original_name, "路灯.png")
        self.assertEqual(attachment.size, len(PNG))
        self.assertNotIn("路灯", attachment.file.name)  # stored under a random name
        self.assertEqual(attachment.order.events.filter(action="attach").count(), 1)

    def test_a_program_renamed_to_jpg_is_refused_and_nothing_is_saved(self):
        response = self.portal_submit(upload("photo.jpg", EXE))
        self.assertContains(response, "格式不支持", status_code=400)
        self.assertContains(response, "小区门口路灯不亮了", status_code=400)
        self.assertFalse(Order.objects.exists())
        self.assertFalse(Attachment.objects.exists())

    @override_settings(HOTLINE_ATTACHMENT_MAX_BYTES=32)
    def test_an_oversize_file_is_refused(self):
        response = self.portal_submit(upload("big.pdf", PDF))
        self.assertContains(response, "超过", status_code=400)
        self.assertFalse(Order.objects.exists())

    def test_too_many_files_are_refused(self):
        response = self.portal_submit(*[upload(f"{i}.png", PNG) for i in range(6)])
        self.assertContains(response, "一次最多上传 5 个文件", status_code=400)
        self.assertFalse(Order.objects.exists())

    def test_unit_handler_uploads_and_downloads_and_other_unit_cannot(self):
        order = self.in_progress_order()
        self.client.force_login(self.handler_a)
        response = self.client.post(
            f"/orders/{order.number}/attachments/",
            {"uploads": [upload("现场.pdf", PDF)], "kind": "handling"},
        )
        self.assertRedirects(response, f"/orders/{order.number}/", fetch_redirect_response=False)
        attachment = Attachment.objects.get()
        self.assertEqual(attachment.kind, "handling")
        self.assertEqual(attachment.uploaded_by, self.handler_a)
        download = self.client.get(f"/orders/{order.number}/attachments/{attachment.pk}/")
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download["Content-Type"], "application/pdf")
        self.assertEqual(download["X-Content-Type-Options"], "nosniff")
        self.assertEqual(b"".join(download.streaming_content), PDF)

        self.client.force_login(self.handler_b)
        self.assertEqual(
            self.client.get(f"/orders/{order.number}/attachments/{attachment.pk}/").status_code, 404
        )
        refused = self.client.post(
            f"/orders/{order.number}/attachments/",
            {"uploads": [upload("x.pdf", PDF)], "kind": "handling"},
        )
        self.assertEqual(refused.status_code, 404)
        self.client.force_login(self.sysadmin)
        self.assertEqual(
            self.client.get(f"/orders/{order.number}/attachments/{attachment.pk}/").status_code, 404
        )
        self.assertEqual(Attachment.objects.count(), 1)

    def test_wrong_type_on_the_order_page_is_explained(self):
        order = self.in_progress_order()
        self.client.force_login(self.handler_a)
        response = self.client.post(
            f"/orders/{order.number}/attachments/",
            {"uploads": [upload("a.docx", EXE)], "kind": "handling"},
        )
        self.assertContains(response, "格式不支持", status_code=400)
        self.assertFalse(Attachment.objects.exists())

    def test_anonymous_download_redirects_to_login(self):
        order = self.in_progress_order()
        response = self.client.get(f"/orders/{order.number}/attachments/1/")
        self.assertEqual(response.status_code, 302)
