/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.c: iscsid.conf (daemon keys + record templates) and
 * initiatorname.iscsi.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "db/config.h"
#include "db/nodedb.h"
#include "db/nodedb_fs.h"
#include "libiscsi-core/util.h"

#define CFG_MAX_ENTRIES 1024

struct cfg_kv {
	char key[REC_KEY_MAX];
	char value[REC_VALUE_MAX + 1];
};

struct cfg {
	struct cfg_kv *kv;
	size_t n, cap;
};

/* Keys only iscsid and iscsiadm themselves read; not record templates. */
static const struct {
	const char *key;
	const char *def;
	bool is_bool;
} daemon_keys[] = {
	{ "iscsid.startup", "", false },
	/* open-iscsi's default is No; lunlink's is the safe one */
	{ "iscsid.safe_logout", "Yes", true },
	{ "iscsid.ipc_auth_uid", "Yes", true },
	/* the Prometheus textfile iscsid writes; "" = none */
	{ "iscsid.metrics_file", "", false },
};

const char *cfg_root(void)
{
	return ndb_default_root();
}

struct cfg *cfg_new_empty(void)
{
	return calloc(1, sizeof(struct cfg));
}

void cfg_free(struct cfg *c)
{
	if (!c)
		return;
	secure_zero(c->kv, c->cap * sizeof(*c->kv));  /* may hold CHAP secrets */
	free(c->kv);
	free(c);
}

static struct cfg_kv *find_kv(const struct cfg *c, const char *key)
{
	for (size_t i = 0; c && i < c->n; i++)
		if (streq(c->kv[i].key, key))
			return &c->kv[i];
	return NULL;
}

static int put_kv(struct cfg *c, const char *key, const char *value)
{
	struct cfg_kv *kv = find_kv(c, key);

	if (!kv) {
		if (c->n == CFG_MAX_ENTRIES)
			return -E2BIG;
		if (c->n == c->cap) {
			size_t nc = c->cap ? c->cap * 2 : 32;
			struct cfg_kv *v = calloc(nc, sizeof(*v));

			if (!v)
				return -ENOMEM;
			if (c->n)
				memcpy(v, c->kv, c->n * sizeof(*v));
			secure_zero(c->kv, c->cap * sizeof(*c->kv));
			free(c->kv);
			c->kv = v;
			c->cap = nc;
		}
		kv = &c->kv[c->n++];
		str_copy(kv->key, sizeof(kv->key), key);
	}
	return str_copy(kv->value, sizeof(kv->value), value);
}

const char *cfg_get(const struct cfg *c, const char *key)
{
	const struct cfg_kv *kv = find_kv(c, key);

	if (kv)
		return kv->value;
	for (size_t i = 0; i < ARRAY_SIZE(daemon_keys); i++)
		if (streq(daemon_keys[i].key, key))
			return daemon_keys[i].def;
	return NULL;
}

bool cfg_get_bool(const struct cfg *c, const char *key, bool def)
{
	const char *v = cfg_get(c, key);

	if (v && !strcasecmp(v, "Yes"))
		return true;
	if (v && !strcasecmp(v, "No"))
		return false;
	return def;
}

/* ---- parsing ---- */

struct load_ctx {
	struct cfg *c;
	const struct rec_diag *diag;
	struct rec *scratch[REC_KIND_MAX_];  /* validate template values */
};

static void report(const struct load_ctx *x, enum rec_diag_level lvl,
		   const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void report(const struct load_ctx *x, enum rec_diag_level lvl,
		   const char *file, unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!x->diag || !x->diag->fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	x->diag->fn(x->diag->userdata, lvl, file, line, msg);
}

/* Canonical value of a daemon key in *out, or -EINVAL; 1 when not one. */
static int check_daemon_key(const char *key, const char *value, const char **out)
{
	for (size_t i = 0; i < ARRAY_SIZE(daemon_keys); i++) {
		if (!streq(daemon_keys[i].key, key))
			continue;
		*out = value;
		if (!daemon_keys[i].is_bool)
			return 0;
		if (!strcasecmp(value, "Yes") || !strcasecmp(value, "No")) {
			*out = !strcasecmp(value, "Yes") ? "Yes" : "No";
			return 0;
		}
		return -EINVAL;
	}
	return 1;
}

/* Template keys are checked by setting them on a scratch record. */
static int check_template_key(struct load_ctx *x, const char *key,
			      const char *value, const char **out,
			      struct ll_error *e)
{
	static const enum rec_kind order[] = { REC_NODE, REC_DISC_ST, REC_IFACE };

	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		struct rec *r = x->scratch[order[i]];

		if (!rec_key_find(order[i], key))
			continue;
		if (rec_set(r, key, value, e) < 0)
			return -EINVAL;
		*out = rec_get(r, key);
		return 0;
	}
	return 1;
}

static int load_kv(void *ud, const char *file, unsigned line, const char *key,
		   const char *value)
{
	struct load_ctx *x = ud;
	struct ll_error e = { 0 };
	const char *canon = value;
	int ret = check_daemon_key(key, value, &canon);

	if (ret < 0) {
		report(x, REC_DIAG_ERROR, file, line,
		       "Invalid value '%s' for %s: expected Yes or No.", value, key);
		return 1;
	}
	if (ret > 0)
		ret = check_template_key(x, key, value, &canon, &e);
	if (ret < 0) {
		report(x, REC_DIAG_ERROR, file, line, "%s", e.msg);
		return 1;
	}
	if (ret > 0)
		report(x, REC_DIAG_NOTICE, file, line, "unknown key %s kept", key);
	ret = put_kv(x->c, key, canon);
	if (ret == -ENOMEM)
		return ret;
	if (ret < 0) {
		report(x, REC_DIAG_ERROR, file, line, "too many keys, %s ignored", key);
		return 1;
	}
	return 0;
}

int cfg_load_text(const char *text, size_t len, const char *file,
		  struct cfg **out, const struct rec_diag *diag,
		  struct ll_error *err)
{
	struct load_ctx x = { .diag = diag ? diag : &rec_diag_stderr };
	int ret = 0;

	x.c = cfg_new_empty();
	for (int k = 0; k < REC_KIND_MAX_; k++)
		if (!(x.scratch[k] = rec_new(k)))
			ret = -ENOMEM;
	if (x.c && ret == 0)
		ret = rec_parse_lines(text, len, file, x.diag, load_kv, &x);
	for (int k = 0; k < REC_KIND_MAX_; k++)
		rec_free(x.scratch[k]);
	if (!x.c || ret < 0) {
		cfg_free(x.c);
		return ll_error_set(err, ISCSI_ERR_NOMEM, "Out of memory."), -ENOMEM;
	}
	*out = x.c;
	return 0;
}

int cfg_load(const char *root, struct cfg **out, const struct rec_diag *diag,
	     struct ll_error *err)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int rootfd = -1;
	char path[PATH_MAX];
	size_t len = 0;
	int ret;

	if (!root)
		root = cfg_root();
	snprintf(path, sizeof(path), "%s/%s", root, CFG_FILE);
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ret = rootfd < 0 ? -errno : fs_read_file(rootfd, CFG_FILE, false, &text, &len);
	if (ret == -ENOENT || ret == -ENOTDIR) {
		*out = cfg_new_empty();
		return *out ? 0 : (ll_error_set(err, ISCSI_ERR_NOMEM, "Out of memory."), -ENOMEM);
	}
	if (ret < 0)
		return ll_error_set(err, ISCSI_ERR_IDBM, "Could not read %s: %s.",
				    path, strerror(-ret)), ret;
	ret = cfg_load_text(text, len, path, out, diag, err);
	secure_zero(text, len);
	return ret;
}

/* ---- templates ---- */

static bool is_template_key(const char *key)
{
	return !strncmp(key, "node.", 5) || !strncmp(key, "discovery.", 10);
}

void cfg_apply_templates(const struct cfg *c, struct rec *r)
{
	enum rec_kind kind = rec_get_kind(r);

	for (size_t i = 0; c && i < c->n; i++) {
		const struct rec_key *k = rec_key_find(kind, c->kv[i].key);

		/* Identity keys come from the portal, never from the file. */
		if (k && !(k->flags & REC_F_LOOKUP) && is_template_key(k->name))
			rec_set(r, k->name, c->kv[i].value, NULL);
	}
}

struct rec *cfg_rec_new(const struct cfg *c, enum rec_kind kind)
{
	struct rec *r = rec_new(kind);

	if (r)
		cfg_apply_templates(c, r);
	return r;
}

/* ---- initiatorname.iscsi ---- */

static bool iname_ok(const char *s, size_t n)
{
	if (!n || n > CFG_INAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

/* "Key=value" lines; '#' comments. The name ends at the first blank. */
static int iname_parse(const char *text, struct cfg_iname *out)
{
	const char *p = text;

	memset(out, 0, sizeof(*out));
	while (*p) {
		const char *eol = strchrnul(p, '\n'), *v;
		size_t n;

		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
		if (!strncmp(p, "InitiatorName=", 14)) {
			v = p + 14;
			n = strcspn(v, " \t\r\n");
			if (!iname_ok(v, n))
				return -EINVAL;
			memcpy(out->name, v, n);
			out->name[n] = '\0';
		} else if (!strncmp(p, "InitiatorAlias=", 15)) {
			v = p + 15;
			n = (size_t)(eol - v);
			while (n && (v[n - 1] == '\r' || v[n - 1] == ' '))
				n--;
			if (n < sizeof(out->alias)) {
				memcpy(out->alias, v, n);
				out->alias[n] = '\0';
			}
			if (!rec_value_is_clean(out->alias))
				out->alias[0] = '\0';
		}
		p = *eol ? eol + 1 : eol;
	}
	return out->name[0] ? 0 : -EINVAL;
}

static int iname_read_at(int rootfd, struct cfg_iname *out)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int ret = fs_read_file(rootfd, CFG_INITIATORNAME_FILE, false, &text, &len);

	if (ret < 0)
		return ret;
	if (memchr(text, '\0', len))
		return -EINVAL;
	return iname_parse(text, out);
}

static int iname_error(struct ll_error *err, int ret, const char *root)
{
	if (ret == -ENOENT)
		ll_error_set(err, ISCSI_ERR_INVAL, "%s/%s does not exist.", root,
			     CFG_INITIATORNAME_FILE);
	else if (ret == -EINVAL)
		ll_error_set(err, ISCSI_ERR_INVAL,
			     "%s/%s has no valid InitiatorName= line.", root,
			     CFG_INITIATORNAME_FILE);
	else
		ll_error_set(err, ISCSI_ERR_IDBM, "Could not read %s/%s: %s.", root,
			     CFG_INITIATORNAME_FILE, strerror(-ret));
	return ret;
}

int cfg_iname_read(const char *root, struct cfg_iname *out, struct ll_error *err)
{
	_cleanup_close_ int rootfd = -1;
	int ret;

	if (!root)
		root = cfg_root();
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ret = rootfd < 0 ? -errno : iname_read_at(rootfd, out);
	if (ret == -ENOTDIR)
		ret = -ENOENT;
	return ret < 0 ? iname_error(err, ret, root) : 0;
}

int cfg_iname_generate(const char *prefix, char *buf, size_t len,
		       struct ll_error *err)
{
	unsigned char rnd[6];
	size_t off;
	int n;

	if (!prefix)
		prefix = CFG_INAME_PREFIX;
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return ll_error_set(err, ISCSI_ERR, "Could not get random bytes: %s.",
				    strerror(errno)), -EIO;
	n = snprintf(buf, len, "%s:", prefix);
	if (n < 0 || (size_t)n + 2 * sizeof(rnd) >= len ||
	    (size_t)n + 2 * sizeof(rnd) > CFG_INAME_MAX || !iname_ok(prefix, strlen(prefix)))
		return ll_error_set(err, ISCSI_ERR_INVAL,
				    "Invalid initiator name prefix."), -EINVAL;
	off = (size_t)n;
	for (size_t i = 0; i < sizeof(rnd); i++, off += 2)
		snprintf(buf + off, len - off, "%02x", rnd[i]);
	return 0;
}

/* Create the file only if absent: temp file, then link() (which, unlike
 * rename, fails when another process created it first). */
static int iname_create(int rootfd, const char *name)
{
	char tmp[64], text[CFG_INAME_MAX + 32];
	int fd, ret = 0;
	int n = snprintf(text, sizeof(text), "InitiatorName=%s\n", name);

	for (int tries = 0;; tries++) {
		unsigned int r = 0;

		if (getrandom(&r, sizeof(r), 0) < 0)
			r = (unsigned int)getpid() + (unsigned)tries;
		snprintf(tmp, sizeof(tmp), ".%s.%08x", CFG_INITIATORNAME_FILE, r);
		fd = openat(rootfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			    O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST || tries > 16)
			break;
	}
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0644) < 0 || write(fd, text, (size_t)n) != n || fsync(fd) < 0)
		ret = -errno;
	close(fd);
	if (!ret && linkat(rootfd, tmp, rootfd, CFG_INITIATORNAME_FILE, 0) < 0)
		ret = -errno;
	unlinkat(rootfd, tmp, 0);
	if (!ret || ret == -EEXIST)
		fsync(rootfd);
	return ret;
}

int cfg_iname_ensure(const char *root, struct cfg_iname *out,
		     struct ll_error *err)
{
	_cleanup_close_ int rootfd = -1;
	char name[CFG_INAME_MAX + 1];
	int ret;

	if (!root)
		root = cfg_root();
	if (mkdir(root, FS_DIR_MODE) < 0 && errno != EEXIST)
		return iname_error(err, -errno, root);
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return iname_error(err, -errno, root);
	ret = iname_read_at(rootfd, out);
	if (ret != -ENOENT)
		return ret < 0 ? iname_error(err, ret, root) : 0;
	ret = cfg_iname_generate(NULL, name, sizeof(name), err);
	if (ret < 0)
		return ret;
	ret = iname_create(rootfd, name);
	if (ret < 0 && ret != -EEXIST)
		return ll_error_set(err, ISCSI_ERR_IDBM, "Could not create %s/%s: %s.",
				    root, CFG_INITIATORNAME_FILE, strerror(-ret)), ret;
	/* Read back: if another process won the race, its name is the one. */
	ret = iname_read_at(rootfd, out);
	return ret < 0 ? iname_error(err, ret, root) : 0;
}
