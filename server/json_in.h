/*
 * server/json_in.h — read fields of a JSON request body, replying 422 on the first
 * bad one with the field named (the …_or_reply pattern: callers just return).
 *
 *   const char *email;
 *   if (!json_str_or_reply(req, body, "email", 254, true, &email)) return;
 */
#ifndef KM0_JSON_IN_H
#define KM0_JSON_IN_H

#include "http.h"

/* String of at most max_chars characters (code points, as the schema counts) of
 * valid UTF-8, with no character core/text.h refuses (tab and line breaks pass;
 * the core checks each field more closely).
 * Absent and not required: *out = "". */
bool json_str_or_reply(http_req *req, const cJSON *obj, const char *field, size_t max_chars,
                       bool required, const char **out);
/* Same, reporting the field as `shown` (e.g. "lines[2].sku" for key "sku"). */
bool json_str_at_or_reply(http_req *req, const cJSON *obj, const char *key, const char *shown,
                          size_t max_chars, bool required, const char **out);
/* Whole number in [min, max] (a JSON number or a string of digits). */
bool json_int_or_reply(http_req *req, const cJSON *obj, const char *field, int64_t min, int64_t max,
                       bool required, int64_t *out);
/* Reply 422 invalid_field naming field (path like "lines[2].quantity"). Always false. */
bool json_field_error(http_req *req, const char *field, const char *code, const char *message);

#endif
