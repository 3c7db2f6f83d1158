/*
 * core/epc_qr.c — the EPC069-12 payload of a SEPA credit transfer and its QR symbol
 * (libqrencode) drawn as SVG.
 */
#include "epc_qr.h"
#include "util.h"

#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#define EPC_NAME_MAX       70
#define EPC_REFERENCE_MAX  35
#define EPC_REMITTANCE_MAX 140
#define EPC_PAYLOAD_MAX    331
#define EPC_AMOUNT_MAX     99999999999LL /* 999 999 999.99 EUR */

/* The first max characters of s (whole UTF-8 sequences), line breaks as spaces. */
static char *cut(arena *a, const char *s, size_t max)
{
    size_t bytes = 0, chars = 0;
    while (s[bytes] && chars < max) {
        bytes++;
        while ((s[bytes] & 0xC0) == 0x80)
            bytes++;
        chars++;
    }
    char *t = arena_strndup(a, s, bytes);
    for (char *p = t; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return t;
}

const char *epc_payload(arena *a, const char *name, const char *iban, const char *bic,
                        cents_t amount, const char *rf_reference, const char *remittance)
{
    if (!iban || !*iban || !name || !*name || amount < 1 || amount > EPC_AMOUNT_MAX)
        return NULL;
    const char *ref = rf_reference && *rf_reference ? rf_reference : "";
    if (strlen(ref) > EPC_REFERENCE_MAX)
        return NULL;
    const char *text = !*ref && remittance ? cut(a, remittance, EPC_REMITTANCE_MAX) : "";
    char amt[32];
    dec_format(amt, amount, 2, 2);
    const char *p = arena_printf(a, "BCD\n002\n1\nSCT\n%s\n%s\n%s\nEUR%s\n\n%s\n%s", bic ? bic : "",
                                 cut(a, name, EPC_NAME_MAX), iban, amt, ref, text);
    return strlen(p) <= EPC_PAYLOAD_MAX ? p : NULL;
}

int epc_qr_path(buf *d, const char *text, int *size)
{
    QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    if (!q)
        return -1;
    int w = q->width;
    *size = w + 8; /* a quiet zone of four modules each side */
    for (int y = 0; y < w; y++)
        for (int x = 0; x < w;) {
            if (!(q->data[y * w + x] & 1)) {
                x++;
                continue;
            }
            int run = 1;
            while (x + run < w && (q->data[y * w + x + run] & 1))
                run++;
            buf_printf(d, "M%d %dh%dv1h-%dz", x + 4, y + 4, run, run);
            x += run;
        }
    QRcode_free(q);
    return 0;
}

int epc_qr_svg(buf *b, const char *text, const char *title, double module_mm, int mm)
{
    buf d = BUF_INIT;
    int size;
    if (epc_qr_path(&d, text, &size) != 0) {
        buf_free(&d);
        return -1;
    }
    if (mm)
        buf_printf(b,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.2fmm\" height=\"%.2fmm\""
                   " viewBox=\"0 0 %d %d\">",
                   size * module_mm, size * module_mm, size, size);
    else {
        buf_printf(b,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 %d %d\""
                   " role=\"img\" aria-label=\"",
                   size, size);
        buf_html(b, title ? title : "QR");
        buf_puts(b, "\">");
    }
    buf_printf(
        b, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"%s\"/></svg>",
        size, size, buf_str(&d));
    buf_free(&d);
    return 0;
}
