"""Hostile workbooks built in code: small uploads whose sheets expand to millions of cells or rows."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from openpyxl import Workbook

from indicators.xlsx_layout import SHEET_APPENDIX1

SHEET_XML_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_XML_TAIL = b"</sheetData></worksheet>"


def _with_sheet(rows: Iterator[bytes]) -> bytes:
    """A real workbook (sheet 附件1 from openpyxl) whose sheet XML is replaced by ``rows``, streamed."""
    workbook = Workbook()
    workbook.active.title = SHEET_APPENDIX1  # type: ignore[union-attr]
    plain = io.BytesIO()
    workbook.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with target.open(info.filename, "w") as sheet:
                    sheet.write(SHEET_XML_HEAD)
                    for chunk in rows:
                        sheet.write(chunk)
                    sheet.write(SHEET_XML_TAIL)
            else:
                target.writestr(info, source.read(info.filename))
    return out.getvalue()


def expanding_workbook(cells: int = 14_000_000, per_row: int = 16_384) -> bytes:
    """About 150 KB that openpyxl would load as ``cells`` empty cells (16,384 columns a row, Excel's maximum)."""

    def rows() -> Iterator[bytes]:
        row = b"<row>" + b"<c/>" * per_row + b"</row>"
        for _ in range(cells // per_row):
            yield row

    return _with_sheet(rows())


def million_row_workbook(rows: int = 1_000_000) -> bytes:
    """One number in each of ``rows`` rows."""

    def chunks() -> Iterator[bytes]:
        batch = 10_000
        for start in range(1, rows + 1, batch):
            yield b"".join(
                b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n)
                for n in range(start, min(start + batch, rows + 1))
            )

    return _with_sheet(chunks())


def _replaced(data: bytes, part: str, old: bytes, new: bytes) -> bytes:
    """``data`` with the first ``old`` in the archive member ``part`` replaced by ``new``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            target.writestr(info, body.replace(old, new, 1) if info.filename == part else body)
    return out.getvalue()


def doctype_workbook() -> bytes:
    """A sheet with an internal DTD (entity expansion): no Excel writes one."""
    data = _with_sheet(iter([b"<row><c/></row>"]))
    dtd = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]><worksheet'
    return _replaced(data, "xl/worksheets/sheet1.xml", b"<worksheet", dtd)


def doctype_in_workbook_part() -> bytes:
    """An external entity in xl/workbook.xml (not a sheet): refused before any parser reads it."""
    data = _with_sheet(iter([b"<row><c/></row>"]))
    dtd = b'<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]><workbook'
    return _replaced(data, "xl/workbook.xml", b"<workbook", dtd)
