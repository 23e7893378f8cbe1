"""Payslip PDF encryption: AES-256, the PDF 2.0 standard security handler (``/V 5``, ``/R 6``).

reportlab draws the payslip unencrypted into memory; :func:`encrypt_pdf` then rewrites those
bytes through pypdf's public API (``PdfWriter(clone_from=...)`` and ``encrypt(..., algorithm=
"AES-256")``), which derives the keys with revision 6's iterated SHA-2/AES hash (ISO 32000-2
algorithm 2.B) and encrypts every string and stream with AES-256-CBC through ``cryptography``.
Revision 6 is what makes a short password expensive to guess; RC4-128 (revision 3) let a
6-digit password fall in about a minute.
"""

from __future__ import annotations

import io
import secrets

from pypdf import PdfWriter
from pypdf.constants import UserAccessPermissions

# What the agent may do with her own payslip: print it (also at full quality), copy from it and
# let a screen reader extract it. Changing, annotating, filling in or reassembling it needs the
# owner password, which is random per file and never kept (see encrypt_pdf).
PAYSLIP_PERMISSIONS = UserAccessPermissions.from_dict(
    {
        "print": True,
        "print_to_representation": True,
        "extract": True,
        "extract_text_and_graphics": True,
    }
)


def encrypt_pdf(data: bytes, user_password: str) -> bytes:
    """``data`` (an unencrypted PDF) encrypted with AES-256 for ``user_password``.

    The owner password is random for each file and thrown away, so nobody can lift the
    permissions above through the owner route and re-issue an edited slip as genuine.
    The header says PDF 2.0, the version that defines revision 6.
    """
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.pdf_header = "%PDF-2.0"
    writer.encrypt(
        user_password=user_password,
        owner_password=secrets.token_urlsafe(24),
        permissions_flag=PAYSLIP_PERMISSIONS,
        algorithm="AES-256",
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
