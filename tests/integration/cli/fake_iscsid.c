/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fake_iscsid: a stand-in iscsid for iscsiadm tests.  It speaks the real
 * protocol (libiscsi-core/ipc.h) on $ISCSID_SOCKET and answers from
 * command-line rules, logging every request so tests can check what
 * iscsiadm sent.
 *
 *   --log FILE            one line per request: "conn N TYPE id K key=value..."
 *                         (only the keys tests look at; secrets are logged as
 *                         "set"/"empty")
 *   --hold N              on each connection, answer nothing until N requests
 *                         arrived, then answer them all in reverse order
 *                         (proves iscsiadm pipelines and matches ids)
 *   --pace MS             wait MS milliseconds before each reply (an iscsid
 *                         that works through a batch a few at a time)
 *   --login TARGET=CODE[:MESSAGE]   status for logins to TARGET (default 0)
 *   --discover FILE       DISCOVER answer: lines "T name", "P portal",
 *                         "W warning"; or --discover-fail CODE:MESSAGE
 *   --silent              read requests but never answer (timeouts)
 *   --hangup N            on each connection, answer the first N-1 requests,
 *                         then close the connection without answering the
 *                         Nth (iscsid going away in the middle of a batch)
 *   --ready FILE          created once the socket listens
 *   --state "SID=CONN/SESS"   SESSION_INFO lists this session with these
 *                         iscsid states (repeatable; no rule = no sessions)
 *   --logout SID=CODE[:MESSAGE]   status for LOGOUT of SID (default 0)
 *   --rescan SID=CODE[:MESSAGE]   status for RESCAN of SID (default 0)
 *   --stats SID=CODE[:MESSAGE]    status for SESSION_STATS of SID; without a
 *                         rule the reply has counters: standard counter i of
 *                         session S is S*1000+i, then iscsi_tcp's three
 *                         custom counters with values S*100+1..3
 *   --host-stats CODE[:MESSAGE]   HOST_STATS reply (default: 1 and iscsid's
 *                         "not supported by this transport" sentence)
 * SESSION_HEALTH of session S answers made-up health: S recoveries and S
 * conn_error failures, the last at 1765000000 + S seconds ("connection error
 * 1020: TCP connection closed"), S * 1.5 s in recovery, logged in at
 * 1765000000.5 s, except session 3, which is adopted (no login time).
 * LOGOUT, RESCAN, SESSION_INFO and SESSION_STATS lines in the log carry
 * "sid=N", "flags=F" and "sids=A,B" when the request had them,
 * HOST_STATS "host=N".
 * IPC_STOP ends the program.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "libiscsi-core/ipc.h"
#include "libiscsi-core/ipc_health.h"
#include "libiscsi-core/ipc_stats.h"
#include "libiscsi-core/util.h"

#define MAX_CONNS 64
#define MAX_RULES 64
#define MAX_HELD 512

struct conn {
	int fd;
	unsigned no;
	uint8_t hdr[IPC_HDR_LEN];
	size_t hdr_got;
	uint8_t *payload;
	uint32_t len, got;
	uint16_t type;
	uint32_t id;
	unsigned n_req;
	struct ipc_msg held[MAX_HELD];
	size_t n_held;
};

static struct {
	FILE *log;
	unsigned hold;
	unsigned pace_ms;
	unsigned hangup;
	bool silent;
	const char *discover_file;
	const char *discover_fail;
	const char *host_stats;
	const char *rule_target[MAX_RULES];
	const char *rule_status[MAX_RULES];
	size_t n_rules;
	/* per-session rules: kind 's' state, 'o' logout, 'r' rescan, 't' stats */
	char sid_kind[MAX_RULES];
	unsigned sid_sid[MAX_RULES];
	const char *sid_value[MAX_RULES];
	size_t n_sid_rules;
} cfg;

static const char *kv(const struct ipc_msg *m, const char *key)
{
	size_t kl = strlen(key);

	for (size_t i = 0; i < m->n; i++) {
		const char *s = (const char *)m->attrs[i].val;

		if (m->attrs[i].tag == IPC_A_KV && !strncmp(s, key, kl) && s[kl] == '=')
			return s + kl + 1;
	}
	return NULL;
}

/* " sids=1,2,3" for a request that names a set of sessions (IPC_A_SIDS). */
static void log_sids(const struct ipc_msg *m)
{
	uint32_t *sids;
	size_t n;

	if (ipc_msg_get_u32_list(m, IPC_A_SIDS, &sids, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		fprintf(cfg.log, "%s%u", i ? "," : " sids=", sids[i]);
	free(sids);
}

static void log_request(const struct conn *c, const struct ipc_msg *m)
{
	static const char *const shown[] = {
		"node.name", "node.conn[0].address", "node.conn[0].port",
		"iface.iscsi_ifacename", "iface.initiatorname", "node.session.auth.username",
		"discovery.sendtargets.address", "discovery.sendtargets.port",
		"discovery.sendtargets.auth.authmethod", "node.session.auth.authmethod",
	};
	static const char *const secret[] = {
		"node.session.auth.password", "discovery.sendtargets.auth.password",
	};
	uint32_t v;

	if (!cfg.log)
		return;
	fprintf(cfg.log, "conn %u %s id %u", c->no, ipc_type_str(m->type), m->id);
	for (size_t i = 0; i < ARRAY_SIZE(shown); i++)
		if (kv(m, shown[i]))
			fprintf(cfg.log, " %s=%s", shown[i], kv(m, shown[i]));
	for (size_t i = 0; i < ARRAY_SIZE(secret); i++)
		if (kv(m, secret[i]))
			fprintf(cfg.log, " %s=%s", secret[i], *kv(m, secret[i]) ? "set" : "empty");
	if (ipc_msg_get_u32(m, IPC_A_SID, &v) == 0)
		fprintf(cfg.log, " sid=%u", v);
	if (ipc_msg_get_u32(m, IPC_A_FLAGS, &v) == 0)
		fprintf(cfg.log, " flags=%u", v);
	if (ipc_msg_get_u32(m, IPC_A_HOST, &v) == 0)
		fprintf(cfg.log, " host=%u", v);
	log_sids(m);
	fprintf(cfg.log, " nkv=%zu\n", m->n);
	fflush(cfg.log);
}

static void status(struct ipc_msg *r, const char *rule)
{
	const char *colon = strchr(rule, ':');

	ipc_msg_add_u32(r, IPC_A_STATUS, (uint32_t)atoi(rule));
	if (colon)
		ipc_msg_add_str(r, IPC_A_MESSAGE, colon + 1);
}

static void answer_login(const struct ipc_msg *m, struct ipc_msg *r)
{
	const char *target = kv(m, "node.name");

	for (size_t i = 0; i < cfg.n_rules; i++)
		if (target && streq(target, cfg.rule_target[i])) {
			status(r, cfg.rule_status[i]);
			return;
		}
	ipc_msg_add_u32(r, IPC_A_STATUS, 0);
	ipc_msg_add_u32(r, IPC_A_SID, 1);
}

static void answer_discover(struct ipc_msg *r)
{
	char line[1024];
	FILE *f;

	if (cfg.discover_fail) {
		status(r, cfg.discover_fail);
		return;
	}
	ipc_msg_add_u32(r, IPC_A_STATUS, 0);
	f = cfg.discover_file ? fopen(cfg.discover_file, "r") : NULL;
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == 'T' && line[1] == ' ')
			ipc_msg_add_str(r, IPC_A_TARGET, line + 2);
		else if (line[0] == 'P' && line[1] == ' ')
			ipc_msg_add_str(r, IPC_A_PORTAL, line + 2);
		else if (line[0] == 'W' && line[1] == ' ')
			ipc_msg_add_str(r, IPC_A_WARNING, line + 2);
	}
	if (f)
		fclose(f);
}

static const char *sid_rule(char kind, unsigned sid)
{
	for (size_t i = 0; i < cfg.n_sid_rules; i++)
		if (cfg.sid_kind[i] == kind && cfg.sid_sid[i] == sid)
			return cfg.sid_value[i];
	return NULL;
}

/* LOGOUT and RESCAN: the rule for the request's SID, else success. */
static void answer_sid(char kind, const struct ipc_msg *m, struct ipc_msg *r)
{
	uint32_t sid = 0;
	const char *rule;

	if (ipc_msg_get_u32(m, IPC_A_SID, &sid) < 0) {
		status(r, "16:request without a session id");
		return;
	}
	rule = sid_rule(kind, sid);
	if (rule)
		status(r, rule);
	else
		ipc_msg_add_u32(r, IPC_A_STATUS, 0);
}

/* SESSION_STATS: the --stats rule of the SID, else made-up counters. */
static void answer_stats(const struct ipc_msg *m, struct ipc_msg *r)
{
	static const char *const custom[] = { "tx_sendpage_failures", "rx_discontiguous_hdr",
					      "eh_abort_cnt" };
	struct ll_conn_stats st = { 0 };
	uint32_t sid = 0;
	const char *rule;

	if (ipc_msg_get_u32(m, IPC_A_SID, &sid) < 0) {
		status(r, "16:request without a session id");
		return;
	}
	rule = sid_rule('t', sid);
	if (rule) {
		status(r, rule);
		return;
	}
	for (int i = 0; i < LL_STAT_N_; i++)
		st.std[i] = (uint64_t)sid * 1000 + (uint64_t)i;
	st.n_custom = ARRAY_SIZE(custom);
	for (size_t i = 0; i < ARRAY_SIZE(custom); i++) {
		snprintf(st.custom[i].name, sizeof(st.custom[i].name), "%s", custom[i]);
		st.custom[i].value = (uint64_t)sid * 100 + i + 1;
	}
	ipc_msg_add_u32(r, IPC_A_STATUS, 0);
	ipc_stats_encode(r, &st);
}

/* SESSION_HEALTH: made-up figures that depend on the session id. */
static void answer_health(const struct ipc_msg *m, struct ipc_msg *r)
{
	struct ll_health h = { .since_ms = 1765000000000ULL, .login_ms = 1765000000500ULL };
	uint32_t sid = 0;

	if (ipc_msg_get_u32(m, IPC_A_SID, &sid) < 0) {
		status(r, "16:health request without a session id");
		return;
	}
	snprintf(h.state, sizeof(h.state), "LOGGED_IN");
	h.adopted = sid == 3;
	if (h.adopted)
		h.login_ms = 0;
	h.recoveries = sid;
	h.recovery_total_ms = sid * 1500ULL;
	h.recovery_last_ms = 1500;
	h.failures[LL_FAIL_CONN_ERROR] = sid;
	h.last_kind = LL_FAIL_CONN_ERROR;
	h.last_code = 1020;
	h.last_ms = 1765000000000ULL + sid * 1000ULL;
	snprintf(h.last_msg, sizeof(h.last_msg), "connection error 1020: TCP connection closed");
	snprintf(h.portal, sizeof(h.portal), "127.0.0.1:3260");
	snprintf(h.iface, sizeof(h.iface), "default");
	snprintf(h.local_address, sizeof(h.local_address), "127.0.0.1");
	ipc_msg_add_u32(r, IPC_A_STATUS, 0);
	ipc_msg_add_u32(r, IPC_A_SID, sid);
	ipc_health_encode(r, &h);
}

/* SESSION_INFO: every --state session ("SID=CONN/SESS"). */
static void answer_info(struct ipc_msg *r)
{
	char buf[256];

	ipc_msg_add_u32(r, IPC_A_STATUS, 0);
	for (size_t i = 0; i < cfg.n_sid_rules; i++) {
		char *slash;

		if (cfg.sid_kind[i] != 's')
			continue;
		snprintf(buf, sizeof(buf), "%s", cfg.sid_value[i]);
		slash = strchr(buf, '/');
		if (!slash)
			continue;
		*slash = '\0';
		ipc_msg_add_u32(r, IPC_A_SID, cfg.sid_sid[i]);
		ipc_msg_add_str(r, IPC_A_CONN_STATE, buf);
		ipc_msg_add_str(r, IPC_A_SESS_STATE, slash + 1);
	}
}

static void send_msg(int fd, const struct ipc_msg *m)
{
	uint8_t *buf;
	size_t len, off = 0;

	if (ipc_msg_encode(m, &buf, &len) < 0)
		return;
	while (off < len) {
		ssize_t n = send(fd, buf + off, len - off, MSG_NOSIGNAL);

		if (n <= 0 && errno != EINTR)
			break;
		if (n > 0)
			off += (size_t)n;
	}
	free(buf);
}

/* Builds the reply; returns true when the program should stop. */
static bool handle(struct conn *c, struct ipc_msg *m)
{
	struct ipc_msg *r;
	bool stop = m->type == IPC_STOP;

	log_request(c, m);
	if (cfg.silent || c->n_held >= MAX_HELD)
		return stop;
	r = &c->held[c->n_held++];
	ipc_msg_init(r, m->type | IPC_REPLY, m->id);
	if (m->type == IPC_LOGIN)
		answer_login(m, r);
	else if (m->type == IPC_DISCOVER)
		answer_discover(r);
	else if (m->type == IPC_LOGOUT)
		answer_sid('o', m, r);
	else if (m->type == IPC_RESCAN)
		answer_sid('r', m, r);
	else if (m->type == IPC_SESSION_INFO)
		answer_info(r);
	else if (m->type == IPC_SESSION_STATS)
		answer_stats(m, r);
	else if (m->type == IPC_SESSION_HEALTH)
		answer_health(m, r);
	else if (m->type == IPC_HOST_STATS)
		status(r, cfg.host_stats ? cfg.host_stats :
			  "1:host statistics are not supported by this transport (iscsi_tcp)");
	else
		ipc_msg_add_u32(r, IPC_A_STATUS, 0);
	if (stop || !cfg.hold || c->n_held >= cfg.hold) {
		while (c->n_held) {   /* newest first: replies out of order */
			struct ipc_msg *h = &c->held[--c->n_held];

			if (cfg.pace_ms)
				usleep(cfg.pace_ms * 1000u);
			send_msg(c->fd, h);
			ipc_msg_free(h);
		}
	}
	return stop;
}

/* Reads from c; returns -1 when the connection is done, 1 to stop. */
static int conn_read(struct conn *c)
{
	uint8_t *dst = c->hdr_got < IPC_HDR_LEN ? c->hdr + c->hdr_got : c->payload + c->got;
	size_t want = c->hdr_got < IPC_HDR_LEN ? IPC_HDR_LEN - c->hdr_got : c->len - c->got;
	ssize_t n = want ? recv(c->fd, dst, want, 0) : 0;
	struct ipc_msg m;
	bool stop;

	if (want && n <= 0)
		return -1;
	if (c->hdr_got < IPC_HDR_LEN) {
		c->hdr_got += (size_t)n;
		if (c->hdr_got < IPC_HDR_LEN)
			return 0;
		if (ipc_hdr_decode(c->hdr, &c->type, &c->id, &c->len, NULL) < 0)
			return -1;
		free(c->payload);
		c->payload = malloc(c->len + 1);
		c->got = 0;
		if (c->len)
			return 0;
	} else {
		c->got += (uint32_t)n;
		if (c->got < c->len)
			return 0;
	}
	c->hdr_got = 0;
	if (ipc_msg_decode(&m, c->type, c->id, c->payload, c->len, NULL) < 0)
		return -1;
	if (cfg.hangup && ++c->n_req >= cfg.hangup) {
		log_request(c, &m);
		ipc_msg_free(&m);
		return -1;
	}
	stop = handle(c, &m);
	ipc_msg_free(&m);
	return stop ? 1 : 0;
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0)
		return -1;
	return fd;
}

static void parse_args(int argc, char **argv, const char **ready)
{
	for (int i = 1; i + 1 < argc || (i < argc && streq(argv[i], "--silent")); i++) {
		const char *a = argv[i];

		if (streq(a, "--silent")) {
			cfg.silent = true;
			continue;
		}
		const char *v = argv[++i];

		if (streq(a, "--log"))
			cfg.log = fopen(v, "a");
		else if (streq(a, "--hold"))
			cfg.hold = (unsigned)atoi(v);
		else if (streq(a, "--pace"))
			cfg.pace_ms = (unsigned)atoi(v);
		else if (streq(a, "--hangup"))
			cfg.hangup = (unsigned)atoi(v);
		else if (streq(a, "--discover"))
			cfg.discover_file = v;
		else if (streq(a, "--discover-fail"))
			cfg.discover_fail = v;
		else if (streq(a, "--ready"))
			*ready = v;
		else if (streq(a, "--host-stats"))
			cfg.host_stats = v;
		else if ((streq(a, "--state") || streq(a, "--logout") || streq(a, "--rescan") ||
			  streq(a, "--stats")) &&
			 strchr(v, '=') && cfg.n_sid_rules < MAX_RULES) {
			cfg.sid_kind[cfg.n_sid_rules] = streq(a, "--state") ? 's' :
							streq(a, "--logout") ? 'o' :
							streq(a, "--stats") ? 't' : 'r';
			cfg.sid_sid[cfg.n_sid_rules] = (unsigned)atoi(v);
			cfg.sid_value[cfg.n_sid_rules++] = strchr(v, '=') + 1;
		} else if (streq(a, "--login") && strchr(v, '=') && cfg.n_rules < MAX_RULES) {
			char *eq = strchr(v, '=');

			*eq = '\0';
			cfg.rule_target[cfg.n_rules] = v;
			cfg.rule_status[cfg.n_rules++] = eq + 1;
		}
	}
}

int main(int argc, char **argv)
{
	static struct conn conns[MAX_CONNS];
	struct pollfd p[MAX_CONNS + 1];
	const char *ready = NULL;
	unsigned nconn = 0, seq = 0;
	int lfd;

	signal(SIGPIPE, SIG_IGN);
	parse_args(argc, argv, &ready);
	/* cli-lib.sh always exports a private socket; never touch the real one. */
	if (!getenv("ISCSID_SOCKET") || !*getenv("ISCSID_SOCKET")) {
		fprintf(stderr, "fake_iscsid: ISCSID_SOCKET is not set\n");
		return 1;
	}
	lfd = listen_on(getenv("ISCSID_SOCKET"));
	if (lfd < 0) {
		perror("fake_iscsid: listen");
		return 1;
	}
	if (ready)
		fclose(fopen(ready, "w"));
	for (;;) {
		p[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (unsigned i = 0; i < nconn; i++)
			p[i + 1] = (struct pollfd){ .fd = conns[i].fd, .events = POLLIN };
		if (poll(p, nconn + 1, -1) < 0 && errno != EINTR)
			return 1;
		if ((p[0].revents & POLLIN) && nconn < MAX_CONNS) {
			int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

			if (fd >= 0)
				conns[nconn++] = (struct conn){ .fd = fd, .no = ++seq };
		}
		for (unsigned i = 0; i < nconn; i++) {
			int r;

			if (!(p[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = conn_read(&conns[i]);
			if (r == 1)
				return 0;
			if (r < 0) {
				close(conns[i].fd);
				free(conns[i].payload);
				for (size_t k = 0; k < conns[i].n_held; k++)
					ipc_msg_free(&conns[i].held[k]);
				conns[i] = conns[--nconn];
				p[i + 1] = p[nconn + 1];
				i--;
			}
		}
	}
}
