/*
 * core/epc_qr.c — the EPC069-12 payload of a SEPA credit transfer and its QR symbol
 * (libqrencode) drawn as SVG (pages, invoices) or as a PNG (e-mails).
 */
#include "epc_qr.h"
#include "util.h"

#include <qrencode.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>
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

/* A PNG chunk: length, type, data, CRC-32 of type and data (PNG specification, 5.3). */
static void png_chunk(buf *b, const char *type, const unsigned char *data, size_t len)
{
    unsigned char be[4] = {(unsigned char)(len >> 24), (unsigned char)(len >> 16),
                           (unsigned char)(len >> 8), (unsigned char)len};
    buf_append(b, (const char *)be, 4);
    buf_append(b, type, 4);
    if (len)
        buf_append(b, (const char *)data, len);
    uLong crc = crc32(0L, (const Bytef *)type, 4);
    if (len)
        crc = crc32(crc, data, (uInt)len);
    unsigned char c[4] = {(unsigned char)(crc >> 24), (unsigned char)(crc >> 16),
                          (unsigned char)(crc >> 8), (unsigned char)crc};
    buf_append(b, (const char *)c, 4);
}

int epc_qr_png(buf *b, const char *text, int scale)
{
    if (scale < 1 || scale > 32)
        return -1;
    QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    if (!q)
        return -1;
    int w = q->width, side = (w + 8) * scale;   /* 4 modules of quiet zone each side */
    size_t stride = 1 + ((size_t)side + 7) / 8; /* a filter byte (0: none), then the pixels */
    size_t raw_len = stride * (size_t)side;
    unsigned char *raw = calloc(1, raw_len);
    uLongf z_len = compressBound((uLong)raw_len);
    unsigned char *z = malloc(z_len);
    int rc = -1;
    if (!raw || !z)
        goto out;
    for (int y = 0; y < side; y++) {
        unsigned char *row = raw + (size_t)y * stride + 1;
        int my = y / scale - 4;
        for (int x = 0; x < side; x++) {
            int mx = x / scale - 4;
            bool dark = my >= 0 && my < w && mx >= 0 && mx < w && (q->data[my * w + mx] & 1);
            if (!dark) /* in greyscale, bit 1 is white */
                row[x / 8] |= (unsigned char)(0x80u >> (x % 8));
        }
    }
    if (compress2(z, &z_len, raw, (uLong)raw_len, Z_BEST_COMPRESSION) != Z_OK)
        goto out;
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char ihdr[13] = {(unsigned char)(side >> 24),
                              (unsigned char)(side >> 16),
                              (unsigned char)(side >> 8),
                              (unsigned char)side,
                              (unsigned char)(side >> 24),
                              (unsigned char)(side >> 16),
                              (unsigned char)(side >> 8),
                              (unsigned char)side,
                              1 /* bit depth */,
                              0 /* greyscale */,
                              0,
                              0,
                              0};
    buf_append(b, (const char *)sig, sizeof sig);
    png_chunk(b, "IHDR", ihdr, sizeof ihdr);
    png_chunk(b, "IDAT", z, z_len);
    png_chunk(b, "IEND", NULL, 0);
    rc = 0;
out:
    free(raw);
    free(z);
    QRcode_free(q);
    return rc;
}
