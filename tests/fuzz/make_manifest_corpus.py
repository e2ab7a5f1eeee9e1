#!/usr/bin/env python3
# Writes the seed corpus of fuzz_manifest (tests/fuzz/corpus/manifest/):
# small packages that pass and that fail each check, byte for byte the same
# on every run (fixed timestamps and attributes, stored or deflated data).
#   python3 tests/fuzz/make_manifest_corpus.py [outdir]
import io
import os
import struct
import sys
import zipfile

GOOD = b'{"name": "demo-ext", "version": "1.2.3"}\n'
STAMP = (2024, 1, 1, 0, 0, 0)


def package(entries, method=zipfile.ZIP_STORED):
    """entries: (name, data) or (name, data, host, external_attr[, extra])."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for entry in entries:
            name, data = entry[0], entry[1]
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = method
            info.create_system = 3
            info.external_attr = (0o40755 if name.endswith("/") else 0o100644) << 16
            if len(entry) > 2:
                info.create_system, info.external_attr = entry[2], entry[3]
            if len(entry) > 4:
                info.extra = entry[4]
            z.writestr(info, data)
    return buf.getvalue()


def asi_unix(mode, target=b"/etc"):
    """An ASi Unix extra field: CRC, mode, size, uid, gid, link target."""
    body = struct.pack("<IHIHH", 0, mode, len(target), 0, 0) + target
    return struct.pack("<HH", 0x756E, len(body)) + body


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
        # Links and special files, whatever host type is claimed.
        "link_dos_host.zip": package([("manifest.json", GOOD),
                                      ("lib", b"/etc", 0, 0o120644 << 16)]),
        "link_ntfs_host.zip": package([("manifest.json", GOOD),
                                       ("lib", b"/etc", 10, 0o120777 << 16)]),
        "fifo_unix_host.zip": package([("manifest.json", GOOD),
                                       ("fifo", b"x", 3, 0o10644 << 16)]),
        "link_asi_extra.zip": package([("manifest.json", GOOD),
                                       ("lib", b"/etc", 3, 0,
                                        asi_unix(0o120777))]),
        "dir_mode_file_name.zip": package([("manifest.json", GOOD),
                                           ("src", b"x", 3, 0o40755 << 16)]),
        # Names Windows treats specially.
        "windows_device.zip": package([("manifest.json", GOOD),
                                       ("nul.txt", b"x")]),
        "windows_stream.zip": package([("manifest.json", GOOD),
                                       ("main.js:hidden", b"x")]),
        "windows_trailing_dot.zip": package([("manifest.json", GOOD),
                                             ("name.", b"x")]),
        # A key named twice: json-c would keep the last.
        "manifest_duplicate_key.zip": package([("manifest.json",
            b'{"name": "other", "version": "1.2.3", "\\u006eame": "demo-ext"}')]),
    }
    for name, data in sorted(seeds.items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
