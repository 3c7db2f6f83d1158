/*
 * server/http_input.h — pure checks of what a request carries besides its body:
 * the language it asks for, the shape of the tokens in its cookies, where a form
 * may send the browser next, and how its path is written in the access log.
 *
 * No libmicrohttpd and no database here, so tests/fuzz/fuzz_query.c can drive
 * every function with arbitrary bytes; server/http.c, session.c, page.c and
 * p_auth.c call them on the real request.
 */
#ifndef KM0_HTTP_INPUT_H
#define KM0_HTTP_INPUT_H

#include "../core/buf.h"

#include <stdbool.h>
#include <stddef.h>

/* "fr" or "en" (static strings): ?lang= first, then the km0_lang cookie, then the
 * first of fr / en in Accept-Language; French when none says. Any argument may be NULL. */
const char *http_lang_pick(const char *query_lang, const char *cookie_lang,
                           const char *accept_language);

/* A token km0 issued: between min_len and max_len base64url characters, nothing else.
 * Cookies of any other shape are ignored without a database lookup. */
bool http_token_shape_ok(const char *t, size_t min_len, size_t max_len);

/* next itself when it is a same-site path ("/orders", never "//host" or "/\host"),
 * short, and free of control characters and markup; NULL otherwise (no open redirect). */
const char *http_safe_next(const char *next);

/* Decode %XX escapes of a path or query component in place, as libmicrohttpd's own
 * MHD_http_unescape does, except %00: it stays three characters, so a NUL never cuts
 * a path or a value short ("/healthz%00.php" must not be "/healthz"). Returns the
 * new length. */
size_t http_unescape(char *s);

/* Append path to out for a key=value log line: at most max_bytes of it, every byte
 * outside RFC 3986's path characters percent-encoded, so a crafted path can neither
 * add fields ("x status=200") nor lines to the log. */
void http_log_path(buf *out, const char *path, size_t max_bytes);

#endif
