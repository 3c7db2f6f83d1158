/*
 * importers/csv.h — bytes to UTF-8 text, and UTF-8 text to CSV records.
 *
 * Producers' files come from Excel, LibreOffice, Google Sheets or a script:
 * UTF-8 with or without a BOM, Windows-1252 (what French Excel writes, and a
 * superset of ISO-8859-1 for the letters French uses), occasionally UTF-16
 * ("Unicode text"); separated by commas, semicolons or tabs; lines ending in
 * CRLF, LF or a lone CR; RFC 4180 quoting. csv_decode turns any of them into
 * UTF-8 with the same line structure, csv_detect_separator guesses the
 * dialect, and csv_reader hands out one record at a time so a 10 MB file
 * never needs more than one record's worth of scratch memory.
 */
#ifndef KM0_IMP_CSV_H
#define KM0_IMP_CSV_H

#include "../core/arena.h"
#include "../core/buf.h"
#include "catalog.h"

#include <stdbool.h>
#include <stddef.h>

/* U+FFFD in UTF-8: what csv_decode puts in place of bytes it could not decode. */
#define CSV_REPLACEMENT "\xEF\xBF\xBD"

typedef struct csv_text {
    const char *data;     /* UTF-8, NUL-terminated, in the arena; may hold NUL bytes */
    size_t len;           /* bytes in data, without the terminating NUL */
    const char *encoding; /* "UTF-8", "UTF-8 with BOM", "Windows-1252", "UTF-16LE", "UTF-16BE" */
    bool replaced;        /* some bytes were not valid in the encoding: each became U+FFFD */
    bool mixed;           /* auto mode: valid UTF-8 and invalid bytes in the same file */
    bool guessed;         /* auto mode: no BOM, not UTF-8, so read as Windows-1252 on a guess */
} csv_text;

/* Decode data to UTF-8. IMP_ENC_AUTO: a UTF-8 or UTF-16 BOM decides; without one,
 * valid UTF-8 is taken as such, and a file with no valid multi-byte UTF-8 sequence
 * but some invalid bytes is Windows-1252 as a whole. A file mixing valid UTF-8 and
 * invalid bytes is kept as UTF-8 with the bad bytes replaced (and flagged), since
 * re-reading it as Windows-1252 would garble every accent that was right. */
void csv_decode(const char *data, size_t len, imp_encoding enc, arena *mem, csv_text *out);

/* ',', ';' or '\t': the one that splits the first records into the same number of
 * fields, the header first. ',' when nothing splits. */
char csv_detect_separator(const char *text, size_t len);

typedef struct csv_record {
    int line;             /* physical line where the record starts, 1-based */
    int row;              /* record number, 1-based: the row a spreadsheet shows */
    size_t nfields;       /* fields kept (at most the reader's max_fields) */
    size_t nfields_found; /* fields in the file, even past max_fields */
    const char **fields;  /* NUL-terminated; valid until the next csv_next */
    const size_t *lens;   /* byte lengths (a field may hold NUL bytes) */
    const bool *cut;      /* field was longer than max_field and was cut */
    bool unterminated;    /* the file ended inside a quoted field */
} csv_record;

typedef struct csv_reader {
    const char *p, *end;
    char sep;
    int line, row;
    size_t max_field;  /* bytes kept per field */
    size_t max_fields; /* fields kept per record */
    buf scratch;       /* the current record's fields, each NUL-terminated */
    size_t cap;
    size_t *offs, *lens;
    const char **ptrs;
    bool *cut;
} csv_reader;

void csv_reader_init(csv_reader *r, const char *text, size_t len, char sep, size_t max_field,
                     size_t max_fields);
/* The next record, or false at the end of the text. */
bool csv_next(csv_reader *r, csv_record *rec);
void csv_reader_free(csv_reader *r);

#endif
