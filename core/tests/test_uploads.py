"""Evidence and attachments are taken by what their content is, within a size; a spreadsheet by its name
and size before a worker reads it; each refusal names the field and the file."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import attachment_check, spreadsheet_check


def office(parts: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in ["[Content_Types].xml", *parts]:
            archive.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize("name, content, extension", [
    ("会议记录.pdf", b"%PDF-1.7 minutes", "pdf"),
    ("照片.jpg", b"\xff\xd8\xff\xe0 photo", "jpg"),
    ("照片.png", b"\x89PNG\r\n\x1a\n photo", "png"),
    ("照片.gif", b"GIF89a photo", "gif"),
    ("方案.docx", office(["word/document.xml"]), "docx"),
    ("台账.xlsx", office(["xl/workbook.xml"]), "xlsx"),
    ("汇报.pptx", office(["ppt/presentation.xml"]), "pptx"),
    ("方案.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 word 97", "doc"),
    ("方案.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 wps", "wps"),
])
def test_pdf_images_and_office_files_are_taken_by_their_content(name, content, extension):
    assert attachment_check(SimpleUploadedFile(name, content), label="佐证材料").extension == extension


@pytest.mark.parametrize("name, content", [
    ("通知.pdf", b"<!doctype html><html><script>alert(1)</script></html>"),  # a web page named .pdf
    ("通知.html", b"<html></html>"),
    ("照片.png", b"MZ\x90\x00 a program"),
    ("资料.docx", office(["evil/payload.bin"])),  # a zip, but no office file
    ("资料.zip", b"PK\x03\x04 damaged"),
    ("方案.exe", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an OLE file by another name"),
])
def test_anything_else_is_refused_naming_the_field_and_the_file(name, content):
    with pytest.raises(ValidationError) as refused:
        attachment_check(SimpleUploadedFile(name, content), label="佐证材料", field="evidence")
    (message,) = refused.value.message_dict["evidence"]
    assert message.startswith(f"佐证材料 {name}：") and "只接受 PDF 文件、图片" in message


def test_an_attachment_over_the_size_allowed_or_empty_is_refused(settings):
    settings.EVIDENCE_MAX_BYTES = 1024**2
    with pytest.raises(ValidationError, match="超过了允许的 1 MB"):
        attachment_check(SimpleUploadedFile("扫描件.pdf", b"%PDF-1.4" + b" " * 1024**2), label="佐证材料")
    with pytest.raises(ValidationError, match="文件是空的"):
        attachment_check(SimpleUploadedFile("扫描件.pdf", b""), label="佐证材料")


def test_a_spreadsheet_is_refused_by_its_name_or_size_before_anything_reads_it(settings):
    settings.UPLOAD_MAX_BYTES = 20 * 1024**2
    suffixes = (".xlsx", ".xls", ".csv")
    spreadsheet_check(name="台账.xlsx", size=20 * 1024**2, label="台账文件", suffixes=suffixes)
    with pytest.raises(ValidationError, match="台账文件：文件 台账.csv 为 100.0 MB，超过了允许的 20 MB"):
        spreadsheet_check(name="台账.csv", size=100 * 1024**2, label="台账文件", suffixes=suffixes)
    with pytest.raises(ValidationError, match="台账文件：请选择 .xlsx 或 .xls 或 .csv 文件"):
        spreadsheet_check(name="台账.html", size=10, label="台账文件", suffixes=suffixes)
