/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mode_host.c: `iscsiadm -m host` (see mode_host.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsiadm/host_stats.h"
#include "iscsiadm/json_out.h"
#include "iscsiadm/mode_host.h"
#include "iscsiadm/msg.h"
#include "iscsiadm/session_json.h"
#include "iscsiadm/session_print.h"
#include "iscsiadm/sessions.h"
#include "libiscsi-core/util.h"
#include "sysfs/host.h"

/* open-iscsi prints unset values as this. */
#define UNKNOWN_VALUE "<empty>"

static const char *or_empty(const char *v)
{
	return v[0] ? v : UNKNOWN_VALUE;
}

/* -H: a host number, or the MAC (hwaddress) of a host. */
static int parse_host(const char *arg, unsigned *host_no)
{
	unsigned long long v;

	*host_no = 0;
	if (!arg)
		return 0;
	if (strchr(arg, ':')) {
		if (sysfs_host_by_hwaddress(sessions_sysfs_root(), arg, host_no) < 0) {
			log_error("Could not match MAC to host.");
			return ISCSI_ERR_INVAL;
		}
		return 0;
	}
	/* open-iscsi's strtoull: "abc" is host 0, "-1" is out of range */
	errno = 0;
	v = strtoull(arg, NULL, 10);
	if (!errno && v > UINT32_MAX)
		errno = ERANGE;
	if (errno) {
		log_error("Invalid host no %s. %s.", arg, strerror(errno));
		return ISCSI_ERR_INVAL;
	}
	*host_no = (unsigned)v;
	return 0;
}

/* IPv6 addresses in brackets: open-iscsi's test is "has no dot". */
static void print_ip(const char *before, const char *ip, const char *after)
{
	bool v6 = ip[0] && !strchr(ip, '.');

	printf("%s%s%s%s%s", before, v6 ? "[" : "", or_empty(ip), v6 ? "]" : "", after);
}

static void print_flat(const struct sysfs_host *h)
{
	printf("%s: [%u] ", or_empty(h->transport), h->host_no);
	print_ip("", h->ipaddress, ",");
	printf("[%s],%s %s\n", or_empty(h->hwaddress), or_empty(h->netdev),
	       or_empty(h->initiatorname));
}

/* The session-tree parts -P 2..4 add under each host (index: level). */
static const unsigned host_levels[] = {
	[2] = TREE_IFACE | TREE_STATE,
	[3] = TREE_IFACE | TREE_STATE | TREE_PARAMS,
	[4] = TREE_IFACE | TREE_STATE | TREE_PARAMS | TREE_DEVICES,
};

/* The host's sessions, collected for text or JSON; 0 or an exit code. */
static int host_sessions(struct ctx *c, const struct sysfs_host *h,
			 const struct session_list *l, int level, struct session_views *v)
{
	const struct sysfs_session **sel;
	size_t n = 0;
	int rc;

	sel = calloc(l->n ? l->n : 1, sizeof(*sel));
	if (!sel)
		return ISCSI_ERR_NOMEM;
	for (size_t i = 0; i < l->n; i++)
		if (l->s[i].has_host && l->s[i].host_no == h->host_no)
			sel[n++] = &l->s[i];
	rc = session_views_collect(c, sel, n, host_levels[level], v);
	free(sel);
	return rc;
}

static int print_tree(struct ctx *c, const struct sysfs_host *h,
		      const struct session_list *l, int level)
{
	struct session_views v;
	int rc;

	printf("Host Number: %u\n", h->host_no);
	printf("\tState: %s\n", h->state[0] ? h->state : "Unknown");
	printf("\tTransport: %s\n", or_empty(h->transport));
	printf("\tInitiatorname: %s\n", or_empty(h->initiatorname));
	print_ip("\tIPaddress: ", h->ipaddress, "\n");
	printf("\tHWaddress: %s\n", or_empty(h->hwaddress));
	printf("\tNetdev: %s\n", or_empty(h->netdev));
	if (level < 2)
		return 0;
	if ((rc = host_sessions(c, h, l, level, &v)))
		return rc;
	if (v.n) {
		printf("\t*********\n\tSessions:\n\t*********\n");
		session_text_tree(&v, "\t");
	}
	session_views_free(&v);
	return 0;
}

static int add_json(struct ctx *c, struct json_object *arr, const struct sysfs_host *h,
		    const struct session_list *l, int level)
{
	struct json_object *o = json_arr_add_obj(arr);
	struct session_views v;
	int rc;

	json_set_int(o, "number", h->host_no);
	json_set_str(o, "transport", h->transport);
	json_set_str(o, "ipaddress", h->ipaddress);
	json_set_str(o, "hwaddress", h->hwaddress);
	json_set_str(o, "netdev", h->netdev);
	json_set_str(o, "initiatorname", h->initiatorname);
	if (level >= 1)
		json_set_str(o, "state", h->state);
	if (level < 2)
		return 0;
	if ((rc = host_sessions(c, h, l, level, &v)))
		return rc;
	json_object_object_add(o, "sessions", session_json_array(&v));
	session_views_free(&v);
	return 0;
}

/* -J: { "version", "print_level", ["transport_class_version",] "hosts" } */
static int json_hosts(struct ctx *c, const struct sysfs_host *hosts, size_t n,
		      const struct session_list *l, int level)
{
	struct json_object *arr, *doc = json_doc_new();
	int rc = 0;

	json_set_int(doc, "print_level", level < 0 ? 0 : level);
	if (level == 4)
		session_json_versions(doc);
	arr = json_set_arr(doc, "hosts");
	for (size_t i = 0; i < n && !rc; i++)
		rc = add_json(c, arr, &hosts[i], l, level);
	if (rc)
		json_object_put(doc);
	else
		json_doc_print(doc);
	return rc;
}

static int print_hosts(struct ctx *c, int level)
{
	struct session_list l = { 0 };
	struct sysfs_host *hosts;
	size_t n;
	int rc = 0, r;

	if (level < -1 || level > 4) {
		log_error("Invalid info level %d. Try 0 - 4.", level);
		return ISCSI_ERR_INVAL;
	}
	r = sysfs_host_list(sessions_sysfs_root(), &hosts, &n);
	if (r < 0) {
		log_error("Can not get list of iSCSI hosts: %s", strerror(-r));
		return r == -ENOMEM ? ISCSI_ERR_NOMEM : ISCSI_ERR_SYSFS_LOOKUP;
	}
	if (level >= 2 && n)
		rc = session_list_load(&l);
	if (!rc && c->o->json)
		rc = json_hosts(c, hosts, n, &l, level);
	else if (!rc && n && level == 4)
		session_print_versions();
	for (size_t i = 0; i < n && !rc && !c->o->json; i++) {
		if (level <= 0)
			print_flat(&hosts[i]);
		else
			rc = print_tree(c, &hosts[i], &l, level);
	}
	if (!rc && n == 0) {
		log_error("No iSCSI hosts.");
		rc = ISCSI_ERR_NO_OBJS_FOUND;
	}
	session_list_free(&l);
	free(hosts);
	return rc;
}

/*
 * -C chap: iscsi_tcp hosts keep no CHAP table.  The answers for "no -o",
 * "-o show" and "-o new/update without values" are open-iscsi 2.1.8's for
 * an iscsi_tcp host; the rest gets lunlink's plain statement.
 */
static int host_chap(const struct opts *o, unsigned host_no)
{
	if (o->op == OP_NOOP) {
		log_error("CHAP mode requires host no and valid operation");
		return ISCSI_ERR_INVAL;
	}
	if (o->op == OP_SHOW) {
		log_error("Received iferror %d: %s.", -EINVAL, strerror(EINVAL));
		log_error("get_chap_info failed. errno=0");
		return ISCSI_ERR;
	}
	if ((o->op == OP_NEW || o->op == OP_UPDATE) && !o->n_params) {
		log_error("Chap username/password not provided.");
		return 0;
	}
	log_error("host%u: CHAP tables belong to offload HBAs; iscsi_tcp hosts have none "
		  "(set node.session.auth.* in the node record instead)", host_no);
	return ISCSI_ERR_OP_NOT_SUPP;
}

int mode_host(struct ctx *c)
{
	const struct opts *o = c->o;
	unsigned host_no;
	int rc = parse_host(o->host, &host_no);

	if (rc)
		return rc;
	if (o->submode && streq(o->submode, "chap"))
		return host_chap(o, host_no);
	if (o->submode && streq(o->submode, "flashnode")) {
		/* flash targets are an offload HBA's (qla4xxx) */
		if (o->json) {
			struct json_object *arr;

			json_doc_print(json_doc_list("flashnodes", &arr));
		}
		log_error("No flashnodes attached to host %u.", host_no);
		return ISCSI_ERR_NO_OBJS_FOUND;
	}
	if (o->submode && streq(o->submode, "stats"))
		return host_stats(c, host_no);
	if (o->n_params) {
		log_error("host mode: -n/-v are used only with -C chap; this command would "
			  "ignore them.");
		return ISCSI_ERR_INVAL;
	}
	/* open-iscsi 2.1.8 ignores other -C words and -o here */
	return print_hosts(c, o->print_level);
}
