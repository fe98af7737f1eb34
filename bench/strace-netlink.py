#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Per-request time of an iscsid's iSCSI netlink calls, from `strace -f -tt -T`
(bench/vm-logout-trace.sh with LUNLINK_BENCH_STRACE=1 keeps NAME.strace).

    bench/strace-netlink.py FILE...

For each file: the span from the first to the last traced call, and for each
request type (UNBIND_SESSION, DESTROY_SESSION, ...) the number of calls and
the sum, median and largest time the kernel took to handle one: the
sendmsg/sendto of a request returns once the kernel has handled it, so its
-T time is the kernel's synchronous share.  Both lunlink's and open-iscsi's
iscsid run the same requests, so the two files compare side by side.
"""
import re
import statistics
import sys

# Request numbers of the kernel's iSCSI transport ABI (include/scsi/iscsi_if.h).
REQUESTS = {
    11: "CREATE_SESSION", 12: "DESTROY_SESSION", 13: "CREATE_CONN", 14: "DESTROY_CONN",
    15: "BIND_CONN", 16: "SET_PARAM", 17: "START_CONN", 18: "STOP_CONN", 19: "SEND_PDU",
    20: "GET_STATS", 26: "SET_HOST_PARAM", 27: "UNBIND_SESSION", 42: "GET_HOST_STATS",
    43: "DESTROY_SESSION_ASYNC",
}
LINE = re.compile(r"^\d+\s+(\d+):(\d+):([\d.]+) (sendmsg|sendto)\(.*AF_NETLINK")
TYPE = re.compile(r"nlmsg_type=(0x[0-9a-f]+|\d+)")
TIME = re.compile(r"<([\d.]+)>\s*$")
STAMP = re.compile(r"^\d+\s+(\d+):(\d+):([\d.]+) ")


def seconds(m):
    return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))


def summarise(path):
    calls, first, last = {}, None, None
    with open(path) as f:
        for line in f:
            st = STAMP.match(line)
            if not st:
                continue
            t = seconds(st)
            first = t if first is None else first
            last = t
            m, ty, took = LINE.match(line), TYPE.search(line), TIME.search(line)
            if not (m and ty and took):
                continue
            name = REQUESTS.get(int(ty.group(1), 0), "type %s" % ty.group(1))
            calls.setdefault(name, []).append(float(took.group(1)))
    print("%s: span %.2f s" % (path, (last or 0) - (first or 0)))
    total = 0.0
    for name, v in sorted(calls.items()):
        total += sum(v)
        print("  %-22s n=%4d sum=%7.3f s median=%6.1f ms max=%6.1f ms"
              % (name, len(v), sum(v), statistics.median(v) * 1e3, max(v) * 1e3))
    print("  %-22s        sum=%7.3f s" % ("all requests", total))


for p in sys.argv[1:]:
    summarise(p)
