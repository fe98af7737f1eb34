/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * login_tgtd: drives libiscsi-core against a real target on 127.0.0.1.
 *
 * A test program, so blocking sockets with timeouts are fine here.  One
 * run does one scenario, chosen by options; run-login-tgtd.sh sets tgtd up
 * for each scenario and checks the exit status:
 *
 *   login_tgtd --port P --discovery --expect-target IQN [CHAP options]
 *       discovery login, SendTargets=All, IQN must be listed at 127.0.0.1:P,
 *       then Logout
 *   login_tgtd --port P --target IQN [CHAP options]
 *       normal session login, then Logout (with CHAP options the security
 *       stage comes first; without, the login starts operational)
 *   ... --expect-exit N --expect-message TEXT
 *       the login must fail with exit code N and a message containing TEXT
 *
 * CHAP options: --user U --password S [--user-in U --password-in S]
 * [--chap-algs LIST].  Exit 0 when the scenario went as expected.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "libiscsi-core/login.h"
#include "libiscsi-core/pdu.h"
#include "libiscsi-core/sendtargets.h"
#include "libiscsi-core/util.h"

#define INITIATOR "iqn.2016-04.com.open-iscsi:lunlink-test"
#define LOGIN_ITT 0x10
#define TEXT_ITT 0x11
#define LOGOUT_ITT 0x12

struct opts {
	uint16_t port;
	const char *target;
	const char *expect_target;
	bool discovery;
	struct chap_config chap;
	bool have_chap;
	int expect_exit;             /* -1: must succeed */
	const char *expect_message;
};

/* Sequence numbers carried from one exchange to the next. */
struct seq {
	uint32_t cmdsn, expstatsn;
	uint32_t max_recv;
};

static int connect_local(uint16_t port, struct ll_error *err)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { .tv_sec = 10 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return ll_error_set(err, ISCSI_ERR_TRANS, "socket: %s", strerror(errno));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ll_error_set(err, ISCSI_ERR_TRANS, "cannot connect to 127.0.0.1:%u: %s",
			     port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const uint8_t *b, size_t n, struct ll_error *err)
{
	while (n) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return ll_error_set(err, ISCSI_ERR_TRANS, "send failed: %s", strerror(errno));
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static int recv_all(int fd, uint8_t *b, size_t n, struct ll_error *err)
{
	while (n) {
		ssize_t r = recv(fd, b, n, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return ll_error_set(err, ISCSI_ERR_TRANS, "the target closed the connection");
		if (r < 0)
			return ll_error_set(err, ISCSI_ERR_TRANS, "receive failed: %s", strerror(errno));
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Reads one PDU: the header first, then exactly the length it announces. */
static int recv_pdu(int fd, uint32_t max_data, uint8_t **out, size_t *len, struct ll_error *err)
{
	uint8_t bhs[PDU_BHS_LEN], *b;
	size_t total;

	if (recv_all(fd, bhs, sizeof(bhs), err) < 0)
		return -1;
	if (pdu_total_len(bhs, max_data, &total, err) < 0)
		return -1;
	b = malloc(total);
	if (!b)
		return ll_error_set(err, ISCSI_ERR_NOMEM, "out of memory");
	memcpy(b, bhs, sizeof(bhs));
	if (recv_all(fd, b + PDU_BHS_LEN, total - PDU_BHS_LEN, err) < 0) {
		free(b);
		return -1;
	}
	*out = b;
	*len = total;
	return 0;
}

static int do_login(int fd, const struct opts *o, struct seq *s, struct ll_error *err)
{
	struct login_config cfg = {
		.initiator_name = INITIATOR,
		.target_name = o->target,
		.session_type = o->discovery ? LOGIN_SESSION_DISCOVERY : LOGIN_SESSION_NORMAL,
		.portal = { .host = "127.0.0.1", .port = o->port, .tpgt = -1, .family = AF_INET },
		.isid = { 0x80, 0x00, 0x00, 0x00, 0x00, 0x00 },
		.itt = LOGIN_ITT, .cmdsn = 1,
		.chap = o->have_chap ? &o->chap : NULL,
	};
	struct login_ctx *ctx;
	struct neg_params p;
	enum login_step step;
	int r = -1;

	put_be32(cfg.isid + 2, (uint32_t)getpid());
	ctx = login_new(&cfg, err);
	if (!ctx)
		return -1;
	for (;;) {
		uint8_t *pdu;
		size_t len;

		if (login_next_request(ctx, &pdu, &len) < 0) {
			ll_error_set(err, ISCSI_ERR_INTERNAL, "no login request in state %s",
				     login_state_str(login_get_state(ctx)));
			break;
		}
		r = send_all(fd, pdu, len, err);
		free(pdu);
		if (r < 0 || recv_pdu(fd, LOGIN_DATA_DEFAULT, &pdu, &len, err) < 0) {
			r = -1;
			break;
		}
		step = login_handle_response(ctx, pdu, len, err);
		free(pdu);
		r = -1;
		if (step == LOGIN_DONE)
			r = 0;
		if (step == LOGIN_REDIRECT)
			ll_error_set(err, ISCSI_ERR_LOGIN, "unexpected redirect from tgtd");
		if (step != LOGIN_CONTINUE)
			break;
	}
	if (r == 0) {
		login_get_params(ctx, &p);
		s->cmdsn = login_cmdsn(ctx);
		s->expstatsn = login_expstatsn(ctx);
		s->max_recv = p.max_recv_dsl;
		printf("logged in: state %s, TSIH %u, CHAP %s, MaxXmitDataSegmentLength %u, tpgt %d\n",
		       login_state_str(login_get_state(ctx)), login_tsih(ctx),
		       login_used_chap(ctx) ? "yes" : "no", p.max_xmit_dsl, (int)p.tpgt);
	}
	login_free(ctx);
	return r;
}

static bool has_portal(const struct st_target *t, uint16_t port)
{
	for (size_t i = 0; i < t->nportals; i++)
		if (streq(t->portals[i].host, "127.0.0.1") && t->portals[i].port == port)
			return true;
	return false;
}

static int check_targets(const struct opts *o, const struct st_result *res, struct ll_error *err)
{
	bool found = false;

	for (size_t i = 0; i < res->nwarnings; i++)
		printf("warning: %s\n", res->warnings[i]);
	for (size_t i = 0; i < res->ntargets; i++) {
		const struct st_target *t = &res->targets[i];
		char a[300];

		for (size_t j = 0; j < t->nportals; j++) {
			iqn_format_address(&t->portals[j], true, a, sizeof(a));
			printf("%s %s\n", a, t->name);
		}
		if (streq(t->name, o->expect_target) && has_portal(t, o->port))
			found = true;
	}
	if (!found)
		return ll_error_set(err, ISCSI_ERR_NO_OBJS_FOUND,
				    "SendTargets did not list %s at 127.0.0.1:%u", o->expect_target, o->port);
	return 0;
}

static int do_sendtargets(int fd, const struct opts *o, struct seq *s, struct ll_error *err)
{
	struct st_config cfg = {
		.itt = TEXT_ITT, .cmdsn = s->cmdsn, .expstatsn = s->expstatsn,
		.max_recv_data = s->max_recv,
		.discovery = { .host = "127.0.0.1", .port = o->port, .tpgt = -1, .family = AF_INET },
	};
	struct st_exchange *x = st_exchange_new(&cfg, err);
	struct st_result res = { 0 };
	enum st_step step = ST_ERROR;
	int r = -1;

	while (x) {
		uint8_t *pdu;
		size_t len;

		if (st_next_request(x, &pdu, &len, err) < 0)
			break;
		r = send_all(fd, pdu, len, err);
		free(pdu);
		if (r < 0 || recv_pdu(fd, s->max_recv, &pdu, &len, err) < 0) {
			r = -1;
			break;
		}
		step = st_handle_response(x, pdu, len, err);
		free(pdu);
		r = -1;
		if (step != ST_MORE)
			break;
	}
	if (step == ST_DONE && st_take_result(x, &res) == 0) {
		s->cmdsn = st_cmdsn(x);
		s->expstatsn = st_expstatsn(x);
		r = check_targets(o, &res, err);
		st_result_free(&res);
	}
	st_exchange_free(x);
	return r;
}

static int do_logout(int fd, struct seq *s, struct ll_error *err)
{
	struct pdu_logout_req rq = {
		.immediate = true, .reason = PDU_LOGOUT_CLOSE_SESSION, .itt = LOGOUT_ITT,
		.cid = 0, .cmdsn = s->cmdsn, .expstatsn = s->expstatsn,
	};
	struct pdu_logout_rsp rs;
	struct pdu_view v;
	uint8_t bhs[PDU_BHS_LEN], *pdu;
	size_t len;
	int r;

	pdu_logout_req_encode(bhs, &rq);
	if (pdu_assemble(bhs, NULL, 0, &pdu, &len) < 0)
		return ll_error_set(err, ISCSI_ERR_NOMEM, "out of memory");
	r = send_all(fd, pdu, len, err);
	free(pdu);
	if (r < 0 || recv_pdu(fd, s->max_recv, &pdu, &len, err) < 0)
		return -1;
	r = pdu_parse(pdu, len, s->max_recv, &v, err);
	if (r == 0)
		r = pdu_logout_rsp_decode(pdu, &rs, err);
	free(pdu);
	if (r < 0)
		return -1;
	if (rs.itt != LOGOUT_ITT || rs.response != 0)
		return ll_error_set(err, ISCSI_ERR_LOGOUT, "logout failed: %s (ITT 0x%x)",
				    pdu_logout_response_str(rs.response), rs.itt);
	printf("logged out: %s, Time2Wait %u, Time2Retain %u\n",
	       pdu_logout_response_str(rs.response), rs.time2wait, rs.time2retain);
	return 0;
}

static int run(const struct opts *o, struct ll_error *err)
{
	struct seq s = { 0 };
	int fd = connect_local(o->port, err);
	int r;

	if (fd < 0)
		return -1;
	r = do_login(fd, o, &s, err);
	if (r == 0 && o->discovery)
		r = do_sendtargets(fd, o, &s, err);
	if (r == 0)
		r = do_logout(fd, &s, err);
	close(fd);
	return r;
}

static void usage(void)
{
	fprintf(stderr, "usage: login_tgtd --port P (--target IQN | --discovery --expect-target IQN)\n"
		"       [--user U --password S [--user-in U --password-in S]] [--chap-algs LIST]\n"
		"       [--expect-exit N --expect-message TEXT]\n");
	exit(2);
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "target", required_argument, NULL, 't' },
		{ "discovery", no_argument, NULL, 'd' },
		{ "expect-target", required_argument, NULL, 'T' },
		{ "user", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'w' },
		{ "user-in", required_argument, NULL, 'U' },
		{ "password-in", required_argument, NULL, 'W' },
		{ "chap-algs", required_argument, NULL, 'a' },
		{ "expect-exit", required_argument, NULL, 'e' },
		{ "expect-message", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->expect_exit = -1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'p': o->port = (uint16_t)atoi(optarg); break;
		case 't': o->target = optarg; break;
		case 'd': o->discovery = true; break;
		case 'T': o->expect_target = optarg; break;
		case 'u': o->chap.username = optarg; o->have_chap = true; break;
		case 'w': o->chap.password = optarg; break;
		case 'U': o->chap.username_in = optarg; break;
		case 'W': o->chap.password_in = optarg; break;
		case 'a': o->chap.chap_algs = optarg; break;
		case 'e': o->expect_exit = atoi(optarg); break;
		case 'm': o->expect_message = optarg; break;
		default: usage();
		}
	}
	if (!o->port || (o->discovery ? !o->expect_target : !o->target))
		usage();
}

int main(int argc, char **argv)
{
	struct ll_error err = { 0 };
	struct opts o = { 0 };
	int r;

	parse_opts(argc, argv, &o);
	r = run(&o, &err);
	if (r == 0 && o.expect_exit < 0) {
		printf("PASS: scenario succeeded\n");
		return 0;
	}
	if (r == 0) {
		printf("FAIL: expected exit code %d, but the scenario succeeded\n", o.expect_exit);
		return 1;
	}
	printf("error (exit code %d): %s\n", err.code, err.msg);
	if (o.expect_exit < 0) {
		printf("FAIL: the scenario should have succeeded\n");
		return 1;
	}
	if (err.code != o.expect_exit ||
	    (o.expect_message && !strstr(err.msg, o.expect_message))) {
		printf("FAIL: expected exit code %d and a message containing \"%s\"\n",
		       o.expect_exit, o.expect_message ? o.expect_message : "");
		return 1;
	}
	printf("PASS: failed as expected\n");
	return 0;
}
