#!/usr/bin/env python3
"""Checks and figures of the chaos soak (guest only; see lib/soak.sh).

  soakcheck.py errors SOAK_DIR SHORT_TMO    writer errors vs. the fault log
  soakcheck.py stats SOAK_DIR               fault counts, recovery times
  soakcheck.py sessions P3_FILE             -m session -P 3 against sysfs
  soakcheck.py nodedb CONFIG_DIR N          the node database, N records

Each check prints "PASS name" or "FAIL name: why" lines (lib/soak.sh turns
them into test results) and "METRIC name=value" lines; other lines are
information.

Files: SOAK_DIR/w<i>.log, one line per write, "k block start_us end_us rc"
(soakwriter.py); SOAK_DIR/faults.log, one line per fault, "kind targets
begin_us end_us recovered_us long failed_us n" (targets comma-separated;
long: 0 no I/O error allowed, 1 a marked outage past replacement_timeout
whose errors must come in time, 2 a marked outage whose errors are allowed
but not required: both paths of a multipath map gone).
"""
import glob
import os
import re
import statistics
import sys

READBACK_MISMATCH = 1000
SLACK_US = 2_000_000  # after recovery, writes already queued may still fail


def read_faults(soak_dir):
    faults = []
    with open(os.path.join(soak_dir, "faults.log")) as f:
        for line in f:
            p = line.split()
            if len(p) != 8:
                continue
            faults.append({
                "kind": p[0], "targets": p[1], "begin": int(p[2]), "end": int(p[3]),
                "recovered": int(p[4]), "long": p[5] != "0", "must_fail": p[5] == "1",
                "failed": int(p[6]),
            })
    return faults


def read_writes(path):
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) == 5:
                yield int(p[0]), int(p[1]), int(p[2]), int(p[3]), int(p[4])


def check_writer(i, path, faults, short_tmo):
    longs = [f for f in faults if f["long"] and str(i) in f["targets"].split(",")]
    windows = [(f["begin"], f["recovered"] + SLACK_US) for f in longs]
    stray, mismatch, stall, n = [], [], 0, 0
    writes = list(read_writes(path))
    for k, b, t0, t1, rc in writes:
        n += 1
        stall = max(stall, t1 - t0)
        if rc == READBACK_MISMATCH:
            mismatch.append(k)
        elif rc != 0 and not any(lo <= t1 <= hi for lo, hi in windows):
            stray.append((k, rc, t1))
    name = f"writer {i}"
    if mismatch:
        print(f"FAIL {name}: read back differed right after writes {mismatch[:5]}")
    if stray:
        k, rc, t1 = stray[0]
        near = [f"{f['kind']} of {(f['end'] - f['begin']) / 1e6:.1f} s, recovered "
                f"{(f['recovered'] - f['end']) / 1e6:.1f} s after"
                for f in faults if str(i) in f["targets"].split(",")
                and f["begin"] <= t1 <= f["recovered"] + SLACK_US]
        print(f"FAIL {name}: {len(stray)} I/O errors outside the long outages "
              f"(first: write {k}, errno {rc}, during: {'; '.join(near) or 'no fault'})")
    else:
        print(f"PASS {name}: no I/O error outside long outages ({n} writes)")
    for f in longs:
        if f["must_fail"]:
            check_long(name, f, writes, short_tmo)
        else:
            check_allowed(name, f, writes)
    return stall


def check_long(name, f, writes, short_tmo):
    errs = [t1 for _, _, _, t1, rc in writes if rc != 0 and f["begin"] <= t1]
    if not f["failed"]:
        print(f"FAIL {name}: long outage at {f['begin']}: session never seen FAILED")
        return
    if not errs:
        print(f"FAIL {name}: long outage: no I/O error at all")
        return
    late = (errs[0] - f["failed"]) / 1e6
    limit = short_tmo + 1
    if late <= limit:
        print(f"PASS {name}: long outage: first I/O error {late:.3f} s after FAILED (<= {limit})")
    else:
        print(f"FAIL {name}: long outage: first I/O error {late:.3f} s after FAILED (> {limit})")
    print(f"METRIC soak_long_outage_error_s={late:.3f}")
    ok_after = [t1 for _, _, _, t1, rc in writes if rc == 0 and t1 > f["recovered"]]
    if ok_after:
        print(f"PASS {name}: long outage: writes succeed again after recovery")
    else:
        print(f"FAIL {name}: long outage: no successful write after recovery")


def check_allowed(name, f, writes):
    """A marked outage with errors allowed: count them, and the map must
    take writes again after the recovery."""
    errs = [t1 for _, _, _, t1, rc in writes
            if rc != 0 and f["begin"] <= t1 <= f["recovered"] + SLACK_US]
    print(f"{name}: {f['kind']} of {(f['end'] - f['begin']) / 1e6:.1f} s: "
          f"{len(errs)} I/O errors (allowed)")
    ok_after = [t1 for _, _, _, t1, rc in writes if rc == 0 and t1 > f["recovered"]]
    if ok_after:
        print(f"PASS {name}: writes succeed again after {f['kind']}")
    else:
        print(f"FAIL {name}: no successful write after {f['kind']}")


def cmd_errors(soak_dir, short_tmo):
    faults = read_faults(soak_dir)
    worst = 0
    for path in sorted(glob.glob(os.path.join(soak_dir, "w*.log"))):
        i = int(re.search(r"w(\d+)\.log$", path).group(1))
        worst = max(worst, check_writer(i, path, faults, short_tmo))
    print(f"METRIC soak_worst_write_stall_s={worst / 1e6:.3f}")


def cmd_stats(soak_dir):
    by_kind = {}
    for f in read_faults(soak_dir):
        by_kind.setdefault(f["kind"], []).append((f["recovered"] - f["end"]) / 1e6)
    print("| fault | count | recovery median s | recovery worst s |")
    print("|---|---|---|---|")
    total = 0
    for kind in sorted(by_kind):
        r = by_kind[kind]
        total += len(r) if kind != "overlap" else 0
        print(f"| {kind} | {len(r)} | {statistics.median(r):.2f} | {max(r):.2f} |")
        print(f"METRIC soak_{kind}_count={len(r)}")
        print(f"METRIC soak_{kind}_recovery_median_s={statistics.median(r):.2f}")
        print(f"METRIC soak_{kind}_recovery_worst_s={max(r):.2f}")
    print(f"METRIC soak_faults={total}")


def read(path, default=""):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return default


def parse_p3(path):
    """{sid: {field: value}} from iscsiadm -m session -P 3."""
    sessions, cur, target, pending = {}, None, None, {}
    with open(path) as f:
        for line in f:
            s = line.strip()
            if s.startswith("Target: "):
                target = s.split()[1]
            elif s.startswith("SID: "):
                cur = sessions.setdefault(s[5:], {"target": target})
                cur["portal"] = pending.get("portal")
                cur["persistent"] = pending.get("persistent")
            elif s.startswith("Current Portal: "):
                pending = {"portal": s.split(": ", 1)[1]}
            elif s.startswith("Persistent Portal: "):
                pending["persistent"] = s.split(": ", 1)[1]
            elif cur is not None and ": " in s:
                key, val = s.split(": ", 1)
                cur.setdefault(key, val.strip())
            m = re.match(r"Attached scsi disk (\S+)\s+State: (\S+)", s)
            if cur is not None and m:
                cur.setdefault("disks", []).append(m.group(1))
            m = re.match(r"Host Number: (\d+)\s+State: (\S+)", s)
            if cur is not None and m:
                cur["host"] = m.group(1)
    return sessions


YESNO = {"1": "Yes", "0": "No"}


def sysfs_view(sid):
    s = f"/sys/class/iscsi_session/session{sid}"
    c = f"/sys/class/iscsi_connection/connection{sid}:0"
    dev = os.path.realpath(f"{s}/device")
    host = re.search(r"/host(\d+)/session", dev)
    disks = sorted(os.path.basename(p) for p in glob.glob(f"{dev}/target*/*:*:*:*/block/*"))
    conn_state = {"up": "LOGGED IN", "down": "FAILED"}.get(read(f"{c}/state"), read(f"{c}/state"))
    tpgt = read(f"{s}/tpgt")
    return {
        "target": read(f"{s}/targetname"),
        "portal": f"{read(f'{c}/address')}:{read(f'{c}/port')},{tpgt}",
        "persistent": f"{read(f'{c}/persistent_address')}:{read(f'{c}/persistent_port')},{tpgt}",
        "iSCSI Session State": read(f"{s}/state"),
        "iSCSI Connection State": conn_state,
        "Recovery Timeout": read(f"{s}/recovery_tmo"),
        "host": host.group(1) if host else None,
        "disks": disks,
        "MaxRecvDataSegmentLength": read(f"{c}/max_recv_dlength"),
        "MaxXmitDataSegmentLength": read(f"{c}/max_xmit_dlength"),
        "FirstBurstLength": read(f"{s}/first_burst_len"),
        "MaxBurstLength": read(f"{s}/max_burst_len"),
        "ImmediateData": YESNO.get(read(f"{s}/immediate_data"), "?"),
        "InitialR2T": YESNO.get(read(f"{s}/initial_r2t"), "?"),
        "MaxOutstandingR2T": read(f"{s}/max_outstanding_r2t"),
    }


def cmd_sessions(p3_file):
    shown = parse_p3(p3_file)
    kernel = sorted(re.sub(r"\D", "", os.path.basename(p))
                    for p in glob.glob("/sys/class/iscsi_session/session*"))
    if sorted(shown) != kernel:
        print(f"FAIL -P 3 lists the kernel's sessions: shown {sorted(shown)}, sysfs {kernel}")
        return
    print(f"PASS -P 3 lists the kernel's {len(kernel)} sessions")
    bad = []
    for sid in kernel:
        want, got = sysfs_view(sid), shown[sid]
        for key, val in want.items():
            g = sorted(got.get(key) or []) if key == "disks" else got.get(key)
            if g != val:
                bad.append(f"session {sid} {key}: -P 3 {g!r}, sysfs {val!r}")
    if bad:
        print(f"FAIL -P 3 agrees with sysfs: {len(bad)} differences, first: {bad[0]}")
        for b in bad[1:6]:
            print(f"  {b}")
    else:
        print(f"PASS -P 3 agrees with sysfs for every session ({len(want)} fields each)")


def cmd_nodedb(config_dir, n):
    files = [p for p in glob.glob(os.path.join(config_dir, "nodes", "*", "*", "*"))
             if os.path.isfile(p)]
    bad = []
    for path in files:
        target = path.split(os.sep)[-3]
        keys = {}
        with open(path) as f:
            for line in f:
                line = line.rstrip("\n")
                if not line or line.startswith("#"):
                    continue
                m = re.match(r"^([A-Za-z0-9_.\[\]]+) = (.*)$", line)
                if not m:
                    bad.append(f"{path}: line {line!r}")
                    break
                keys[m.group(1)] = m.group(2)
        if keys.get("node.name") != target:
            bad.append(f"{path}: node.name {keys.get('node.name')!r}")
    if len(files) != n:
        print(f"FAIL node database holds {n} records: {len(files)} files")
    elif bad:
        print(f"FAIL every record file parses: {bad[0]}")
    else:
        print(f"PASS every one of the {n} record files parses and names its target")


def main(argv):
    if len(argv) == 4 and argv[1] == "errors":
        cmd_errors(argv[2], int(argv[3]))
    elif len(argv) == 3 and argv[1] == "stats":
        cmd_stats(argv[2])
    elif len(argv) == 3 and argv[1] == "sessions":
        cmd_sessions(argv[2])
    elif len(argv) == 4 and argv[1] == "nodedb":
        cmd_nodedb(argv[2], int(argv[3]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
