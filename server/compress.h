/*
 * server/compress.h — gzip (zlib) and brotli (libbrotlienc) for text replies.
 *
 * A 27 KB shop page is 4 KB in gzip and 3 KB in brotli: on a phone's link the
 * bytes are the time. Levels are chosen for pages built per request (fast, most of
 * the gain), not for files compressed once.
 */
#ifndef KM0_COMPRESS_H
#define KM0_COMPRESS_H

#include "negotiate.h"

#include <stdbool.h>
#include <stddef.h>

/* Below this many bytes a reply goes as it is: the headers would eat the gain. */
#define COMPRESS_MIN_BYTES 512

/* Is a reply of this Content-Type worth compressing (text, JSON, XML, SVG)? */
bool compress_type_ok(const char *content_type);

/* data in coding c: a malloc'd buffer in *out (the caller frees it), or false when
 * the coding is identity or the result would not be smaller. */
bool compress_body(neg_coding c, const void *data, size_t len, void **out, size_t *out_len);

#endif
