/*
 * core/text.h — the one check for text that people type and km0 stores: its
 * length in characters and the characters it may hold.
 *
 * Limits count characters (Unicode code points), as PostgreSQL's length() does
 * in the schema's CHECKs and as the messages say: a name of 100 "é" is 100
 * characters, 200 bytes. Refused everywhere: what is not UTF-8, NUL, C0 and C1
 * controls and DEL (tab and line breaks only where a text may span lines), and
 * the noncharacters (U+FFFE, U+FFFF, U+FDD0..U+FDEF and the last two of every
 * plane). XML 1.0 cannot carry C0 controls nor U+FFFE/U+FFFF even escaped: one
 * of them in a cycle name would make every document of the cycle unreadable.
 * The same rule, applied when writing (text_xml_safe), protects documents from
 * what was stored before the check existed.
 */
#ifndef KM0_TEXT_H
#define KM0_TEXT_H

#include "arena.h"
#include "refusal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a text may hold beyond printable characters. */
enum {
    TEXT_LINE = 0,                      /* one line: no control character at all */
    TEXT_TAB = 1,                       /* tab allowed */
    TEXT_BREAKS = 2,                    /* line feed and carriage return allowed */
    TEXT_LINES = TEXT_TAB | TEXT_BREAKS /* addresses, descriptions, notes */
};

typedef enum {
    TEXT_OK = 0,
    TEXT_BAD_ENCODING, /* not UTF-8, or a NUL byte */
    TEXT_BAD_CHAR,     /* a control character or a noncharacter */
    TEXT_TOO_SHORT,    /* fewer characters than asked */
    TEXT_TOO_LONG      /* more characters than allowed */
} text_status;

/* Characters (code points) in len bytes of valid UTF-8. */
size_t text_chars(const char *s, size_t len);
/* Whether code point cp may stand in a stored text under flags. */
bool text_char_ok(uint32_t cp, unsigned flags);
/* The first character of valid UTF-8 text that flags do not allow, or -1. */
long text_bad_char(const char *s, size_t len, unsigned flags);
/* The whole check: valid UTF-8, allowed characters, min..max characters. s NULL is "". */
text_status text_check(const char *s, size_t min_chars, size_t max_chars, unsigned flags);

/* A refusal (422, returns 1) for a text that failed text_check, naming field:
 * code "invalid_text" for encoding or characters, else "invalid_field" with
 * the length message given (fr, en), or a generic one when they are NULL. */
int text_refuse(refusal *why, arena *a, const char *field, text_status st, size_t min_chars,
                size_t max_chars, const char *fr, const char *en);
/* text_check, and text_refuse when it fails: 0 or 1. */
int text_or_refuse(refusal *why, arena *a, const char *field, const char *s, size_t min_chars,
                   size_t max_chars, unsigned flags, const char *fr, const char *en);

/* text_check for a form that names every problem at once: when s fails, its problem
 * (as text_refuse words it) is appended to d[*n]. Returns whether s passed. */
bool text_detail(arena *a, refusal_detail *d, size_t *n, const char *field, const char *s,
                 size_t min_chars, size_t max_chars, unsigned flags, const char *fr,
                 const char *en);

/* s as an XML 1.0 document can carry it: every character text_char_ok refuses with
 * TEXT_LINES, and any byte that is not UTF-8, becomes a space. s itself when clean
 * (the common case), else a copy in the arena. NULL gives "". */
const char *text_xml_safe(arena *a, const char *s);

#endif
