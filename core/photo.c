/*
 * core/photo.c — product photos through libvips, and their rows.
 *
 * The order of the checks is the point: the bytes are sniffed (only JPEG, PNG, WebP
 * and HEIF/AVIF are read, each by its own libvips loader, never the generic one that
 * would also run SVG, PDF or ImageMagick loaders), the header is read in sequential
 * access mode, which decodes no pixel, and the image's size is checked against
 * photo_max_megapixels; only then are pixels decoded, shrunk on load where the format
 * allows, and written again without metadata. libvips runs with one worker thread,
 * no operation cache, its "untrusted" operations blocked, and one photo at a time
 * per process (a mutex waited on for at most PHOTO_WAIT_S): a burst of uploads
 * queues rather than taking every core the server has.
 */
#include "photo.h"
#include "config.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <vips/vips.h>

#define PHOTO_WAIT_S 20

static pthread_once_t vips_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t decoding = PTHREAD_MUTEX_INITIALIZER;
static bool vips_ready, avif_ok;

/* libvips and glib speak through g_log: into km0's structured log, one line each. */
static void km0_vips_log(const gchar *domain, GLogLevelFlags level, const gchar *message,
                         gpointer data)
{
    (void)data;
    if (!(level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)))
        return; /* libvips's chatter about its modules and tiles */
    char q[512];
    log_event(level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL) ? LOG_ERROR : LOG_WARN,
              "photo.library", "domain=%s message=%s", domain ? domain : "-",
              log_quote(q, sizeof q, message ? message : ""));
}

static void vips_start(void)
{
    g_log_set_default_handler(km0_vips_log, NULL);
    if (VIPS_INIT("km0") != 0)
        return;
    vips_concurrency_set(1);
    vips_cache_set_max(0);
    vips_block_untrusted_set(TRUE);
    vips_ready = true;
    /* Debian's libvips writes AVIF when its libheif has an AV1 encoder: try once */
    VipsImage *probe = NULL;
    void *out = NULL;
    size_t len = 0;
    if (!vips_black(&probe, 16, 16, "bands", 3, NULL) &&
        !vips_heifsave_buffer(probe, &out, &len, "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1,
                              NULL))
        avif_ok = len > 0;
    vips_error_clear();
    g_free(out);
    if (probe)
        g_object_unref(probe);
}

bool photo_avif_available(void)
{
    pthread_once(&vips_once, vips_start);
    return avif_ok;
}

typedef enum { KIND_NONE, KIND_JPEG, KIND_PNG, KIND_WEBP, KIND_HEIF, KIND_SVG } photo_kind;

static photo_kind sniff(const unsigned char *d, size_t n)
{
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
        return KIND_JPEG;
    if (n >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8))
        return KIND_PNG;
    if (n >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4))
        return KIND_WEBP;
    if (n >= 12 && !memcmp(d + 4, "ftyp", 4)) {
        static const char *const brands[] = {"heic", "heix", "heim", "heis", "hevc",
                                             "hevx", "mif1", "msf1", "avif", "avis"};
        for (size_t i = 0; i < sizeof brands / sizeof *brands; i++)
            if (!memcmp(d + 8, brands[i], 4))
                return KIND_HEIF;
    }
    /* an SVG is text: skip a BOM and blanks, then "<" and, somewhere early, "<svg" */
    size_t i = n >= 3 && !memcmp(d, "\xEF\xBB\xBF", 3) ? 3 : 0;
    while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
        i++;
    if (i < n && d[i] == '<') {
        size_t look = n - i < 4096 ? n - i : 4096;
        for (size_t k = i; k + 4 <= i + look; k++)
            if (!strncasecmp((const char *)d + k, "<svg", 4))
                return KIND_SVG;
    }
    return KIND_NONE;
}

/* The header only (sequential access decodes nothing yet). */
static VipsImage *load_header(photo_kind kind, const void *data, size_t len)
{
    VipsImage *im = NULL;
    int r = -1;
    switch (kind) {
    case KIND_JPEG:
        r = vips_jpegload_buffer((void *)data, len, &im, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
        break;
    case KIND_PNG:
        r = vips_pngload_buffer((void *)data, len, &im, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
        break;
    case KIND_WEBP:
        r = vips_webpload_buffer((void *)data, len, &im, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
        break;
    case KIND_HEIF:
        r = vips_heifload_buffer((void *)data, len, &im, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
        break;
    default:
        break;
    }
    return r == 0 ? im : NULL;
}

/* Everything but the pixels and their geometry goes: EXIF (GPS position, camera,
 * owner), XMP, IPTC, the ICC profile, comments. The savers' own "strip" is not enough
 * (libvips 8.14's WebP saver keeps EXIF), so the fields are removed from the image. */
static void strip_metadata(VipsImage *im)
{
    static const char *const keep[] = {"width",          "height",  "bands",   "format", "coding",
                                       "interpretation", "xoffset", "yoffset", "xres",   "yres"};
    gchar **fields = vips_image_get_fields(im);
    for (gchar **f = fields; f && *f; f++) {
        bool kept = false;
        for (size_t i = 0; i < sizeof keep / sizeof *keep && !kept; i++)
            kept = !strcmp(*f, keep[i]);
        if (!kept)
            vips_image_remove(im, *f);
    }
    g_strfreev(fields);
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* libvips 8.14 writes an EXIF block of its own into every WebP (orientation,
 * resolution): out it goes, with any XMP, and the VP8X header stops announcing them.
 * Works in place on a well-formed RIFF (libvips's own output); returns the new length. */
static size_t webp_without_metadata(unsigned char *d, size_t n)
{
    if (n < 12 || memcmp(d, "RIFF", 4) || memcmp(d + 8, "WEBP", 4))
        return n;
    size_t in = 12, out = 12;
    while (in + 8 <= n) {
        size_t size = le32(d + in + 4), whole = 8 + size + (size & 1);
        if (in + whole > n)
            break;
        bool drop = !memcmp(d + in, "EXIF", 4) || !memcmp(d + in, "XMP ", 4);
        if (!drop) {
            if (!memcmp(d + in, "VP8X", 4) && size >= 1)
                d[in + 8] &= (unsigned char)~(0x08 | 0x04); /* EXIF and XMP flags */
            memmove(d + out, d + in, whole);
            out += whole;
        }
        in += whole;
    }
    uint32_t riff = (uint32_t)(out - 8);
    d[4] = (unsigned char)riff, d[5] = (unsigned char)(riff >> 8);
    d[6] = (unsigned char)(riff >> 16), d[7] = (unsigned char)(riff >> 24);
    return out;
}

static int save(arena *a, VipsImage *in, bool avif, int quality, unsigned char **out, size_t *len)
{
    void *buf = NULL;
    size_t n = 0;
    VipsImage *im = NULL;
    if (vips_copy(in, &im, NULL) != 0)
        return -1;
    strip_metadata(im);
    int r =
        avif ? vips_heifsave_buffer(im, &buf, &n, "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1,
                                    "Q", quality, "effort", 2, "strip", TRUE, NULL)
             : vips_webpsave_buffer(im, &buf, &n, "Q", quality, "strip", TRUE, "effort", 4, NULL);
    g_object_unref(im);
    if (r != 0)
        return -1;
    if (!avif)
        n = webp_without_metadata(buf, n);
    *out = arena_alloc(a, n);
    memcpy(*out, buf, n);
    *len = n;
    g_free(buf);
    return 0;
}

/* Decode, turn upright, shrink, encode every variant. 0, or -1 with libvips's error. */
static int encode(arena *a, const void *data, size_t len, photo_variants *v)
{
    VipsImage *thumb = NULL, *page = NULL;
    int r = vips_thumbnail_buffer((void *)data, len, &thumb, PHOTO_THUMB_PX, "height",
                                  PHOTO_THUMB_PX, "crop", VIPS_INTERESTING_CENTRE, "size",
                                  VIPS_SIZE_BOTH, "option_string", "fail=true", NULL);
    if (!r)
        r = vips_thumbnail_buffer((void *)data, len, &page, PHOTO_PAGE_PX, "height", PHOTO_PAGE_PX,
                                  "size", VIPS_SIZE_DOWN, "option_string", "fail=true", NULL);
    /* each variant is written twice (WebP, AVIF) from a source read once, in order:
     * the small results are kept in memory in between */
    VipsImage *mem;
    if (!r && (mem = vips_image_copy_memory(thumb)) != NULL) {
        g_object_unref(thumb);
        thumb = mem;
    } else if (!r) {
        r = -1;
    }
    if (!r && (mem = vips_image_copy_memory(page)) != NULL) {
        g_object_unref(page);
        page = mem;
    } else if (!r) {
        r = -1;
    }
    if (!r)
        r = save(a, thumb, false, 70, &v->thumb_webp, &v->thumb_webp_len);
    if (!r)
        r = save(a, page, false, 75, &v->page_webp, &v->page_webp_len);
    if (!r && avif_ok) {
        r = save(a, thumb, true, 50, &v->thumb_avif, &v->thumb_avif_len);
        if (!r)
            r = save(a, page, true, 55, &v->page_avif, &v->page_avif_len);
    }
    if (!r) {
        v->width = vips_image_get_width(page);
        v->height = vips_image_get_height(page);
    }
    if (thumb)
        g_object_unref(thumb);
    if (page)
        g_object_unref(page);
    return r;
}

int photo_process(arena *a, const void *data, size_t len, photo_variants *out, refusal *why)
{
    memset(out, 0, sizeof *out);
    size_t max = g_config.photo_max_bytes ? g_config.photo_max_bytes : (8u << 20);
    if (len > max)
        return refuse(why, 413, "photo_too_large", "photo",
                      arena_printf(a, "La photo fait %zu octets ; %zu au plus.", len, max),
                      arena_printf(a, "The photo is %zu bytes; %zu at most.", len, max));
    photo_kind kind = sniff(data, len);
    if (kind == KIND_SVG)
        return refuse(why, 415, "photo_svg", "photo",
                      "Les images SVG sont refusées : elles peuvent contenir des scripts. "
                      "Envoyez une photo JPEG, PNG, WebP ou HEIC.",
                      "SVG images are refused: they may carry scripts. Send a JPEG, PNG, WebP "
                      "or HEIC photo.");
    if (kind == KIND_NONE)
        return refuse(why, 415, "not_an_image", "photo",
                      "Ce fichier n’est pas une photo JPEG, PNG, WebP ou HEIC.",
                      "This file is not a JPEG, PNG, WebP or HEIC photo.");
    pthread_once(&vips_once, vips_start);
    if (!vips_ready)
        return refuse(why, 503, "photo_unavailable", "photo",
                      "Les photos ne peuvent pas être traitées pour le moment.",
                      "Photos cannot be processed right now.");
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += PHOTO_WAIT_S;
    if (pthread_mutex_timedlock(&decoding, &until) != 0)
        return refuse(why, 503, "photo_busy", "photo",
                      "D’autres photos sont en cours de traitement : réessayez dans un instant.",
                      "Other photos are being processed: try again in a moment.");
    int64_t started = now_us();
    int st = 0;
    VipsImage *head = load_header(kind, data, len);
    if (!head) {
        st = refuse(why, 422, "bad_image", "photo",
                    "La photo est illisible (fichier abîmé ou incomplet).",
                    "The photo cannot be read (a damaged or incomplete file).");
    } else {
        int64_t w = vips_image_get_width(head), h = vips_image_get_height(head);
        int64_t limit =
            (int64_t)(g_config.photo_max_megapixels ? g_config.photo_max_megapixels : 50) * 1000000;
        g_object_unref(head);
        if (w * h > limit)
            st = refuse(why, 422, "photo_too_many_pixels", "photo",
                        arena_printf(a,
                                     "La photo fait %lld × %lld pixels : %lld millions au plus. "
                                     "Réduisez-la avant de l’envoyer.",
                                     (long long)w, (long long)h, (long long)(limit / 1000000)),
                        arena_printf(a,
                                     "The photo is %lld × %lld pixels: %lld million at most. "
                                     "Make it smaller before sending it.",
                                     (long long)w, (long long)h, (long long)(limit / 1000000)));
        else if (encode(a, data, len, out) != 0)
            st = refuse(why, 422, "bad_image", "photo",
                        "La photo est illisible (fichier abîmé ou incomplet).",
                        "The photo cannot be read (a damaged or incomplete file).");
    }
    if (st) {
        char q[512];
        log_event(LOG_INFO, "photo.refused", "bytes=%zu code=%s library=%s", len, why->code,
                  log_quote(q, sizeof q, vips_error_buffer()));
    }
    vips_error_clear();
    pthread_mutex_unlock(&decoding);
    if (st == 0) {
        gchar *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, len);
        snprintf(out->digest, sizeof out->digest, "%s", hex);
        g_free(hex);
        log_event(LOG_INFO, "photo.encoded",
                  "bytes=%zu thumb_webp=%zu page_webp=%zu avif=%d us=%lld", len,
                  out->thumb_webp_len, out->page_webp_len, out->thumb_avif != NULL,
                  (long long)(now_us() - started));
    }
    return st;
}

/* ---- rows ---------------------------------------------------------------------------- */

DB_STMT(photo_insert,
        "INSERT INTO photos (hub_id, digest, producer_id, width, height, thumb_webp, page_webp,"
        "                    thumb_avif, page_avif)"
        " VALUES ($1, $2, $3, $4::int, $5::int, decode($6, 'hex'), decode($7, 'hex'),"
        "         decode(nullif($8, ''), 'hex'), decode(nullif($9, ''), 'hex'))"
        " ON CONFLICT (hub_id, digest) DO NOTHING");
DB_STMT(photo_link, "UPDATE products SET photo = $4, updated_at = now()"
                    " WHERE hub_id = $1 AND producer_id = $2 AND sku = $3 RETURNING sku");
DB_STMT(photo_unlink, "UPDATE products SET photo = NULL, updated_at = now()"
                      " WHERE hub_id = $1 AND producer_id = $2 AND sku = $3 RETURNING sku");
DB_STMT(photo_variant,
        "SELECT CASE $3 WHEN 'thumb.webp' THEN thumb_webp WHEN 'page.webp' THEN page_webp"
        "       WHEN 'thumb.avif' THEN thumb_avif WHEN 'page.avif' THEN page_avif END AS data"
        "  FROM photos WHERE hub_id = $1 AND digest = $2");

static const char *hex_of(arena *a, const unsigned char *d, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char *out = arena_alloc(a, 2 * n + 1);
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[2 * n] = '\0';
    return out;
}

typedef struct {
    arena *a;
    int64_t hub, producer;
    const char *sku;
    const photo_variants *v; /* NULL: detach */
    refusal *why;
} attach_ctx;

static int attach_tx(db_conn *c, void *p)
{
    attach_ctx *x = p;
    arena *a = x->a;
    const char *hub = db_i64(a, x->hub), *producer = db_i64(a, x->producer);
    const photo_variants *v = x->v;
    int st;
    if (v &&
        (st = db_do(c, &photo_insert,
                    DB_P(hub, v->digest, producer, db_i64(a, v->width), db_i64(a, v->height),
                         hex_of(a, v->thumb_webp, v->thumb_webp_len),
                         hex_of(a, v->page_webp, v->page_webp_len),
                         v->thumb_avif ? hex_of(a, v->thumb_avif, v->thumb_avif_len) : "",
                         v->page_avif ? hex_of(a, v->page_avif, v->page_avif_len) : ""))) != DB_OK)
        return st;
    PGresult *r;
    st = v ? db_run_a(c, a, &photo_link, &r, DB_P(hub, producer, x->sku, v->digest))
           : db_run_a(c, a, &photo_unlink, &r, DB_P(hub, producer, x->sku));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(x->why, 404, "unknown_product", "sku", "Ce produit n’existe pas.",
                      "There is no such product.");
    return 0;
}

int photo_attach(db_conn *c, arena *a, int64_t hub, int64_t producer, const char *sku,
                 const photo_variants *v, refusal *why)
{
    attach_ctx x = {a, hub, producer, sku, v, why};
    return db_transaction(c, false, attach_tx, &x);
}

int photo_detach(db_conn *c, arena *a, int64_t hub, int64_t producer, const char *sku, refusal *why)
{
    attach_ctx x = {a, hub, producer, sku, NULL, why};
    return db_transaction(c, false, attach_tx, &x);
}

static void free_unescaped(void *p)
{
    PQfreemem(p);
}

db_status photo_get(db_conn *c, arena *a, int64_t hub, const char *digest, const char *file,
                    const unsigned char **data, size_t *len, bool *found)
{
    *found = false;
    *data = NULL;
    *len = 0;
    if (!digest || strlen(digest) != 64 || strspn(digest, "0123456789abcdef") != 64)
        return DB_OK;
    PGresult *r;
    db_status st = db_run_a(c, a, &photo_variant, &r, DB_P(db_i64(a, hub), digest, file));
    if (st != DB_OK || PQntuples(r) != 1 || PQgetisnull(r, 0, 0))
        return st;
    unsigned char *bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 0), len);
    if (!bytes)
        return DB_ERROR;
    arena_defer(a, free_unescaped, bytes);
    *data = bytes;
    *found = true;
    return DB_OK;
}
