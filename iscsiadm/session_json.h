/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_json.h: `-m session -J` and the sessions of `-m host -P 2..4 -J`,
 * rendered from the same view as the text (session_view.h).  Which objects
 * a session carries follows the view's parts, as the text's -P levels do;
 * doc/iscsiadm-json.7 has the schema.
 */
#ifndef ISCSIADM_SESSION_JSON_H
#define ISCSIADM_SESSION_JSON_H

#include <json-c/json.h>

#include "iscsiadm/session_view.h"

/* The sessions as a new JSON array. */
struct json_object *session_json_array(const struct session_views *views);

/* Adds "transport_class_version" to doc when the kernel tells it. */
void session_json_versions(struct json_object *doc);

/* The -m session document: { "version", "print_level", "sessions": [...] }. */
void session_json_print(const struct session_views *views, int level);

#endif
