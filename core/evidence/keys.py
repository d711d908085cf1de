"""The maintainers' public keys, embedded: a pack must be signed by one of them.

Two keys (minisign format, made with ``minisign -G``): the current one signs the packs
shipped now; the next one is embedded ahead of a rotation, so that packs signed with
it are accepted by apps installed before the rotation (docs/install.md, "Key
rotation"). The private keys never enter this repository.
"""

from __future__ import annotations

from typing import Final

from core.evidence.minisign import PublicKey, parse_public_key

CURRENT_KEY_TEXT: Final = """\
untrusted comment: minisign public key CE9E24DC3BB4066F
RWRvBrQ73CSezkopSv6GJWF9kBBtTBI5t97ArEFTv0j6nTpthBl4vP4o
"""
NEXT_KEY_TEXT: Final = """\
untrusted comment: minisign public key 2DB8026A0F7E476D
RWRtR34PagK4LR+OwMkcpbEPJNe7caNkLGejTcwUzalK7RDTPnCrVnFt
"""


def embedded_keys() -> tuple[PublicKey, ...]:
    """The keys a pack may be signed with: current first, then next.

    >>> [k.key_id_hex for k in embedded_keys()]
    ['CE9E24DC3BB4066F', '2DB8026A0F7E476D']
    """
    return (parse_public_key(CURRENT_KEY_TEXT), parse_public_key(NEXT_KEY_TEXT))
