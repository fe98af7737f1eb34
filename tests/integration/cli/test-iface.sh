#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -m iface: listing, records, new/update/delete as open-iscsi 2.1.8.
set -u
. "$(dirname "$0")/cli-lib.sh"

run -m iface
expect_rc "list_builtins_exits_0" 0
expect_out "list_builtins" "default tcp,<empty>,<empty>,<empty>,<empty>
iser iser,<empty>,<empty>,<empty>,<empty>"
run -m iface -P 1
expect_rc "tree_without_nodes_exits_0" 0
expect_out "tree_without_nodes_is_empty" ""

run -m iface -I default
expect_rc "show_default_exits_0" 0
check "show_default_begins_record" [ "$(head -1 <<<"$OUT")" = "# BEGIN RECORD 2.1.8" ]
expect_out_line "show_default_name" "iface.iscsi_ifacename = default"
expect_out_line "show_default_transport" "iface.transport_name = tcp"
run -m iface -I iser
expect_out_line "show_iser_transport" "iface.transport_name = iser"
run -m iface -I nosuch
expect_rc "show_missing_iface_exits_6" 6

run -m iface -I eth0if -o new
expect_rc "new_iface_exits_0" 0
expect_out "new_iface_lines" "eth0if updated.
New interface eth0if added"
check "new_iface_file_exists" [ -f "$ISCSI_CONFIG_DIR/ifaces/eth0if" ]
run -m iface
expect_out "stored_ifaces_listed_before_builtins" "eth0if tcp,<empty>,<empty>,<empty>,<empty>
default tcp,<empty>,<empty>,<empty>,<empty>
iser iser,<empty>,<empty>,<empty>,<empty>"

run -m iface -I eth0if -o update -n iface.net_ifacename -v eth0
expect_rc "update_iface_exits_0" 0
expect_out "update_iface_line" "eth0if updated."
run -m iface -I eth0if -o update -n iface.initiatorname -v iqn.2016-04.com.open-iscsi:other
run -m iface
expect_out_line "updated_iface_listed" "eth0if tcp,<empty>,<empty>,eth0,iqn.2016-04.com.open-iscsi:other"
run -m iface -I eth0if -o update -n iface.hwaddress -v 00:11:22:33:44:55
expect_rc "switching_binding_refused" 7
expect_err "switching_binding_message" "iscsiadm: Can not update interface binding from net_ifacename to hwaddress. You must delete the interface and create a new one"
run -m iface -I eth0if -o update -n iface.iscsi_ifacename -v other
expect_rc "renaming_iface_refused" 7
run -m iface -I eth0if -o update -n iface.bogus -v 1
expect_rc "unknown_iface_key_exits_7" 7
expect_err "unknown_iface_key_message" "iscsiadm: Cannot modify iface.bogus. Invalid param name."
run -m iface -I eth0if -o update
expect_rc "update_needs_name_value" 7
expect_err "update_needs_name_value_message" "iscsiadm: Update requires name, value, and iface."

run -m iface -I default -o delete
expect_rc "delete_builtin_exits_7" 7
expect_err "delete_builtin_message" "iscsiadm: iface default is a special interface and cannot be deleted."
expect_err "delete_builtin_summary" "iscsiadm: Could not delete iface default: invalid parameter"
run -m iface -I iser -o new
expect_rc "new_builtin_exits_7" 7
expect_err "new_builtin_message" "iscsiadm: Could not create new interface iser."
run -m iface -I default -o update -n iface.net_ifacename -v eth1
expect_rc "update_builtin_exits_7" 7
expect_err "update_builtin_message" "iscsiadm: iface default is a special interface and cannot be modified."
run -m iface -o new
expect_err "new_without_name_message" "iscsiadm: Could not add interface. No interface passed in."
run -m iface -o delete
expect_rc "delete_without_name_exits_7" 7
run -m iface -I nosuch -o delete
expect_rc "delete_missing_exits_7" 7
expect_err "delete_missing_message" "iscsiadm: Could not read iface info for nosuch."

# node records bound to an iface carry its settings; -P 1 shows them
run -m node -o new -T iqn.2016-01.com.example:a -p 10.0.0.1:3260,1 -I eth0if
expect_out "node_on_iface_line" "New iSCSI node [tcp:[hw=,ip=,net_if=eth0,iscsi_if=eth0if] 10.0.0.1,3260,1 iqn.2016-01.com.example:a] added"
run -m node -o new -T iqn.2016-01.com.example:b -p 10.0.0.2:3260,1
run -m iface -P 1
expect_out "tree_with_nodes" "Iface: eth0if
	Target: iqn.2016-01.com.example:a
		Portal: 10.0.0.1:3260,1
Iface: default
	Target: iqn.2016-01.com.example:b
		Portal: 10.0.0.2:3260,1
Iface: iser"
run -m iface -P 2
expect_rc "iface_print_level_2_exits_7" 7

run -m iface -I eth0if -o delete
expect_rc "delete_iface_exits_0" 0
expect_out "delete_iface_line" "eth0if unbound and deleted."
run -m node
expect_out "delete_iface_drops_its_node_records" "10.0.0.2:3260,1 iqn.2016-01.com.example:b"

run -m iface -I eth0if -o apply
expect_rc "apply_on_missing_iface_exits_6" 6

finish
