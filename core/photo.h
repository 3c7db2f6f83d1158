/*
 * core/photo.h — a producer's product photo: checked, decoded, stripped, re-encoded
 * small, stored.
 *
 * An upload is sniffed by its first bytes (JPEG, PNG, WebP, HEIC/AVIF; an SVG is
 * refused: it may carry scripts), its size in pixels read from its header before
 * anything is decoded (a decompression bomb or a 200-megapixel photo is refused
 * there), then decoded by libvips — one photo at a time per process, since
 * decoding is heavy — turned upright, and written again as a 112 px square
 * thumbnail and an image of at most 640 px, in WebP and, when libvips can, AVIF.
 * Nothing of the original file survives: no EXIF, no GPS position, no profile.
 * The variants are named by the SHA-256 of the upload and never change, so they are
 * served with a strong ETag and cached for a year.
 */
#ifndef KM0_PHOTO_H
#define KM0_PHOTO_H

#include "db.h"
#include "refusal.h"

#include <stdbool.h>
#include <stddef.h>

#define PHOTO_THUMB_PX 112 /* shown at 56 CSS pixels: sharp on a 2x screen */
#define PHOTO_PAGE_PX  640

typedef struct photo_variants {
    char digest[65];   /* SHA-256 of the upload, hex */
    int width, height; /* of the page variant */
    unsigned char *thumb_webp, *page_webp, *thumb_avif,
        *page_avif; /* in the arena; avif may be NULL */
    size_t thumb_webp_len, page_webp_len, thumb_avif_len, page_avif_len;
} photo_variants;

/* Check and re-encode an upload (limits: g_config.photo_max_bytes, photo_max_megapixels).
 * 0 with out filled; a refusal 413 (too large), 415 (not an image km0 reads, an SVG),
 * 422 (too many pixels, a damaged file) or 503 (another photo is being decoded for too
 * long). Pure of the database. */
int photo_process(arena *a, const void *data, size_t len, photo_variants *out, refusal *why);

/* Store the variants and make them product sku's photo, in one transaction; 404 when
 * the producer has no such product. */
int photo_attach(db_conn *c, arena *a, int64_t hub, int64_t producer, const char *sku,
                 const photo_variants *v, refusal *why);
/* Take a product's photo away (the variants stay for offers that froze them). */
int photo_detach(db_conn *c, arena *a, int64_t hub, int64_t producer, const char *sku,
                 refusal *why);

/* One variant's bytes: file is thumb.webp, page.webp, thumb.avif or page.avif.
 * *found false when the hub has no such photo or variant. */
db_status photo_get(db_conn *c, arena *a, int64_t hub, const char *digest, const char *file,
                    const unsigned char **data, size_t *len, bool *found);

/* Whether this libvips writes AVIF (decided once per process). */
bool photo_avif_available(void);

#endif
