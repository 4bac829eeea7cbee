#!/usr/bin/env python3
"""Writes the BagIt conformance set: one small bag per rule, in
valid/, invalid/ and warning/ (as the Library of Congress conformance suite
lays its cases out), and cases.tsv naming each case's spec section.

Run from this folder: python3 make.py (it rewrites valid/, invalid/,
warning/ and cases.tsv). Every byte is deterministic.
"""
import hashlib
import os
import shutil
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = []

DECL = {
    v: f"BagIt-Version: {v}\nTag-File-Character-Encoding: UTF-8\n".encode()
    for v in ["0.93", "0.94", "0.95", "0.96", "0.97", "1.0"]
}


def digest(alg, data):
    return hashlib.new(alg, data).hexdigest()


def info_name(version):
    return "package-info.txt" if version in ("0.93", "0.94", "0.95") else "bag-info.txt"


# The check that fails (invalid) or warns (warning) in each case.
CODES = {
    "v1.0-md5-sha1": "bag.manifests", "v0.97-dot-slash-paths": "bag.path-form",
    "v1.0-bagit-txt-bom": "bag.declaration", "v0.97-bagit-txt-bom": "bag.declaration",
    "v2.0-unknown-version": "bag.declaration", "v0.99-unknown-version": "bag.declaration",
    "v1.0-bagit-txt-three-lines": "bag.declaration", "v1.0-bagit-txt-reversed": "bag.declaration",
    "v1.0-no-bagit-txt": "bag.declaration", "v1.0-no-data-folder": "bag.complete",
    "v1.0-no-payload-manifest": "bag.manifests", "v1.0-unlisted-payload-file": "bag.complete",
    "v1.0-missing-payload-file": "bag.complete", "v1.0-wrong-digest": "bag.payload-digest",
    "v1.0-listed-in-one-manifest": "bag.complete", "v1.0-listed-twice": "bag.manifests",
    "v1.0-payload-manifest-lists-tag-file": "bag.manifests", "v1.0-path-outside-bag": "bag.manifests",
    "v1.0-absolute-path": "bag.manifests", "v1.0-backslash-separator": "bag.manifests",
    "v1.0-bare-percent": "bag.manifests", "v1.0-bag-info-no-space-after-colon": "bag.info",
    "v1.0-bag-info-space-before-colon": "bag.info", "v1.0-bag-info-empty-line": "bag.info",
    "v1.0-bag-info-no-colon": "bag.info", "v1.0-oxum-wrong": "bag.oxum", "v1.0-oxum-repeated": "bag.oxum",
    "v1.0-oxum-malformed": "bag.oxum", "v1.0-fetch-outside-bag": "bag.fetch",
    "v1.0-fetch-relative-url": "bag.fetch", "v1.0-fetch-tag-file": "bag.fetch",
    "v1.0-fetch-not-in-manifest": "bag.fetch", "v1.0-tag-digest-wrong": "bag.tag-digest",
    "v1.0-tag-file-missing": "bag.complete", "v1.0-tag-manifest-lists-payload": "bag.manifests",
    "v1.0-tag-manifest-omits-manifest": "bag.manifests", "v1.0-utf-8-tag-file-bom": "bag.manifests",
    "v1.0-not-utf-8": "bag.info", "v1.0-digest-length": "bag.manifests",
    "v1.0-unknown-encoding": "bag.declaration", "v0.97-path-outside-bag": "bag.manifests",
    "v1.0-names-differ-in-case": "bag.name-case", "v1.0-normalization-differs": "bag.name-normalization",
    "v1.0-two-names-one-normalization": "bag.name-normalization", "v1.0-relative-path-inside": "bag.path-form",
    "v1.0-dot-slash-path": "bag.path-form", "v1.0-md5sum-star": "bag.path-form",
    "v1.0-ds-store-unlisted": "bag.system-file", "v1.0-thumbs-db-listed": "bag.system-file",
    "v1.0-fetch-absent": "bag.fetch", "v1.0-unlisted-tag-file": "bag.unlisted-tag-file",
    "v0.96-bagit-txt-bom": "bag.declaration", "v0.97-listed-twice-same-digest": "bag.manifests",
}


def make(category, name, spec, note, files):
    CASES.append((category, name, CODES.get(name, ""), spec, note))
    root = os.path.join(HERE, category, name)
    for path, data in files.items():
        full = os.path.join(root, *path.split("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)


def bag(version="1.0", payload=None, algs=("sha512",), tag_algs=(), info=None,
        encoding=None, encode=None, listed=None, extra=None, oxum=True, drop=()):
    """The files of a valid bag; `listed` overrides manifest paths
    (payload path -> written path); `encode` turns tag-file text into bytes."""
    payload = payload if payload is not None else {"data/hello.txt": b"Hello, bag.\n"}
    encode = encode or (lambda s: s.encode("utf-8"))
    files = {}
    files["bagit.txt"] = (DECL[version] if encoding is None else
                          f"BagIt-Version: {version}\nTag-File-Character-Encoding: {encoding}\n".encode())
    files.update(payload)
    for alg in algs:
        lines = "".join(f"{digest(alg, data)}  {(listed or {}).get(p, p)}\n"
                        for p, data in sorted(payload.items()))
        files[f"manifest-{alg}.txt"] = encode(lines)
    meta = list(info) if info is not None else ["Source-Organization: docseal tests"]
    if oxum:
        meta.append(f"Payload-Oxum: {sum(len(d) for d in payload.values())}.{len(payload)}")
    files[info_name(version)] = encode("".join(m + "\n" for m in meta))
    files.update(extra or {})
    for d in drop:
        files.pop(d, None)
    for alg in tag_algs:
        tags = sorted(p for p in files if not p.startswith("data/") and not p.startswith("tagmanifest-"))
        files[f"tagmanifest-{alg}.txt"] = encode(
            "".join(f"{digest(alg, files[p])}  {p}\n" for p in tags))
    return files


def relist(files, alg, text):
    files[f"manifest-{alg}.txt"] = text.encode()
    return files


def main():
    for category in ("valid", "invalid", "warning"):
        shutil.rmtree(os.path.join(HERE, category), ignore_errors=True)
    H = b"Hello, bag.\n"
    h512 = digest("sha512", H)

    # ---- valid ----
    make("valid", "v1.0-basic", "RFC 8493 §2", "", bag())
    make("valid", "v1.0-sha256-sha512-and-tag-manifests", "RFC 8493 §2.1.3, §2.2.1", "",
         bag(algs=("sha256", "sha512"), tag_algs=("sha256", "sha512")))
    make("valid", "v1.0-sha224-sha384", "RFC 8493 §2.4 (IANA named-information algorithms)", "",
         bag(algs=("sha224", "sha384")))
    make("valid", "v1.0-md5-sha1", "RFC 8493 §2.4 (MD5, SHA-1 for backwards compatibility)",
         "docseal warns: weak algorithms only", bag(algs=("md5", "sha1")))
    make("valid", "v1.0-crlf-endings", "RFC 8493 §2.3 (LF, CR or CRLF)", "",
         {k: (v.replace(b"\n", b"\r\n") if not k.startswith("data/") else v)
          for k, v in bag().items()})
    cr = {k: (v.replace(b"\n", b"\r") if not k.startswith("data/") else v) for k, v in bag().items()}
    make("valid", "v1.0-cr-endings", "RFC 8493 §2.3", "", cr)
    nofinal = bag()
    nofinal["manifest-sha512.txt"] = nofinal["manifest-sha512.txt"].rstrip(b"\n")
    nofinal["bag-info.txt"] = nofinal["bag-info.txt"].rstrip(b"\n")
    make("valid", "v1.0-no-final-newline", "RFC 8493 §2.3 (the last line's ending is RECOMMENDED)", "", nofinal)
    tabs = bag(info=["Source-Organization:\tdocseal tests"])
    relist(tabs, "sha512", f"{h512}\tdata/hello.txt\n")
    make("valid", "v1.0-tab-separators", "RFC 8493 §2.1.3, §2.2.2 (space or tab)", "", tabs)
    upper = bag()
    relist(upper, "sha512", f"{h512.upper()}  data/hello.txt\n")
    make("valid", "v1.0-uppercase-hex", "RFC 8493 §2.1.3", "", upper)
    make("valid", "v1.0-percent-encoded-path", "RFC 8493 §2.1.3 (% as %25)",
         "bagit.py decodes only %0A and %0D",
         bag(payload={"data/100%.txt": H}, listed={"data/100%.txt": "data/100%25.txt"}))
    make("valid", "v1.0-spaces-in-names", "RFC 8493 §2.1.3", "",
         bag(payload={"data/a file with spaces.txt": H}))
    make("valid", "v1.0-nested-payload", "RFC 8493 §2.1.2", "",
         bag(payload={"data/a/b/c.txt": H, "data/a/d.txt": b"d"}))
    make("valid", "v1.0-utf-16-with-bom", "RFC 8493 §2.1.1, §2.3 (any IANA encoding; BOM where needed)", "",
         bag(encoding="UTF-16", encode=lambda s: b"\xff\xfe" + s.encode("utf-16-le")))
    make("valid", "v1.0-utf-16be", "RFC 8493 §2.1.1; RFC 2781", "",
         bag(encoding="UTF-16BE", encode=lambda s: s.encode("utf-16-be")))
    make("valid", "v1.0-iso-8859-1", "RFC 8493 §2.1.1", "a Latin-1 manifest naming data/café.txt",
         bag(encoding="ISO-8859-1", payload={"data/caf\u00e9.txt": H}, encode=lambda s: s.encode("latin-1")))
    make("valid", "v1.0-windows-1252", "RFC 8493 §2.1.1", "",
         bag(encoding="windows-1252", info=["Source-Organization: \u20ac docseal"],
             encode=lambda s: s.encode("cp1252")))
    make("valid", "v1.0-fetch-present", "RFC 8493 §2.2.3", "the fetched file is already present",
         bag(extra={"fetch.txt": f"https://example.org/hello.txt {len(H)} data/hello.txt\n".encode()}))
    make("valid", "v1.0-bag-info-continuation", "RFC 8493 §2.2.2 (long values continued)", "",
         bag(info=["External-Description: a long value", "  continued on the next line"]))
    make("valid", "v1.0-repeated-elements", "RFC 8493 §2.2.2 (elements MAY be repeated)", "",
         bag(info=["Source-Organization: one", "Source-Organization: two"]))
    make("valid", "v1.0-other-tag-files", "RFC 8493 §2.2.4", "",
         bag(tag_algs=("sha512",), extra={"meta/notes.txt": b"notes\n"}))
    make("valid", "v1.0-empty-bag-info", "RFC 8493 §2.2.2 (every element optional)", "",
         bag(info=[], oxum=False))
    make("valid", "v0.97-basic", "draft-kunze-bagit-14 §2", "", bag(version="0.97", tag_algs=("md5",), algs=("md5",)))
    make("valid", "v0.97-utf-16be", "draft-kunze-bagit-14 §2.1.1", "as the LoC suite's UTF-16-encoded-tag-files",
         bag(version="0.97", encoding="UTF-16BE", encode=lambda s: s.encode("utf-16-be")))
    make("valid", "v0.97-dot-slash-paths", "draft-kunze-bagit-14 §2.1.3 (paths relative to the base directory)",
         "docseal warns (bag.path-form)", bag(version="0.97", listed={"data/hello.txt": "./data/hello.txt"}))
    make("valid", "v0.97-whitespace-around-colon", "RFC 8493 §2.2.2 (before 1.0, any whitespace around the colon)", "",
         bag(version="0.97", info=["Source-Organization  :   docseal tests", "Contact-Name:nobody"]))
    make("valid", "v0.97-literal-percent", "draft-kunze-bagit-14 §2.1.3 (no percent-encoding before 1.0)", "",
         bag(version="0.97", payload={"data/100%25.txt": H}))
    make("valid", "v0.96-basic", "draft-kunze-bagit-05 §2", "", bag(version="0.96"))
    make("valid", "v0.96-listed-in-one-manifest", "RFC 8493 §3 (older versions: listed in just one manifest)", "",
         relist(bag(version="0.96", algs=("md5", "sha1"), payload={"data/a.txt": b"a", "data/b.txt": b"b"}),
                "sha1", f"{digest('sha1', b'a')}  data/a.txt\n"))
    make("valid", "v0.95-package-info", "draft-kunze-bagit-02 (package-info.txt)", "", bag(version="0.95"))
    make("valid", "v0.94-basic", "draft-kunze-bagit-01", "", bag(version="0.94"))
    make("valid", "v0.93-basic", "draft-kunze-bagit-00", "", bag(version="0.93", algs=("md5",)))

    # ---- invalid ----
    bom = bag()
    bom["bagit.txt"] = b"\xef\xbb\xbf" + bom["bagit.txt"]
    make("invalid", "v1.0-bagit-txt-bom", "RFC 8493 §2.1.1 (MUST NOT contain a BOM)", "", bom)
    bom97 = bag(version="0.97")
    bom97["bagit.txt"] = b"\xef\xbb\xbf" + bom97["bagit.txt"]
    make("invalid", "v0.97-bagit-txt-bom", "draft-kunze-bagit-14 §2.1.1", "", bom97)
    v2 = bag()
    v2["bagit.txt"] = b"BagIt-Version: 2.0\nTag-File-Character-Encoding: UTF-8\n"
    make("invalid", "v2.0-unknown-version", "RFC 8493 §2.1.1 (M.N); FORMAT.md (unknown versions refused)",
         "bagit.py accepts any version below 2.0", v2)
    v099 = bag()
    v099["bagit.txt"] = b"BagIt-Version: 0.99\nTag-File-Character-Encoding: UTF-8\n"
    make("invalid", "v0.99-unknown-version", "no BagIt 0.99 exists", "bagit.py accepts it", v099)
    three = bag()
    three["bagit.txt"] += b"Extra: line\n"
    make("invalid", "v1.0-bagit-txt-three-lines", "RFC 8493 §2.1.1 (exactly two lines)", "", three)
    rev = bag()
    rev["bagit.txt"] = b"Tag-File-Character-Encoding: UTF-8\nBagIt-Version: 1.0\n"
    make("invalid", "v1.0-bagit-txt-reversed", "RFC 8493 §2.1.1 (in this order)", "", rev)
    make("invalid", "v1.0-no-bagit-txt", "RFC 8493 §2.1.1", "", bag(drop=("bagit.txt",)))
    make("invalid", "v1.0-no-data-folder", "RFC 8493 §2.1.2", "",
         bag(payload={}, oxum=False))
    make("invalid", "v1.0-no-payload-manifest", "RFC 8493 §2.1.3 (at least one)", "", bag(drop=("manifest-sha512.txt",)))
    unl = bag()
    unl["data/extra.txt"] = b"not listed"
    make("invalid", "v1.0-unlisted-payload-file", "RFC 8493 §3", "", unl)
    miss = bag()
    del miss["data/hello.txt"]
    miss["data/other.txt"] = b"x"
    relist(miss, "sha512", f"{h512}  data/hello.txt\n{digest('sha512', b'x')}  data/other.txt\n")
    make("invalid", "v1.0-missing-payload-file", "RFC 8493 §3", "", miss)
    wrong = bag()
    wrong["data/hello.txt"] = b"Hello, bag!\n"
    make("invalid", "v1.0-wrong-digest", "RFC 8493 §3 (valid)", "", wrong)
    one = bag(algs=("sha256", "sha512"), payload={"data/a.txt": b"a", "data/b.txt": b"b"})
    relist(one, "sha256", f"{digest('sha256', b'a')}  data/a.txt\n")
    make("invalid", "v1.0-listed-in-one-manifest", "RFC 8493 §3 (from 1.0, every manifest)",
         "bagit.py accepts it", one)
    dup = bag()
    relist(dup, "sha512", f"{h512}  data/hello.txt\n{h512}  data/hello.txt\n")
    make("invalid", "v1.0-listed-twice", "RFC 8493 §2.1.3 (exactly once)", "", dup)
    make("invalid", "v1.0-payload-manifest-lists-tag-file", "RFC 8493 §2.1.3 (MUST NOT reference files outside data/)", "",
         relist(bag(), "sha512", f"{h512}  data/hello.txt\n{digest('sha512', DECL['1.0'])}  bagit.txt\n"))
    make("invalid", "v1.0-path-outside-bag", "RFC 8493 §7.1", "the LoC suite's out-of-scope-file-paths-using-dot-notation",
         relist(bag(), "sha512", f"{h512}  data/hello.txt\n{h512}  data/../../outside.txt\n"))
    make("invalid", "v1.0-absolute-path", "RFC 8493 §7.1", "",
         relist(bag(), "sha512", f"{h512}  data/hello.txt\n{h512}  /etc/hostname\n"))
    make("invalid", "v1.0-backslash-separator", "RFC 8493 §2.1.3 (`/` MUST separate)", "bagit.py accepts it",
         bag(payload={"data/sub/hello.txt": H}, listed={"data/sub/hello.txt": "data\\sub\\hello.txt"}))
    make("invalid", "v1.0-bare-percent", "RFC 8493 §2.1.3 (only %, CR, LF encoded, and always)", "bagit.py accepts it",
         bag(payload={"data/a%20b.txt": H}))
    make("invalid", "v1.0-bag-info-no-space-after-colon", "RFC 8493 §2.2.2 (colon, one space or tab)",
         "bagit.py accepts it", bag(info=["Source-Organization:docseal"]))
    make("invalid", "v1.0-bag-info-space-before-colon", "RFC 8493 §2.2.2 (label MUST NOT end with whitespace)",
         "bagit.py accepts it", bag(info=["Source-Organization : docseal"]))
    make("invalid", "v1.0-bag-info-empty-line", "RFC 8493 §2.2.2, §2.3", "bagit.py accepts it",
         bag(info=["Source-Organization: docseal", "", "Contact-Name: nobody"]))
    make("invalid", "v1.0-bag-info-no-colon", "RFC 8493 §2.2.2", "", bag(info=["just some text"]))
    make("invalid", "v1.0-oxum-wrong", "RFC 8493 §2.2.2 (Payload-Oxum)", "",
         bag(info=["Payload-Oxum: 999.1"], oxum=False))
    make("invalid", "v1.0-oxum-repeated", "RFC 8493 §2.2.2 (MUST NOT be repeated)", "bagit.py warns",
         bag(info=[f"Payload-Oxum: {len(H)}.1"]))
    make("invalid", "v1.0-oxum-malformed", "RFC 8493 §2.2.2 (OctetCount.StreamCount)", "",
         bag(info=["Payload-Oxum: twelve.one"], oxum=False))
    make("invalid", "v1.0-fetch-outside-bag", "RFC 8493 §7.1, §2.2.3", "",
         bag(extra={"fetch.txt": b"https://example.org/x 5 ../../etc/passwd\n"}))
    make("invalid", "v1.0-fetch-relative-url", "RFC 8493 §2.2.3 (absolute URI)", "",
         bag(extra={"fetch.txt": f"hello.txt {len(H)} data/hello.txt\n".encode()}))
    make("invalid", "v1.0-fetch-tag-file", "RFC 8493 §2.2.3 (MUST NOT list tag files)", "bagit.py accepts it",
         bag(extra={"fetch.txt": b"https://example.org/b 10 bag-info.txt\n"}))
    make("invalid", "v1.0-fetch-not-in-manifest", "RFC 8493 §2.2.3 (listed in every payload manifest)",
         "bagit.py says only that the file is missing", bag(extra={"fetch.txt": b"https://example.org/x 5 data/x.txt\n"}))
    twrong = bag(tag_algs=("sha512",))
    twrong["bag-info.txt"] += b"Contact-Name: changed after\n"
    make("invalid", "v1.0-tag-digest-wrong", "RFC 8493 §3 (every tag manifest checksum)", "", twrong)
    tmiss = bag(tag_algs=("sha512",), extra={"meta/gone.txt": b"gone"})
    del tmiss["meta/gone.txt"]
    make("invalid", "v1.0-tag-file-missing", "RFC 8493 §3 (every file in every tag manifest present)", "", tmiss)
    tpay = bag(tag_algs=("sha512",))
    tpay["tagmanifest-sha512.txt"] += f"{h512}  data/hello.txt\n".encode()
    make("invalid", "v1.0-tag-manifest-lists-payload", "RFC 8493 §2.2.1 (MUST NOT list payload files)", "bagit.py accepts it", tpay)
    tomit = bag(tag_algs=("sha512",))
    tomit["tagmanifest-sha512.txt"] = f"{digest('sha512', tomit['bagit.txt'])}  bagit.txt\n".encode()
    make("invalid", "v1.0-tag-manifest-omits-manifest", "RFC 8493 §2.2.1 (MUST list every payload manifest)",
         "bagit.py accepts it", tomit)
    mbom = bag()
    mbom["manifest-sha512.txt"] = b"\xef\xbb\xbf" + mbom["manifest-sha512.txt"]
    make("invalid", "v1.0-utf-8-tag-file-bom", "RFC 8493 §2.3 (UTF-8 tag files MUST NOT begin with a BOM)",
         "bagit.py only warns", mbom)
    bad8 = bag()
    bad8["bag-info.txt"] = b"Source-Organization: \xff\xfe\n"
    make("invalid", "v1.0-not-utf-8", "RFC 8493 §2.3 (the declared encoding)", "", bad8)
    make("invalid", "v1.0-digest-length", "RFC 8493 §2.1.3, §2.4", "bagit.py reports a mismatch",
         relist(bag(), "sha512", f"{h512[:64]}  data/hello.txt\n"))
    make("invalid", "v1.0-unknown-encoding", "RFC 8493 §2.1.1 (an IANA charset)", "", bag(encoding="KLINGON-8"))
    make("invalid", "v0.97-path-outside-bag", "draft-kunze-bagit-14 §2.1.3 (relative to the base directory); RFC 8493 §7.1",
         "", relist(bag(version="0.97"), "sha512", f"{h512}  data/hello.txt\n{h512}  ../../../README.md\n"))

    # ---- warning ----
    make("warning", "v1.0-names-differ-in-case", "RFC 8493 §6.2.1", "",
         bag(payload={"data/readme.txt": b"a", "data/README.txt": b"b"}))
    nfc, nfd = unicodedata.normalize("NFC", "data/N\u00fa\u00f1ez"), unicodedata.normalize("NFD", "data/N\u00fa\u00f1ez")
    make("warning", "v1.0-normalization-differs", "RFC 8493 §6.2.2 (tolerate normalization differences)",
         "listed in NFC, present in NFD", bag(payload={nfd: H}, listed={nfd: nfc}))
    make("warning", "v1.0-two-names-one-normalization", "RFC 8493 §6.2.2, §6.2.3", "",
         bag(payload={nfd: b"decomposed", nfc: b"composed"}))
    make("warning", "v1.0-relative-path-inside", "RFC 8493 §7.1", "data/sub/../hello.txt is data/hello.txt",
         bag(listed={"data/hello.txt": "data/sub/../hello.txt"}))
    make("warning", "v1.0-dot-slash-path", "RFC 8493 §2.1.3 (relative to the base directory)", "",
         bag(listed={"data/hello.txt": "./data/hello.txt"}))
    make("warning", "v1.0-md5sum-star", "RFC 8493 §6.4 (accept with a warning)", "",
         bag(listed={"data/hello.txt": "*data/hello.txt"}))
    ds = bag()
    ds["data/.DS_Store"] = b"\0\0\0\1Bud1"
    make("warning", "v1.0-ds-store-unlisted", "RFC 8493 §6 (system files)", "bagit.py refuses the unlisted file", ds)
    make("warning", "v1.0-thumbs-db-listed", "RFC 8493 §6", "",
         bag(payload={"data/hello.txt": H, "data/Thumbs.db": b"thumbs"}))
    make("warning", "v1.0-fetch-absent", "RFC 8493 §2.2.3 (a bag with holes)",
         "not present: to be fetched; bagit.py calls the bag invalid",
         bag(payload={"data/hello.txt": H, "data/kept.txt": b"kept"}, drop=("data/hello.txt",),
             extra={"fetch.txt": f"https://example.org/hello.txt {len(H)} data/hello.txt\n".encode()}))
    make("warning", "v1.0-unlisted-tag-file", "RFC 8493 §2.2.1 (SHOULD list the remaining tag files)", "",
         bag(tag_algs=("sha512",)) | {"meta/late.txt": b"added later\n"})
    bom96 = bag(version="0.96")
    bom96["bagit.txt"] = b"\xef\xbb\xbf" + bom96["bagit.txt"]
    make("warning", "v0.96-bagit-txt-bom", "draft-kunze-bagit-05 §2.1.1 (silent on a BOM)", "bagit.py refuses it", bom96)
    make("warning", "v0.97-listed-twice-same-digest", "draft-kunze-bagit-14 §2.1.3", "bagit.py warns too",
         relist(bag(version="0.97"), "sha512", f"{h512}  data/hello.txt\n{h512}  data/hello.txt\n"))

    with open(os.path.join(HERE, "cases.tsv"), "w") as f:
        f.write("category\tcase\tcode\tspec\tnote\n")
        for c in CASES:
            f.write("\t".join(c) + "\n")


if __name__ == "__main__":
    main()
