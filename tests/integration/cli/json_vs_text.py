#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""json_vs_text.py KIND LEVEL TEXT_FILE JSON_FILE

Parses one iscsiadm listing in open-iscsi's text form and the same listing
from -J, and compares them field by field.  The text is read with its own
parser here (not through iscsiadm's code), so a field the JSON renderer
gets wrong, drops or invents shows up as a difference.  Exit 0 when they
agree, 1 with the differences on stderr.

KIND: session, host, node, nodetree, discovered, discovery, iface, record,
stats.  Placeholders of the text ("<empty>", "Unknown", and "default" for
unread host values) are null in JSON.
"""
import json
import re
import sys

PLACEHOLDERS = {"<empty>", "Unknown"}
errors = []


def norm(v):
    """A text value as the JSON holds it."""
    if v in PLACEHOLDERS:
        return None
    if v in ("Yes", "No"):
        return v == "Yes"
    if re.fullmatch(r"-?\d+", v):
        return int(v)
    return v


def same(where, text_value, json_value):
    if norm(text_value) != json_value if isinstance(text_value, str) else text_value != json_value:
        errors.append(f"{where}: text {text_value!r} json {json_value!r}")


def portal(s):
    """'addr:port' or '[v6]:port' -> (addr, port)."""
    m = re.fullmatch(r"\[(.*)\]:(\d+)", s) or re.fullmatch(r"(.*):(\d+)", s)
    return m.group(1), int(m.group(2))


def portal_tpgt(s):
    p, tpgt = s.rsplit(",", 1)
    return portal(p) + (int(tpgt),)


# Session tree "Key: value" lines -> JSON path (object, field).
SESSION_KEYS = {
    "Iface Name": ("iface", "name"),
    "Iface Transport": ("iface", "transport"),
    "Iface Initiatorname": ("iface", "initiatorname"),
    "Iface IPaddress": ("iface", "ipaddress"),
    "Iface HWaddress": ("iface", "hwaddress"),
    "Iface Netdev": ("iface", "netdev"),
    "SID": (None, "sid"),
    "iSCSI Connection State": ("state", "connection"),
    "iSCSI Session State": ("state", "session"),
    "Internal iscsid Session State": ("state", "iscsid"),
    "Recovery Timeout": ("timeouts", "recovery"),
    "Target Reset Timeout": ("timeouts", "target_reset"),
    "LUN Reset Timeout": ("timeouts", "lun_reset"),
    "Abort Timeout": ("timeouts", "abort"),
    "username": ("chap", "username"),
    "password": ("chap", "password"),
    "username_in": ("chap", "username_in"),
    "password_in": ("chap", "password_in"),
    "HeaderDigest": ("negotiated", "header_digest"),
    "DataDigest": ("negotiated", "data_digest"),
    "MaxRecvDataSegmentLength": ("negotiated", "max_recv_data_segment_length"),
    "MaxXmitDataSegmentLength": ("negotiated", "max_xmit_data_segment_length"),
    "FirstBurstLength": ("negotiated", "first_burst_length"),
    "MaxBurstLength": ("negotiated", "max_burst_length"),
    "ImmediateData": ("negotiated", "immediate_data"),
    "InitialR2T": ("negotiated", "initial_r2t"),
    "MaxOutstandingR2T": ("negotiated", "max_outstanding_r2t"),
}
BANNERS = {"Interface:", "Timeouts:", "CHAP:", "Negotiated iSCSI params:",
           "Attached SCSI devices:"}
# unread host values: open-iscsi's sysfs reader puts in "default"
HOST_DEFAULTS = {"Iface IPaddress", "Iface HWaddress", "Iface Netdev"}


def parse_session_tree(lines, px):
    """-P 1..3 tree (each line starting with px) -> list of sessions."""
    sessions, target, prev, cur = [], None, None, None
    for line in lines:
        assert line.startswith(px), line
        line = line[len(px):]
        if line.startswith("Target: "):
            m = re.fullmatch(r"Target: (.*) \((flash|non-flash)\)", line)
            target, flash = m.group(1), m.group(2) == "flash"
            prev = None
            continue
        if line.startswith("\tCurrent Portal: ") or line == "":
            cur = {"target": target, "flash": flash, "keys": {}, "devices": []}
            if line:
                cur["current"] = portal_tpgt(line.split(": ", 1)[1])
            else:  # open-iscsi's empty line: same portals as the previous
                cur["current"], cur["persistent"] = prev["current"], prev["persistent"]
            sessions.append(cur)
            prev = cur
            continue
        if line.startswith("\tPersistent Portal: "):
            cur["persistent"] = portal_tpgt(line.split(": ", 1)[1])
            continue
        body = line[2:]
        if line.startswith("\t\t*") or body in BANNERS:
            continue
        m = re.fullmatch(r"Host Number: (\d+)\tState: (.*)", body)
        if m:
            cur["host"] = (int(m.group(1)), m.group(2))
            continue
        m = re.fullmatch(r"scsi(\d+) Channel (\d+) Id (\d+) Lun: (\d+)", body)
        if m:
            cur["devices"].append({"lun": tuple(int(x) for x in m.groups())})
            continue
        m = re.fullmatch(r"\tAttached scsi disk (\S+)\t\tState: (.*)", body)
        if m:
            cur["devices"][-1].update(disk=m.group(1), state=m.group(2))
            continue
        if body == "Unavailable":
            cur["unavailable"] = True
            continue
        key, value = body.split(": ", 1)
        if key not in SESSION_KEYS:
            errors.append(f"unknown text line {line!r}")
            continue
        if key == "Iface IPaddress" and value.startswith("["):
            value = value[1:-1]
        if key in HOST_DEFAULTS and value == "default":
            value = "<empty>"
        cur["keys"][key] = value
    return sessions


def compare_session(i, t, j):
    w = f"session[{i}]"
    same(w + ".target", t["target"], j["target"])
    same(w + ".flash", t["flash"], j["flash"])
    cp, pp = j["current_portal"], j["persistent_portal"]
    same(w + ".current_portal", t["current"], (cp["address"], cp["port"], j["tpgt"]))
    same(w + ".persistent_portal", t["persistent"], (pp["address"], pp["port"], j["tpgt"]))
    for key, value in t["keys"].items():
        obj, field = SESSION_KEYS[key]
        holder = j if obj is None else j.get(obj, {})
        if field not in holder:
            errors.append(f"{w}: json lacks {obj}.{field} ({key})")
            continue
        same(f"{w}.{obj}.{field}", value, holder[field])
    # the other way: every JSON field of a shown block is in the text
    shown = {SESSION_KEYS[k][0] for k in t["keys"]} - {None}
    for key, (obj, field) in SESSION_KEYS.items():
        if obj in shown and j[obj].get(field) is not None and key not in t["keys"]:
            errors.append(f"{w}: json {obj}.{field}={j[obj][field]!r} not in text")
    compare_devices(w, t, j)


def compare_devices(w, t, j):
    if "devices" not in j:
        if t["devices"] or "unavailable" in t:
            errors.append(f"{w}: text has devices, json none")
        return
    if t.get("unavailable"):
        same(w + ".devices", None, j["devices"])
        return
    if "host" in t:
        same(w + ".host", t["host"], (j["host"]["number"], j["host"]["state"]))
    if len(t["devices"]) != len(j["devices"]):
        errors.append(f"{w}: {len(t['devices'])} devices in text, {len(j['devices'])} in json")
        return
    for k, (td, jd) in enumerate(zip(t["devices"], j["devices"])):
        dw = f"{w}.devices[{k}]"
        same(dw + ".lun", td["lun"], (jd["host"], jd["channel"], jd["id"], jd["lun"]))
        same(dw + ".disk", td.get("disk"), jd["disk"])
        same(dw + ".state", td.get("state"), jd["state"])
        if jd["disk"]:
            same(dw + ".dev", "/dev/" + jd["disk"], jd["dev"])


def parse_session_flat(lines):
    out = []
    for line in lines:
        m = re.fullmatch(r"(\S+): \[(\d+)\] (\S+) (\S+) \((flash|non-flash)\)", line)
        addr, port, tpgt = portal_tpgt(m.group(3))
        out.append({"transport": m.group(1), "sid": int(m.group(2)), "address": addr,
                    "port": port, "tpgt": tpgt, "target": m.group(4),
                    "flash": m.group(5) == "flash"})
    return out


def check_sessions(level, text_lines, sessions, px=""):
    if level <= 0:
        flat = parse_session_flat(text_lines)
        same("count", len(flat), len(sessions))
        for i, (t, j) in enumerate(zip(flat, sessions)):
            pp = j["persistent_portal"]
            got = {"transport": j["transport"], "sid": j["sid"], "address": pp["address"],
                   "port": pp["port"], "tpgt": j["tpgt"], "target": j["target"],
                   "flash": j["flash"]}
            same(f"session[{i}]", t, got)
        return
    tree = parse_session_tree(text_lines, px)
    same("count", len(tree), len(sessions))
    for i, (t, j) in enumerate(zip(tree, sessions)):
        compare_session(i, t, j)


def versions(lines, doc):
    """-P 3 (session) / -P 4 (host) header lines."""
    if lines and lines[0].startswith("iSCSI Transport Class version "):
        same("transport_class_version", lines[0].split("version ", 1)[1],
             doc.get("transport_class_version"))
        return lines[2:]
    same("transport_class_version", None, doc.get("transport_class_version"))
    return lines


def kind_session(level, lines, doc):
    same("print_level", max(level, 0), doc["print_level"])
    if level == 3:
        lines = versions(lines, doc)
    check_sessions(level, lines, doc["sessions"])


HOST_TREE = {"State": "state", "Transport": "transport", "Initiatorname": "initiatorname",
             "IPaddress": "ipaddress", "HWaddress": "hwaddress", "Netdev": "netdev"}


def kind_host(level, lines, doc):
    same("print_level", max(level, 0), doc["print_level"])
    hosts = doc["hosts"]
    if level <= 0:
        same("count", len(lines), len(hosts))
        for i, (line, h) in enumerate(zip(lines, hosts)):
            m = re.fullmatch(r"(\S+): \[(\d+)\] (\S+),\[(\S+)\],(\S+) (\S+)", line)
            ip = m.group(3).strip("[]")
            got = (h["transport"], h["number"], h["ipaddress"], h["hwaddress"],
                   h["netdev"], h["initiatorname"])
            want = tuple(norm(x) for x in (m.group(1), m.group(2), ip, m.group(4),
                                           m.group(5), m.group(6)))
            same(f"host[{i}]", want, got)
        return
    if level == 4:
        lines = versions(lines, doc)
    blocks = []
    for line in lines:
        if line.startswith("Host Number: "):
            blocks.append({"number": int(line.split(": ")[1]), "keys": {}, "sess": []})
        elif line.startswith("\t*") or line == "\tSessions:":
            continue
        elif line.startswith("\t") and ": " in line and not blocks[-1]["sess"] and \
                line[1:].split(": ")[0] in HOST_TREE:
            k, v = line[1:].split(": ", 1)
            blocks[-1]["keys"][k] = v.strip("[]") if k == "IPaddress" else v
        else:
            blocks[-1]["sess"].append(line)
    same("count", len(blocks), len(hosts))
    for i, (b, h) in enumerate(zip(blocks, hosts)):
        same(f"host[{i}].number", b["number"], h["number"])
        for k, field in HOST_TREE.items():
            same(f"host[{i}].{field}", b["keys"][k], h[field])
        if level >= 2:
            check_sessions(level, b["sess"], h["sessions"], "\t")
        elif "sessions" in h:
            errors.append(f"host[{i}]: sessions in json at -P {level}")


def parse_id_tree(lines, px=""):
    """-P 1 node tree: Target / Portal / Iface Name -> [(t, addr, port, tpgt, iface)]."""
    out, target, por = [], None, None
    for line in lines:
        assert line.startswith(px), line
        line = line[len(px):]
        if line.startswith("Target: "):
            target = line[len("Target: "):]
        elif line.startswith("\tPortal: "):
            por = portal_tpgt(line[len("\tPortal: "):])
            if px:  # iface tree: no Iface Name lines
                out.append((target,) + por)
        elif line.startswith("\t\tIface Name: "):
            out.append((target,) + por + (line[len("\t\tIface Name: "):],))
        else:
            errors.append(f"unknown tree line {line!r}")
    return out


def id_tuple(j, iface=True):
    t = (j["target"], j["address"], j["port"], j["tpgt"])
    return t + (j["iface"],) if iface else t


def compare_ids(where, level, lines, ids, unsigned_tpgt):
    if level >= 1:
        same(where, parse_id_tree(lines), [id_tuple(j) for j in ids])
        return
    flat = []
    for line in lines:
        p, target = line.split(" ", 1)
        addr, port, tpgt = portal_tpgt(p)
        if unsigned_tpgt and tpgt == 4294967295:
            tpgt = -1  # open-iscsi prints an unknown tpgt unsigned
        flat.append((target, addr, port, tpgt))
    same(where, flat, [id_tuple(j, False) for j in ids])


def kind_node(level, lines, doc):
    same("print_level", max(level, 0), doc["print_level"])
    compare_ids("nodes", level, lines, doc["nodes"], True)


def kind_discovered(level, lines, doc):
    same("print_level", max(level, 0), doc["print_level"])
    compare_ids("targets", level, lines, doc["targets"], False)


def kind_discovery(level, lines, doc):
    same("print_level", max(level, 0), doc["print_level"])
    st = doc["sendtargets"]
    if level <= 0:
        got = [f"{d['address']}:{d['port']} via sendtargets" for d in st]
        same("sendtargets", lines, got)
        return
    sections, cur = {}, None
    titles = {"SENDTARGETS:": "sendtargets", "iSNS:": "isns", "STATIC:": "static",
              "FIRMWARE:": "firmware"}
    for line in lines:
        if line in titles:
            cur = titles[line]
            sections[cur] = []
        elif line == "No targets found.":
            continue
        elif line.startswith("DiscoveryAddress: "):
            addr, port = line[len("DiscoveryAddress: "):].rsplit(",", 1)
            sections[cur].append({"address": addr, "port": int(port), "lines": []})
        elif cur == "sendtargets":
            sections[cur][-1]["lines"].append(line)
        else:
            sections[cur].append(line)
    same("sendtargets.count", len(sections["sendtargets"]), len(st))
    for i, (t, j) in enumerate(zip(sections["sendtargets"], st)):
        same(f"sendtargets[{i}].portal", (t["address"], t["port"]), (j["address"], j["port"]))
        same(f"sendtargets[{i}].targets", parse_id_tree(t["lines"]),
             [id_tuple(x) for x in j["targets"]])
    for key in ("isns", "static", "firmware"):
        same(key, parse_id_tree(sections[key]), [id_tuple(x) for x in doc[key]])


def kind_iface(level, lines, doc):
    same("print_level", max(level, 0), doc["print_level"])
    ifaces = doc["ifaces"]
    if level <= 0:
        same("count", len(lines), len(ifaces))
        for i, (line, j) in enumerate(zip(lines, ifaces)):
            name, rest = line.split(" ", 1)
            want = [name] + [None if v == "<empty>" else v for v in rest.split(",", 4)]
            got = [j[k] for k in ("name", "transport", "hwaddress", "ipaddress", "netdev",
                                  "initiatorname")]
            same(f"iface[{i}]", want, got)
        return
    if not lines:  # open-iscsi prints no tree without node records
        same("targets", [], [t for j in ifaces for t in j["targets"]])
        return
    blocks = []
    for line in lines:
        if line.startswith("Iface: "):
            blocks.append((line[len("Iface: "):], []))
        else:
            blocks[-1][1].append(line)
    same("names", [b[0] for b in blocks], [j["name"] for j in ifaces])
    for (name, body), j in zip(blocks, ifaces):
        want = parse_id_tree(body, "\t")
        got = [id_tuple(t, False) for t in j["targets"]]
        # the tree prints a target and portal once for consecutive records
        dedup = [g for k, g in enumerate(got) if k == 0 or g != got[k - 1]]
        same(f"iface {name}.targets", want, dedup)


def kind_record(level, lines, doc):
    records, cur = [], None
    for line in lines:
        if line.startswith("# BEGIN RECORD "):
            cur = []
        elif line == "# END RECORD":
            records.append(cur)
        else:
            k, v = line.split(" = ", 1)
            cur.append((k, None if v == "<empty>" else v))
    same("count", len(records), len(doc["records"]))
    for i, (t, j) in enumerate(zip(records, doc["records"])):
        same(f"record[{i}]", t, list(j.items()))


def kind_stats(level, lines, doc):
    blocks, cur, part = [], None, None
    for line in lines:
        m = re.fullmatch(r"Stats for session \[sid: (\d+), target: (\S+), portal: (.*),(\d+)\]",
                         line)
        if m:
            cur = {"sid": int(m.group(1)), "target": m.group(2), "address": m.group(3),
                   "port": int(m.group(4)), "iscsi_snmp": [], "iscsi_extended": []}
            blocks.append(cur)
        elif line in ("iSCSI SNMP:", "iSCSI Extended:"):
            part = "iscsi_snmp" if line == "iSCSI SNMP:" else "iscsi_extended"
        else:
            k, v = line[1:].split(": ", 1)
            cur[part].append((k, int(v)))
    same("count", len(blocks), len(doc["stats"]))
    for i, (t, j) in enumerate(zip(blocks, doc["stats"])):
        same(f"stats[{i}].session", (t["sid"], t["target"], t["address"], t["port"]),
             (j["sid"], j["target"], j["portal"]["address"], j["portal"]["port"]))
        for part in ("iscsi_snmp", "iscsi_extended"):
            same(f"stats[{i}].{part}", t[part], list(j[part].items()))


KINDS = {"session": kind_session, "host": kind_host, "node": kind_node,
         "discovered": kind_discovered, "discovery": kind_discovery, "iface": kind_iface,
         "record": kind_record, "stats": kind_stats}


def main():
    kind, level, text_file, json_file = sys.argv[1:5]
    with open(text_file) as f:
        lines = f.read().splitlines()
    with open(json_file) as f:
        doc = json.load(f)
    if doc.get("version") != 1:
        errors.append(f"version {doc.get('version')!r}")
    KINDS[kind](int(level), lines, doc)
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
