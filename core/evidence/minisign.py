"""Ed25519 signatures in minisign's file formats, so that IT can check a pack with
Debian's ``minisign`` tool as well as with the app.

The cryptography is PyNaCl's (libsodium, the library the ``minisign`` tool itself is
built on); this module only reads and writes minisign's documented text formats
(https://jedisct1.github.io/minisign/):

* public key: ``untrusted comment`` line, then base64 of ``"Ed" | key id (8) | key (32)``;
* secret key (unencrypted, as made by ``minisign -G -W``): base64 of ``"Ed" | kdf "\\0\\0" |
  "B2" | salt (32) | opslimit (8) | memlimit (8) | key id (8) | secret key (64) |
  BLAKE2b-256 checksum (32), all zero from ``minisign -W``)``;
* signature: ``untrusted comment``, base64 of ``"ED" | key id | Ed25519(BLAKE2b-512(file))``,
  ``trusted comment``, base64 of ``Ed25519(signature | trusted comment)``.

Example (a throwaway key)::

    >>> key = generate_key()
    >>> sig = sign(b"manifest", key, trusted_comment="pack 1")
    >>> verify(b"manifest", sig, [key.public]).trusted_comment
    'pack 1'
"""

import base64
import binascii
from collections.abc import Callable, Iterable
from typing import Any, Final, NamedTuple

_PREHASHED: Final = b"ED"  # minisign's default: the signature covers BLAKE2b-512(file)
_LEGACY: Final = b"Ed"  # the signature covers the file itself
_KEY_ALG: Final = b"Ed"
_CHECKSUM_ALG: Final = b"B2"
_NO_KDF: Final = b"\0\0"


class SignatureError(ValueError):
    """A key or signature is malformed, made by an unknown key, or does not verify."""


class PublicKey(NamedTuple):
    key_id: bytes  # 8 bytes, as stored
    key: bytes  # 32 bytes

    @property
    def key_id_hex(self) -> str:
        """The key id as minisign prints it (``minisign public key 1A2B…``)."""
        return key_id_text(self.key_id)

    def to_text(self, comment: str | None = None) -> str:
        comment = comment or f"minisign public key {self.key_id_hex}"
        blob = base64.b64encode(_KEY_ALG + self.key_id + self.key).decode("ascii")
        return f"untrusted comment: {comment}\n{blob}\n"


class SecretKey(NamedTuple):
    key_id: bytes
    seed: bytes  # the 32-byte Ed25519 seed
    public: PublicKey

    def to_text(self) -> str:
        """Unencrypted minisign secret key text (for tests' throwaway keys)."""
        secret = self.seed + self.public.key
        checksum = _blake2b(_KEY_ALG + self.key_id + secret, 32)
        blob = (_KEY_ALG + _NO_KDF + _CHECKSUM_ALG + bytes(32) + bytes(8) + bytes(8)
                + self.key_id + secret + checksum)
        return ("untrusted comment: minisign secret key (unencrypted)\n"
                f"{base64.b64encode(blob).decode('ascii')}\n")


class Verified(NamedTuple):
    key: PublicKey
    trusted_comment: str


def _blake2b(data: bytes, digest_size: int) -> bytes:
    """BLAKE2b, from the interpreter's own module when it has one: hashlib would load
    OpenSSL, a cost at every start (see core.digest)."""
    try:
        from _blake2 import blake2b as impl
    except ImportError:  # pragma: no cover - CPython always builds _blake2
        from hashlib import blake2b as impl
    new: Callable[..., Any] = impl
    return bytes(new(data, digest_size=digest_size).digest())


def key_id_text(key_id: bytes) -> str:
    """minisign shows the 8 id bytes as one little-endian 64-bit number in hex."""
    return f"{int.from_bytes(key_id, 'little'):X}"


def _payload(text: str, what: str) -> bytes:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 2 or not lines[0].startswith("untrusted comment:"):
        raise SignatureError(f"not a minisign {what}: no 'untrusted comment' line")
    try:
        return base64.b64decode(lines[1], validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(f"not a minisign {what}: the second line is not base64") from None


def parse_public_key(text: str) -> PublicKey:
    blob = _payload(text, "public key")
    if len(blob) != 42 or blob[:2] != _KEY_ALG:
        raise SignatureError("not a minisign Ed25519 public key")
    return PublicKey(blob[2:10], blob[10:])


def parse_secret_key(text: str) -> SecretKey:
    """An unencrypted secret key (``minisign -G -W``); a password-protected one is refused."""
    blob = _payload(text, "secret key")
    if len(blob) != 158 or blob[:2] != _KEY_ALG or blob[4:6] != _CHECKSUM_ALG:
        raise SignatureError("not a minisign Ed25519 secret key")
    if blob[2:4] != _NO_KDF:
        raise SignatureError("the secret key is password-protected; use an unencrypted key")
    key_id, secret, checksum = blob[54:62], blob[62:126], blob[126:158]
    expected = _blake2b(_KEY_ALG + key_id + secret, 32)
    # minisign 0.11 leaves the checksum of an unencrypted key (-W) all zero
    if checksum not in (expected, bytes(32)):
        raise SignatureError("the secret key is damaged (checksum mismatch)")
    from nacl.signing import SigningKey

    seed = secret[:32]
    public = bytes(SigningKey(seed).verify_key)
    if public != secret[32:]:
        raise SignatureError("the secret key is damaged (public half does not match)")
    return SecretKey(key_id, seed, PublicKey(key_id, public))


def generate_key() -> SecretKey:
    """A fresh random key pair (tests use these; real keys come from ``minisign -G``)."""
    import os

    from nacl.signing import SigningKey

    seed, key_id = os.urandom(32), os.urandom(8)
    return SecretKey(key_id, seed, PublicKey(key_id, bytes(SigningKey(seed).verify_key)))


def sign(message: bytes, key: SecretKey, trusted_comment: str,
         untrusted_comment: str = "signature from minisign secret key") -> str:
    """The minisign signature text of ``message`` (prehashed, like ``minisign -S``).

    Ed25519 is deterministic: the same message, key and comments give the same text.
    """
    from nacl.signing import SigningKey

    if "\n" in trusted_comment or "\r" in trusted_comment:
        raise SignatureError("a trusted comment is one line")
    signer = SigningKey(key.seed)
    digest = _blake2b(message, 64)
    signature = signer.sign(digest).signature
    comment = trusted_comment.encode("utf-8")
    global_signature = signer.sign(signature + comment).signature
    b64 = base64.b64encode
    return (f"untrusted comment: {untrusted_comment}\n"
            f"{b64(_PREHASHED + key.key_id + signature).decode('ascii')}\n"
            f"trusted comment: {trusted_comment}\n"
            f"{b64(global_signature).decode('ascii')}\n")


def verify(message: bytes, signature_text: str, keys: Iterable[PublicKey]) -> Verified:
    """Check ``signature_text`` over ``message`` against the trusted ``keys``.

    Raises :class:`SignatureError` naming what failed: the format, an unknown key,
    the signature, or the trusted comment.
    """
    try:
        from nacl.exceptions import BadSignatureError
        from nacl.signing import VerifyKey
    except ImportError as exc:  # a broken installation: refuse, never skip the check
        raise SignatureError(f"Ed25519 is unavailable in this installation ({exc})") \
            from None

    lines = [line.rstrip("\r") for line in signature_text.strip().split("\n")]
    if (len(lines) != 4 or not lines[0].startswith("untrusted comment:")
            or not lines[2].startswith("trusted comment: ")):
        raise SignatureError("not a minisign signature (expected four lines)")
    try:
        blob = base64.b64decode(lines[1], validate=True)
        global_signature = base64.b64decode(lines[3], validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("not a minisign signature (bad base64)") from None
    if len(blob) != 74 or blob[:2] not in (_PREHASHED, _LEGACY) or len(global_signature) != 64:
        raise SignatureError("not a minisign Ed25519 signature")
    key_id, signature = blob[2:10], blob[10:]
    key = next((k for k in keys if k.key_id == key_id), None)
    if key is None:
        raise SignatureError(f"signed by key {key_id_text(key_id)}, which is not a trusted key")
    signed = _blake2b(message, 64) if blob[:2] == _PREHASHED \
        else message
    comment = lines[2][len("trusted comment: "):]
    verifier = VerifyKey(key.key)
    try:
        verifier.verify(signed, signature)
    except BadSignatureError:
        raise SignatureError(
            f"the signature by key {key.key_id_hex} does not match the signed file") from None
    try:
        verifier.verify(signature + comment.encode("utf-8"), global_signature)
    except BadSignatureError:
        raise SignatureError("the signature's trusted comment has been altered") from None
    return Verified(key, comment)
