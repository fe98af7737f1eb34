/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json_out.c: -J documents and which commands may have them (see json_out.h). */
#include <stdio.h>
#include <string.h>

#include "iscsiadm/json_out.h"
#include "iscsiadm/msg.h"
#include "libiscsi-core/errors.h"
#include "libiscsi-core/util.h"

/* Only "show" (or no -o) lists; anything else changes records. */
static bool op_lists(const struct opts *o)
{
	return o->op == OP_NOOP || o->op == OP_SHOW;
}

/* discovery -t st/fw -p: the discovered targets are the listing, also when
 * -o new/delete/update store them; a login prints its own lines. */
static bool discovery_lists(const struct opts *o)
{
	if (o->login)
		return false;
	if (o->disc_type != DISC_TYPE_NONE)
		return true;
	return op_lists(o);
}

static bool discoverydb_lists(const struct opts *o)
{
	if (o->login)
		return false;
	/* -D -o new prints "New discovery record ... added." first */
	if (o->discover)
		return !(o->op & OP_NEW);
	return op_lists(o);
}

static bool node_lists(const struct opts *o)
{
	if (o->login || o->logout || o->login_all || o->logout_all || o->rescan)
		return false;
	return o->stats || op_lists(o);
}

static bool session_lists(const struct opts *o)
{
	if (o->logout || o->rescan)
		return false;
	return o->stats || op_lists(o);
}

/* -C stats and the (empty) flashnode and CHAP tables list; ping does not. */
static bool host_lists(const struct opts *o)
{
	if (o->submode && (streq(o->submode, "flashnode") || streq(o->submode, "chap")))
		return op_lists(o);
	return true;   /* the host list (open-iscsi ignores -o and other words) */
}

static bool iface_lists(const struct opts *o)
{
	return !o->submode && op_lists(o);
}

static bool fw_lists(const struct opts *o)
{
	return !o->login;
}

static bool (*const lists[MODE_MAX_])(const struct opts *o) = {
	[MODE_DISCOVERY] = discovery_lists,
	[MODE_DISCOVERYDB] = discoverydb_lists,
	[MODE_NODE] = node_lists,
	[MODE_SESSION] = session_lists,
	[MODE_HOST] = host_lists,
	[MODE_IFACE] = iface_lists,
	[MODE_FW] = fw_lists,
};

int json_check_opts(const struct opts *o)
{
	if (!o->json)
		return 0;
	if (o->killiscsid < 0 && o->mode >= 0 && o->mode < MODE_MAX_ && lists[o->mode](o))
		return 0;
	log_error("%s mode: -J/--json applies to listings only (list, show, -P, -s); "
		  "this command prints no listing", o->killiscsid >= 0 ? "kill" :
		  opts_mode_name(o->mode));
	return ISCSI_ERR_INVAL;
}

struct json_object *json_doc_new(void)
{
	struct json_object *doc = json_object_new_object();

	json_set_int(doc, "version", JSON_SCHEMA_VERSION);
	return doc;
}

struct json_object *json_doc_list(const char *key, struct json_object **arr)
{
	struct json_object *doc = json_doc_new();

	*arr = json_set_arr(doc, key);
	return doc;
}

void json_doc_print(struct json_object *doc)
{
	const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_SPACED |
							  JSON_C_TO_STRING_NOSLASHESCAPE);

	if (text) {
		fputs(text, stdout);
		fputc('\n', stdout);
		fflush(stdout);
		/* json-c owns the buffer until the put below */
		secure_zero((char *)text, strlen(text));
	}
	json_object_put(doc);
}

void json_set_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, v && *v ? json_object_new_string(v) : NULL);
}

void json_set_int(struct json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

void json_set_u64(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

void json_set_bool(struct json_object *o, const char *key, bool v)
{
	json_object_object_add(o, key, json_object_new_boolean(v));
}

void json_set_null(struct json_object *o, const char *key)
{
	json_object_object_add(o, key, NULL);
}

struct json_object *json_set_obj(struct json_object *o, const char *key)
{
	struct json_object *v = json_object_new_object();

	json_object_object_add(o, key, v);
	return v;
}

struct json_object *json_set_arr(struct json_object *o, const char *key)
{
	struct json_object *v = json_object_new_array();

	json_object_object_add(o, key, v);
	return v;
}

struct json_object *json_arr_add_obj(struct json_object *arr)
{
	struct json_object *v = json_object_new_object();

	json_object_array_add(arr, v);
	return v;
}
