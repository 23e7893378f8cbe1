"""PDF encryption for payslips: reportlab's standard security handler with a faster RC4.

reportlab encrypts each PDF object with RC4 (128-bit, PDF revision 3) through a pure-Python
cipher that updates object attributes for every byte; with the embedded CJK font subset
(≈ 35 KB per payslip) that alone capped an encrypted batch near 30 payslips a second. The
cipher below is the same RC4 with the keystream in local variables and the XOR done on whole
integers — identical output (the tests compare it with reportlab's ``ArcIV`` and the RFC 6229
vectors), about three times faster. Everything else (key derivation, permissions, the
encryption dictionary) is reportlab's own.
"""

from __future__ import annotations

from collections.abc import Callable
from hashlib import md5

from reportlab.lib.pdfencrypt import StandardEncryption


def _native_rc4() -> Callable[[bytes, bytes], bytes] | None:
    """RC4 from the ``cryptography`` package (C speed) when it is installed and allows the key size."""
    try:
        from cryptography.hazmat.decrepit.ciphers.algorithms import ARC4
        from cryptography.hazmat.primitives.ciphers import Cipher
    except ImportError:
        return None

    def native(key: bytes, data: bytes) -> bytes:
        return Cipher(ARC4(key), mode=None).encryptor().update(data)

    return native


_NATIVE = _native_rc4()
_NATIVE_KEY_SIZES = {5, 7, 8, 10, 16, 24, 32}  # bytes; what cryptography accepts for RC4


def rc4(key: bytes, data: bytes) -> bytes:
    """RC4 (ARCFOUR) of ``data`` under ``key`` — encryption and decryption are the same.

    The pure-Python cipher below costs about 10 ms per payslip's font; ``cryptography``'s does the
    same in microseconds, so it is used whenever it can take the key.
    """
    if _NATIVE is not None and len(key) in _NATIVE_KEY_SIZES:
        return _NATIVE(key, data)
    return rc4_python(key, data)


def rc4_python(key: bytes, data: bytes) -> bytes:
    """The same cipher in plain Python: the fallback, and the reference the tests compare against."""
    sbox = list(range(256))
    j = 0
    klen = len(key)
    for i in range(256):
        j = (j + sbox[i] + key[i % klen]) & 255
        sbox[i], sbox[j] = sbox[j], sbox[i]
    n = len(data)
    stream = bytearray(n)
    i = j = 0
    for p in range(n):
        i = (i + 1) & 255
        si = sbox[i]
        j = (j + si) & 255
        sj = sbox[j]
        sbox[i] = sj
        sbox[j] = si
        stream[p] = sbox[(si + sj) & 255]
    return (int.from_bytes(data, "little") ^ int.from_bytes(stream, "little")).to_bytes(n, "little")


class PayslipEncryption(StandardEncryption):
    """128-bit RC4 PDF encryption (opens in every PDF reader, including pypdf without extras)."""

    def __init__(self, user_password: str, owner_password: str) -> None:
        super().__init__(
            user_password,
            ownerPassword=owner_password,
            canPrint=1,
            canModify=0,
            canCopy=0,
            canAnnotate=0,
            strength=128,
        )

    def encode(self, t: bytes | str) -> bytes:
        if not self.prepared:
            raise ValueError("encryption not prepared!")
        if self.objnum is None:
            raise ValueError("not registered in PDF object")
        if self.revision != 3:  # not reached with strength=128; keep reportlab's path for anything else
            return super().encode(t)  # type: ignore[no-any-return]
        data = t.encode("utf8") if isinstance(t, str) else bytes(t)
        # PDF 1.7 §7.6.2 algorithm 1: the object key is MD5(file key + object number + generation).
        salt = self.objnum.to_bytes(3, "little") + int(self.version).to_bytes(2, "little")
        return rc4(md5(self.key + salt).digest(), data)


class _NativeArcIV:
    """Drop-in for reportlab's ``ArcIV`` (``ArcIV(key).encode(data)``) backed by :func:`rc4`."""

    def __init__(self, key: bytes | str) -> None:
        self._key = key.encode("latin-1") if isinstance(key, str) else bytes(key)

    def encode(self, data: bytes | str) -> bytes:
        raw = data.encode("latin-1") if isinstance(data, str) else bytes(data)
        return rc4(self._key, raw)


def _install_native_arciv() -> None:
    """reportlab derives the O and U entries of every encrypted file with 40 rounds of its pure-Python
    RC4 (a few milliseconds a payslip); with ``cryptography`` present, those rounds use the native
    cipher instead. Same bytes out — the tests compare against reportlab's original class."""
    if _NATIVE is None:
        return
    import reportlab.lib.arciv as arciv

    arciv.ArcIV = _NativeArcIV  # type: ignore[misc,assignment]


REPORTLAB_ARCIV = __import__("reportlab.lib.arciv", fromlist=["ArcIV"]).ArcIV  # the original, for the tests
_install_native_arciv()
