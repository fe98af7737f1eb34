/* SPDX-License-Identifier: GPL-2.0-or-later */
/* health_query.c: sessions' health from iscsid (see health_query.h). */
#include <string.h>

#include "iscsiadm/client.h"
#include "iscsiadm/health_query.h"
#include "iscsiadm/msg.h"

#define HEALTH_TIMEOUT_S 10

struct health_batch {
	const struct sysfs_session *const *list;
	struct ll_health *out;
	bool *have;
};

static int build(void *ud, size_t i, struct ipc_msg *req)
{
	const struct health_batch *hb = ud;

	return ipc_msg_add_u32(req, IPC_A_SID, hb->list[i]->sid) < 0 ? -1 : 0;
}

static void result(void *ud, size_t i, struct client_result r)
{
	struct health_batch *hb = ud;
	struct ll_error err = { 0 };

	if (r.status || !r.reply) {
		log_debug(1, "no health for session %u: %s", hb->list[i]->sid,
			  r.msg ? r.msg : "iscsid did not say why");
		return;
	}
	if (ipc_health_decode(r.reply, &hb->out[i], &err) < 0) {
		log_debug(1, "session %u: %s", hb->list[i]->sid, err.msg);
		return;
	}
	hb->have[i] = true;
}

void health_query(struct ctx *c, const struct sysfs_session *const *list, size_t n,
		  struct ll_health *out, bool *have)
{
	struct health_batch hb = { .list = list, .out = out, .have = have };
	struct client_batch b = { .type = IPC_SESSION_HEALTH, .n = n, .build = build,
				  .result = result, .ud = &hb };
	struct ll_error err = { 0 };
	struct client *cl = NULL;

	memset(have, 0, n * sizeof(*have));
	if (n == 0 || ctx_client_open(c, &cl, &err) < 0)
		return;
	if (client_batch_run(cl, &b, client_deadline(client_timeout(HEALTH_TIMEOUT_S)), true,
			     &err) < 0)
		log_debug(1, "no health from iscsid: %s", err.msg);
	client_close(cl);
}
