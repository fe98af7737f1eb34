#!/usr/bin/env python3
"""ibft.py OUT: writes an ACPI iBFT table (iSCSI Boot Firmware Table, rev 1)
for qemu's -acpitable file=OUT, so the guest kernel's iscsi_ibft module
shows a real /sys/firmware/ibft tree.

Layout (the iBFT spec's structures, as the kernel reads them):
  initiator  iqn.2005-03.org.open-iscsi:lunlink-ibft
  ethernet0  52:54:00:12:34:99, 192.0.2.10/24 via 192.0.2.1, DNS 192.0.2.53,
             no PCI device (pci_bdf 0xffff): the guest gives the MAC to a
             dummy netdev.  192.0.2.0/24 is TEST-NET: never used for traffic.
  target0    iqn.2003-01.org.lunlink.test:reference at 127.0.0.1:3260, boot
             selected, no CHAP
  target1    iqn.2003-01.org.lunlink.test:chap at 127.0.0.1:3260, CHAP
             lunlink-user / secret-of-16-ch
"""
import struct
import sys

FLAG_VALID, FLAG_BOOT = 1, 2


def ip4(a):
    return bytes(10) + b"\xff\xff" + bytes(int(x) for x in a.split("."))


def hdr(sid, length, index, flags):
    return struct.pack("<BBHBB", sid, 1, length, index, flags)


def build():
    strings = bytearray()
    base = 512          # strings start here; structures sit below

    def string(s):
        off = base + len(strings)
        strings.extend(s.encode() + b"\0")
        return len(s), off

    ini_len, ini_off = string("iqn.2005-03.org.open-iscsi:lunlink-ibft")
    t0_len, t0_off = string("iqn.2003-01.org.lunlink.test:reference")
    t1_len, t1_off = string("iqn.2003-01.org.lunlink.test:chap")
    cn_len, cn_off = string("lunlink-user")
    cs_len, cs_off = string("secret-of-16-ch")

    offs = {"control": 48, "initiator": 72, "nic0": 152, "target0": 256, "target1": 312}
    control = hdr(1, 18, 0, 0) + struct.pack(
        "<HHHHHH", 0, offs["initiator"], offs["nic0"], offs["target0"], 0, offs["target1"])
    initiator = hdr(2, 74, 0, FLAG_VALID | FLAG_BOOT) + bytes(64) + struct.pack(
        "<HH", ini_len, ini_off)
    nic = (hdr(3, 102, 0, FLAG_VALID | FLAG_BOOT) + ip4("192.0.2.10") + struct.pack("<BB", 24, 1)
           + ip4("192.0.2.1") + ip4("192.0.2.53") + bytes(16) + bytes(16)
           + struct.pack("<H", 0) + bytes.fromhex("525400123499")
           + struct.pack("<HHH", 0xffff, 0, 0))

    def target(index, flags, name, chap):
        (nl, no), (cl, co), (sl, so) = name, chap[0], chap[1]
        return (hdr(4, 54, index, flags) + ip4("127.0.0.1") + struct.pack("<H", 3260)
                + bytes(8) + struct.pack("<BB", 1 if cl else 0, 0)
                + struct.pack("<HHHHHHHHHH", nl, no, cl, co, sl, so, 0, 0, 0, 0))

    t0 = target(0, FLAG_VALID | FLAG_BOOT, (t0_len, t0_off), ((0, 0), (0, 0)))
    t1 = target(1, FLAG_VALID, (t1_len, t1_off), ((cn_len, cn_off), (cs_len, cs_off)))
    for name, blob, size in (("control", control, 18), ("initiator", initiator, 74),
                             ("nic0", nic, 102), ("target0", t0, 54), ("target1", t1, 54)):
        assert len(blob) == size, name
    table = bytearray(base + len(strings) + 64)
    for name, blob in (("control", control), ("initiator", initiator), ("nic0", nic),
                       ("target0", t0), ("target1", t1)):
        table[offs[name]:offs[name] + len(blob)] = blob
    table[base:base + len(strings)] = strings
    table[0:36] = (b"iBFT" + struct.pack("<IBB", len(table), 1, 0) + b"LUNLNK" + b"LLIBFT  "
                   + struct.pack("<I", 1) + b"LLNK" + struct.pack("<I", 1))
    table[9] = (-sum(table)) & 0xff
    assert sum(table) & 0xff == 0
    return bytes(table)


if __name__ == "__main__":
    with open(sys.argv[1], "wb") as f:
        f.write(build())
