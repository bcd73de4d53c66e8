#!/usr/bin/env python3
"""Generates commitment-extra.json: extra ATS protocol v1 vectors for @ats-kit/core.

An independent reference implementation of commitment.md (Python standard library only), written
from the spec and not from the TypeScript code, so the two can catch each other's mistakes.
It is checked against the two published vectors in commitment-v1.json before writing anything.

    python3 packages/core/test/vectors/generate_extra.py

Output is deterministic; re-running it must leave commitment-extra.json unchanged.
"""

import hashlib
import json
import struct
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROTOCOL_VERSION = 1
DEPTH = 5
SLOTS = 2**DEPTH
ROLE_TAGS = {"author": 0, "composer": 1, "arranger": 2, "adapter": 3}


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


ZERO_LEAF = sha256(b"\x00")


# --- canonical encoding -------------------------------------------------------------------------


def encode_string(s: str) -> bytes:
    raw = s.encode("utf-8")  # strict: a lone surrogate raises, it has no UTF-8 form
    return struct.pack("<I", len(raw)) + raw


def encode_optional(s):
    return b"\x00" if s is None else b"\x01" + encode_string(s)


def encode_roles(roles) -> bytes:
    tags = sorted({ROLE_TAGS[r] for r in roles})
    return bytes([len(tags)] + tags)


def encode_creator(c) -> bytes:
    return (
        encode_string(c["full_name"])
        + encode_string(c["email"])
        + encode_roles(c["roles"])
        + encode_optional(c.get("ipi"))
        + encode_optional(c.get("isni"))
    )


# --- fixed-depth Merkle tree --------------------------------------------------------------------


def tree_levels(leaves):
    assert 1 <= len(leaves) <= SLOTS
    level = list(leaves) + [ZERO_LEAF] * (SLOTS - len(leaves))
    levels = [level]
    while len(level) > 1:
        level = [sha256(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
        levels.append(level)
    assert len(levels) == DEPTH + 1
    return levels


def proof(levels, index):
    steps = []
    for depth in range(DEPTH):
        sibling = index + 1 if index % 2 == 0 else index - 1
        steps.append({"sibling": levels[depth][sibling].hex(), "sibling_is_left": index % 2 == 1})
        index //= 2
    return steps


def fold(leaf, steps):
    current = leaf
    for step in steps:
        sibling = bytes.fromhex(step["sibling"])
        current = sha256(sibling + current) if step["sibling_is_left"] else sha256(current + sibling)
    return current


# --- media and the whole pipeline ---------------------------------------------------------------


def media_bytes(spec) -> bytes:
    if "utf8" in spec:
        return spec["utf8"].encode("utf-8")
    n = spec["pattern251"]
    block = bytes(range(251))
    return (block * (n // 251 + 1))[:n]


def expected_for(case):
    media = media_bytes(case["media"])
    assert len(media) > 0, case["name"]
    media_hash = hashlib.sha256(media).digest()  # hashlib hashes incrementally internally
    encoded = [encode_creator(c) for c in case["creators"]]
    leaves = [sha256(e) for e in encoded]
    levels = tree_levels(leaves)
    root = levels[DEPTH][0]
    commitment = sha256(bytes([PROTOCOL_VERSION]) + media_hash + encode_string(case["title"]) + root)
    proofs = [proof(levels, i) for i in range(len(leaves))]
    for leaf, steps in zip(leaves, proofs):
        assert fold(leaf, steps) == root
    return {
        "media_hash": media_hash.hex(),
        "media_size": len(media),
        "encoded_creators": [e.hex() for e in encoded],
        "creator_leaves": [leaf.hex() for leaf in leaves],
        "merkle_root": root.hex(),
        "commitment": commitment.hex(),
        "protocol_version": PROTOCOL_VERSION,
        "creator_proofs": proofs,
    }


# --- cases --------------------------------------------------------------------------------------


def creator(name, email, roles, ipi=None, isni=None):
    return {"full_name": name, "email": email, "roles": roles, "ipi": ipi, "isni": isni}


def cases():
    cafe_nfc = unicodedata.normalize("NFC", "Café Noir")
    cafe_nfd = unicodedata.normalize("NFD", "Café Noir")
    assert cafe_nfc != cafe_nfd
    base_creator = creator("Dana", "dana@example.com", ["composer"])

    all_slots = []
    for i in range(SLOTS):
        roles = [["author"], ["composer", "author"], ["adapter", "arranger"], ["arranger"]][i % 4]
        ipi = str(10**(i % 11)) if i % 3 == 0 else None  # 1 to 11 digits
        isni = ("%015d" % (1000 + i)) + ("X" if i % 2 else "7") if i % 5 in (1, 2) else None
        all_slots.append(creator(f"Creator {i:02d}", f"c{i:02d}@example.com", roles, ipi, isni))

    return [
        {
            "name": "unicode_emoji_cjk",
            "note": "CJK, emoji (4-byte UTF-8, surrogate pairs in UTF-16), accents",
            "title": "夜の歌 🎶 Nocturne №2",
            "creators": [
                creator("李小龍", "li@例え.jp", ["author", "composer"], "00012345678", None),
                creator("Zoë 🎸 Ñúñez", "zoe@example.com", ["arranger"], None, "000000012103268X"),
            ],
            "media": {"utf8": "🎵 bytes ♪ 音"},
        },
        {
            "name": "title_nfc",
            "note": "same visible title as title_nfd, composed form: a different commitment",
            "title": cafe_nfc,
            "creators": [base_creator],
            "media": {"utf8": "same media"},
        },
        {
            "name": "title_nfd",
            "note": "same visible title as title_nfc, decomposed form (e + U+0301)",
            "title": cafe_nfd,
            "creators": [base_creator],
            "media": {"utf8": "same media"},
        },
        {
            "name": "duplicate_roles",
            "note": "[adapter, author, adapter, composer] encodes as 03 00 01 03",
            "title": "Duplicates",
            "creators": [creator("Eve", "eve@example.com", ["adapter", "author", "adapter", "composer"])],
            "media": {"utf8": "dup"},
        },
        {
            "name": "roles_unsorted",
            "note": "same creator as roles_sorted with roles in another order: same leaf",
            "title": "Order",
            "creators": [creator("Finn", "finn@example.com", ["adapter", "arranger", "composer", "author"])],
            "media": {"utf8": "order"},
        },
        {
            "name": "roles_sorted",
            "note": "same creator as roles_unsorted, roles in tag order",
            "title": "Order",
            "creators": [creator("Finn", "finn@example.com", ["author", "composer", "arranger", "adapter"])],
            "media": {"utf8": "order"},
        },
        {
            "name": "all_32_slots",
            "note": "32 creators fill every slot; IPI and ISNI present and absent in turn",
            "title": "Full House",
            "creators": all_slots,
            "media": {"pattern251": 1000},
        },
        {
            "name": "optionals_mixed",
            "note": "ipi only, isni only, both, neither; 1-digit IPI; all-X ISNI",
            "title": "Optionals",
            "creators": [
                creator("Gus", "gus@example.com", ["author"], "7", None),
                creator("Hana", "hana@example.com", ["composer"], None, "XXXXXXXXXXXXXXXX"),
                creator("Ivo", "ivo@example.com", ["arranger"], "99999999999", "0000000000000000"),
                creator("Jade", "jade@example.com", ["adapter"], None, None),
            ],
            "media": {"utf8": "optionals"},
        },
        {
            "name": "untrimmed_and_long",
            "note": "no trimming (spaces kept) and no API caps (a 300-character title)",
            "title": "  " + "L" * 296 + "  ",
            "creators": [creator(" Kai ", " kai@example.com ", ["author"])],
            "media": {"utf8": "long"},
        },
        {
            "name": "media_5mib_plus_3",
            "note": "multi-MiB media, not a multiple of any chunk size",
            "title": "Big File",
            "creators": [creator("Lea", "lea@example.com", ["author", "composer"])],
            "media": {"pattern251": 5 * 1024 * 1024 + 3},
        },
        {
            "name": "media_single_byte",
            "note": "one byte of media (0x00)",
            "title": "Tiny",
            "creators": [creator("Mo", "mo@example.com", ["author"])],
            "media": {"pattern251": 1},
        },
    ]


def check_published_vectors():
    published = json.loads((HERE / "commitment-v1.json").read_text(encoding="utf-8"))
    assert published["zero_leaf"] == ZERO_LEAF.hex()
    for case in published["cases"]:
        ours = expected_for(case)
        theirs = case["expected"]
        for key in ("media_hash", "creator_leaves", "merkle_root", "commitment", "creator_proofs"):
            if ours[key] != theirs[key]:
                sys.exit(f"reference implementation disagrees with {case['name']}.{key}")


def main():
    check_published_vectors()
    out_cases = []
    for case in cases():
        out_cases.append({**case, "expected": expected_for(case)})
    by_name = {c["name"]: c["expected"] for c in out_cases}
    assert by_name["title_nfc"]["commitment"] != by_name["title_nfd"]["commitment"]
    assert by_name["roles_sorted"]["creator_leaves"] == by_name["roles_unsorted"]["creator_leaves"]
    assert by_name["duplicate_roles"]["encoded_creators"][0].find("03000103") > 0
    document = {
        "description": "Extra ATS protocol v1 vectors, generated by generate_extra.py (do not edit).",
        "protocol_version": PROTOCOL_VERSION,
        "zero_leaf": ZERO_LEAF.hex(),
        "cases": out_cases,
    }
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    (HERE / "commitment-extra.json").write_text(text, encoding="utf-8")
    print(f"wrote {len(out_cases)} cases to commitment-extra.json")


if __name__ == "__main__":
    main()
