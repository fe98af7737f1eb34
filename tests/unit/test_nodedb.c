/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db/nodedb.h"
#include "libiscsi-core/util.h"
#include "testutil.h"

#define IQN1 "iqn.2016-01.com.example:tg1"
#define IQN2 "iqn.2016-01.com.example:tg2"

static struct tu_diags dg;

/* Each test gets tu_tmp/root as ISCSI_CONFIG_DIR; tu_tmp itself must stay
 * holding only "root" (and what the test puts there on purpose). */
static void setup(void)
{
	tu_config_dir_new();
	memset(&dg, 0, sizeof(dg));
}

static struct ndb *open_db(void)
{
	struct ndb *db = NULL;
	struct rec_diag diag = { tu_diags_collect, &dg };

	ck_assert_int_eq(ndb_open(NULL, &db, NULL), 0);
	ndb_set_diag(db, &diag);
	return db;
}

static struct rec *mk_node(const char *iqn, const char *addr, int port, int tpgt,
			   const char *iface)
{
	struct rec *r = rec_new(REC_NODE);

	ck_assert_int_eq(rec_set(r, "node.name", iqn, NULL), 0);
	ck_assert_int_eq(rec_set(r, "node.conn[0].address", addr, NULL), 0);
	ck_assert_int_eq(rec_set_int(r, "node.conn[0].port", port, NULL), 0);
	ck_assert_int_eq(rec_set_int(r, "node.tpgt", tpgt, NULL), 0);
	ck_assert_int_eq(rec_set(r, "iface.iscsi_ifacename", iface, NULL), 0);
	return r;
}

static void write_node(struct ndb *db, const char *iqn, const char *addr, int port,
		       int tpgt, const char *iface)
{
	struct rec *r = mk_node(iqn, addr, port, tpgt, iface);
	struct ll_error e = { 0 };

	ck_assert_msg(ndb_node_write(db, r, &e) == 0, "write: %s", e.msg);
	rec_free(r);
}

static struct ndb_node_id mk_id(const char *iqn, const char *addr, int port,
				int tpgt, const char *iface)
{
	struct ndb_node_id id = { .port = port, .tpgt = tpgt };

	snprintf(id.target, sizeof(id.target), "%s", iqn);
	snprintf(id.address, sizeof(id.address), "%s", addr);
	snprintf(id.iface, sizeof(id.iface), "%s", iface);
	return id;
}

static int path_mode(const char *rel, bool follow)
{
	char p[PATH_MAX * 2];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", tu_root, rel);
	if ((follow ? stat(p, &st) : lstat(p, &st)) < 0)
		return -1;
	return (int)st.st_mode;
}

static void mkdir_rel(const char *rel)
{
	char p[PATH_MAX * 2];

	snprintf(p, sizeof(p), "%s/%s", tu_root, rel);
	ck_assert_int_eq(mkdir(p, 0700), 0);
}

/* Entries of a directory (including dot files), sorted, joined by ' '. */
static void list_dir(const char *dir, char *out, size_t cap)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	size_t off = 0;

	out[0] = '\0';
	if (n < 0)
		return;
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, ".."))
			off += (size_t)snprintf(out + off, cap - off, "%s%s",
						off ? " " : "", ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
}

struct seen {
	unsigned n;
	char ids[32][600];
};

static int remember(struct ndb *db, const struct ndb_node_id *id, struct rec *rec,
		    void *ud)
{
	struct seen *s = ud;

	ck_assert_str_eq(rec_get(rec, "node.name"), id->target);
	if (s->n < 32)
		snprintf(s->ids[s->n], sizeof(s->ids[0]), "%s %s,%d,%d %s", id->target,
			 id->address, id->port, id->tpgt, id->iface);
	s->n++;
	return 0;
}

static unsigned count_matching(struct ndb *db, struct ndb_filter f)
{
	struct seen s = { 0 };
	unsigned n = 0;

	ck_assert_int_eq(ndb_node_foreach(db, &f, remember, &s, &n, NULL), 0);
	ck_assert_uint_eq(n, s.n);
	return n;
}

START_TEST(test_open_without_root_uses_iscsi_config_dir)
{
	struct ndb *db = open_db();
	char *real = realpath(tu_root, NULL);

	ck_assert_str_eq(ndb_root(db), real);
	ck_assert_str_eq(ndb_default_root(), tu_root);
	free(real);
	ndb_close(db);
}
END_TEST

START_TEST(test_node_written_in_open_iscsi_layout_with_private_modes)
{
	struct ndb *db = open_db();
	struct ndb_node_id id = mk_id(IQN1, "127.0.0.1", 3260, 1, "default");
	struct rec *r = NULL;
	mode_t old = umask(0);

	write_node(db, IQN1, "127.0.0.1", 3260, 1, "default");
	umask(old);
	ck_assert_int_eq(path_mode("nodes/" IQN1 "/127.0.0.1,3260,1/default", false),
			 S_IFREG | 0600);
	ck_assert_int_eq(path_mode("nodes/" IQN1 "/127.0.0.1,3260,1", false), S_IFDIR | 0700);
	ck_assert_int_eq(path_mode("nodes/" IQN1, false), S_IFDIR | 0700);
	ck_assert_int_eq(path_mode("nodes", false), S_IFDIR | 0700);
	ck_assert_int_eq(ndb_node_read(db, &id, &r, NULL), 0);
	ck_assert_str_eq(rec_get(r, "node.conn[0].address"), "127.0.0.1");
	ck_assert_str_eq(rec_get(r, "node.tpgt"), "1");
	ck_assert(ndb_node_exists(db, &id));
	rec_free(r);
	ndb_close(db);
}
END_TEST

START_TEST(test_update_rewrites_atomically_without_leftovers)
{
	struct ndb *db = open_db();
	struct ndb_node_id id = mk_id(IQN1, "10.0.0.1", 3260, 1, "default");
	char p[PATH_MAX * 2], names[256];

	for (int i = 0; i < 50; i++) {
		struct rec *r = mk_node(IQN1, "10.0.0.1", 3260, 1, "default");

		rec_set_int(r, "node.session.cmds_max", 16 + i, NULL);
		ck_assert_int_eq(ndb_node_write(db, r, NULL), 0);
		rec_free(r);
	}
	snprintf(p, sizeof(p), "%s/nodes/%s/10.0.0.1,3260,1", tu_root, IQN1);
	list_dir(p, names, sizeof(names));
	ck_assert_str_eq(names, "default");
	list_dir(tu_root, names, sizeof(names));
	ck_assert_str_eq(names, ".lock nodes static");
	{
		struct rec *r = NULL;

		ck_assert_int_eq(ndb_node_read(db, &id, &r, NULL), 0);
		ck_assert_str_eq(rec_get(r, "node.session.cmds_max"), "65");
		rec_free(r);
	}
	ndb_close(db);
}
END_TEST

START_TEST(test_foreach_filters_on_each_field_and_sorts)
{
	struct ndb *db = open_db();
	struct ndb_filter f = NDB_FILTER_ANY;
	struct seen s = { 0 };

	write_node(db, IQN2, "10.0.0.2", 3260, 1, "default");
	write_node(db, IQN1, "10.0.0.1", 3260, 1, "default");
	write_node(db, IQN1, "10.0.0.1", 3260, 1, "eth-a");
	write_node(db, IQN1, "10.0.0.2", 3261, 2, "default");
	write_node(db, IQN2, "fe80::1", 3260, 1, "default");
	ck_assert_uint_eq(count_matching(db, f), 5);
	f.target = IQN1;
	ck_assert_uint_eq(count_matching(db, f), 3);
	f.address = "10.0.0.1";
	ck_assert_uint_eq(count_matching(db, f), 2);
	f.iface = "eth-a";
	ck_assert_uint_eq(count_matching(db, f), 1);
	f = NDB_FILTER_ANY;
	f.port = 3261;
	ck_assert_uint_eq(count_matching(db, f), 1);
	f = NDB_FILTER_ANY;
	f.tpgt = 1;
	ck_assert_uint_eq(count_matching(db, f), 4);
	f = NDB_FILTER_ANY;
	f.address = "FE80::1";
	ck_assert_uint_eq(count_matching(db, f), 1);
	f = NDB_FILTER_ANY;
	f.target = "iqn.none";
	ck_assert_uint_eq(count_matching(db, f), 0);
	ck_assert_int_eq(ndb_node_foreach(db, NULL, remember, &s, NULL, NULL), 0);
	ck_assert_str_eq(s.ids[0], IQN1 " 10.0.0.1,3260,1 default");
	ck_assert_str_eq(s.ids[1], IQN1 " 10.0.0.1,3260,1 eth-a");
	ck_assert_str_eq(s.ids[2], IQN1 " 10.0.0.2,3261,2 default");
	ck_assert_str_eq(s.ids[4], IQN2 " fe80::1,3260,1 default");
	ck_assert_int_eq(path_mode("nodes/" IQN2 "/fe80::1,3260,1/default", false),
			 S_IFREG | 0600);
	ndb_close(db);
}
END_TEST

static int stop_at_second(struct ndb *db, const struct ndb_node_id *id,
			  struct rec *rec, void *ud)
{
	return ++*(int *)ud == 2 ? 7 : 0;
}

START_TEST(test_foreach_stops_when_callback_asks)
{
	struct ndb *db = open_db();
	int calls = 0;

	write_node(db, IQN1, "10.0.0.1", 3260, 1, "default");
	write_node(db, IQN1, "10.0.0.2", 3260, 1, "default");
	write_node(db, IQN1, "10.0.0.3", 3260, 1, "default");
	ck_assert_int_eq(ndb_node_foreach(db, NULL, stop_at_second, &calls, NULL, NULL), 7);
	ck_assert_int_eq(calls, 2);
	ndb_close(db);
}
END_TEST

START_TEST(test_static_record_gets_link_and_delete_cleans_up)
{
	struct ndb *db = open_db();
	struct ndb_node_id id = mk_id(IQN1, "10.0.0.1", 3260, 1, "default");
	char link[PATH_MAX * 2], target[PATH_MAX * 2], names[256];
	ssize_t n;

	write_node(db, IQN1, "10.0.0.1", 3260, 1, "default");
	ck_assert_int_eq(path_mode("static/" IQN1 ",10.0.0.1,3260,1,default", false) & S_IFMT,
			 S_IFLNK);
	snprintf(link, sizeof(link), "%s/static/%s,10.0.0.1,3260,1,default", tu_root, IQN1);
	n = readlink(link, target, sizeof(target) - 1);
	ck_assert_int_gt(n, 0);
	target[n] = '\0';
	ck_assert_ptr_nonnull(strstr(target, "/nodes/" IQN1 "/10.0.0.1,3260,1"));
	ck_assert_int_eq(ndb_node_delete(db, &id, NULL), 0);
	ck_assert_int_eq(path_mode("static/" IQN1 ",10.0.0.1,3260,1,default", false), -1);
	ck_assert_int_eq(path_mode("nodes/" IQN1, false), -1);
	snprintf(link, sizeof(link), "%s/nodes", tu_root);
	list_dir(link, names, sizeof(names));
	ck_assert_str_eq(names, "");
	ck_assert(!ndb_node_exists(db, &id));
	ndb_close(db);
}
END_TEST

START_TEST(test_unknown_tpgt_makes_no_link)
{
	struct ndb *db = open_db();
	char p[PATH_MAX * 2], names[256];

	write_node(db, IQN1, "10.0.0.1", 3260, -1, "default");
	ck_assert_int_eq(path_mode("nodes/" IQN1 "/10.0.0.1,3260,-1/default", false),
			 S_IFREG | 0600);
	snprintf(p, sizeof(p), "%s/static", tu_root);
	list_dir(p, names, sizeof(names));
	ck_assert_str_eq(names, "");
	ndb_close(db);
}
END_TEST

START_TEST(test_delete_missing_record_reports_no_objects_found)
{
	struct ndb *db = open_db();
	struct ndb_node_id id = mk_id(IQN1, "10.0.0.9", 3260, 1, "default");
	struct ll_error e = { 0 };
	struct rec *r = NULL;

	ck_assert_int_eq(ndb_node_delete(db, &id, &e), -ENOENT);
	ck_assert_int_eq(e.code, ISCSI_ERR_NO_OBJS_FOUND);
	ck_assert_ptr_nonnull(strstr(e.msg, IQN1));
	ck_assert_int_eq(ndb_node_read(db, &id, &r, &e), -ENOENT);
	ck_assert_ptr_null(r);
	ndb_close(db);
}
END_TEST

static struct rec *mk_disc(const char *addr, int port)
{
	struct rec *r = rec_new(REC_DISC_ST);

	ck_assert_int_eq(rec_set(r, "discovery.sendtargets.address", addr, NULL), 0);
	ck_assert_int_eq(rec_set_int(r, "discovery.sendtargets.port", port, NULL), 0);
	return r;
}

static void write_discovered_node(struct ndb *db, const char *iqn, const char *addr,
				  const char *daddr, int dport)
{
	struct rec *r = mk_node(iqn, addr, 3260, 1, "default");

	rec_set(r, "node.discovery_type", "send_targets", NULL);
	rec_set(r, "node.discovery_address", daddr, NULL);
	rec_set_int(r, "node.discovery_port", dport, NULL);
	ck_assert_int_eq(ndb_node_write(db, r, NULL), 0);
	rec_free(r);
}

START_TEST(test_discovered_nodes_are_linked_and_deleted_with_discovery_record)
{
	struct ndb *db = open_db();
	struct rec *d = mk_disc("10.0.0.1", 3260);
	struct seen s = { 0 };
	char p[PATH_MAX * 2], names[512];

	ck_assert_int_eq(ndb_disc_write(db, d, NULL), 0);
	ck_assert_int_eq(path_mode("send_targets/10.0.0.1,3260/st_config", false),
			 S_IFREG | 0600);
	write_discovered_node(db, IQN1, "10.0.0.1", "10.0.0.1", 3260);
	write_discovered_node(db, IQN2, "10.0.0.1", "10.0.0.1", 3260);
	write_node(db, IQN1, "10.0.0.5", 3260, 1, "default");  /* static, unrelated */
	snprintf(p, sizeof(p), "%s/send_targets/10.0.0.1,3260", tu_root);
	list_dir(p, names, sizeof(names));
	ck_assert_str_eq(names, IQN1 ",10.0.0.1,3260,1,default " IQN2
			 ",10.0.0.1,3260,1,default st_config");
	ck_assert_int_eq(ndb_disc_foreach_node(db, "10.0.0.1", 3260, remember, &s, NULL), 0);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(s.ids[1], IQN2 " 10.0.0.1,3260,1 default");
	ck_assert_int_eq(ndb_disc_delete(db, "10.0.0.1", 3260, true, NULL), 0);
	ck_assert_int_eq(path_mode("send_targets/10.0.0.1,3260", false), -1);
	ck_assert_uint_eq(count_matching(db, NDB_FILTER_ANY), 1);
	rec_free(d);
	ndb_close(db);
}
END_TEST

START_TEST(test_node_delete_removes_its_discovery_link_only)
{
	struct ndb *db = open_db();
	struct rec *d = mk_disc("10.0.0.1", 3260);
	struct ndb_node_id id = mk_id(IQN1, "10.0.0.1", 3260, 1, "default");
	char p[PATH_MAX * 2], names[512];

	ck_assert_int_eq(ndb_disc_write(db, d, NULL), 0);
	write_discovered_node(db, IQN1, "10.0.0.1", "10.0.0.1", 3260);
	write_discovered_node(db, IQN2, "10.0.0.1", "10.0.0.1", 3260);
	ck_assert_int_eq(ndb_node_delete(db, &id, NULL), 0);
	snprintf(p, sizeof(p), "%s/send_targets/10.0.0.1,3260", tu_root);
	list_dir(p, names, sizeof(names));
	ck_assert_str_eq(names, IQN2 ",10.0.0.1,3260,1,default st_config");
	rec_free(d);
	ndb_close(db);
}
END_TEST

static int count_disc(struct ndb *db, const char *addr, int port, struct rec *rec,
		      void *ud)
{
	struct seen *s = ud;

	ck_assert_str_eq(rec_get(rec, "discovery.sendtargets.address"), addr);
	snprintf(s->ids[s->n++ % 32], sizeof(s->ids[0]), "%s,%d %s", addr, port,
		 rec_get(rec, "discovery.sendtargets.auth.authmethod"));
	return 0;
}

START_TEST(test_discovery_records_round_trip_and_list)
{
	struct ndb *db = open_db();
	struct rec *a = mk_disc("10.0.0.2", 3260), *b = mk_disc("10.0.0.1", 3261), *r = NULL;
	struct seen s = { 0 };
	struct ll_error e = { 0 };

	rec_set(a, "discovery.sendtargets.auth.authmethod", "CHAP", NULL);
	rec_set(a, "discovery.sendtargets.auth.password", "secretsecret", NULL);
	ck_assert_int_eq(ndb_disc_write(db, a, NULL), 0);
	ck_assert_int_eq(ndb_disc_write(db, b, NULL), 0);
	ck_assert_int_eq(ndb_disc_foreach(db, count_disc, &s, NULL), 0);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(s.ids[0], "10.0.0.1,3261 None");
	ck_assert_str_eq(s.ids[1], "10.0.0.2,3260 CHAP");
	ck_assert_int_eq(ndb_disc_read(db, "10.0.0.2", 3260, &r, NULL), 0);
	ck_assert_str_eq(rec_get(r, "discovery.sendtargets.auth.password"), "secretsecret");
	rec_free(r);
	ck_assert_int_eq(ndb_disc_delete(db, "10.0.0.2", 3260, false, NULL), 0);
	ck_assert_int_eq(ndb_disc_read(db, "10.0.0.2", 3260, &r, &e), -ENOENT);
	ck_assert_int_eq(e.code, ISCSI_ERR_NO_OBJS_FOUND);
	rec_free(a);
	rec_free(b);
	ndb_close(db);
}
END_TEST

START_TEST(test_legacy_portal_file_reads_as_default_iface_and_converts_on_write)
{
	static const char text[] = "node.name = " IQN1 "\nnode.session.cmds_max = 64\n";
	struct ndb *db = open_db();
	struct ndb_node_id id = mk_id(IQN1, "10.0.0.1", 3260, 1, "default");
	struct seen s = { 0 };
	struct rec *r = NULL;

	mkdir_rel("nodes");
	mkdir_rel("nodes/" IQN1);
	tu_write("nodes/" IQN1 "/10.0.0.1,3260,1", text, strlen(text));
	ck_assert_int_eq(ndb_node_foreach(db, NULL, remember, &s, NULL, NULL), 0);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_str_eq(s.ids[0], IQN1 " 10.0.0.1,3260,1 default");
	ck_assert_int_eq(ndb_node_read(db, &id, &r, NULL), 0);
	ck_assert_str_eq(rec_get(r, "node.session.cmds_max"), "64");
	/* writing an update moves the file into the directory layout */
	rec_set(r, "node.startup", "automatic", NULL);
	ck_assert_int_eq(ndb_node_write(db, r, NULL), 0);
	rec_free(r);
	ck_assert_int_eq(path_mode("nodes/" IQN1 "/10.0.0.1,3260,1", false) & S_IFMT, S_IFDIR);
	ck_assert_int_eq(ndb_node_read(db, &id, &r, NULL), 0);
	ck_assert_str_eq(rec_get(r, "node.session.cmds_max"), "64");
	ck_assert_str_eq(rec_get(r, "node.startup"), "automatic");
	rec_free(r);
	ndb_close(db);
}
END_TEST

START_TEST(test_legacy_portal_file_can_be_deleted)
{
	static const char text[] = "node.name = " IQN1 "\n";
	struct ndb *db = open_db();
	struct ndb_node_id id = mk_id(IQN1, "10.0.0.1", 3260, 1, "default");

	mkdir_rel("nodes");
	mkdir_rel("nodes/" IQN1);
	tu_write("nodes/" IQN1 "/10.0.0.1,3260,1", text, strlen(text));
	ck_assert_int_eq(ndb_node_delete(db, &id, NULL), 0);
	ck_assert_int_eq(path_mode("nodes/" IQN1, false), -1);
	ndb_close(db);
}
END_TEST

static void assert_only_root_in_tmp(void)
{
	char names[512];

	list_dir(tu_tmp, names, sizeof(names));
	ck_assert_str_eq(names, "root");
}

START_TEST(test_hostile_names_are_refused_and_nothing_escapes_the_root)
{
	static const char *bad_targets[] = { "../evil", "..", "a/b", "/abs", ".hidden",
		"x\ny", "tab\there", "", "iqn.x:a..b", "iqn.x,1" };
	static const char *bad_addrs[] = { "../../x", "a/b", "..", "1.2.3.4,5", "a\n" };
	static const char *bad_ifaces[] = { "../x", "..", "a/b", ".x", "e\x01" };
	struct ndb *db = open_db();
	struct ll_error e = { 0 };
	char names[512];

	for (size_t i = 0; i < ARRAY_SIZE(bad_targets); i++) {
		struct rec *r = mk_node("iqn.ok:x", "10.0.0.1", 3260, 1, "default");

		struct ndb_node_id id = mk_id(bad_targets[i], "10.0.0.1", 3260, 1, "default");

		/* control characters cannot even get into a record */
		if (rec_set(r, "node.name", bad_targets[i], NULL) == 0) {
			ck_assert_msg(ndb_node_write(db, r, &e) == -EINVAL,
				      "target %zu written", i);
			ck_assert_int_eq(e.code, ISCSI_ERR_INVAL);
		}
		ck_assert_int_eq(ndb_node_delete(db, &id, NULL), -EINVAL);
		ck_assert_int_eq(ndb_node_read(db, &id, &(struct rec *){ NULL }, NULL), -EINVAL);
		rec_free(r);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad_addrs); i++) {
		struct rec *r = mk_node("iqn.ok:x", "10.0.0.1", 3260, 1, "default");
		struct rec *d = mk_disc("10.0.0.1", 3260);

		if (rec_set(r, "node.conn[0].address", bad_addrs[i], NULL) == 0)
			ck_assert_int_eq(ndb_node_write(db, r, NULL), -EINVAL);
		if (rec_set(d, "discovery.sendtargets.address", bad_addrs[i], NULL) == 0)
			ck_assert_int_eq(ndb_disc_write(db, d, NULL), -EINVAL);
		ck_assert_int_eq(ndb_disc_delete(db, bad_addrs[i], 3260, true, NULL), -EINVAL);
		rec_free(r);
		rec_free(d);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad_ifaces); i++) {
		struct rec *r = mk_node("iqn.ok:x", "10.0.0.1", 3260, 1, "default");
		struct rec *f = rec_new(REC_IFACE);

		if (rec_set(r, "iface.iscsi_ifacename", bad_ifaces[i], NULL) == 0)
			ck_assert_int_eq(ndb_node_write(db, r, NULL), -EINVAL);
		if (rec_set(f, "iface.iscsi_ifacename", bad_ifaces[i], NULL) == 0)
			ck_assert_int_eq(ndb_iface_write(db, f, NULL), -EINVAL);
		ck_assert_int_eq(ndb_iface_delete(db, bad_ifaces[i], NULL), -EINVAL);
		ck_assert_int_eq(ndb_iface_read(db, bad_ifaces[i], &(struct rec *){ NULL }, NULL), -EINVAL);
		rec_free(r);
		rec_free(f);
	}
	ck_assert_int_eq(ndb_check_target("../evil", &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "../evil"));
	ck_assert_int_eq(ndb_check_target("x\ny", &e), -EINVAL);
	ck_assert_ptr_null(strchr(e.msg, '\n'));
	assert_only_root_in_tmp();
	list_dir(tu_root, names, sizeof(names));
	ck_assert_ptr_null(strstr(names, "nodes"));
	ndb_close(db);
}
END_TEST

START_TEST(test_symlinked_target_dir_is_neither_read_nor_written)
{
	static const char text[] = "node.name = " IQN1 "\n";
	struct ndb *db = open_db();
	char outside[PATH_MAX + 16], link[PATH_MAX * 2], names[512];
	struct rec *r = mk_node(IQN1, "10.0.0.1", 3260, 1, "default");

	snprintf(outside, sizeof(outside), "%s/outside", tu_tmp);
	ck_assert_int_eq(mkdir(outside, 0700), 0);
	mkdir_rel("nodes");
	/* a planted record outside the root, reachable only via a symlink */
	snprintf(link, sizeof(link), "%s/10.0.0.1,3260,1", outside);
	ck_assert_int_eq(mkdir(link, 0700), 0);
	snprintf(link, sizeof(link), "%s/10.0.0.1,3260,1/default", outside);
	{
		FILE *f = fopen(link, "w");

		fputs(text, f);
		fclose(f);
	}
	snprintf(link, sizeof(link), "%s/nodes/%s", tu_root, IQN1);
	ck_assert_int_eq(symlink(outside, link), 0);
	ck_assert_uint_eq(count_matching(db, NDB_FILTER_ANY), 0);
	ck_assert_int_lt(ndb_node_write(db, r, NULL), 0);
	snprintf(link, sizeof(link), "%s/10.0.0.1,3260,1", outside);
	list_dir(link, names, sizeof(names));
	ck_assert_str_eq(names, "default");  /* nothing new written there */
	rec_free(r);
	ndb_close(db);
}
END_TEST

START_TEST(test_symlinked_record_file_is_not_followed_or_replaced)
{
	struct ndb *db = open_db();
	char outside[PATH_MAX + 16], link[PATH_MAX * 2];
	struct ndb_node_id id = mk_id(IQN1, "10.0.0.1", 3260, 1, "default");
	struct rec *r = NULL, *w = mk_node(IQN1, "10.0.0.1", 3260, 1, "default");
	struct stat st;

	snprintf(outside, sizeof(outside), "%s/secret", tu_tmp);
	{
		FILE *f = fopen(outside, "w");

		fputs("node.session.auth.password = stolen\n", f);
		fclose(f);
	}
	mkdir_rel("nodes");
	mkdir_rel("nodes/" IQN1);
	mkdir_rel("nodes/" IQN1 "/10.0.0.1,3260,1");
	snprintf(link, sizeof(link), "%s/nodes/%s/10.0.0.1,3260,1/default", tu_root, IQN1);
	ck_assert_int_eq(symlink(outside, link), 0);
	ck_assert_int_lt(ndb_node_read(db, &id, &r, NULL), 0);
	ck_assert_uint_eq(count_matching(db, NDB_FILTER_ANY), 0);
	ck_assert_int_lt(ndb_node_write(db, w, NULL), 0);
	ck_assert_int_eq(stat(outside, &st), 0);
	ck_assert_int_eq(st.st_size, strlen("node.session.auth.password = stolen\n"));
	rec_free(w);
	ndb_close(db);
}
END_TEST

START_TEST(test_corrupt_records_are_reported_and_others_still_load)
{
	static const char garbage[] = "\x7f" "ELF\x01\x02\x00\x00 = \xff\xfe\n\x00\x00\x00";
	static const char truncated[] = "# BEGIN RECORD 2.1.8\nnode.name = " IQN1
		"\nnode.session.cmds_max = 6";
	static const char noeq[] = "node.startup automatic\nnode.session.queue_depth = 8\n";
	struct ndb *db = open_db();
	struct seen s = { 0 };
	char big[300];

	write_node(db, IQN1, "10.0.0.1", 3260, 1, "default");
	write_node(db, IQN1, "10.0.0.2", 3260, 1, "default");
	write_node(db, IQN1, "10.0.0.3", 3260, 1, "default");
	write_node(db, IQN1, "10.0.0.4", 3260, 1, "default");
	tu_write("nodes/" IQN1 "/10.0.0.2,3260,1/default", garbage, sizeof(garbage) - 1);
	tu_write("nodes/" IQN1 "/10.0.0.3,3260,1/default", truncated, sizeof(truncated) - 1);
	tu_write("nodes/" IQN1 "/10.0.0.4,3260,1/default", noeq, strlen(noeq));
	ck_assert_int_eq(ndb_node_foreach(db, NULL, remember, &s, NULL, NULL), 0);
	ck_assert_uint_eq(s.n, 4);
	snprintf(big, sizeof(big), "%s/nodes/%s/10.0.0.2,3260,1/default:1: contains a NUL byte",
		 ndb_root(db), IQN1);
	ck_assert_msg(strstr(dg.all, big) != NULL, "diag: %s", dg.all);
	snprintf(big, sizeof(big), "/nodes/%s/10.0.0.4,3260,1/default:1: missing '='", IQN1);
	ck_assert_ptr_nonnull(strstr(dg.all, big));
	ck_assert_uint_ge(dg.errors, 3);
	{
		struct ndb_node_id id = mk_id(IQN1, "10.0.0.3", 3260, 1, "default");
		struct rec *r = NULL;

		ck_assert_int_eq(ndb_node_read(db, &id, &r, NULL), 0);
		ck_assert_str_eq(rec_get(r, "node.session.cmds_max"), "6");
		rec_free(r);
		id = mk_id(IQN1, "10.0.0.4", 3260, 1, "default");
		ck_assert_int_eq(ndb_node_read(db, &id, &r, NULL), 0);
		ck_assert_str_eq(rec_get(r, "node.session.queue_depth"), "8");
		ck_assert_str_eq(rec_get(r, "node.startup"), "manual");
		rec_free(r);
	}
	ndb_close(db);
}
END_TEST

START_TEST(test_oversized_record_and_stray_entries_are_skipped)
{
	struct ndb *db = open_db();
	size_t n = 2 * 1024 * 1024;
	char *huge = malloc(n);

	memset(huge, '#', n);
	write_node(db, IQN1, "10.0.0.1", 3260, 1, "default");
	write_node(db, IQN1, "10.0.0.2", 3260, 1, "default");
	tu_write("nodes/" IQN1 "/10.0.0.2,3260,1/default", huge, n);
	tu_write("nodes/" IQN1 "/not-a-portal", "x", 1);
	mkdir_rel("nodes/" IQN1 "/10.0.0.1,3260,1/subdir");
	ck_assert_uint_eq(count_matching(db, NDB_FILTER_ANY), 1);
	ck_assert_uint_ge(dg.notices, 3);
	free(huge);
	ndb_close(db);
}
END_TEST

static const char *const stress_keys[] = {
	"iface.net_ifacename", "iface.ipaddress", "iface.hwaddress", "iface.initiatorname",
	"iface.state", "iface.vlan_state", "iface.bootproto", "iface.subnet_mask",
	"iface.gateway", "iface.dhcp_alt_client_id_state", "iface.dhcp_alt_client_id",
	"iface.dhcp_dns", "iface.dhcp_learn_iqn", "iface.dhcp_req_vendor_id_state",
	"iface.dhcp_vendor_id_state", "iface.dhcp_vendor_id", "iface.dhcp_slp_da",
	"iface.fragmentation", "iface.gratuitous_arp", "iface.incoming_forwarding",
};

static int stress_child(int i)
{
	struct ndb_node_id id = mk_id(IQN1, "10.0.0.1", 3260, 1, "default");
	struct ndb *db = NULL;
	struct rec *r = NULL;
	char val[32];
	int ret;

	if (ndb_open(NULL, &db, NULL) < 0 || ndb_lock(db, true, NULL) < 0)
		return 1;
	ret = ndb_node_read(db, &id, &r, NULL);
	snprintf(val, sizeof(val), "value-%d", i);
	if (ret == 0)
		ret = rec_set(r, stress_keys[i], val, NULL);
	usleep(1000);  /* widen the window a lost update would need */
	if (ret == 0)
		ret = ndb_node_write(db, r, NULL);
	ndb_unlock(db);
	rec_free(r);
	ndb_close(db);
	return ret == 0 ? 0 : 1;
}

START_TEST(test_concurrent_locked_updates_of_one_record_lose_nothing)
{
	struct ndb_node_id id = mk_id(IQN1, "10.0.0.1", 3260, 1, "default");
	struct ndb *db = open_db();
	pid_t pids[ARRAY_SIZE(stress_keys)];
	struct rec *r = NULL;

	write_node(db, IQN1, "10.0.0.1", 3260, 1, "default");
	for (size_t i = 0; i < ARRAY_SIZE(stress_keys); i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0)
			_exit(stress_child((int)i));
	}
	for (size_t i = 0; i < ARRAY_SIZE(stress_keys); i++) {
		int status = 0;

		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	memset(&dg, 0, sizeof(dg));
	ck_assert_int_eq(ndb_node_read(db, &id, &r, NULL), 0);
	ck_assert_uint_eq(dg.errors + dg.notices, 0);
	for (size_t i = 0; i < ARRAY_SIZE(stress_keys); i++) {
		char val[32];

		snprintf(val, sizeof(val), "value-%zu", i);
		ck_assert_msg(streq(rec_get(r, stress_keys[i]), val), "%s lost", stress_keys[i]);
	}
	rec_free(r);
	ndb_close(db);
}
END_TEST

START_TEST(test_lock_nests_and_refuses_upgrade)
{
	struct ndb *db = open_db();
	struct ll_error e = { 0 };

	ck_assert_int_eq(ndb_lock(db, false, NULL), 0);
	ck_assert_int_eq(ndb_lock(db, true, &e), -EDEADLK);
	ck_assert_int_eq(ndb_lock(db, false, NULL), 0);
	ndb_unlock(db);
	ndb_unlock(db);
	ck_assert_int_eq(ndb_lock(db, true, NULL), 0);
	/* writes inside an exclusive hold nest instead of deadlocking */
	write_node(db, IQN1, "10.0.0.1", 3260, 1, "default");
	ck_assert_uint_eq(count_matching(db, NDB_FILTER_ANY), 1);
	ndb_unlock(db);
	ndb_close(db);
}
END_TEST

START_TEST(test_lock_is_released_when_holder_dies)
{
	struct ndb *db = open_db();
	pid_t pid = fork();
	int status;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct ndb *c = NULL;

		ndb_open(NULL, &c, NULL);
		ndb_lock(c, true, NULL);
		_exit(0);  /* dies holding the lock */
	}
	waitpid(pid, &status, 0);
	alarm(10);
	ck_assert_int_eq(ndb_lock(db, true, NULL), 0);
	alarm(0);
	ndb_unlock(db);
	ndb_close(db);
}
END_TEST

struct iface_seen {
	unsigned n;
	char names[8][80];
};

static int remember_iface(struct ndb *db, const char *name, struct rec *rec, void *ud)
{
	struct iface_seen *s = ud;

	if (s->n < 8)
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s/%s", name,
			 rec_get(rec, "iface.transport_name"));
	s->n++;
	return 0;
}

START_TEST(test_ifaces_list_builtins_first_and_refuse_changing_them)
{
	struct ndb *db = open_db();
	struct rec *f = rec_new(REC_IFACE), *r = NULL;
	struct iface_seen s = { 0 };
	struct ll_error e = { 0 };

	rec_set(f, "iface.iscsi_ifacename", "eth-b", NULL);
	rec_set(f, "iface.net_ifacename", "eth1", NULL);
	ck_assert_int_eq(ndb_iface_write(db, f, NULL), 0);
	ck_assert_int_eq(path_mode("ifaces/eth-b", false), S_IFREG | 0600);
	ck_assert_int_eq(ndb_iface_foreach(db, remember_iface, &s, NULL), 0);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_str_eq(s.names[0], "default/tcp");
	ck_assert_str_eq(s.names[1], "iser/iser");
	ck_assert_str_eq(s.names[2], "eth-b/tcp");
	ck_assert_int_eq(ndb_iface_read(db, "eth-b", &r, NULL), 0);
	ck_assert_str_eq(rec_get(r, "iface.net_ifacename"), "eth1");
	rec_free(r);
	ck_assert_int_eq(ndb_iface_read(db, "default", &r, NULL), 0);
	ck_assert_str_eq(rec_get(r, "iface.transport_name"), "tcp");
	rec_free(r);
	rec_set(f, "iface.iscsi_ifacename", "default", NULL);
	ck_assert_int_eq(ndb_iface_write(db, f, &e), -EINVAL);
	ck_assert_int_eq(ndb_iface_delete(db, "iser", NULL), -EINVAL);
	ck_assert_int_eq(ndb_iface_delete(db, "eth-b", NULL), 0);
	ck_assert_int_eq(ndb_iface_read(db, "eth-b", &r, &e), -ENOENT);
	ck_assert_int_eq(e.code, ISCSI_ERR_NO_OBJS_FOUND);
	rec_free(f);
	ndb_close(db);
}
END_TEST

START_TEST(test_missing_root_reads_as_empty_and_is_not_created)
{
	char gone[PATH_MAX + 16];
	struct ndb *db = NULL;

	snprintf(gone, sizeof(gone), "%s/gone", tu_tmp);
	ck_assert_int_eq(ndb_open(gone, &db, NULL), 0);
	ck_assert_uint_eq(count_matching(db, NDB_FILTER_ANY), 0);
	ck_assert_int_eq(ndb_disc_foreach(db, count_disc, &(struct seen){ 0 }, NULL), 0);
	assert_only_root_in_tmp();
	ndb_close(db);
}
END_TEST

START_TEST(test_node_id_comes_from_record_keys)
{
	struct rec *r = mk_node(IQN1, "fe80::1%eth0", 3261, 5, "");
	struct ndb_node_id id;
	struct ndb_filter f = NDB_FILTER_ANY;

	ck_assert_int_eq(ndb_node_id_from_rec(r, &id, NULL), 0);
	ck_assert_str_eq(id.target, IQN1);
	ck_assert_str_eq(id.address, "fe80::1%eth0");
	ck_assert_int_eq(id.port, 3261);
	ck_assert_int_eq(id.tpgt, 5);
	ck_assert_str_eq(id.iface, "default");
	ck_assert(ndb_filter_match(&f, &id));
	ck_assert(ndb_filter_match(NULL, &id));
	f.tpgt = 4;
	ck_assert(!ndb_filter_match(&f, &id));
	rec_free(r);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_open_without_root_uses_iscsi_config_dir,
		test_node_written_in_open_iscsi_layout_with_private_modes,
		test_update_rewrites_atomically_without_leftovers,
		test_foreach_filters_on_each_field_and_sorts,
		test_foreach_stops_when_callback_asks,
		test_static_record_gets_link_and_delete_cleans_up,
		test_unknown_tpgt_makes_no_link,
		test_delete_missing_record_reports_no_objects_found,
		test_discovered_nodes_are_linked_and_deleted_with_discovery_record,
		test_node_delete_removes_its_discovery_link_only,
		test_discovery_records_round_trip_and_list,
		test_legacy_portal_file_reads_as_default_iface_and_converts_on_write,
		test_legacy_portal_file_can_be_deleted,
		test_hostile_names_are_refused_and_nothing_escapes_the_root,
		test_symlinked_target_dir_is_neither_read_nor_written,
		test_symlinked_record_file_is_not_followed_or_replaced,
		test_corrupt_records_are_reported_and_others_still_load,
		test_oversized_record_and_stray_entries_are_skipped,
		test_concurrent_locked_updates_of_one_record_lose_nothing,
		test_lock_nests_and_refuses_upgrade,
		test_lock_is_released_when_holder_dies,
		test_ifaces_list_builtins_first_and_refuse_changing_them,
		test_missing_root_reads_as_empty_and_is_not_created,
		test_node_id_comes_from_record_keys,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "nodedb",
		.tcase = "nodedb",
		.setup = setup,
		.teardown = tu_scratch_remove,
		.timeout = 60,
		.tests = tests,
	});
}
