"""The app password is stored as a salted scrypt hash and checked in constant time."""

from __future__ import annotations

import base64

import pytest

from app.services.security import hash_password, password_is_set, verify_password


def test_hash_has_the_documented_shape() -> None:
    stored = hash_password("秘密1234")
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**14), "8", "1")
    assert len(base64.b64decode(salt)) == 16
    assert len(base64.b64decode(digest)) == 32
    assert "秘密" not in stored


def test_verify_accepts_only_the_password() -> None:
    stored = hash_password("correct horse")
    assert verify_password("correct horse", stored)
    assert not verify_password("correct horse ", stored)
    assert not verify_password("", stored)


def test_same_password_hashes_differently_each_time() -> None:
    assert hash_password("abcd") != hash_password("abcd")


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "plain-text",
        "scrypt$16384$8$1$bad$bad",
        "md5$1$1$1$AAAA$AAAA",
        "scrypt$3$8$1$AAAAAAAA$AAAAAAAA",
        "scrypt$x$8$1$AAAA$AAAA",
    ],
)
def test_malformed_stored_values_never_match_and_never_raise(stored: str) -> None:
    assert not verify_password("anything", stored)


def test_password_is_set() -> None:
    assert not password_is_set("")
    assert not password_is_set("  ")
    assert password_is_set(hash_password("abcd"))
