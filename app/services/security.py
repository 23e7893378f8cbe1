"""The app password: stored only as a salted scrypt hash, never as the password itself.

scrypt is in the standard library and deliberately slow and memory-hard, so a copied
database file does not give away the password by brute force cheaply. The parameters are
written into the stored string so they can be raised later without breaking old hashes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

SCHEME = "scrypt"
N = 2**14
R = 8
P = 1
SALT_BYTES = 16
HASH_BYTES = 32
# OpenSSL refuses scrypt above its default 32 MiB memory ceiling for some n/r; give it room.
_MAXMEM = 64 * 1024 * 1024


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=length)


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt_b64$hash_b64`` with a fresh random salt, so equal passwords hash differently."""
    salt = os.urandom(SALT_BYTES)
    digest = _scrypt(password, salt, N, R, P, HASH_BYTES)
    return f"{SCHEME}${N}${R}${P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored``; a malformed ``stored`` never matches (and never raises)."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        return False
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt = base64.b64decode(parts[4], validate=True)
        expected = base64.b64decode(parts[5], validate=True)
        if n < 2 or n & (n - 1) or r < 1 or p < 1 or n > 2**20 or not expected:
            return False
        actual = _scrypt(password, salt, n, r, p, len(expected))
    except (ValueError, binascii.Error, MemoryError):
        return False
    # Constant-time comparison: how long the check takes says nothing about how close a guess was.
    return hmac.compare_digest(actual, expected)


def password_is_set(stored: str) -> bool:
    return bool(stored.strip())
