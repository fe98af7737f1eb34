/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iscsid's tcpconn puts the record's node.conn[0].tcp.* settings on the
 * socket: connect over loopback, take the socket as the kernel handoff
 * does, and read the options back.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iscsid/tcpconn.h"
#include "testutil.h"

struct waiter {
	bool connected;
	int err;
};

static void on_connected(void *ud)
{
	((struct waiter *)ud)->connected = true;
}

static void on_pdu(void *ud, const uint8_t *pdu, size_t len)
{
}

static void on_error(void *ud, int err, const char *what)
{
	((struct waiter *)ud)->err = err;
}

static const struct tcpconn_ops ops = { on_connected, on_pdu, on_error };

/* A listener on 127.0.0.1, port in *sa. */
static int listener(struct sockaddr_in *sa)
{
	socklen_t len = sizeof(*sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)sa, sizeof(*sa)), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)sa, &len), 0);
	return fd;
}

/* Connects with opts and returns the connected socket (caller closes). */
static int connect_with(struct tcpconn_opts *opts)
{
	struct sockaddr_in sa;
	struct waiter w = { 0 };
	struct tcpconn *c = NULL;
	sd_event *ev = NULL;
	int lfd = listener(&sa), fd;

	ck_assert_int_ge(sd_event_new(&ev), 0);
	ck_assert_int_eq(tcpconn_new(&c, ev, (struct sockaddr *)&sa, sizeof(sa), opts, &ops, &w), 0);
	for (int i = 0; i < 100 && !w.connected && !w.err; i++)
		sd_event_run(ev, 100000);
	ck_assert(w.connected);
	fd = tcpconn_take_fd(c);
	tcpconn_free(c);
	sd_event_unref(ev);
	close(lfd);
	return fd;
}

static int get_int(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	ck_assert_int_eq(getsockopt(fd, level, name, &v, &len), 0);
	return v;
}

START_TEST(test_tcpconn_sets_window_tos_and_congestion)
{
	struct tcpconn_opts o = { .window_size = 50000, .tos = 0x10, .congestion = "reno" };
	char cc[16] = "";
	socklen_t len = sizeof(cc);
	int fd = connect_with(&o);

	/* Linux doubles the requested size for its bookkeeping (socket(7)). */
	ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_RCVBUF), 100000);
	ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_SNDBUF), 100000);
	ck_assert_int_eq(get_int(fd, IPPROTO_IP, IP_TOS), 0x10);
	ck_assert_int_eq(getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc, &len), 0);
	ck_assert_str_eq(cc, "reno");
	ck_assert_ptr_null(o.refused);
	close(fd);
}
END_TEST

START_TEST(test_tcpconn_zero_leaves_kernel_defaults)
{
	struct tcpconn_opts o = { 0 };
	int fd = connect_with(&o);

	ck_assert_int_ne(get_int(fd, SOL_SOCKET, SO_SNDBUF), 0);
	ck_assert_int_eq(get_int(fd, IPPROTO_IP, IP_TOS), 0);
	close(fd);
}
END_TEST

START_TEST(test_tcpconn_binds_device_and_source_address)
{
	struct tcpconn_opts o = { .bind = { .netdev = "lo", .ipaddress = "127.0.0.2" } };
	struct sockaddr_in local;
	socklen_t len = sizeof(local);
	char dev[16] = "", ip[INET_ADDRSTRLEN];
	socklen_t dlen = sizeof(dev);
	int fd = connect_with(&o);

	ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, &dlen), 0);
	ck_assert_str_eq(dev, "lo");
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&local, &len), 0);
	inet_ntop(AF_INET, &local.sin_addr, ip, sizeof(ip));
	ck_assert_str_eq(ip, "127.0.0.2");
	close(fd);
}
END_TEST

/* An IPv6 source for an IPv4 portal is named, not ignored. */
START_TEST(test_tcpconn_refuses_a_source_of_the_other_family)
{
	struct tcpconn_opts o = { .bind = { .ipaddress = "::1" } };
	struct sockaddr_in sa;
	struct waiter w = { 0 };
	struct tcpconn *c = NULL;
	sd_event *ev = NULL;
	int lfd = listener(&sa);

	ck_assert_int_ge(sd_event_new(&ev), 0);
	ck_assert_int_lt(tcpconn_new(&c, ev, (struct sockaddr *)&sa, sizeof(sa), &o, &ops, &w), 0);
	ck_assert_str_eq(o.refused, "iface.ipaddress");
	sd_event_unref(ev);
	close(lfd);
}
END_TEST

START_TEST(test_tcpconn_names_the_setting_the_kernel_refuses)
{
	struct tcpconn_opts o = { .congestion = "no-such-cc" };
	char buf[24];
	struct sockaddr_in sa;
	struct waiter w = { 0 };
	struct tcpconn *c = NULL;
	sd_event *ev = NULL;
	int lfd = listener(&sa);

	ck_assert_int_ge(sd_event_new(&ev), 0);
	ck_assert_int_lt(tcpconn_new(&c, ev, (struct sockaddr *)&sa, sizeof(sa), &o, &ops, &w), 0);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(o.refused, "node.conn[0].tcp.congestion_control");
	ck_assert_str_eq(tcpconn_refused_value(&o, buf, sizeof(buf)), "no-such-cc");
	o.refused = "node.conn[0].tcp.type_of_service";
	o.tos = 184;
	ck_assert_str_eq(tcpconn_refused_value(&o, buf, sizeof(buf)), "184");
	sd_event_unref(ev);
	close(lfd);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_tcpconn_sets_window_tos_and_congestion,
		test_tcpconn_zero_leaves_kernel_defaults,
		test_tcpconn_binds_device_and_source_address,
		test_tcpconn_refuses_a_source_of_the_other_family,
		test_tcpconn_names_the_setting_the_kernel_refuses,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "tcpconn",
		.tests = tests,
	});
}
