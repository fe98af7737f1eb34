/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ipc.c: encoder/decoder of the iscsiadm <-> iscsid protocol (see ipc.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libiscsi-core/ipc.h"
#include "libiscsi-core/util.h"

/* Header field offsets. */
enum {
	HDR_MAGIC = 0,
	HDR_VERSION = 4,
	HDR_TYPE = 6,
	HDR_ID = 8,
	HDR_LENGTH = 12,
};

void ipc_msg_init(struct ipc_msg *m, uint16_t type, uint32_t id)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->id = id;
}

void ipc_msg_free(struct ipc_msg *m)
{
	for (size_t i = 0; i < m->n; i++) {
		secure_zero(m->attrs[i].val, m->attrs[i].len);
		free(m->attrs[i].val);
	}
	free(m->attrs);
	m->attrs = NULL;
	m->n = m->cap = 0;
}

int ipc_msg_add_raw(struct ipc_msg *m, uint16_t tag, const void *val, size_t len)
{
	struct ipc_attr_val *a;
	uint8_t *copy;

	if (len > UINT16_MAX)
		return -E2BIG;
	if (m->n >= IPC_MAX_ATTRS)
		return -E2BIG;
	if (m->n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 16;
		struct ipc_attr_val *na = realloc(m->attrs, ncap * sizeof(*na));

		if (!na)
			return -ENOMEM;
		m->attrs = na;
		m->cap = ncap;
	}
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, val, len);
	copy[len] = '\0';
	a = &m->attrs[m->n++];
	a->tag = tag;
	a->len = (uint16_t)len;
	a->val = copy;
	return 0;
}

int ipc_msg_add_u32(struct ipc_msg *m, uint16_t tag, uint32_t v)
{
	uint8_t b[4];

	put_be32(b, v);
	return ipc_msg_add_raw(m, tag, b, sizeof(b));
}

int ipc_msg_add_u32_list(struct ipc_msg *m, uint16_t tag, const uint32_t *v, size_t n)
{
	uint8_t *b;
	int r;

	if (n > IPC_MAX_U32_LIST)
		return -E2BIG;
	b = malloc(n * 4 + 1);
	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		put_be32(b + 4 * i, v[i]);
	r = ipc_msg_add_raw(m, tag, b, n * 4);
	free(b);
	return r;
}

int ipc_msg_add_str(struct ipc_msg *m, uint16_t tag, const char *s)
{
	return ipc_msg_add_raw(m, tag, s, strlen(s));
}

int ipc_msg_add_kv(struct ipc_msg *m, const char *key, const char *value)
{
	size_t kl = strlen(key), vl = strlen(value);
	_cleanup_free_ char *buf = malloc(kl + vl + 2);
	int r;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, key, kl);
	buf[kl] = '=';
	memcpy(buf + kl + 1, value, vl + 1);
	r = ipc_msg_add_raw(m, IPC_A_KV, buf, kl + vl + 1);
	secure_zero(buf, kl + vl + 1);
	return r;
}

static const struct ipc_attr_val *find(const struct ipc_msg *m, uint16_t tag)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->attrs[i].tag == tag)
			return &m->attrs[i];
	return NULL;
}

int ipc_msg_get_u32(const struct ipc_msg *m, uint16_t tag, uint32_t *out)
{
	const struct ipc_attr_val *a = find(m, tag);

	if (!a)
		return -ENOENT;
	if (a->len != 4)
		return -EBADMSG;
	*out = get_be32(a->val);
	return 0;
}

int ipc_msg_get_u32_list(const struct ipc_msg *m, uint16_t tag, uint32_t **out, size_t *n)
{
	const struct ipc_attr_val *a = find(m, tag);

	*out = NULL;
	*n = 0;
	if (!a)
		return -ENOENT;
	if (a->len % 4)
		return -EBADMSG;
	if (a->len == 0)
		return 0;
	*out = malloc(a->len);
	if (!*out)
		return -ENOMEM;
	*n = a->len / 4u;
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = get_be32(a->val + 4 * i);
	return 0;
}

const char *ipc_msg_get_str(const struct ipc_msg *m, uint16_t tag)
{
	const struct ipc_attr_val *a = find(m, tag);

	return a ? (const char *)a->val : NULL;
}

int ipc_msg_encode(const struct ipc_msg *m, uint8_t **out, size_t *len)
{
	size_t payload = 0, off;
	uint8_t *buf;

	for (size_t i = 0; i < m->n; i++)
		payload += IPC_ATTR_HDR_LEN + m->attrs[i].len;
	if (payload > IPC_MAX_PAYLOAD)
		return -E2BIG;
	buf = malloc(IPC_HDR_LEN + payload);
	if (!buf)
		return -ENOMEM;
	put_be32(buf + HDR_MAGIC, IPC_MAGIC);
	put_be16(buf + HDR_VERSION, IPC_VERSION);
	put_be16(buf + HDR_TYPE, m->type);
	put_be32(buf + HDR_ID, m->id);
	put_be32(buf + HDR_LENGTH, (uint32_t)payload);
	off = IPC_HDR_LEN;
	for (size_t i = 0; i < m->n; i++) {
		put_be16(buf + off, m->attrs[i].tag);
		put_be16(buf + off + 2, m->attrs[i].len);
		memcpy(buf + off + IPC_ATTR_HDR_LEN, m->attrs[i].val, m->attrs[i].len);
		off += IPC_ATTR_HDR_LEN + m->attrs[i].len;
	}
	*out = buf;
	*len = off;
	return 0;
}

int ipc_hdr_decode(const uint8_t hdr[IPC_HDR_LEN], uint16_t *type, uint32_t *id,
		   uint32_t *payload_len, struct ll_error *err)
{
	uint32_t magic = get_be32(hdr + HDR_MAGIC);
	uint16_t version = get_be16(hdr + HDR_VERSION);
	uint32_t len = get_be32(hdr + HDR_LENGTH);

	if (magic != IPC_MAGIC) {
		ll_error_set(err, ISCSI_ERR_ISCSID_COMM_ERR,
			     "bad IPC message: wrong magic 0x%08x (peer is not lunlink)", magic);
		return -EBADMSG;
	}
	if (version != IPC_VERSION) {
		ll_error_set(err, ISCSI_ERR_ISCSID_COMM_ERR,
			     "IPC version mismatch: peer speaks %u, we speak %u "
			     "(iscsiadm and iscsid are from different builds)",
			     version, IPC_VERSION);
		return -EPROTO;
	}
	if (len > IPC_MAX_PAYLOAD) {
		ll_error_set(err, ISCSI_ERR_ISCSID_COMM_ERR,
			     "bad IPC message: payload of %u bytes exceeds the %u byte limit",
			     len, IPC_MAX_PAYLOAD);
		return -EMSGSIZE;
	}
	*type = get_be16(hdr + HDR_TYPE);
	*id = get_be32(hdr + HDR_ID);
	*payload_len = len;
	return 0;
}

static bool attr_valid(uint16_t tag, const uint8_t *val, uint16_t len)
{
	switch (tag) {
	case IPC_A_STATUS:
	case IPC_A_SID:
	case IPC_A_FLAGS:
	case IPC_A_HOST:
		return len == 4;
	case IPC_A_SIDS:
		return len % 4 == 0;
	case IPC_A_COUNTER:
	case IPC_A_CUSTOM:
	case IPC_A_HEALTH_NUM:
		return len > 8 && len - 8 <= IPC_COUNTER_NAME_MAX &&
		       memchr(val + 8, '\0', len - 8u) == NULL;
	default:
		/* strings (and unknown tags, kept as strings) must not hold NUL */
		return memchr(val, '\0', len) == NULL;
	}
}

int ipc_msg_decode(struct ipc_msg *m, uint16_t type, uint32_t id,
		   const uint8_t *payload, size_t len, struct ll_error *err)
{
	size_t off = 0;
	int r;

	ipc_msg_init(m, type, id);
	while (off < len) {
		uint16_t tag, alen;

		if (len - off < IPC_ATTR_HDR_LEN) {
			r = -EBADMSG;
			ll_error_set(err, ISCSI_ERR_ISCSID_COMM_ERR,
				     "bad IPC message: truncated attribute header at offset %zu", off);
			goto fail;
		}
		tag = get_be16(payload + off);
		alen = get_be16(payload + off + 2);
		off += IPC_ATTR_HDR_LEN;
		if (alen > len - off) {
			r = -EBADMSG;
			ll_error_set(err, ISCSI_ERR_ISCSID_COMM_ERR,
				     "bad IPC message: attribute %u claims %u bytes, %zu left",
				     tag, alen, len - off);
			goto fail;
		}
		if (!attr_valid(tag, payload + off, alen)) {
			r = -EBADMSG;
			ll_error_set(err, ISCSI_ERR_ISCSID_COMM_ERR,
				     "bad IPC message: attribute %u has an invalid value", tag);
			goto fail;
		}
		r = ipc_msg_add_raw(m, tag, payload + off, alen);
		if (r < 0) {
			ll_error_set(err, ISCSI_ERR_ISCSID_COMM_ERR,
				     "bad IPC message: too many attributes");
			goto fail;
		}
		off += alen;
	}
	return 0;
fail:
	ipc_msg_free(m);
	return r;
}

const char *ipc_type_str(uint16_t type)
{
	static const char *const names[IPC_TYPE_MAX_] = {
		[IPC_PING] = "PING",
		[IPC_DISCOVER] = "DISCOVER",
		[IPC_LOGIN] = "LOGIN",
		[IPC_LOGOUT] = "LOGOUT",
		[IPC_SESSION_INFO] = "SESSION_INFO",
		[IPC_STOP] = "STOP",
		[IPC_RESCAN] = "RESCAN",
		[IPC_SESSION_STATS] = "SESSION_STATS",
		[IPC_HOST_STATS] = "HOST_STATS",
		[IPC_SESSION_HEALTH] = "SESSION_HEALTH",
	};
	uint16_t t = type & (uint16_t)~IPC_REPLY;

	if (t >= IPC_TYPE_MAX_ || !names[t])
		return "UNKNOWN";
	return names[t];
}
