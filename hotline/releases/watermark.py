"""The watermark of a released file (Art. 24): who exported it, when, for what, who approved it
and the request's number — on every sheet of a workbook (first row, page header and footer)
and in its document properties; as the first, commented line of a CSV file."""

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

MAX_PURPOSE_IN_MARK = 120


@dataclass(frozen=True)
class Watermark:
    requester: str
    at: datetime
    purpose: str
    approver: str
    number: str

    def line(self) -> str:
        purpose = " ".join(self.purpose.split())[:MAX_PURPOSE_IN_MARK]
        return _(
            "导出人 %(requester)s · 导出时间 %(at)s · 用途 %(purpose)s · 审批人 %(approver)s"
            " · 编号 %(number)s"
        ) % {
            "requester": self.requester,
            "at": timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M"),
            "purpose": purpose,
            "approver": self.approver,
            "number": self.number,
        }

    def short(self) -> str:
        """For the page header and footer, which Excel limits to 255 characters."""
        return _("%(number)s %(requester)s %(at)s 导出 审批人 %(approver)s") % {
            "number": self.number,
            "requester": self.requester,
            "at": timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M"),
            "approver": self.approver,
        }


def _header_text(text: str) -> str:
    # '&' starts a format code in Excel's header and footer.
    return text.replace("&", "&&")


def watermark_workbook(workbook: Workbook, mark: Watermark) -> bytes:
    """The workbook's bytes, each sheet with the mark as its first row and in its header and
    footer, and the workbook's properties naming the requester, the request and the time."""
    line = mark.line()
    for sheet in workbook.worksheets:
        sheet.insert_rows(1)
        sheet["A1"] = line
        sheet["A1"].font = Font(bold=True, color="C00000")
        for header in (sheet.oddHeader, sheet.evenHeader, sheet.firstHeader):
            header.center.text = _header_text(mark.short())
        for footer in (sheet.oddFooter, sheet.evenFooter, sheet.firstFooter):
            footer.center.text = _header_text(mark.short())
    properties = workbook.properties
    properties.creator = mark.requester
    properties.lastModifiedBy = mark.requester
    properties.created = mark.at.replace(tzinfo=None)
    properties.modified = mark.at.replace(tzinfo=None)
    properties.identifier = mark.number
    properties.subject = _("数据导出 %(number)s") % {"number": mark.number}
    properties.description = line
    properties.keywords = mark.number
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def watermark_csv(header: list[str], rows: list[list[str]], mark: Watermark) -> bytes:
    """UTF-8 CSV with a BOM (Excel opens it as UTF-8), its first line `# <mark>`."""
    buffer = io.StringIO()
    buffer.write("# " + mark.line().replace("\n", " ") + "\r\n")
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_safe(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    text = str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text
