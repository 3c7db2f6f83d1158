/*
 * server/compress.c — one call per reply body, no state kept between replies.
 *
 * brotli at quality 4 and gzip at level 5: a page compresses in tens of
 * microseconds to within a few percent of what the slowest levels give
 * (bench/shop_wire.sh records the size on the wire and the pages per second).
 */
#include "compress.h"

#include <brotli/encode.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#define BROTLI_QUALITY 4
#define BROTLI_WINDOW  20 /* 1 MB: more than any page, less memory per call */
#define GZIP_LEVEL     5

bool compress_type_ok(const char *ct)
{
    if (!ct)
        return false;
    static const char *const kinds[] = {"text/",           "application/json",
                                        "application/xml", "application/ld+json",
                                        "image/svg+xml",   "application/javascript"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strncasecmp(ct, kinds[i], strlen(kinds[i])))
            return true;
    return false;
}

static bool brotli(const void *data, size_t len, void **out, size_t *out_len)
{
    size_t cap = BrotliEncoderMaxCompressedSize(len);
    if (cap == 0 || cap >= len + 1024)
        cap = len; /* never keep a result that is not smaller */
    uint8_t *dst = malloc(cap ? cap : 1);
    if (!dst)
        abort();
    size_t n = cap;
    if (!BrotliEncoderCompress(BROTLI_QUALITY, BROTLI_WINDOW, BROTLI_MODE_TEXT, len, data, &n,
                               dst) ||
        n >= len) {
        free(dst);
        return false;
    }
    *out = dst;
    *out_len = n;
    return true;
}

static bool gzip(const void *data, size_t len, void **out, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    /* 15 + 16: a gzip header and trailer around the deflate stream */
    if (deflateInit2(&z, GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort(); /* only when out of memory */
    size_t cap = deflateBound(&z, (uLong)len);
    unsigned char *dst = malloc(cap);
    if (!dst)
        abort();
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = dst;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t n = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END || n >= len) {
        free(dst);
        return false;
    }
    *out = dst;
    *out_len = n;
    return true;
}

bool compress_body(neg_coding c, const void *data, size_t len, void **out, size_t *out_len)
{
    if (len < COMPRESS_MIN_BYTES || len > (size_t)1 << 30)
        return false;
    if (c == NEG_BROTLI)
        return brotli(data, len, out, out_len);
    if (c == NEG_GZIP)
        return gzip(data, len, out, out_len);
    return false;
}
