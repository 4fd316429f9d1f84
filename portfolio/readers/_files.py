"""Reading a file's bytes as text, with clear errors for the wrong encoding."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from ..errors import InputError
from ..input_files import read_input_bytes

__all__ = ["BROKEN_PACKAGE", "read_text"]


def read_text(path: Path) -> str:
    """Read UTF-8 text (with or without a BOM; UTF-16 with a BOM is accepted too).

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    str
        Its text with the BOM removed.

    Raises
    ------
    InputError
        If the file is missing, not a regular file (a FIFO), empty, an Office file, holds NUL bytes (UTF-16
        without a BOM), or is not UTF-8 (for example saved as cp1258): the
        message names the line of the first undecodable byte.
    """
    data = read_input_bytes(path)
    if not data.strip():
        raise InputError("the file is empty", file=str(path))
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            "is an Office file (a zip package or an old .xls/.doc), not text; "
            "give a workbook the suffix .xlsx and a document .docx",
            file=str(path),
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("starts with a UTF-16 mark but is not UTF-16 text", file=str(path)) from None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError(
            "holds NUL bytes: UTF-16 text without a byte-order mark, or not a text file; save it as UTF-8",
            file=str(path),
            row=f"line {line}",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8 "
            "(a cp1258/Windows export must be converted)",
            file=str(path),
            row=f"line {line}",
        ) from None


# What a damaged package makes zipfile, lxml, openpyxl or python-docx raise (found by
# fuzzing valid files: flipped bytes, truncated or missing members, odd zip headers).
BROKEN_PACKAGE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    LookupError,  # KeyError: a missing member; IndexError
    EOFError,
    zlib.error,
    SyntaxError,  # xml.etree ParseError and lxml's XMLSyntaxError
    TypeError,
    ValueError,  # python-docx: "file '…' is not a Word file, content type is …"
    NotImplementedError,  # zipfile: "zip file version 9.8", an unknown compression method
    AttributeError,  # python-docx/lxml on a relationships part of the wrong shape
    OSError,  # openpyxl: "File contains no valid workbook part"; a bad zip offset
)
