/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mode_fw.c: `-m fw` and `-m discovery -t fw` (see mode_fw.h). */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "iscsiadm/discover.h"
#include "iscsiadm/json_out.h"
#include "iscsiadm/login.h"
#include "iscsiadm/mode_fw.h"
#include "iscsiadm/msg.h"
#include "iscsiadm/print.h"
#include "iscsiadm/sessions.h"
#include "libiscsi-core/util.h"
#include "sysfs/boot.h"

/* open-iscsi's DHCP marker in the ethernet entry's origin (IBFT_IP_PREFIX_ORIGIN_DHCP) */
#define ORIGIN_DHCP 3

/* The lines of one record, in open-iscsi's order; strings only when set. */
enum fw_kind { FW_STR, FW_SECRET, FW_ALWAYS, FW_BOOTPROTO, FW_PREFIX, FW_PORT };

#define FW_FIELD(key, field, kind) { key, offsetof(struct sysfs_boot_target, field), kind }
static const struct {
	const char *key;
	size_t off;
	enum fw_kind kind;
} fw_fields[] = {
	FW_FIELD("iface.initiatorname", initiatorname, FW_STR),
	FW_FIELD("iface.isid", isid, FW_STR),
	FW_FIELD("iface.transport_name", transport, FW_ALWAYS),
	FW_FIELD("iface.hwaddress", mac, FW_STR),
	FW_FIELD("iface.bootproto", dhcp, FW_BOOTPROTO),
	FW_FIELD("iface.ipaddress", ipaddr, FW_STR),
	FW_FIELD("iface.prefix_len", prefix_len, FW_PREFIX),
	FW_FIELD("iface.subnet_mask", subnet_mask, FW_STR),
	FW_FIELD("iface.gateway", gateway, FW_STR),
	FW_FIELD("iface.primary_dns", primary_dns, FW_STR),
	FW_FIELD("iface.secondary_dns", secondary_dns, FW_STR),
	FW_FIELD("iface.vlan_id", vlan, FW_STR),
	FW_FIELD("iface.net_ifacename", netdev, FW_STR),
	FW_FIELD("node.name", targetname, FW_STR),
	FW_FIELD("node.conn[0].address", address, FW_STR),
	FW_FIELD("node.conn[0].port", port, FW_PORT),
	FW_FIELD("node.session.auth.username", chap_name, FW_STR),
	FW_FIELD("node.session.auth.password", chap_secret, FW_SECRET),
	FW_FIELD("node.session.auth.username_in", rev_chap_name, FW_STR),
	FW_FIELD("node.session.auth.password_in", rev_chap_secret, FW_SECRET),
	FW_FIELD("node.boot_lun", lun, FW_STR),
};

/* DHCP when the origin says so or a DHCP server is named (some firmware
 * writes 0.0.0.0 there), as open-iscsi decides. */
static const char *bootproto(const struct sysfs_boot_target *t)
{
	bool dhcp = t->origin == ORIGIN_DHCP || (t->dhcp[0] && !streq(t->dhcp, "0.0.0.0"));

	return dhcp ? "DHCP" : "STATIC";
}

/* The fields of one boot target in order, as "key", "value" pairs. */
static void each_field(const struct sysfs_boot_target *t,
		       void (*fn)(void *ud, const char *key, const char *value), void *ud)
{
	char num[16];

	for (size_t i = 0; i < ARRAY_SIZE(fw_fields); i++) {
		const char *s = (const char *)t + fw_fields[i].off;
		const int *v = (const int *)(const void *)s;
		const char *key = fw_fields[i].key;

		switch (fw_fields[i].kind) {
		case FW_STR:
		case FW_ALWAYS:
			if (s[0] || fw_fields[i].kind == FW_ALWAYS)
				fn(ud, key, s);
			break;
		case FW_SECRET:
			/* lunlink masks secrets in every listing */
			if (s[0])
				fn(ud, key, "********");
			break;
		case FW_BOOTPROTO:
			fn(ud, key, bootproto(t));
			break;
		case FW_PREFIX:
		case FW_PORT:
			snprintf(num, sizeof(num), "%d", *v);
			if (*v || fw_fields[i].kind == FW_PORT)
				fn(ud, key, num);
			break;
		}
	}
}

static void print_field(void *ud, const char *key, const char *value)
{
	(void)ud;
	printf("%s = %s\n", key, value);
}

static void json_field(void *ud, const char *key, const char *value)
{
	json_set_str(ud, key, value);
}

/* Text: open-iscsi's records; -J: { "version", "records": [ {...} ] }. */
static void print_targets(const struct ctx *c, const struct sysfs_boot_list *l)
{
	struct rec_list_out out;

	rec_list_begin(&out, c->o);
	for (size_t i = 0; i < l->n; i++) {
		if (out.json) {
			each_field(&l->t[i], json_field, rec_list_add_json(&out));
			continue;
		}
		printf("# BEGIN RECORD %s\n", OPEN_ISCSI_COMPAT_VERSION);
		each_field(&l->t[i], print_field, NULL);
		printf("# END RECORD\n");
	}
	rec_list_end(&out, true);
}

/* The boot targets; problems of a damaged table are named, and no usable
 * target at all is open-iscsi's error 21. */
static int fw_load(struct sysfs_boot_list *l)
{
	if (sysfs_boot_read(sessions_sysfs_root(), l) < 0)
		return ISCSI_ERR_NOMEM;
	for (size_t i = 0; i < l->n_skipped; i++)
		log_warning("firmware boot table: %s; entry skipped", l->skipped[i]);
	if (l->n == 0) {
		log_error("Could not get list of targets from firmware. (err %d)",
			  ISCSI_ERR_NO_OBJS_FOUND);
		sysfs_boot_free(l);
		return ISCSI_ERR_NO_OBJS_FOUND;
	}
	return 0;
}

/* rec_set that reports: 0 or an exit code. */
static int set(struct rec *r, const char *key, const char *value)
{
	struct ll_error err = { 0 };

	return rec_set(r, key, value, &err) < 0 ? ctx_report(&err) : 0;
}

static int set_auth(struct rec *r, const struct sysfs_boot_target *t)
{
	int rc = 0;

	if (t->chap_name[0]) {
		rc = set(r, "node.session.auth.authmethod", "CHAP");
		if (!rc)
			rc = set(r, "node.session.auth.username", t->chap_name);
		if (!rc)
			rc = set(r, "node.session.auth.password", t->chap_secret);
	}
	if (!rc && t->rev_chap_name[0]) {
		rc = set(r, "node.session.auth.username_in", t->rev_chap_name);
		if (!rc)
			rc = set(r, "node.session.auth.password_in", t->rev_chap_secret);
	}
	return rc;
}

/* The node record of a boot target (tpgt 1, as open-iscsi assumes), from
 * iscsid.conf's template, through iface when given. */
static int target_rec(struct ctx *c, const struct sysfs_boot_target *t,
		      const struct rec *iface, struct rec **out)
{
	const struct cfg *cfg = NULL;
	char port[16];
	struct rec *r;
	int rc = ctx_cfg(c, &cfg);

	if (rc)
		return rc;
	if (!streq(t->transport, "tcp")) {
		log_error("%s/%s: the boot target of a %s offload HBA; lunlink logs in "
			  "with iscsi_tcp only", t->table, t->entry,
			  t->transport[0] ? t->transport : "unknown");
		return ISCSI_ERR_TRANS_NOT_FOUND;
	}
	r = cfg_rec_new(cfg, REC_NODE);
	if (!r)
		return ISCSI_ERR_NOMEM;
	if (iface)
		rec_copy_common(r, iface);
	snprintf(port, sizeof(port), "%d", t->port);
	rc = set(r, "node.name", t->targetname);
	if (!rc)
		rc = set(r, "node.tpgt", "1");
	if (!rc)
		rc = set(r, "node.conn[0].address", t->address);
	if (!rc)
		rc = set(r, "node.conn[0].port", port);
	if (!rc)
		rc = set(r, "node.discovery_type", "fw");
	if (!rc && t->initiatorname[0])
		rc = set(r, "iface.initiatorname", t->initiatorname);
	if (!rc)
		rc = set_auth(r, t);
	if (rc)
		rec_free(r);
	else
		*out = r;
	return rc;
}

/* -m fw -l: the records are not stored (open-iscsi's fw logins leave the
 * node DB alone); -n/-v change them for this login. */
static int fw_login(struct ctx *c, const struct sysfs_boot_list *l)
{
	struct rec **recs = calloc(l->n, sizeof(*recs));
	size_t n = 0;
	int rc = recs ? 0 : ISCSI_ERR_NOMEM, built_rc;

	for (size_t i = 0; i < l->n && !rc; i++) {
		rc = target_rec(c, &l->t[i], NULL, &recs[n]);
		if (!rc)
			n++;
		for (size_t p = 0; p < c->o->n_params && !rc; p++)
			rc = set(recs[n - 1], c->o->params[p].name, c->o->params[p].value);
	}
	built_rc = rc;
	/* one target after the other, each announced and answered before the
	 * next, as open-iscsi's fw logins go; the first failure is the exit code */
	for (size_t i = 0; i < n && !built_rc; i++) {
		int lrc = login_records(c, &recs[i], 1, !c->o->no_wait);

		if (!rc)
			rc = lrc;
	}
	for (size_t i = 0; i < n; i++)
		rec_free(recs[i]);
	free(recs);
	return rc;
}

int mode_fw(struct ctx *c)
{
	struct sysfs_boot_list l;
	int rc;

	if (c->o->n_params && !c->o->login) {
		log_error("fw mode: -n/-v change the boot targets' records only with -l; "
			  "this command would ignore them.");
		return ISCSI_ERR_INVAL;
	}
	rc = fw_load(&l);
	if (rc == ISCSI_ERR_NO_OBJS_FOUND && c->o->json && !c->o->login) {
		struct json_object *arr;

		json_doc_print(json_doc_list("records", &arr));   /* empty listing */
	}
	if (rc)
		return rc;
	if (c->o->login) {
		rc = fw_login(c, &l);
	} else {
		print_targets(c, &l);
	}
	sysfs_boot_free(&l);
	return rc;
}

/* Old records of this discovery type: gone from the table means stale. */
static bool from_fw(const struct rec *node, const void *arg)
{
	const char *type = rec_get(node, "node.discovery_type");

	(void)arg;
	return type && streq(type, "fw");
}

static int add_records(struct ctx *c, const struct sysfs_boot_list *l, struct discovered *d)
{
	int rc = 0;

	for (size_t i = 0; i < l->n && !rc; i++) {
		for (size_t j = 0; j < d->n_ifaces && !rc; j++) {
			struct ll_error err = { 0 };
			struct ndb_node_id id;
			struct rec *r = NULL;

			rc = target_rec(c, &l->t[i], d->ifaces[j], &r);
			if (!rc && ndb_node_id_from_rec(r, &id, &err) < 0)
				rc = ctx_report(&err);
			if (!rc && node_list_add(&d->recs, &id, r) < 0)
				rc = ISCSI_ERR_NOMEM;
			if (rc)
				rec_free(r);
		}
	}
	return rc;
}

int discover_fw(struct ctx *c)
{
	struct discovered d = { 0 };
	struct sysfs_boot_list l;
	int rc = fw_load(&l);

	if (rc)
		return rc;
	rc = discovered_load_ifaces(c, &d);
	if (!rc)
		rc = add_records(c, &l, &d);
	if (!rc)
		rc = discovered_finish(c, &d, c->o->op, from_fw, NULL);
	discovered_free(&d);
	sysfs_boot_free(&l);
	return rc;
}
