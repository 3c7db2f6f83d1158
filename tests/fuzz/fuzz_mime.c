/*
 * tests/fuzz/fuzz_mime.c — libFuzzer entry point for the e-mail writer (core/mime.c).
 *
 * The bytes, split at NUL bytes, become the recipient's name, the subject, the
 * address, the text and an attachment. Invariants: no crash; a refusal leaves the
 * output untouched; an accepted message's header block (up to the first empty line)
 * has only CRLF line ends, every line of it starts a header ("Name:") or continues
 * one (a space), no header the writer does not write (no "Bcc:", however the input
 * tries), and every header line is at most 998 characters (RFC 5322).
 */
#include "../../core/buf.h"
#include "../../core/mime.h"

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

static const char *const written[] = {"From:",
                                      "To:",
                                      "Subject:",
                                      "Message-ID:",
                                      "Date:",
                                      "MIME-Version:",
                                      "Content-Language:",
                                      "Auto-Submitted:",
                                      "List-Unsubscribe:",
                                      "List-Unsubscribe-Post:",
                                      "Content-Type:"};

static bool known_header(const char *line)
{
    for (size_t i = 0; i < sizeof written / sizeof written[0]; i++)
        if (!strncmp(line, written[i], strlen(written[i])))
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1);
    memcpy(copy, data, size);
    copy[size] = '\0';
    const char *part[5] = {"", "", "", "", ""};
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= size && k < 5; i++)
        if (i == size || copy[i] == '\0') {
            part[k++] = copy + start;
            start = i + 1;
        }
    mime_file f = {part[4][0] ? "a.pdf" : NULL, "application/pdf", part[4], strlen(part[4])};
    mime_msg m = {.from_name = "Hub",
                  .from_address = "hub@km0.test",
                  .to_name = part[0],
                  .to_address = part[2][0] ? part[2] : "someone@example.org",
                  .subject = part[1],
                  .message_id = "km0.hub.1.2@km0.test",
                  .date = 1796000000,
                  .lang = "fr",
                  .text = part[3],
                  .html = part[3],
                  .unsubscribe_url = size % 2 ? part[3] : NULL,
                  .files = f.name ? &f : NULL,
                  .nfiles = f.name ? 1 : 0};
    buf out = BUF_INIT;
    buf_puts(&out, "X");
    mime_status st = mime_build(&m, &out);
    if (st != MIME_OK) {
        require(out.len == 1, "a refusal leaves the output untouched");
    } else {
        const char *head = out.data + 1;
        const char *end = strstr(head, "\r\n\r\n");
        require(end != NULL, "a header block ends with an empty line");
        for (const char *p = head; p < end + 2;) {
            const char *eol = strstr(p, "\r\n");
            require(eol && eol <= end + 2, "header lines end with CRLF");
            for (const char *q = p; q < eol; q++)
                require(*q != '\r' && *q != '\n', "no bare CR or LF in a header line");
            require(eol - p <= 998, "a header line is at most 998 characters");
            require(*p == ' ' || known_header(p), "every line starts a known header or folds");
            p = eol + 2;
        }
    }
    buf_free(&out);
    free(copy);
    return 0;
}
