/*
 * tests/fuzz/fuzz_json.c — libFuzzer entry point for JSON request bodies.
 *
 * The bytes go through what every JSON endpoint does with its body: the strict
 * parse (server/json_body.c: UTF-8, one object, no duplicate key), then the field
 * readers of server/json_in.c as the session, account and cycle handlers call them,
 * and the order body reader (server/order_body.c). The readers answer through
 * http_reply_error, defined here to check the reply instead of sending it.
 *
 * Invariants: no crash; a reader that says no has replied exactly once, with a 4xx,
 * a stable code, a field and a message of valid UTF-8; one that says yes has
 * replied nothing and hands out only text the database may store (valid UTF-8, no
 * control character but tab and newlines, no U+FFFE/U+FFFF, within its length in
 * characters). An accepted body has
 * no object with a repeated key, and printing it and parsing it again is accepted.
 */
#include "../../core/arena.h"
#include "../../core/util.h"
#include "../../server/json_body.h"
#include "../../server/json_in.h"
#include "../../server/order_body.h"

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

static int replies;

/* The one reply the readers make; the real one is server/http.c's. */
void http_reply_error(http_req *req, int status, const char *code, const char *message,
                      const char *field)
{
    (void)req;
    require(status >= 400 && status < 500, "4xx");
    require(code && *code && field && *field, "code and field");
    require(message && *message && utf8_valid(message, strlen(message)), "message");
    replies++;
}

/* max counts characters, as the schema does: bytes that do not continue one. */
static void text_ok(const char *s, size_t max)
{
    size_t n = strlen(s), chars = 0;
    for (size_t i = 0; i < n; i++)
        chars += ((unsigned char)s[i] & 0xC0) != 0x80;
    require(chars <= max && utf8_valid(s, n), "text length and encoding");
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++) {
        require(u[i] >= 0x20 || u[i] == '\n' || u[i] == '\t' || u[i] == '\r',
                "no control character");
        require(!(u[i] == 0xEF && u[i + 1] == 0xBF && (u[i + 2] == 0xBE || u[i + 2] == 0xBF)),
                "no U+FFFE or U+FFFF");
    }
}

/* A reader's outcome: replied iff refused. */
static void outcome(bool ok, int before)
{
    require(ok ? replies == before : replies == before + 1, "one reply per refusal");
}

static bool no_repeated_key(const cJSON *node)
{
    if (cJSON_IsObject(node))
        for (const cJSON *a = node->child; a; a = a->next)
            for (const cJSON *b = a->next; b; b = b->next)
                if (!strcmp(a->string, b->string))
                    return false;
    for (const cJSON *c = node->child; c; c = c->next)
        if (!no_repeated_key(c))
            return false;
    return true;
}

static void read_fields(http_req *req, const cJSON *body)
{
    /* the account and session handlers' string fields */
    static const struct {
        const char *key;
        size_t max;
        bool required;
    } fields[] = {{"email", 254, true}, {"password", 256, true}, {"name", 200, true},
                  {"phone", 40, false}, {"address", 300, false}, {"state", 16, false}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *s = NULL;
        int before = replies;
        bool ok =
            json_str_or_reply(req, body, fields[i].key, fields[i].max, fields[i].required, &s);
        outcome(ok, before);
        if (ok) {
            text_ok(s, fields[i].max);
            require(!fields[i].required || *s, "required is not empty");
        }
    }
    int64_t weeks = -1;
    int before = replies;
    bool ok = json_int_or_reply(req, body, "weeks", 1, 12, false, &weeks);
    outcome(ok, before);
    require(!ok || weeks == -1 || (weeks >= 1 && weeks <= 12), "int in range");

    order_in in = {0};
    before = replies;
    ok = order_body_or_reply(req, body, &in);
    outcome(ok, before);
    if (ok) {
        text_ok(in.pickup_point, 64);
        require(*in.pickup_point && in.nlines <= ORDER_MAX_LINES, "order shape");
        for (size_t i = 0; i < in.nlines; i++) {
            text_ok(in.lines[i].producer, 64);
            text_ok(in.lines[i].sku, 64);
            require(*in.lines[i].producer && *in.lines[i].sku, "line names");
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a heap block of exactly the body and its NUL, as buf holds it */
    char *body = malloc(size + 1);
    memcpy(body, data, size);
    body[size] = '\0';
    cJSON *j;
    size_t where;
    char dup[128];
    json_body_status st = json_body_parse(body, size, &j, &where, dup, sizeof dup);
    require((st == JSON_BODY_OK) == (j != NULL), "tree iff accepted");
    if (st == JSON_BODY_BAD_JSON)
        require(where <= size + 1, "error offset inside the body");
    if (st == JSON_BODY_DUPLICATE_KEY)
        require(utf8_valid(dup, strlen(dup)), "duplicate name printable");
    if (st == JSON_BODY_OK) {
        require(cJSON_IsObject(j), "an object");
        require(no_repeated_key(j), "no repeated key");
        for (int lang = 0; lang < 2; lang++) {
            http_req req = {0};
            req.mem = arena_new();
            req.lang = lang ? "en" : "fr";
            read_fields(&req, j);
            arena_free(req.mem);
        }
        char *printed = cJSON_PrintUnformatted(j);
        cJSON *again;
        require(printed && json_body_parse(printed, strlen(printed), &again, &where, dup,
                                           sizeof dup) == JSON_BODY_OK,
                "printed body accepted again");
        cJSON_Delete(again);
        free(printed);
        cJSON_Delete(j);
    }
    free(body);
    return 0;
}
