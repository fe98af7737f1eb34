/* SPDX-License-Identifier: GPL-2.0-or-later */
/* loginrec.c: record -> login configuration (see loginrec.h). */
#include <errno.h>
#include <stdbool.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <sys/socket.h>
#include <string.h>

#include "db/config.h"
#include "iscsid/log.h"
#include "iscsid/loginrec.h"
#include "libiscsi-core/util.h"

int loginrec_rec_from_msg(const struct ipc_msg *m, enum rec_kind kind, struct rec **out,
			  struct ll_error *err)
{
	struct rec *r = rec_new(kind);

	if (!r)
		return ll_error_set(err, ISCSI_ERR_NOMEM, "out of memory"), -ENOMEM;
	for (size_t i = 0; i < m->n; i++) {
		char key[REC_KEY_MAX];
		const char *kv = (const char *)m->attrs[i].val;
		const char *eq;
		size_t klen;

		if (m->attrs[i].tag != IPC_A_KV)
			continue;
		eq = strchr(kv, '=');
		klen = eq ? (size_t)(eq - kv) : 0;
		if (!eq || klen == 0 || klen >= sizeof(key)) {
			rec_free(r);
			return ll_error_set(err, ISCSI_ERR_INVALID_MGMT_REQ,
					    "malformed record line in request"), -EINVAL;
		}
		memcpy(key, kv, klen);
		key[klen] = '\0';
		if (!rec_key_find(kind, key))
			continue;  /* e.g. iface.* keys sent along with a discovery record */
		if (rec_set(r, key, eq + 1, err) < 0) {
			rec_free(r);
			return -EINVAL;
		}
	}
	*out = r;
	return 0;
}

static int copy_field(char *dst, size_t cap, const char *v, const char *key,
		      struct ll_error *err)
{
	if (!v)
		v = "";
	if (str_copy(dst, cap, v) < 0)
		return ll_error_set(err, ISCSI_ERR_INVAL, "%s is too long", key), -EINVAL;
	return 0;
}

/* CHAP settings from the "<prefix>auth." keys of a record. */
static int fill_auth(struct login_params *p, const struct rec *r, const char *prefix,
		     struct ll_error *err)
{
	char key[REC_KEY_MAX];
	int rc = 0;

#define AUTH_KEY(name) (snprintf(key, sizeof(key), "%sauth.%s", prefix, name), key)
	bool chap = !strcmp(rec_get(r, AUTH_KEY("authmethod")) ?: "None", "CHAP");
	const char *user = rec_get(r, AUTH_KEY("username"));

	/*
	 * Like open-iscsi, credentials are offered whenever a username is
	 * set, even with authmethod left at None (the seed document's recipe
	 * sets only username and password).
	 */
	if (!chap && !(user && *user))
		return 0;
	rc |= copy_field(p->username, sizeof(p->username), rec_get(r, AUTH_KEY("username")),
			 key, err);
	rc |= copy_field(p->password, sizeof(p->password), rec_get(r, AUTH_KEY("password")),
			 key, err);
	rc |= copy_field(p->username_in, sizeof(p->username_in),
			 rec_get(r, AUTH_KEY("username_in")), key, err);
	rc |= copy_field(p->password_in, sizeof(p->password_in),
			 rec_get(r, AUTH_KEY("password_in")), key, err);
#undef AUTH_KEY
	rc |= copy_field(p->chap_algs, sizeof(p->chap_algs),
			 rec_get(r, "node.session.auth.chap_algs"), "chap_algs", err);
	if (rc)
		return -EINVAL;
	p->chap.username = p->username;
	p->chap.password = p->password;
	p->chap.username_in = p->username_in[0] ? p->username_in : NULL;
	p->chap.password_in = p->password_in[0] ? p->password_in : NULL;
	p->chap.chap_algs = p->chap_algs[0] ? p->chap_algs : NULL;
	p->cfg.chap = &p->chap;
	/* Mutual CHAP is pointless if the target may skip authentication. */
	p->cfg.chap_required = p->username_in[0] != '\0';
	return 0;
}

static int parse_digest(const struct rec *r, const char *key, enum neg_digest_pref *out,
			struct ll_error *err)
{
	const char *v = rec_get(r, key);

	if (neg_digest_pref_parse(v ? v : "None", out) < 0)
		return ll_error_set(err, ISCSI_ERR_INVAL, "%s has an unknown value '%s'", key,
				    v ? v : ""), -EINVAL;
	return 0;
}

static int fill_neg_node(struct neg_config *n, const struct rec *r, struct ll_error *err)
{
	neg_config_defaults(n);
	n->max_recv_dsl = (uint32_t)rec_get_int(r, "node.conn[0].iscsi.MaxRecvDataSegmentLength");
	n->max_xmit_dsl = (uint32_t)rec_get_int(r, "node.conn[0].iscsi.MaxXmitDataSegmentLength");
	n->initial_r2t = rec_get_bool(r, "node.session.iscsi.InitialR2T");
	n->immediate_data = rec_get_bool(r, "node.session.iscsi.ImmediateData");
	n->first_burst = (uint32_t)rec_get_int(r, "node.session.iscsi.FirstBurstLength");
	n->max_burst = (uint32_t)rec_get_int(r, "node.session.iscsi.MaxBurstLength");
	n->max_outstanding_r2t = (uint32_t)rec_get_int(r, "node.session.iscsi.MaxOutstandingR2T");
	n->erl = (uint32_t)rec_get_int(r, "node.session.iscsi.ERL");
	n->default_time2wait = (uint32_t)rec_get_int(r, "node.session.iscsi.DefaultTime2Wait");
	n->default_time2retain = (uint32_t)rec_get_int(r, "node.session.iscsi.DefaultTime2Retain");
	n->max_connections = (uint32_t)rec_get_int(r, "node.session.iscsi.MaxConnections");
	if (parse_digest(r, "node.conn[0].iscsi.HeaderDigest", &n->header_digest, err) < 0 ||
	    parse_digest(r, "node.conn[0].iscsi.DataDigest", &n->data_digest, err) < 0)
		return -EINVAL;
	return 0;
}

/*
 * The initiator name: the record's iface.initiatorname, else the one the
 * caller knows (iname), else initiatorname.iscsi (created when missing).
 */
static int fill_names(struct login_params *p, const char *iname, const char *rec_iname,
		      struct ll_error *err)
{
	const char *name = (rec_iname && *rec_iname) ? rec_iname : iname;
	struct cfg_iname in;

	if (!name || !*name) {
		if (cfg_iname_ensure(NULL, &in, err) < 0)
			return -EINVAL;
		name = in.name;
	}
	if (copy_field(p->initiator_name, sizeof(p->initiator_name), name, "initiator name",
		       err) < 0)
		return -EINVAL;
	p->cfg.initiator_name = p->initiator_name;
	return 0;
}

static int fill_portal(struct login_params *p, const char *host, long port, long tpgt,
		       struct ll_error *err)
{
	struct iscsi_addr *a = &p->cfg.portal;

	if (!host || !*host)
		return ll_error_set(err, ISCSI_ERR_INVAL, "the record has no portal address"),
		       -EINVAL;
	if (str_copy(a->host, sizeof(a->host), host) < 0)
		return ll_error_set(err, ISCSI_ERR_INVAL, "portal address too long"), -EINVAL;
	if (port <= 0 || port > 65535)
		port = ISCSI_DEFAULT_PORT;
	a->port = (uint16_t)port;
	a->tpgt = (int)tpgt;
	a->family = strchr(host, ':') ? AF_INET6 : AF_UNSPEC;
	return 0;
}

/* node.conn[0].tcp.*: checked here so a bad value fails the login with its name. */
static int fill_tcp(struct tcpconn_opts *t, const struct rec *r, struct ll_error *err)
{
	long win = rec_get_int(r, "node.conn[0].tcp.window_size");
	long tos = rec_get_int(r, "node.conn[0].tcp.type_of_service");
	const char *cc = rec_get(r, "node.conn[0].tcp.congestion_control");

	if (win < 0)
		return ll_error_set(err, ISCSI_ERR_INVAL, "node.conn[0].tcp.window_size=%ld: "
				    "give a byte count, or 0 for the kernel's default", win), -EINVAL;
	if (tos < 0 || tos > 255)
		return ll_error_set(err, ISCSI_ERR_INVAL, "node.conn[0].tcp.type_of_service=%ld "
				    "is outside 0..255", tos), -EINVAL;
	t->window_size = (int)win;
	t->tos = (int)tos;
	return copy_field(t->congestion, sizeof(t->congestion), cc,
			  "node.conn[0].tcp.congestion_control", err);
}

/* Only iscsi_tcp is driven: an iser or offload iface is refused, never
 * quietly logged in over TCP instead. */
static int check_transport(const struct rec *node, struct ll_error *err)
{
	const char *t = rec_get(node, "iface.transport_name");
	const char *iface = rec_get(node, "iface.iscsi_ifacename");

	if (!t || !*t || strcmp(t, "tcp") == 0)
		return 0;
	ll_error_set(err, ISCSI_ERR_TRANS_NOT_FOUND,
		     "iface %s uses transport %s: lunlink drives software iSCSI over TCP "
		     "(iscsi_tcp) only; iSER and offload (hardware) transports are not supported",
		     iface && *iface ? iface : "default", t);
	return -EINVAL;
}

/* iface.*: the iface's name and the socket binding it asks for (ifacebind.h). */
static int fill_binding(struct ifacebind *b, const struct rec *r, struct ll_error *err)
{
	const char *name = rec_get(r, "iface.iscsi_ifacename");

	str_copy(b->iface, sizeof(b->iface), name && *name ? name : "default");
	return copy_field(b->netdev, sizeof(b->netdev), rec_get(r, "iface.net_ifacename"),
			  "iface.net_ifacename", err) < 0 ||
	       copy_field(b->hwaddress, sizeof(b->hwaddress), rec_get(r, "iface.hwaddress"),
			  "iface.hwaddress", err) < 0 ||
	       copy_field(b->ipaddress, sizeof(b->ipaddress), rec_get(r, "iface.ipaddress"),
			  "iface.ipaddress", err) < 0 ? -EINVAL : 0;
}

int loginrec_from_node(struct login_params *p, const struct rec *node, const char *iname,
		       unsigned session_index, struct ll_error *err)
{
	memset(p, 0, sizeof(*p));
	if (check_transport(node, err) < 0)
		return -EINVAL;
	if (copy_field(p->target_name, sizeof(p->target_name), rec_get(node, "node.name"),
		       "node.name", err) < 0 ||
	    copy_field(p->iface, sizeof(p->iface), rec_get(node, "iface.iscsi_ifacename"),
		       "iface.iscsi_ifacename", err) < 0 ||
	    fill_names(p, iname, rec_get(node, "iface.initiatorname"), err) < 0 ||
	    fill_portal(p, rec_get(node, "node.conn[0].address"),
			rec_get_int(node, "node.conn[0].port"), rec_get_int(node, "node.tpgt"),
			err) < 0 ||
	    fill_auth(p, node, "node.session.", err) < 0 ||
	    fill_neg_node(&p->neg, node, err) < 0 || fill_tcp(&p->tcp, node, err) < 0 ||
	    fill_binding(&p->tcp.bind, node, err) < 0)
		return -EINVAL;
	if (!p->target_name[0])
		return ll_error_set(err, ISCSI_ERR_INVAL, "the record has no node.name"), -EINVAL;
	p->cfg.target_name = p->target_name;
	p->cfg.session_type = LOGIN_SESSION_NORMAL;
	p->cfg.neg = &p->neg;
	p->cfg.cmdsn = (uint32_t)rec_get_int(node, "node.session.initial_cmdsn");
	loginrec_set_session_index(p, session_index);
	p->login_timeout = (unsigned)rec_get_int(node, "node.conn[0].timeo.login_timeout");
	p->auth_timeout = (unsigned)rec_get_int(node, "node.conn[0].timeo.auth_timeout");
	p->logout_timeout = (unsigned)rec_get_int(node, "node.conn[0].timeo.logout_timeout");
	p->reopen_max = (unsigned)rec_get_int(node, "node.session.reopen_max");
	return 0;
}

int loginrec_from_discovery(struct login_params *p, const struct rec *disc,
			    const struct rec *iface, const char *iname, struct ll_error *err)
{
	char portal[300];

	memset(p, 0, sizeof(*p));
	if (fill_names(p, iname, NULL, err) < 0 ||
	    fill_portal(p, rec_get(disc, "discovery.sendtargets.address"),
			rec_get_int(disc, "discovery.sendtargets.port"), -1, err) < 0 ||
	    fill_auth(p, disc, "discovery.sendtargets.", err) < 0 ||
	    (iface && fill_binding(&p->tcp.bind, iface, err) < 0))
		return -EINVAL;
	neg_config_defaults(&p->neg);
	p->neg.max_recv_dsl =
		(uint32_t)rec_get_int(disc, "discovery.sendtargets.iscsi.MaxRecvDataSegmentLength");
	p->cfg.neg = &p->neg;
	p->cfg.session_type = LOGIN_SESSION_DISCOVERY;
	str_copy(p->iface, sizeof(p->iface), p->tcp.bind.iface[0] ? p->tcp.bind.iface : "default");
	snprintf(portal, sizeof(portal), "%s,%u", p->cfg.portal.host, p->cfg.portal.port);
	loginrec_isid(p->initiator_name, "", portal, p->iface, 0, p->cfg.isid);
	p->login_timeout = (unsigned)rec_get_int(disc, "discovery.sendtargets.timeo.login_timeout");
	p->auth_timeout = (unsigned)rec_get_int(disc, "discovery.sendtargets.timeo.auth_timeout");
	p->active_timeout = (unsigned)rec_get_int(disc,
						  "discovery.sendtargets.timeo.active_timeout");
	p->logout_timeout = 15;
	p->reopen_max = (unsigned)rec_get_int(disc, "discovery.sendtargets.reopen_max");
	return 0;
}

void loginrec_set_session_index(struct login_params *p, unsigned session_index)
{
	char portal[300];

	snprintf(portal, sizeof(portal), "%s,%u", p->cfg.portal.host, p->cfg.portal.port);
	loginrec_isid(p->initiator_name, p->target_name, portal, p->iface, session_index,
		      p->cfg.isid);
}

void loginrec_clear(struct login_params *p)
{
	secure_zero(p, sizeof(*p));
}

unsigned loginrec_step_timeout(const struct login_params *p, enum login_state st)
{
	unsigned t = st == LOGIN_S_SECURITY ? p->auth_timeout : p->login_timeout;

	/* A negative record value arrives as a huge unsigned: treat it as unset. */
	return t && t <= 24u * 3600u ? t : 15;
}

void loginrec_report_ineffective(const struct rec *r, const char *who)
{
	const struct rec_key *k;
	size_t pos = 0;

	while ((k = rec_next_ineffective(r, &pos)))
		log_notice("%s: %s = %s is kept in the record but has %s", who, k->name,
			   rec_get(r, k->name), k->effect == REC_E_NO_EFFECT_TCP ?
			   "no effect with iscsi_tcp" : "no effect: not implemented by lunlink");
}

void loginrec_isid(const char *iname, const char *target, const char *portal,
		   const char *iface, unsigned session_index, uint8_t isid[6])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char buf[1024];
	int n;

	n = snprintf(buf, sizeof(buf), "%s|%s|%s|%s|%u", iname, target, portal, iface,
		     session_index);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if (!EVP_Digest(buf, (size_t)n, md, &mdlen, EVP_sha256(), NULL) || mdlen < 5)
		memset(md, 0x5a, sizeof(md));
	/* T = 10b (random), A = 0; B, C random; D qualifier. */
	isid[0] = 0x80;
	memcpy(isid + 1, md, 5);
}
