/*
 * server/form.h — decode HTML form submissions (urlencoded and multipart) and
 * query strings into name/value pairs.
 *
 * Pure functions over bytes (no MHD, no database), so they can be fuzzed alone
 * (tests/fuzz/fuzz_form.c). Everything is allocated from the given arena.
 */
#ifndef KM0_FORM_H
#define KM0_FORM_H

#include "../core/arena.h"

#include <stdbool.h>
#include <stddef.h>

#define FORM_MAX_FIELDS 2000
#define FORM_MAX_NAME   128

typedef struct form_field {
    const char *name;
    const char *value; /* NUL-terminated; a file's bytes may contain NULs: see len */
    size_t len;
    const char *filename; /* multipart file parts only, else NULL */
    const char *content_type;
} form_field;

typedef struct form {
    form_field *fields;
    size_t n;
    bool truncated; /* more than FORM_MAX_FIELDS fields: the rest was dropped */
} form;

typedef enum { FORM_OK = 0, FORM_BAD_ENCODING, FORM_BAD_MULTIPART, FORM_TOO_MANY } form_status;

/* application/x-www-form-urlencoded (also query strings): '+' is a space, %XX a byte.
 * Values that are not valid UTF-8 make the whole form FORM_BAD_ENCODING. */
form_status form_parse_urlencoded(arena *a, const char *body, size_t len, form *out);
/* multipart/form-data with the boundary taken from content_type. File parts keep
 * their raw bytes; text parts must be UTF-8. */
form_status form_parse_multipart(arena *a, const char *content_type, const char *body, size_t len,
                                 form *out);
/* First value of name, or NULL. */
const char *form_get(const form *f, const char *name);
/* First field named name (for files), or NULL. */
const form_field *form_field_get(const form *f, const char *name);
/* How many fields are named name (duplicate parameters). */
size_t form_count(const form *f, const char *name);
/* A name that two fields share, or NULL when every name is used once. */
const char *form_duplicate_name(const form *f);

#endif
