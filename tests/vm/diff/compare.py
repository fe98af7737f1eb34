#!/usr/bin/env python3
"""Compare what open-iscsi's and lunlink's iscsiadm printed for one scenario.

    compare.py [--program PATH]... ALLOW_LIST OPENISCSI_DIR LUNLINK_DIR

Each DIR holds what t-diff-openiscsi.sh captured in one phase: commands.txt
(one line per compared command: NAME, a tab, its flags, a tab, the command)
and NAME.stdout, NAME.stderr, NAME.rc for each.

Both sides are normalised by the rules in NORMALISE below (the only place
where volatile values are blanked), then compared stream by stream: stdout,
stderr and the exit code. Every difference that remains must be listed in
the allow list (format in allow-list.txt's header); a difference that is not
listed fails the comparison, and so does an entry that matches no difference
any more, so the list cannot rot.

Exit status: 0 when everything matched or was allowed, 1 otherwise, 2 on bad
input (unreadable directories, malformed allow list).
"""

import difflib
import os
import re
import sys

# Values that legitimately differ from run to run, or between the two
# phases of one boot: (why, pattern, replacement). Applied in order to every
# line of stdout and stderr of both sides.
NORMALISE = [
    # open-iscsi's iscsiadm, logging in to several nodes at once, reads the
    # sessions in sysfs while its iscsid is still creating one (attributes
    # not set yet) and says so; whether and how often depends on timing, so
    # such a line can be neither matched nor allowed: it goes.
    ("open-iscsi's reads of a session being created",
     r"^iscsiadm: could not (?:read session tpgt: -?\d+|find session info for session\d+)\n", ""),
    # The kernel numbers sessions, hosts and SCSI targets one after the
    # other, so the lunlink phase gets higher numbers than the open-iscsi one.
    ("session id in [sid: N, ...] messages", r"\[sid: \d+", "[sid: N"),
    ("session id in -m session listings", r"^(\w+): \[\d+\]", r"\1: [N]"),
    ("session id in -P trees", r"^(\s*)SID: \d+$", r"\1SID: N"),
    ("host number in -P 3 trees", r"Host Number: \d+", "Host Number: N"),
    ("host number in scsiH Channel lines", r"\bscsi\d+ Channel", "scsiN Channel"),
    ("sysfs object names", r"\b(host|session|connection|target)\d+((:\d+)*)",
     lambda m: m.group(1) + "N" + re.sub(r"\d+", "N", m.group(2))),
    ("SCSI addresses H:C:T:L", r"\b\d+:\d+:\d+:\d+\b", "H:C:T:L"),
    # Disk names follow the order in which the kernel found disks.
    ("disk names", r"\bsd[a-z]{1,3}\b", "sdX"),
    # ISIDs are derived from the session id (open-iscsi) or generated.
    ("ISIDs", r"\b(isid|ISID)(\s*[:=]\s*)(0x)?[0-9a-fA-F]{12}\b", r"\1\2ISID"),
    # Statistics count the PDUs and bytes each initiator happened to send.
    ("statistics counters",
     r"^(\t(?:\w+_octets|\w+_pdus|\w+_err|tx_sendpage_failures|rx_discontiguous_hdr"
     r"|eh_abort_cnt|\w+_count|\w+_cnt)): \d+$", r"\1: N"),
    ("timestamps", r"\b\d{2}:\d{2}:\d{2}(\.\d+)?\b", "HH:MM:SS"),
]
_RULES = [(re.compile(p, re.M), r) for _, p, r in NORMALISE]

STREAMS = ("stdout", "stderr", "exit")


def normalise(text, programs):
    """The text with every volatile value replaced by a fixed token."""
    for prog in programs:
        # Messages and usage text may name the binary by its path.
        text = text.replace(prog, "iscsiadm")
    for rx, repl in _RULES:
        text = rx.sub(repl, text)
    return text


def read_phase(d):
    """{name: (flags, command)} in order, and {(name, stream): text}."""
    cmds, out = {}, {}
    with open(os.path.join(d, "commands.txt"), encoding="utf-8") as f:
        for line in f:
            name, flags, command = line.rstrip("\n").split("\t", 2)
            cmds[name] = (flags, command)
    for name in cmds:
        for stream, ext in (("stdout", "stdout"), ("stderr", "stderr"), ("exit", "rc")):
            try:
                with open(os.path.join(d, f"{name}.{ext}"), encoding="utf-8",
                          errors="backslashreplace") as f:
                    out[(name, stream)] = f.read()
            except FileNotFoundError:
                out[(name, stream)] = None
    return cmds, out


def diff_lines(a, b):
    """The changed lines as ['- old', '+ new', ...], in order; [] if equal."""
    al, bl = a.split("\n"), b.split("\n")
    res = []
    sm = difflib.SequenceMatcher(None, al, bl, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            res += ["- " + x for x in al[i1:i2]] + ["+ " + x for x in bl[j1:j2]]
    return res


class Entry:
    def __init__(self, name, stream, where):
        self.name, self.stream, self.where = name, stream, where
        self.lines, self.reason, self.any, self.used = [], "", False, False

    @property
    def pending(self):
        return self.reason.startswith("pending:")

    def matches(self, lines):
        return self.any or self.lines == lines


def parse_allow_list(path):
    """Entries of the allow list; raises ValueError on a malformed one."""
    entries, cur = [], None
    with open(path, encoding="utf-8") as f:
        for no, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            where = f"{path}:{no}"
            if line.startswith("#") or not line.strip():
                continue
            m = re.fullmatch(r"\[([\w.-]+)\] (stdout|stderr|exit)", line)
            if m:
                cur = Entry(m.group(1), m.group(2), where)
                entries.append(cur)
            elif cur is None:
                raise ValueError(f"{where}: expected '[NAME] STREAM'")
            elif line in ("-", "+") or line.startswith(("- ", "+ ")):
                cur.lines.append(line if len(line) > 1 else line + " ")
            elif line == "*":
                cur.any = True
            elif line.startswith("reason: "):
                cur.reason = line[len("reason: "):].strip()
            else:
                raise ValueError(f"{where}: unexpected line {line!r}")
    for e in entries:
        if not e.reason:
            raise ValueError(f"{e.where}: [{e.name}] {e.stream} has no reason")
        if e.any and not e.pending:
            raise ValueError(f"{e.where}: '*' (any difference) is only for pending: entries")
        if not e.any and not e.lines:
            raise ValueError(f"{e.where}: no '- '/'+ ' lines and no '*'")
    seen = set()
    for e in entries:
        if (e.name, e.stream) in seen:
            raise ValueError(f"{e.where}: second entry for [{e.name}] {e.stream}")
        seen.add((e.name, e.stream))
    return entries


def compare(allow, oi_dir, ll_dir, programs, say=print):
    """Prints differences and totals; returns the number of failures."""
    oi_cmds, oi = read_phase(oi_dir)
    ll_cmds, ll = read_phase(ll_dir)
    failures = 0
    if list(oi_cmds) != list(ll_cmds):
        say("FAIL the two phases ran different command lists "
            f"({len(oi_cmds)} vs {len(ll_cmds)} commands)")
        failures += 1
    by_key = {(e.name, e.stream): e for e in allow}
    identical = allowed_cmds = 0
    for name, (flags, command) in oi_cmds.items():
        if name not in ll_cmds:
            continue
        cmd_failed = cmd_allowed = False
        for stream in STREAMS:
            a, b = oi[(name, stream)], ll[(name, stream)]
            if a is None or b is None:
                say(f"FAIL [{name}] {stream}: not captured")
                cmd_failed = True
                continue
            if stream == "exit":
                a, b = a.strip(), b.strip()
            else:
                a, b = normalise(a, programs), normalise(b, programs)
                if "unordered" in flags.split(","):
                    a, b = ("\n".join(sorted(x.split("\n"))) for x in (a, b))
            lines = diff_lines(a, b)
            if not lines:
                continue
            e = by_key.get((name, stream))
            if e and e.matches(lines):
                e.used = True
                cmd_allowed = True
                continue
            cmd_failed = True
            say(f"FAIL [{name}] {stream} differs: {command}")
            if e:
                say(f"  (the allow-list entry at {e.where} does not match)")
            for l in lines:
                say("  " + l)
        if cmd_failed:
            failures += 1
        elif cmd_allowed:
            allowed_cmds += 1
        else:
            identical += 1
    for e in allow:
        if not e.used:
            failures += 1
            say(f"FAIL stale allow-list entry [{e.name}] {e.stream} at {e.where}: "
                "it matches no difference any more")
    used = [e for e in allow if e.used]
    pending = [e for e in used if e.pending]
    say(f"TOTAL commands compared: {len(oi_cmds)}, identical: {identical}, "
        f"with allowed differences: {allowed_cmds} ({len(used)} allow-list entries, "
        f"{len(pending)} pending), failing: {failures}")
    for e in pending:
        say(f"PENDING [{e.name}] {e.stream}: {e.reason}")
    return failures


def main(argv):
    programs = []
    while len(argv) > 1 and argv[0] == "--program":
        programs.append(argv[1])
        argv = argv[2:]
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    # Longest first, so a path is replaced before any shorter one inside it.
    programs.sort(key=len, reverse=True)
    try:
        allow = parse_allow_list(argv[0])
        return 1 if compare(allow, argv[1], argv[2], programs) else 0
    except (OSError, ValueError) as e:
        print(f"compare.py: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
