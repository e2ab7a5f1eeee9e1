#!/usr/bin/env python3
# Writes the seed corpus of fuzz_manifest (tests/fuzz/corpus/manifest/):
# small packages that pass and that fail each check, byte for byte the same
# on every run (fixed timestamps and attributes, stored or deflated data).
#   python3 tests/fuzz/make_manifest_corpus.py [outdir]
import io
import os
import sys
import zipfile

GOOD = b'{"name": "demo-ext", "version": "1.2.3"}\n'
STAMP = (2024, 1, 1, 0, 0, 0)


def package(entries, method=zipfile.ZIP_STORED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = method
            info.create_system = 3
            info.external_attr = (0o40755 if name.endswith("/") else 0o100644) << 16
            z.writestr(info, data)
    return buf.getvalue()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "manifest")
    os.makedirs(out, exist_ok=True)
    good = package([("manifest.json", GOOD), ("src/", b""),
                    ("src/main.js", b"export default 1;\n")])
    seeds = {
        "good.zip": good,
        "good_deflated.zip": package([("manifest.json", GOOD),
                                      ("README.md", b"# demo\n" * 20)],
                                     zipfile.ZIP_DEFLATED),
        "empty_archive.zip": b"PK\x05\x06" + b"\x00" * 18,
        "not_zip.bin": b"this is not a zip archive\n",
        "truncated.zip": good[: len(good) // 2],
        "no_manifest.zip": package([("src/main.js", b"1;\n")]),
        "manifest_in_subfolder.zip": package([("demo-ext/manifest.json", GOOD)]),
        "manifest_directory.zip": package([("manifest.json/", b"")]),
        "parent_path.zip": package([("manifest.json", GOOD),
                                    ("../evil", b"x")]),
        "backslash_path.zip": package([("manifest.json", GOOD),
                                       ("a\\b", b"x")]),
        "manifest_not_object.zip": package([("manifest.json", b"[1, 2]")]),
        "manifest_no_version.zip": package([("manifest.json",
                                             b'{"name": "demo-ext"}')]),
        "name_mismatch.zip": package([("manifest.json",
                                       b'{"name": "other", "version": "1.2.3"}')]),
        "version_mismatch.zip": package([("manifest.json",
                                          b'{"name": "demo-ext", "version": "2.0.0"}')]),
    }
    for name, data in sorted(seeds.items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
