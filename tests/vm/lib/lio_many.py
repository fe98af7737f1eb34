#!/usr/bin/env python3
"""lio_many.py BASE N SIZE_BYTES DIR: LIO targets BASE-1 .. BASE-N in one process.

The same configfs layout as lio.sh's lio_create_target (one fileio LUN of
SIZE_BYTES on a sparse file under DIR, portal 127.0.0.1:3260, demo mode,
writable, no authentication, enabled), without the dozen processes per
target that cost about 1.5 s each under TCG: 1,024 targets took half an
hour that way.
"""
import os
import sys

CFS = "/sys/kernel/config/target"


def put(path, value):
    with open(path, "w") as f:
        f.write(value)


def make(iqn, name, size, where):
    img = os.path.join(where, name + ".img")
    with open(img, "w") as f:
        f.truncate(size)
    bs = f"{CFS}/core/fileio_0/{name}"
    os.makedirs(bs)
    put(f"{bs}/control", f"fd_dev_name={img},fd_dev_size={size}")
    put(f"{bs}/enable", "1")
    tpg = f"{CFS}/iscsi/{iqn}/tpgt_1"
    os.makedirs(f"{tpg}/lun/lun_0")
    os.symlink(bs, f"{tpg}/lun/lun_0/{name}")
    os.mkdir(f"{tpg}/np/127.0.0.1:3260")
    for attr, value in (("generate_node_acls", "1"), ("cache_dynamic_acls", "1"),
                        ("demo_mode_write_protect", "0"), ("authentication", "0")):
        put(f"{tpg}/attrib/{attr}", value)
    put(f"{tpg}/enable", "1")


def main():
    base, n, size, where = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    os.makedirs(where, exist_ok=True)
    tail = "".join(c if c.isalnum() else "_" for c in base)[-20:]
    for i in range(1, n + 1):
        make(f"{base}-{i}", f"{tail}_many{i}_lun0", size, where)


if __name__ == "__main__":
    main()
