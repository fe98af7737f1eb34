#!/usr/bin/env python3
"""Writer of numbered, checksummed blocks for the chaos soak (guest only).

  soakwriter.py write DEV TAG BLOCKS LOG STOPFILE [PAUSE_S]
  soakwriter.py verify DEV TAG BLOCKS LOG

write: writes BLOCKS blocks of 64 KiB at the start of DEV with O_DIRECT, in
a loop until STOPFILE exists. Write k goes to block k % BLOCKS and holds a
header (magic, TAG, block, k, CRC-32 of the payload) and a payload derived
from (TAG, k), so every write to a block differs from the one before.
After each write that succeeded the block is read back and compared. Every
write is logged as "k block start_us end_us status": status 0 is success,
an errno number is a failed write or read, 1000 a read-back that differed.
After a failure the device is reopened (a transport-offline disk that comes
back keeps working through a new descriptor) after a 0.2 s pause.

verify: reads the region back and checks each block against the log: a
block whose last logged write succeeded must hold exactly that write; a
block whose last writes failed may hold the last successful one or any of
the failed ones after it (a failed write may still have reached the disk),
but never a torn or foreign block. Prints one "verify" summary line and
the first bad blocks; exits 1 on any bad block, 2 if the log or device
cannot be read.
"""
import mmap
import os
import random
import struct
import sys
import time
import zlib

BS = 64 << 10
MAGIC = b"LLSOAK01"
HDR = struct.Struct("<8sIIQI")  # magic, tag, block, k, crc32(payload)
READBACK_MISMATCH = 1000


def now_us():
    return time.time_ns() // 1000


def block_of(tag, k, blocks):
    b = k % blocks
    payload = random.Random(tag * 1000003 + k).randbytes(BS - HDR.size)
    return HDR.pack(MAGIC, tag, b, k, zlib.crc32(payload)) + payload


def aligned_buffer():
    # O_DIRECT wants an aligned buffer: anonymous mmap memory is page-aligned.
    return mmap.mmap(-1, BS)


def open_dev(dev):
    return os.open(dev, os.O_RDWR | os.O_DIRECT)


def write_one(fd, buf, rbuf, data, off):
    """0, an errno, or READBACK_MISMATCH."""
    buf.seek(0)
    buf.write(data)
    try:
        if os.pwritev(fd, [buf], off) != BS:
            return 5
        if os.preadv(fd, [rbuf], off) != BS:
            return 5
    except OSError as e:
        return e.errno or 5
    return 0 if rbuf[:] == data else READBACK_MISMATCH


def cmd_write(dev, tag, blocks, log, stopfile, pause=0.05):
    buf, rbuf = aligned_buffer(), aligned_buffer()
    fd = None
    k = 0
    with open(log, "a", buffering=1) as out:
        while not os.path.exists(stopfile):
            b = k % blocks
            t0 = now_us()
            try:
                if fd is None:
                    fd = open_dev(dev)
                rc = write_one(fd, buf, rbuf, block_of(tag, k, blocks), b * BS)
            except OSError as e:
                rc = e.errno or 5
            out.write(f"{k} {b} {t0} {now_us()} {rc}\n")
            if rc != 0:
                if fd is not None:
                    os.close(fd)
                    fd = None
                time.sleep(0.2)
            elif pause:
                time.sleep(pause)
            k += 1


def read_log(log, blocks):
    """Per block: (last successful k or None, [k of failed writes after it])."""
    last = [None] * blocks
    after = [[] for _ in range(blocks)]
    with open(log) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 5:
                continue  # the writer was stopped mid-line
            k, b, rc = int(parts[0]), int(parts[1]), int(parts[4])
            if rc == 0:
                last[b], after[b] = k, []
            else:
                after[b].append(k)
    return last, after


def check_block(data, tag, b, last, failed):
    """None if fine, else why not."""
    magic, t, hb, k, crc = HDR.unpack_from(data)
    if last is None and not failed:
        return None  # never written
    if magic != MAGIC or t != tag or hb != b:
        return f"foreign or unwritten content (magic {magic!r}, tag {t}, block {hb})"
    if zlib.crc32(data[HDR.size:]) != crc:
        return f"torn: checksum mismatch for write {k}"
    if k == last or k in failed:
        return None
    return f"holds write {k}, expected {last}" + (f" or one of {failed}" if failed else "")


def cmd_verify(dev, tag, blocks, log):
    last, after = read_log(log, blocks)
    buf = aligned_buffer()
    bad, checked = [], 0
    fd = open_dev(dev)
    try:
        for b in range(blocks):
            if os.preadv(fd, [buf], b * BS) != BS:
                bad.append((b, "short read"))
                continue
            why = check_block(buf[:], tag, b, last[b], after[b])
            if why is None and (last[b] is not None or after[b]):
                k = HDR.unpack_from(buf)[3]
                if buf[:] != block_of(tag, k, blocks):
                    why = f"write {k} differs from what was written"
            if last[b] is not None or after[b]:
                checked += 1
            if why:
                bad.append((b, why))
    finally:
        os.close(fd)
    print(f"verify {dev} tag {tag}: {checked} blocks checked, {len(bad)} bad")
    for b, why in bad[:5]:
        print(f"  block {b}: {why}")
    return 1 if bad or checked == 0 else 0


def main(argv):
    try:
        if len(argv) >= 6 and argv[1] == "write":
            pause = float(argv[7]) if len(argv) > 7 else 0.05
            cmd_write(argv[2], int(argv[3]), int(argv[4]), argv[5], argv[6], pause)
            return 0
        if len(argv) == 6 and argv[1] == "verify":
            return cmd_verify(argv[2], int(argv[3]), int(argv[4]), argv[5])
    except OSError as e:
        print(f"soakwriter: {e}", file=sys.stderr)
        return 2
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
