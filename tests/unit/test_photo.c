/*
 * tests/unit/test_photo.c — a product photo through core/photo.c, without a database:
 * a JPEG carrying a GPS position comes out as small WebP and AVIF with no metadata at
 * all; HEIF/AVIF and WebP read back; SVG, text, decompression bombs, huge photos,
 * truncated and oversized files are refused with their reasons.
 *
 * The inputs are made here with libvips itself (and an EXIF block written by hand, as
 * a phone writes one), so no binary fixture is committed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"
#include "photo.h"

#include <string.h>
#include <vips/vips.h>
#include <zlib.h>

/* "Exif\0\0" and a little-endian TIFF whose GPS IFD says latitude N, with a marker. */
static size_t gps_app1(unsigned char *out)
{
    unsigned char t[64] = {0};
    memcpy(t, "II\x2a\0\x08\0\0\0", 8);
    t[8] = 1;                   /* one entry in IFD0 */
    t[10] = 0x25, t[11] = 0x88; /* GPSInfo */
    t[12] = 4, t[14] = 1, t[18] = 26;
    t[26] = 1;                       /* one GPS entry */
    t[28] = 1, t[30] = 2, t[32] = 2; /* GPSLatitudeRef, ASCII, 2 */
    t[36] = 'N';
    memcpy(t + 44, "GPSmarker", 9);
    size_t len = 2 + 6 + sizeof t;
    out[0] = 0xFF, out[1] = 0xE1, out[2] = (unsigned char)(len >> 8), out[3] = (unsigned char)len;
    memcpy(out + 4, "Exif\0\0", 6);
    memcpy(out + 10, t, sizeof t);
    return 2 + len;
}

static bool contains(const unsigned char *d, size_t n, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(d + i, s, k))
            return true;
    return false;
}

/* An image of w × h with something to see, as JPEG (with EXIF GPS) or AVIF. */
static unsigned char *make(int w, int h, bool avif, size_t *len)
{
    VipsImage *x, *rgb;
    assert_int_equal(vips_xyz(&x, w, h, NULL), 0);
    assert_int_equal(vips_cast_uchar(x, &rgb, NULL), 0);
    VipsImage *three;
    assert_int_equal(vips_bandjoin_const1(rgb, &three, 90, NULL), 0);
    void *buf;
    size_t n;
    if (avif)
        assert_int_equal(vips_heifsave_buffer(three, &buf, &n, "compression",
                                              VIPS_FOREIGN_HEIF_COMPRESSION_AV1, NULL),
                         0);
    else
        assert_int_equal(vips_jpegsave_buffer(three, &buf, &n, NULL), 0);
    g_object_unref(x), g_object_unref(rgb), g_object_unref(three);
    if (avif) {
        *len = n;
        return buf;
    }
    /* the EXIF segment right after SOI, as a camera puts it */
    unsigned char *out = g_malloc(n + 128);
    out[0] = 0xFF, out[1] = 0xD8;
    size_t app = gps_app1(out + 2);
    memcpy(out + 2 + app, (unsigned char *)buf + 2, n - 2);
    *len = n + app;
    g_free(buf);
    return out;
}

static void test_jpeg_with_gps_comes_out_clean(void **state)
{
    (void)state;
    size_t n;
    unsigned char *jpeg = make(1200, 900, false, &n);
    assert_true(contains(jpeg, n, "GPSmarker"));
    arena *a = arena_new();
    photo_variants v;
    refusal why = {0};
    assert_int_equal(photo_process(a, jpeg, n, &v, &why), 0);
    assert_int_equal(v.width, PHOTO_PAGE_PX);
    assert_int_equal(v.height, 480);
    assert_int_equal(strlen(v.digest), 64);
    const unsigned char *outs[] = {v.thumb_webp, v.page_webp, v.thumb_avif, v.page_avif};
    size_t lens[] = {v.thumb_webp_len, v.page_webp_len, v.thumb_avif_len, v.page_avif_len};
    for (int i = 0; i < 4; i++) {
        if (i >= 2 && !photo_avif_available())
            continue;
        assert_non_null(outs[i]);
        assert_false(contains(outs[i], lens[i], "GPSmarker"));
        assert_false(contains(outs[i], lens[i], "Exif"));
    }
    assert_true(v.thumb_webp_len < 8000);
    /* what it wrote, it reads back: WebP, and AVIF (a HEIF file) */
    photo_variants again;
    assert_int_equal(photo_process(a, v.page_webp, v.page_webp_len, &again, &why), 0);
    size_t an;
    unsigned char *avif = make(300, 200, true, &an);
    assert_int_equal(photo_process(a, avif, an, &again, &why), 0);
    assert_int_equal(again.width, 300);
    g_free(avif);
    g_free(jpeg);
    arena_free(a);
}

static void expect_refusal(const void *data, size_t len, int status, const char *code)
{
    arena *a = arena_new();
    photo_variants v;
    refusal why = {0};
    assert_int_equal(photo_process(a, data, len, &v, &why), 1);
    assert_int_equal(why.status, status);
    assert_string_equal(why.code, code);
    arena_free(a);
}

static void test_refusals(void **state)
{
    (void)state;
    const char *svg = "\n  <?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\">"
                      "<script>alert(1)</script></svg>";
    expect_refusal(svg, strlen(svg), 415, "photo_svg");
    expect_refusal("GIF89a......", 12, 415, "not_an_image");
    expect_refusal("hello", 5, 415, "not_an_image");
    /* a PNG header claiming 30000 × 30000, a few rows of data: refused from the header,
     * nothing decoded (a decompression bomb is small on the wire) */
    size_t row = 1 + 30000 * 3, raw_len = 4 * row;
    unsigned char *raw = g_malloc0(raw_len), *bomb = g_malloc(raw_len + 128);
    uLongf zlen = (uLongf)raw_len + 64;
    assert_int_equal(compress(bomb + 41, &zlen, raw, raw_len), Z_OK);
    memcpy(bomb, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x75\x30\0\0\x75\x30\x08\x02\0\0\0", 29);
    uLong crc = crc32(0, bomb + 12, 17);
    for (int i = 0; i < 4; i++)
        bomb[29 + i] = (unsigned char)(crc >> (24 - 8 * i));
    for (int i = 0; i < 4; i++)
        bomb[33 + i] = (unsigned char)(zlen >> (24 - 8 * i));
    memcpy(bomb + 37, "IDAT", 4);
    crc = crc32(0, bomb + 37, (uInt)zlen + 4);
    size_t at = 41 + zlen;
    for (int i = 0; i < 4; i++)
        bomb[at + i] = (unsigned char)(crc >> (24 - 8 * i));
    memcpy(bomb + at + 4, "\0\0\0\0IEND\xae\x42\x60\x82", 12);
    expect_refusal(bomb, at + 16, 422, "photo_too_many_pixels");
    g_free(raw);
    g_free(bomb);
    size_t n;
    unsigned char *jpeg = make(200, 100, false, &n);
    expect_refusal(jpeg, n / 3, 422, "bad_image"); /* cut short */
    size_t max = g_config.photo_max_bytes;
    g_config.photo_max_bytes = n - 1;
    expect_refusal(jpeg, n, 413, "photo_too_large");
    g_config.photo_max_bytes = max;
    g_free(jpeg);
}

int main(void)
{
    if (VIPS_INIT("test_photo"))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jpeg_with_gps_comes_out_clean),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
