/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json_out.h: the JSON side of iscsiadm's listings (-J/--json), built with
 * json-c.  Every document is one object on stdout:
 *
 *   { "version": 1, "<listing>": [ ... ] }
 *
 * The schema (doc/iscsiadm-json.7) is versioned by JSON_SCHEMA_VERSION:
 * fields are only added within a version; renaming or removing one bumps
 * it.  Values the text output shows as "<empty>" (or open-iscsi's
 * placeholders "default"/"Unknown" for unread values) are null here.
 *
 * Errors still go to stderr as text; a command that fails before it has a
 * listing prints nothing on stdout, an empty listing prints its document
 * with an empty array (and open-iscsi's exit code, e.g. 21).
 *
 * Memory: json_object values are json-c's reference-counted objects;
 * json_doc_print() consumes the document.
 */
#ifndef ISCSIADM_JSON_OUT_H
#define ISCSIADM_JSON_OUT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "iscsiadm/opts.h"

#define JSON_SCHEMA_VERSION 1

/* Refuses -J on a command that prints no listing: returns 0 or
 * ISCSI_ERR_INVAL after saying so. */
int json_check_opts(const struct opts *o);

/* { "version": 1 } */
struct json_object *json_doc_new(void);
/* { "version": 1, "<key>": [] }; *arr gets the (borrowed) array. */
struct json_object *json_doc_list(const char *key, struct json_object **arr);
/* Prints doc (pretty, one trailing newline) on stdout and frees it; the
 * serialised text is wiped first, as it may hold secrets shown with -S. */
void json_doc_print(struct json_object *doc);

/* Setters on an object; "" and NULL strings become null. */
void json_set_str(struct json_object *o, const char *key, const char *v);
void json_set_int(struct json_object *o, const char *key, int64_t v);
void json_set_u64(struct json_object *o, const char *key, uint64_t v);
void json_set_bool(struct json_object *o, const char *key, bool v);
void json_set_null(struct json_object *o, const char *key);
/* A new object / array stored under key (borrowed pointer returned). */
struct json_object *json_set_obj(struct json_object *o, const char *key);
struct json_object *json_set_arr(struct json_object *o, const char *key);
/* A new object appended to an array (borrowed pointer returned). */
struct json_object *json_arr_add_obj(struct json_object *arr);

#endif
