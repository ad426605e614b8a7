"""Uploads are checked for what they are, not what they are called (issue 13): the content must
be of its extension's type, a .docx a Word package without macros, a PDF without active
content. Refused files come with a Chinese message and nothing is stored."""

import io
import shutil
import tempfile
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings

from hotline.core.errors import InvalidInput
from hotline.orders.attachments import (
    DOCX,
    JPEG,
    PDF,
    PNG,
    _pdf_parsed_names,
    _pdf_raw_names,
    check_uploads,
    sniff,
)
from hotline.orders.models import Attachment, Order
from hotline.testing import BaseTestCase

JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTML_BYTES = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
SVG_BYTES = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
EXE_BYTES = b"MZ\x90\x00" + b"\x00" * 64


def docx_bytes(*, content_types: bool = True, word: bool = True, macros: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if content_types:
            archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", "<Relationships/>")
        if word:
            archive.writestr("word/document.xml", "<w:document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00" * 16)
        else:
            archive.writestr("notes.txt", "x")
    return buffer.getvalue()


def pdf_bytes(*objects: bytes, trailer: bytes = b"") -> bytes:
    """A PDF that a strict reader parses: catalog, page tree, the objects given, an xref table."""
    body = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    parts = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 /Extra [%s] >>"
        % b" ".join(b"%d 0 R" % n for n in range(3, 3 + len(objects))),
        *objects,
    ]
    offsets = []
    for number, obj in enumerate(parts, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(parts) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(parts) + 1, trailer)
    return body + b"startxref\n%d\n%%%%EOF\n" % xref


def object_stream(content: bytes) -> bytes:
    data = zlib.compress(content)
    return (
        b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(data)
        + data
        + b"\nendstream"
    )


CLEAN_PDF = pdf_bytes(b"<< /Type /Page /MediaBox [0 0 595 842] >>")
ACTIVE_PDFS = {
    "javascript": pdf_bytes(b"<< /S /JavaScript /JS (app.alert(1)) >>"),
    "js only": pdf_bytes(b"<< /JS 5 0 R >>"),
    "open action": pdf_bytes(b"<< /OpenAction << /S /GoTo /D [3 0 R /Fit] >> >>"),
    "additional actions": pdf_bytes(b"<< /Type /Page /AA << /O 4 0 R >> >>"),
    "launch": pdf_bytes(b"<< /S /Launch /F (cmd.exe) >>"),
    "hex-escaped name": pdf_bytes(b"<< /S /J#61vaScript /#4A#53 (app.alert(1)) >>"),
    "fully hex-escaped": pdf_bytes(b"<< /#4F#70#65#6E#41#63#74#69#6F#6E 4 0 R >>"),
    "lower-case hex": pdf_bytes(b"<< /S /L#61#75nch >>"),
    "in an object stream": pdf_bytes(object_stream(b"4 0 << /S /JavaScript /JS (x) >>")),
    "escaped in an object stream": pdf_bytes(object_stream(b"4 0 << /Open#41ction 5 0 R >>")),
    "embedded file": pdf_bytes(b"<< /Type /EmbeddedFile /Length 3 >>"),
    "encrypted": pdf_bytes(b"<< /Filter /Standard /V 2 >>") + b"trailer\n<< /Encrypt 3 0 R >>\n",
}


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    # The browser's claimed type is whatever the attacker says; it is never trusted.
    return SimpleUploadedFile(name, content, content_type=content_type)


class SniffTests(SimpleTestCase):
    def assert_refused(self, name: str, content: bytes, words: str) -> None:
        with self.assertRaises(InvalidInput, msg=name) as caught:
            sniff(upload(name, content))
        self.assertIn(words, caught.exception.message, name)

    def test_accepted_files_of_each_type(self):
        cases = {
            "照片.jpg": (JPEG_BYTES, JPEG),
            "照片.JPEG": (JPEG_BYTES, JPEG),
            "截图.png": (PNG_BYTES, PNG),
            "答复.pdf": (CLEAN_PDF, PDF),
            "材料.docx": (docx_bytes(), DOCX),
        }
        for name, (content, kind) in cases.items():
            self.assertEqual(sniff(upload(name, content)), kind, name)

    def test_a_file_whose_extension_is_not_accepted_is_refused_whatever_it_holds(self):
        for name in [
            "photo.html",
            "photo.htm",
            "photo.svg",
            "a.exe",
            "a.jpg.html",
            "noext",
            ".jpg",
        ]:
            for content in (JPEG_BYTES, PNG_BYTES, CLEAN_PDF, HTML_BYTES):
                self.assert_refused(name, content, "格式不支持")

    def test_content_of_another_type_than_its_extension_is_refused(self):
        files = {"jpg": JPEG_BYTES, "png": PNG_BYTES, "pdf": CLEAN_PDF, "docx": docx_bytes()}
        for extension in files:
            for other, content in files.items():
                if other == extension:
                    continue
                self.assert_refused(f"a.{extension}", content, "与扩展名不符")

    def test_html_svg_and_programs_under_an_image_name_are_refused(self):
        for content in (HTML_BYTES, SVG_BYTES, EXE_BYTES, b"\xef\xbb\xbf" + HTML_BYTES, b" %PDF-"):
            for name in ("a.jpg", "a.png", "a.pdf", "a.docx"):
                self.assert_refused(name, content, "格式不支持")

    def test_a_zip_that_is_not_a_word_document_is_refused(self):
        self.assert_refused("a.docx", docx_bytes(content_types=False), "不是 Word 文档")
        self.assert_refused("a.docx", docx_bytes(word=False), "不是 Word 文档")
        self.assert_refused("a.docx", docx_bytes(macros=True), "宏")
        self.assert_refused("a.docx", b"PK\x03\x04 broken zip", "不是有效的 Word 文档")

    def test_a_pdf_with_active_content_is_refused_in_every_spelling(self):
        for label, content in ACTIVE_PDFS.items():
            with self.subTest(label):
                with self.assertRaises(InvalidInput) as caught:
                    sniff(upload("a.pdf", content))
                self.assertIn("不能上传", caught.exception.message)

    def test_an_object_stream_that_would_inflate_without_end_is_refused(self):
        content = pdf_bytes(object_stream(b"\x00" * (70 * 1024 * 1024)))
        with self.assertRaises(InvalidInput) as caught:
            sniff(upload("a.pdf", content))
        self.assertIn("压缩内容无法检查", caught.exception.message)

    def test_a_clean_pdf_with_compressed_page_content_is_accepted(self):
        content = pdf_bytes(object_stream(b"4 0 << /Type /Font /Subtype /Type1 >>"))
        self.assertEqual(sniff(upload("a.pdf", content)), PDF)

    def test_a_pdf_written_by_pypdf_is_judged_the_same(self):
        from pypdf import PdfWriter

        writer = PdfWriter()
        writer.add_blank_page(595, 842)
        clean = io.BytesIO()
        writer.write(clean)
        self.assertEqual(sniff(upload("a.pdf", clean.getvalue())), PDF)
        from pypdf.actions import JavaScript

        writer.add_open_action(JavaScript("app.alert('x');"))
        active = io.BytesIO()
        writer.write(active)
        with self.assertRaises(InvalidInput):
            sniff(upload("a.pdf", active.getvalue()))
        # Each reading finds it alone too.
        self.assertIn(b"JavaScript", _pdf_parsed_names(active.getvalue()))
        self.assertIn(b"JavaScript", _pdf_raw_names(active.getvalue()))

    def test_a_pdf_that_cannot_be_parsed_is_refused(self):
        for content in (b"%PDF-1.4\n" + b"0" * 64, CLEAN_PDF[: len(CLEAN_PDF) // 2]):
            with self.assertRaises(InvalidInput) as caught:
                sniff(upload("a.pdf", content))
            self.assertIn("无法检查", caught.exception.message)

    def test_image_data_that_happens_to_hold_a_name_is_not_a_false_alarm(self):
        # Bytes such as "/JS " inside a picture's (DCT) stream data are not PDF syntax.
        data = b"\xff\xd8/JS /AA /OpenAction\xff\xd9"
        image = (
            b"<< /Type /XObject /Subtype /Image /Filter /DCTDecode /Length %d >>\nstream\n"
            % len(data)
        )
        self.assertEqual(sniff(upload("a.pdf", pdf_bytes(image + data + b"\nendstream"))), PDF)

    @override_settings(HOTLINE_ATTACHMENTS_PER_ORDER=3)
    def test_the_count_per_order_is_limited(self):
        check_uploads([upload("a.png", PNG_BYTES)] * 2, already=1)
        with self.assertRaises(InvalidInput) as caught:
            check_uploads([upload("a.png", PNG_BYTES)] * 2, already=2)
        self.assertIn("最多 3 个附件", caught.exception.message)


MEDIA = tempfile.mkdtemp(prefix="hotline-media-")


@override_settings(MEDIA_ROOT=MEDIA)
class UploadPagesTests(BaseTestCase):
    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def test_refused_files_on_the_portal_store_nothing(self):
        for name, content in [
            ("photo.html", JPEG_BYTES),
            ("photo.jpg", HTML_BYTES),
            ("a.docx", docx_bytes(word=False)),
            ("a.pdf", ACTIVE_PDFS["in an object stream"]),
        ]:
            response = self.client.post(
                "/portal/submit/",
                {
                    "request_type": "help",
                    "content": "小区门口路灯不亮了，晚上看不见路。",
                    "caller_phone": "13912345678",
                    "attachments": [upload(name, content, "text/html")],
                },
            )
            self.assertEqual(response.status_code, 400, name)
            self.assertContains(response, name.split(".")[0], status_code=400)
        self.assertFalse(Order.objects.exists())
        self.assertFalse(Attachment.objects.exists())
        self.assertEqual(list(__import__("pathlib").Path(MEDIA).rglob("*.*")), [])

    @override_settings(HOTLINE_ATTACHMENTS_PER_ORDER=2)
    def test_the_order_page_refuses_more_than_the_order_may_hold(self):
        order = self.in_progress_order()
        self.client.force_login(self.handler_a)
        url = f"/orders/{order.number}/attachments/"
        pngs = [upload("a.png", PNG_BYTES), upload("b.png", PNG_BYTES)]
        self.assertEqual(
            self.client.post(url, {"uploads": pngs, "kind": "handling"}).status_code, 302
        )
        response = self.client.post(
            url, {"uploads": [upload("c.png", PNG_BYTES)], "kind": "handling"}
        )
        self.assertContains(response, "最多 2 个附件", status_code=400)
        self.assertEqual(Attachment.objects.count(), 2)

    def test_attachments_are_served_as_downloads_with_a_safe_type(self):
        order = self.in_progress_order()
        self.client.force_login(self.handler_a)
        self.client.post(
            f"/orders/{order.number}/attachments/",
            {
                "uploads": [upload("<img src=x onerror=alert(1)>.jpg", JPEG_BYTES, "text/html")],
                "kind": "handling",
            },
        )
        attachment = Attachment.objects.get()
        self.assertEqual(attachment.content_type, JPEG)  # never the browser's claim
        download = self.client.get(f"/orders/{order.number}/attachments/{attachment.pk}/")
        self.assertEqual(download["Content-Type"], JPEG)
        self.assertTrue(download["Content-Disposition"].startswith("attachment;"))
        self.assertEqual(download["X-Content-Type-Options"], "nosniff")
        self.assertIn("no-store", download["Cache-Control"])
        page = self.client.get(f"/orders/{order.number}/")
        self.assertNotContains(page, "<img src=x onerror")
