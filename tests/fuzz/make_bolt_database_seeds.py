#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the seeds of fuzz_bolt_database: small bbolt files (512-byte pages, so a whole file
fits in run_fuzzers.sh's 4096-byte inputs) laid out as bbolt 1.3 writes them, with what Podman's
state file has (a bucket per container holding a config on overflow pages, inline buckets) and
what it lacks (a branch page).

Usage: tests/fuzz/make_bolt_database_seeds.py [FOLDER]   (default: corpus/fuzz_bolt_database)
"""
import os
import struct
import sys

PAGE = 512
LEAF, BRANCH, META = 0x02, 0x01, 0x04


def fnv1a_64(data):
    value = 0xcbf29ce484222325
    for byte in data:
        value = ((value ^ byte) * 0x100000001b3) & 0xffffffffffffffff
    return value


def header(page_id, flags, count, overflow=0):
    return struct.pack('<QHHI', page_id, flags, count, overflow)


def leaf(page_id, elements, overflow=0):
    """elements: (key, value, is_bucket); each key then value after the element table."""
    table, data = b'', b''
    for index, (key, value, bucket) in enumerate(elements):
        position = 16 * (len(elements) - index) + len(data)
        table += struct.pack('<IIII', 1 if bucket else 0, position, len(key), len(value))
        data += key + value
    return header(page_id, LEAF, len(elements), overflow) + table + data


def branch(page_id, children):
    table, data = b'', b''
    for index, (key, child) in enumerate(children):
        position = 16 * (len(children) - index) + len(data)
        table += struct.pack('<IIQ', position, len(key), child)
        data += key
    return header(page_id, BRANCH, len(children)) + table + data


def on_page(root):
    return struct.pack('<QQ', root, 0)


def inline(elements):
    return on_page(0) + leaf(0, elements)


def database(pages, root, txids=(1, 2)):
    """pages: {id: bytes}; both metas name `root`; pgid is one past the last page (and its
    overflow)."""
    count = max(page_id + 1 + struct.unpack_from('<I', data, 12)[0]
                for page_id, data in pages.items())
    image = bytearray(PAGE * count)
    for index, txid in enumerate(txids):
        meta = struct.pack('<IIIIQQQQQ', 0xED0CDAED, 2, PAGE, 0, root, 0,
                           0xffffffffffffffff, count, txid)
        image[index * PAGE:index * PAGE + 80] = header(index, META, 0) + meta + struct.pack(
            '<Q', fnv1a_64(meta))
    for page_id, data in pages.items():
        assert len(data) <= PAGE * (1 + struct.unpack_from('<I', data, 12)[0])
        image[page_id * PAGE:page_id * PAGE + len(data)] = data
    assert len(image) <= 4096
    return bytes(image)


def podman_like():
    container = b'd567fd23fe17ab13f4079c71f091554f6a1309cae6fac7e03153260f7e198670'
    config = (b'{"spec":{"ociVersion":"1.0.2-dev"},"name":"web1","newPortMappings":'
              b'[{"host_ip":"","container_port":80,"host_port":8080,"range":1,'
              b'"protocol":"tcp"}]' + b' ' * 500 + b'}')
    return database({
        2: leaf(2, [(b'all-ctrs', inline([(container, b'web1', False)]), True),
                    (b'ctr', on_page(3), True),
                    (b'pod', inline([]), True)]),
        3: leaf(3, [(container, on_page(4), True)]),
        4: leaf(4, [(b'config', config, False),
                    (b'dependencies', inline([]), True),
                    (b'netns', b'/run/user/1001/netns/netns-1', False),
                    (b'state', b'{"state":3}', False)], overflow=1),
    }, root=2)


def branched():
    return database({
        2: branch(2, [(b'a', 3), (b'm', 4)]),
        3: leaf(3, [(b'a', b'1', False), (b'b', b'2', False),
                    (b'inl', inline([(b'inner', inline([(b'k', b'v', False)]), True)]), True)]),
        4: leaf(4, [(b'm', b'3', False), (b'sub', on_page(5), True)]),
        5: leaf(5, [(b'big', b'x' * 700, False)], overflow=1),
    }, root=2)


def older_meta_newer():
    """Meta 0 is the newer transaction."""
    return database({2: leaf(2, [(b'k', b'v', False)])}, root=2, txids=(5, 4))


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), 'corpus', 'fuzz_bolt_database')
    os.makedirs(folder, exist_ok=True)
    for name, image in (('podman_like', podman_like()), ('branched', branched()),
                        ('meta0_newer', older_meta_newer())):
        with open(os.path.join(folder, name + '.db'), 'wb') as out:
            out.write(image)


if __name__ == '__main__':
    main()
