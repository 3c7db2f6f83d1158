/*
 * server/json_in.c — validated access to JSON request fields.
 */
#include "json_in.h"
#include "../core/parse.h"
#include "../core/text.h"
#include "../core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool json_field_error(http_req *req, const char *field, const char *code, const char *message)
{
    http_reply_error(req, 422, code, message, field);
    return false;
}

bool json_str_or_reply(http_req *req, const cJSON *obj, const char *field, size_t max_chars,
                       bool required, const char **out)
{
    return json_str_at_or_reply(req, obj, field, field, max_chars, required, out);
}

bool json_str_at_or_reply(http_req *req, const cJSON *obj, const char *key, const char *field,
                          size_t max_chars, bool required, const char **out)
{
    bool fr = req->lang[0] == 'f';
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = "";
    if (!v || cJSON_IsNull(v)) {
        if (!required)
            return true;
        return json_field_error(
            req, field, "missing_field",
            arena_printf(req->mem,
                         fr ? "Le champ « %s » est obligatoire." : "The field \"%s\" is required.",
                         field));
    }
    if (!cJSON_IsString(v))
        return json_field_error(req, field, "invalid_field",
                                arena_printf(req->mem,
                                             fr ? "Le champ « %s » doit être une chaîne."
                                                : "The field \"%s\" must be a string.",
                                             field));
    const char *s = v->valuestring;
    size_t n = strlen(s);
    /* characters, as the schema counts them (core/text.h); an invalid character
     * is named before a length that would then be counted wrong */
    text_status ts = text_check(s, 0, max_chars, TEXT_LINES);
    if (ts == TEXT_TOO_LONG)
        return json_field_error(req, field, "too_long",
                                arena_printf(req->mem,
                                             fr ? "Le champ « %s » dépasse %zu caractères."
                                                : "The field \"%s\" is longer than %zu characters.",
                                             field, max_chars));
    if (ts != TEXT_OK)
        return json_field_error(
            req, field, "invalid_text",
            arena_printf(req->mem,
                         fr ? "Le champ « %s » contient un caractère qui ne s’imprime pas "
                              "(caractère de contrôle ou non-caractère comme U+FFFF)."
                            : "The field \"%s\" holds a character that cannot be printed "
                              "(a control character or a noncharacter such as U+FFFF).",
                         field));
    if (required && n == 0)
        return json_field_error(
            req, field, "missing_field",
            arena_printf(req->mem,
                         fr ? "Le champ « %s » est obligatoire." : "The field \"%s\" is required.",
                         field));
    *out = s;
    return true;
}

bool json_int_or_reply(http_req *req, const cJSON *obj, const char *field, int64_t min, int64_t max,
                       bool required, int64_t *out)
{
    bool fr = req->lang[0] == 'f';
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
    if (!v || cJSON_IsNull(v)) {
        if (!required)
            return true;
        return json_field_error(
            req, field, "missing_field",
            arena_printf(req->mem,
                         fr ? "Le champ « %s » est obligatoire." : "The field \"%s\" is required.",
                         field));
    }
    long long n = 0;
    bool ok = false;
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        ok = d >= -9e15 && d <= 9e15 && d == (double)(long long)d;
        n = (long long)d;
    } else if (cJSON_IsString(v)) {
        int64_t parsed = 0;
        ok = parse_int(v->valuestring, min, max, &parsed) == PARSE_OK;
        n = parsed;
    }
    if (!ok || n < min || n > max)
        return json_field_error(
            req, field, "invalid_field",
            arena_printf(req->mem,
                         fr ? "Le champ « %s » doit être un entier entre %lld et %lld."
                            : "The field \"%s\" must be a whole number between %lld and %lld.",
                         field, (long long)min, (long long)max));
    *out = n;
    return true;
}
