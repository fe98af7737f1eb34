#!/usr/bin/env python3
"""Host test of compare.py, the diff suite's judge: what it normalises,
what it lets through, and what must fail it. TAP output."""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402

_n = 0
_failed = 0


def check(cond, name):
    global _n, _failed
    _n += 1
    if not cond:
        _failed += 1
    print(f"{'ok' if cond else 'not ok'} {_n} - {name}")


def phase(root, name, cmds):
    """cmds: [(NAME, FLAGS, stdout, stderr, rc)]"""
    d = os.path.join(root, name)
    os.makedirs(d)
    with open(os.path.join(d, "commands.txt"), "w") as f:
        for n, flags, out, err, rc in cmds:
            f.write(f"{n}\t{flags}\tiscsiadm ...\n")
            for ext, text in (("stdout", out), ("stderr", err), ("rc", f"{rc}\n")):
                with open(os.path.join(d, f"{n}.{ext}"), "w") as g:
                    g.write(text)
    return d


def run(oi, ll, allow_text, programs=()):
    """(failures, printed lines) of one comparison."""
    with tempfile.TemporaryDirectory() as t:
        a = phase(t, "oi", oi)
        b = phase(t, "ll", ll)
        p = os.path.join(t, "allow.txt")
        with open(p, "w") as f:
            f.write(allow_text)
        lines = []
        fails = compare.compare(compare.parse_allow_list(p), a, b, list(programs),
                                say=lines.append)
        return fails, lines


def bad_allow_list(text):
    with tempfile.TemporaryDirectory() as t:
        p = os.path.join(t, "allow.txt")
        with open(p, "w") as f:
            f.write(text)
        try:
            compare.parse_allow_list(p)
        except ValueError:
            return True
        return False


LOGOUT_OI = "Logging out of session [sid: 3, target: T, portal: 127.0.0.1,3260]\n"
LOGOUT_LL = "Logging out of session [sid: 17, target: T, portal: 127.0.0.1,3260]\n"
P3_OI = "\t\tHost Number: 2\tState: running\n\t\tscsi2 Channel 00 Id 0 Lun: 0\n" \
        "\t\t\tAttached scsi disk sda\t\tState: running\n\t\tSID: 3\n"
P3_LL = "\t\tHost Number: 9\tState: running\n\t\tscsi9 Channel 00 Id 0 Lun: 0\n" \
        "\t\t\tAttached scsi disk sdc\t\tState: running\n\t\tSID: 17\n"


def test_normalisation():
    f, _ = run([("a", "-", LOGOUT_OI, "", 0), ("b", "-", P3_OI, "", 0),
                ("c", "-", "tcp: [3] 127.0.0.1:3260,1 T (non-flash)\n", "", 0),
                ("d", "-", "", "/usr/sbin/iscsiadm: invalid option -- 'Z'\n", 7)],
               [("a", "-", LOGOUT_LL, "", 0), ("b", "-", P3_LL, "", 0),
                ("c", "-", "tcp: [17] 127.0.0.1:3260,1 T (non-flash)\n", "", 0),
                ("d", "-", "", "/build/iscsiadm/iscsiadm: invalid option -- 'Z'\n", 7)],
               "", programs=["/usr/sbin/iscsiadm", "/build/iscsiadm/iscsiadm"])
    check(f == 0, "sids, host numbers, disk names and binary paths are normalised")
    f, _ = run([("e", "-", "", "iscsiadm: could not read session tpgt: 5\n"
                 "iscsiadm: could not find session info for session23\nX\n", 15)],
               [("e", "-", "", "X\n", 15)], "")
    check(f == 0, "open-iscsi's lines about a session being created are dropped")
    f, _ = run([("e", "-", "", "iscsiadm: could not read session tpgt\nX\n", 15)],
               [("e", "-", "", "X\n", 15)], "")
    check(f == 1, "other 'could not read' lines stay")


def test_real_difference_fails():
    f, lines = run([("a", "-", "", "iscsiadm: No records found\n", 21)],
                   [("a", "-", "", "iscsiadm: no records\n", 21)], "")
    check(f == 1, "an unlisted stderr difference fails")
    check("  - iscsiadm: No records found" in lines and "  + iscsiadm: no records" in lines,
          "the failure shows the changed lines as allow-list lines")
    f, _ = run([("a", "-", "x\n", "", 21)], [("a", "-", "x\n", "", 27)], "")
    check(f == 1, "an unlisted exit status difference fails")
    f, _ = run([("a", "-", "x\n", "", 0)], [("a", "-", "x", "", 0)], "")
    check(f == 1, "a missing final newline is a difference")


ALLOW_MSG = """# comment
[a] stderr
- iscsiadm: No records found
+ iscsiadm: no records
reason: clearer
"""


def test_allowed_difference():
    f, lines = run([("a", "-", "", "iscsiadm: No records found\n", 21)],
                   [("a", "-", "", "iscsiadm: no records\n", 21)], ALLOW_MSG)
    check(f == 0, "a listed difference passes")
    check(any("with allowed differences: 1" in l for l in lines), "and is counted as allowed")
    f, _ = run([("a", "-", "", "iscsiadm: No records found\n", 21)],
               [("a", "-", "", "iscsiadm: no record\n", 21)], ALLOW_MSG)
    check(f == 2, "an entry allows only the exact lines it lists (and is then stale)")


def test_stale_entry_fails():
    f, lines = run([("a", "-", "", "same\n", 21)], [("a", "-", "", "same\n", 21)], ALLOW_MSG)
    check(f == 1 and any("stale" in l for l in lines), "an entry that matches nothing fails")


def test_pending_wildcard():
    allow = "[a] exit\n*\nreason: pending: -m host (issue 10)\n"
    f, lines = run([("a", "-", "", "", 21)], [("a", "-", "", "", 27)], allow)
    check(f == 0 and any(l.startswith("PENDING [a] exit") for l in lines),
          "a pending wildcard entry passes and is reported as pending")
    check(bad_allow_list("[a] exit\n*\nreason: clearer\n"),
          "a wildcard without pending: is refused")
    check(bad_allow_list("[a] exit\n- 21\n+ 27\n"), "an entry without a reason is refused")
    check(bad_allow_list("[a] exit\n- 21\n+ 27\nreason: x\n[a] exit\n- 1\nreason: y\n"),
          "two entries for one command and stream are refused")


def test_unordered_and_phase_mismatch():
    f, _ = run([("a", "unordered", "x\ny\n", "", 0)], [("a", "unordered", "y\nx\n", "", 0)], "")
    check(f == 0, "unordered compares lines as a set")
    f, _ = run([("a", "-", "x\ny\n", "", 0)], [("a", "-", "y\nx\n", "", 0)], "")
    check(f == 1, "without unordered the order counts")
    f, _ = run([("a", "-", "", "", 0), ("b", "-", "", "", 0)], [("a", "-", "", "", 0)], "")
    check(f >= 1, "a phase that ran fewer commands fails")


def test_shipped_allow_list_parses():
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        compare.parse_allow_list(os.path.join(here, "allow-list.txt"))
        good = True
    except ValueError as e:
        print(f"# {e}")
        good = False
    check(good, "the shipped allow-list.txt is well formed")


for t in (test_normalisation, test_real_difference_fails, test_allowed_difference,
          test_stale_entry_fails, test_pending_wildcard, test_unordered_and_phase_mismatch,
          test_shipped_allow_list_parses):
    t()
print(f"1..{_n}")
sys.exit(1 if _failed else 0)
