/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_ipc: iscsid's request decoder (ipc_hdr_decode + ipc_msg_decode) on
 * what a local client may send, and what iscsid does next with the
 * attributes of a request (record keys go through rec_set).
 *
 * Input: a 16-byte header and the payload.  A payload that decodes must
 * encode back to the same bytes (unknown tags are kept as strings).  Its
 * counters are also read as iscsiadm reads a statistics reply; a reply
 * that decodes must encode back to the same counters.
 */
#include <stdlib.h>
#include <string.h>

#include "db/record.h"
#include "libiscsi-core/ipc.h"
#include "libiscsi-core/ipc_stats.h"
#include "libiscsi-core/util.h"

/* As iscsiadm does with an IPC_SESSION_STATS reply. */
static void read_stats(const struct ipc_msg *m)
{
	struct ll_error e = { 0 };
	struct ll_conn_stats st, again;
	struct ipc_msg enc;

	if (ipc_stats_decode(m, &st, &e) < 0) {
		if (!e.msg[0])
			abort();
		return;
	}
	ipc_msg_init(&enc, m->type, m->id);
	if (ipc_stats_encode(&enc, &st) < 0 || ipc_stats_decode(&enc, &again, &e) < 0 ||
	    memcmp(st.std, again.std, sizeof(st.std)) != 0 || st.n_custom != again.n_custom)
		abort();
	ipc_msg_free(&enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct ipc_msg *m, const uint8_t *payload, size_t len)
{
	uint8_t *enc;
	size_t elen;

	if (ipc_msg_encode(m, &enc, &elen) < 0)
		return;
	if (elen != IPC_HDR_LEN + len || memcmp(enc + IPC_HDR_LEN, payload, len) != 0)
		abort();
	free(enc);
}

/* As iscsid's loginrec does: "key=value" attributes into a record. */
static void apply_kv(const struct ipc_msg *m)
{
	struct rec *r = rec_new(REC_NODE);

	if (!r)
		abort();
	for (size_t i = 0; i < m->n; i++) {
		const char *kv = (const char *)m->attrs[i].val;
		const char *eq;
		char key[REC_KEY_MAX];
		size_t klen;

		if (m->attrs[i].tag != IPC_A_KV || !(eq = strchr(kv, '=')))
			continue;
		klen = (size_t)(eq - kv);
		if (klen == 0 || klen >= sizeof(key))
			continue;
		memcpy(key, kv, klen);
		key[klen] = '\0';
		if (rec_key_find(REC_NODE, key))
			(void)rec_set(r, key, eq + 1, NULL);
	}
	free(rec_format(r, REC_FMT_SHOW));
	rec_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ll_error e = { 0 };
	struct ipc_msg m;
	uint16_t type;
	uint32_t id, plen, v;
	size_t len;

	if (size < IPC_HDR_LEN)
		return 0;
	if (ipc_hdr_decode(data, &type, &id, &plen, &e) < 0) {
		if (!e.msg[0])
			abort();
		return 0;
	}
	(void)ipc_type_str(type);
	/* The daemon reads exactly the announced payload; take what is there. */
	len = size - IPC_HDR_LEN < plen ? size - IPC_HDR_LEN : plen;
	if (ipc_msg_decode(&m, type, id, data + IPC_HDR_LEN, len, &e) < 0) {
		if (!e.msg[0] || m.n)
			abort();
		return 0;
	}
	round_trip(&m, data + IPC_HDR_LEN, len);
	for (uint16_t tag = 0; tag <= IPC_A_HOST + 1; tag++) {
		const char *s = ipc_msg_get_str(&m, tag);

		(void)ipc_msg_get_u32(&m, tag, &v);
		if (s)
			(void)strlen(s);
	}
	apply_kv(&m);
	read_stats(&m);
	ipc_msg_free(&m);
	return 0;
}
