/*
 * tests/fuzz/fuzz_form.c — libFuzzer entry point for HTML form bodies (server/form.c).
 *
 * The same bytes are read as an application/x-www-form-urlencoded body and as a
 * multipart/form-data one (its first line, when there is one, is the Content-Type
 * with the boundary). Whatever the bytes: no crash, no read outside the buffers
 * (each is copied to a heap block of its exact size, so ASan sees any overrun), and
 * a form that is accepted holds only what the handlers expect: names of valid UTF-8
 * within FORM_MAX_NAME, text values of valid UTF-8 without NUL, at most
 * FORM_MAX_FIELDS fields. An accepted urlencoded form, encoded again, reads back the
 * same; the duplicate-name check agrees with counting.
 */
#include "../../core/arena.h"
#include "../../core/buf.h"
#include "../../core/util.h"
#include "../../server/form.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void require(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "invariant broken: %s\n", what);
        abort();
    }
}

static char *exact_copy(const uint8_t *data, size_t n, bool nul)
{
    char *p = malloc(n + (nul ? 1 : 0) + (n == 0 && !nul));
    memcpy(p, data, n);
    if (nul)
        p[n] = '\0';
    return p;
}

static void check_accepted(const form *f)
{
    require(f->n <= FORM_MAX_FIELDS && !f->truncated, "field count");
    for (size_t i = 0; i < f->n; i++) {
        const form_field *x = &f->fields[i];
        size_t nl = strlen(x->name);
        require(nl <= FORM_MAX_NAME && utf8_valid(x->name, nl), "name");
        volatile char sink = 0;
        for (size_t k = 0; k < x->len; k++)
            sink ^= x->value[k]; /* every byte of the value is readable */
        (void)sink;
        require(x->value[x->len] == '\0', "value terminated");
        if (!x->filename)
            require(strlen(x->value) == x->len && utf8_valid(x->value, x->len), "text value");
        else
            require(utf8_valid(x->filename, strlen(x->filename)), "file name");
        require(form_field_get(f, x->name) != NULL && form_count(f, x->name) >= 1, "lookup");
    }
    const char *dup = form_duplicate_name(f);
    if (dup) {
        require(form_count(f, dup) >= 2, "duplicate counted twice");
    } else {
        for (size_t i = 0; i < f->n; i++)
            require(form_count(f, f->fields[i].name) == 1, "no duplicate means each once");
    }
}

/* Encode every byte but unreserved ones: the strictest form a browser could send. */
static void encode(buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~')
            buf_putc(b, (char)c);
        else
            buf_printf(b, "%%%02X", c);
    }
}

static void round_trip(const form *f)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < f->n; i++) {
        if (i)
            buf_putc(&b, '&');
        encode(&b, f->fields[i].name, strlen(f->fields[i].name));
        buf_putc(&b, '=');
        encode(&b, f->fields[i].value, f->fields[i].len);
    }
    arena *a = arena_new();
    form back;
    form_status st = form_parse_urlencoded(a, buf_str(&b), b.len, &back);
    require(st == FORM_OK, "round trip accepted");
    /* fields with an empty name are dropped by neither side; compare one to one */
    require(back.n == f->n, "round trip count");
    for (size_t i = 0; i < f->n; i++)
        require(strcmp(back.fields[i].name, f->fields[i].name) == 0 &&
                    back.fields[i].len == f->fields[i].len &&
                    memcmp(back.fields[i].value, f->fields[i].value, f->fields[i].len) == 0,
                "round trip field");
    arena_free(a);
    buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *a = arena_new();
    form f;

    char *body = exact_copy(data, size, false);
    if (form_parse_urlencoded(a, body, size, &f) == FORM_OK) {
        check_accepted(&f);
        round_trip(&f);
    }
    free(body);

    /* first line = Content-Type, the rest = the multipart body */
    const uint8_t *nl = memchr(data, '\n', size < 256 ? size : 256);
    if (nl) {
        size_t cl = (size_t)(nl - data);
        char *ct = exact_copy(data, cl, true);
        char *mp = exact_copy(nl + 1, size - cl - 1, false);
        if (form_parse_multipart(a, ct, mp, size - cl - 1, &f) == FORM_OK)
            check_accepted(&f);
        free(mp);
        free(ct);
    }
    /* and the whole input under a fixed boundary */
    body = exact_copy(data, size, false);
    if (form_parse_multipart(a, "multipart/form-data; boundary=km0", body, size, &f) == FORM_OK)
        check_accepted(&f);
    free(body);

    arena_free(a);
    return 0;
}
