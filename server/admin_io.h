/*
 * server/admin_io.h — what the desk's admin pages and their JSON API share: the
 * fields of a form shown with their problems, and a JSON body read as the typed text
 * the core functions check (core/hub_identity.h, core/producer_admin.h,
 * core/place.h), so a page and a script are refused for the same reasons.
 */
#ifndef KM0_ADMIN_IO_H
#define KM0_ADMIN_IO_H

#include "http.h"

/* The message for field id in why (its own field or one of its details), or NULL. */
const char *admin_error(http_req *req, const refusal *why, const char *id);
/* The box listing every problem, each a link to its field (nothing when why is NULL). */
void admin_errors(buf *b, http_req *req, const refusal *why);
/* <label> [hint] [error] <input>: type "text", "email", "tel", "url"... value as typed. */
void admin_input(buf *b, http_req *req, const char *id, const char *label, const char *hint,
                 const char *type, const char *value, const refusal *why);
void admin_textarea(buf *b, http_req *req, const char *id, const char *label, const char *hint,
                    const char *value, const refusal *why);
/* options: n pairs {value, label} already in the page's language. */
void admin_select(buf *b, http_req *req, const char *id, const char *label,
                  const char *const (*options)[2], size_t n, const char *value, const refusal *why);
/* The legal forms as select options (core/legal.h), the first "" ("choose"). */
const char *const (*admin_legal_forms(http_req *req, size_t *n))[2];
/* The identity fields of a hub (core/hub_identity.h) as a fieldset, from typed values
 * (form field names as the API's). */
struct hub_identity_in;
void admin_hub_identity_fields(buf *b, http_req *req, const struct hub_identity_in *v,
                               const refusal *why);

/* A notice with the "← back" link and a title: the top of every admin page. */
void admin_top(buf *b, http_req *req, const char *back, const char *back_label, const char *title);

/* The body's fields named in keys, as text: a string as it is, a number as written,
 * true/false as "true"/"false", null as "" (clears); absent stays NULL. Any other key
 * or type is a 422 naming it. false after the reply. */
bool admin_json_fields_or_reply(http_req *req, const cJSON *body, const char *const *keys,
                                size_t nkeys, const char **out);
/* The body as a JSON object, or false after the reply. */
cJSON *admin_json_object_or_reply(http_req *req);
/* "true"/"false" (admin_json_fields_or_reply's booleans) into b; false when neither. */
bool admin_bool(const char *v, bool *b);

#endif
