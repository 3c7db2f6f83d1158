/*
 * bench/photo_bench.c — a product photo's processing time (core/photo.c) against
 * libvips doing the same decoding and encoding with none of km0's checks: sniffing,
 * the header read for the pixel limit, metadata removal, the digest.
 *
 * Inputs are JPEG photos made here by libvips (a phone's 12 megapixels, and 2), so no
 * fixture is needed. Prints one JSON line per size: median milliseconds per image.
 */
#include "photo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vips/vips.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static unsigned char *jpeg(int w, int h, size_t *len)
{
    VipsImage *noise, *rgb, *u;
    void *buf;
    if (vips_gaussnoise(&noise, w, h, "mean", 128.0, "sigma", 40.0, NULL) ||
        vips_bandjoin_const1(noise, &rgb, 100, NULL) || vips_cast_uchar(rgb, &u, NULL))
        return NULL;
    VipsImage *three;
    if (vips_bandjoin_const1(u, &three, 60, NULL) ||
        vips_jpegsave_buffer(three, &buf, len, "Q", 85, NULL))
        return NULL;
    return buf;
}

/* The same work straight through libvips, with the options core/photo.c passes (the
 * thumbnail cropped to a square, the page shrunk only, the same qualities and efforts),
 * so that the difference is km0's own: two shrinks, WebP and AVIF of each. */
static int plain_vips(const void *data, size_t len, bool avif)
{
    static const struct {
        int px, crop, webp_q, avif_q;
    } v[2] = {{PHOTO_THUMB_PX, 1, 70, 50}, {PHOTO_PAGE_PX, 0, 75, 55}};
    for (int i = 0; i < 2; i++) {
        VipsImage *t, *m;
        void *out;
        size_t n;
        if (vips_thumbnail_buffer((void *)data, len, &t, v[i].px, "height", v[i].px, "crop",
                                  v[i].crop ? VIPS_INTERESTING_CENTRE : VIPS_INTERESTING_NONE,
                                  "size", v[i].crop ? VIPS_SIZE_BOTH : VIPS_SIZE_DOWN,
                                  "option_string", "fail=true", NULL))
            return -1;
        m = vips_image_copy_memory(t);
        g_object_unref(t);
        if (!m ||
            vips_webpsave_buffer(m, &out, &n, "Q", v[i].webp_q, "strip", TRUE, "effort", 4, NULL))
            return -1;
        g_free(out);
        if (avif) {
            if (vips_heifsave_buffer(m, &out, &n, "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1,
                                     "Q", v[i].avif_q, "effort", 2, "strip", TRUE, NULL))
                return -1;
            g_free(out);
        }
        g_object_unref(m);
    }
    return 0;
}

int main(void)
{
    bool avif = photo_avif_available(); /* starts libvips as km0 does */
    const int reps = 7;
    static const struct {
        int w, h;
        const char *what;
    } cases[] = {{4000, 3000, "12-megapixel"}, {1600, 1200, "2-megapixel"}};
    for (size_t c = 0; c < 2; c++) {
        size_t len;
        unsigned char *data = jpeg(cases[c].w, cases[c].h, &len);
        if (!data) {
            fprintf(stderr, "photo_bench: cannot make the JPEG: %s\n", vips_error_buffer());
            return 1;
        }
        double k[8], b[8];
        for (int r = 0; r < reps; r++) {
            arena *a = arena_new();
            photo_variants v;
            refusal why = {0};
            double t0 = now_ms();
            if (photo_process(a, data, len, &v, &why) != 0) {
                fprintf(stderr, "photo_bench: refused: %s\n", why.en);
                return 1;
            }
            k[r] = now_ms() - t0;
            arena_free(a);
            t0 = now_ms();
            if (plain_vips(data, len, avif)) {
                fprintf(stderr, "photo_bench: libvips failed: %s\n", vips_error_buffer());
                return 1;
            }
            b[r] = now_ms() - t0;
        }
        qsort(k, reps, sizeof *k, cmp);
        qsort(b, reps, sizeof *b, cmp);
        printf(
            "{\"what\":\"photo processing, one %s JPEG (%zu KB) into thumbnail and page, WebP%s\","
            "\"unit\":\"ms/image\",\"km0\":%.1f,\"baseline\":%.1f,\"baseline_what\":\"libvips "
            "alone, same shrinks and encodings\",\"ratio\":%.3f,\"target\":\"<= 1.25\","
            "\"ok\":%s}\n",
            cases[c].what, len / 1024, avif ? " and AVIF" : "", k[reps / 2], b[reps / 2],
            k[reps / 2] / b[reps / 2], k[reps / 2] / b[reps / 2] <= 1.25 ? "true" : "false");
        g_free(data);
    }
    return 0;
}
