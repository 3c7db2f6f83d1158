/*
 * server/batch_html.c — the rounds fragment of the coordinator desk page.
 *
 * The map is a plain projection (longitude scaled by the cosine of the mean
 * latitude), which is true to a few metres over a hub's 100 km: enough to see
 * which round goes where. Each round gets a colour from the Okabe-Ito palette
 * (told apart by colour-blind readers) and a dash pattern of its own, and its
 * stops are numbered as in its table, so nothing rests on colour alone.
 */
#include "batch_html.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAP_W   640.0
#define MAP_PAD 24.0

static const char *const colours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                      "#E69F00", "#56B4E9", "#000000", "#999999"};
static const char *const dashes[] = {"none", "10 4", "2 4", "10 4 2 4"};

typedef struct {
    bool en;
} lang_t;

#define TR(l, in_fr, in_en) ((l).en ? (in_en) : (in_fr))

static const char *colour_of(size_t i)
{
    return colours[i % (sizeof colours / sizeof colours[0])];
}

static const char *dash_of(size_t i)
{
    /* a new dash once the colours have all been used, so no two rounds look alike */
    return dashes[(i / (sizeof colours / sizeof colours[0])) % (sizeof dashes / sizeof dashes[0])];
}

/* Decimal with the language's separator. */
static void put_num(buf *out, lang_t l, const char *s)
{
    for (; *s; s++)
        buf_putc(out, *s == '.' && !l.en ? ',' : *s);
}

static void put_kg(buf *out, lang_t l, int64_t g)
{
    char b[32];
    put_num(out, l, batch_kg(b, g));
}

/* km with one decimal: what a driver needs. */
static void put_km(buf *out, lang_t l, int64_t m)
{
    char b[32];
    snprintf(b, sizeof b, "%lld.%lld", (long long)((m + 50) / 1000),
             (long long)((m + 50) % 1000 / 100));
    put_num(out, l, b);
}

typedef struct {
    double min_lat, max_lat, min_lon, max_lon, kx, scale, h;
} projection;

static void widen(projection *p, double lat, double lon)
{
    p->min_lat = fmin(p->min_lat, lat);
    p->max_lat = fmax(p->max_lat, lat);
    p->min_lon = fmin(p->min_lon, lon);
    p->max_lon = fmax(p->max_lon, lon);
}

static projection project_all(const batch_result *b)
{
    projection p = {b->depot_lat, b->depot_lat, b->depot_lon, b->depot_lon, 1, 1, 0};
    for (size_t i = 0; i < b->nrounds; i++)
        for (size_t k = 0; k < b->rounds[i].nstops; k++)
            widen(&p, b->rounds[i].stops[k].lat, b->rounds[i].stops[k].lon);
    p.kx = cos((p.min_lat + p.max_lat) / 2 * 3.14159265358979323846 / 180.0);
    double w = (p.max_lon - p.min_lon) * p.kx, h = p.max_lat - p.min_lat;
    double span = fmax(fmax(w, h), 1e-4); /* one place only: a small square */
    p.scale = (MAP_W - 2 * MAP_PAD) / span;
    p.h = fmax(h * p.scale, (MAP_W - 2 * MAP_PAD) / 3) + 2 * MAP_PAD;
    return p;
}

static void xy(const projection *p, double lat, double lon, double *x, double *y)
{
    *x = MAP_PAD + (lon - p->min_lon) * p->kx * p->scale;
    *y = p->h - MAP_PAD - (lat - p->min_lat) * p->scale;
}

static void map_desc(buf *out, const batch_result *b, lang_t l)
{
    buf_printf(out, TR(l, "Le dépôt et %zu tournée%s. ", "The depot and %zu round%s. "), b->nrounds,
               b->nrounds == 1 ? "" : "s");
    for (size_t i = 0; i < b->nrounds; i++) {
        const batch_round *rd = &b->rounds[i];
        buf_printf(out, TR(l, "Tournée %d, ", "Round %d, "), rd->seq);
        buf_html(out, rd->vehicle_name);
        buf_puts(out, TR(l, " : ", ": "));
        for (size_t k = 0; k < rd->nstops; k++) {
            buf_printf(out, "%s%d ", k ? ", " : "", rd->stops[k].seq);
            buf_html(out, rd->stops[k].name);
        }
        buf_puts(out, ". ");
    }
}

static void map_round(buf *out, const projection *p, const batch_result *b, size_t i)
{
    const batch_round *rd = &b->rounds[i];
    double x, y;
    buf_printf(out, "<g><polyline fill=\"none\" stroke=\"%s\" stroke-width=\"3\"", colour_of(i));
    if (strcmp(dash_of(i), "none") != 0)
        buf_printf(out, " stroke-dasharray=\"%s\"", dash_of(i));
    buf_puts(out, " stroke-linejoin=\"round\" points=\"");
    xy(p, b->depot_lat, b->depot_lon, &x, &y);
    buf_printf(out, "%.1f,%.1f", x, y);
    for (size_t k = 0; k < rd->nstops; k++) {
        xy(p, rd->stops[k].lat, rd->stops[k].lon, &x, &y);
        buf_printf(out, " %.1f,%.1f", x, y);
    }
    xy(p, b->depot_lat, b->depot_lon, &x, &y);
    buf_printf(out, " %.1f,%.1f\"/>", x, y);
    for (size_t k = 0; k < rd->nstops; k++) {
        xy(p, rd->stops[k].lat, rd->stops[k].lon, &x, &y);
        buf_printf(out,
                   "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\" stroke=\"#ffffff\""
                   " stroke-width=\"1.5\"/>",
                   x, y, colour_of(i));
        /* white halo under the digits keeps them legible across lines */
        buf_printf(out,
                   "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" font-family=\"sans-serif\""
                   " font-weight=\"bold\" fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"3\""
                   " paint-order=\"stroke\">%d</text>",
                   x + 7, y - 6, colour_of(i), rd->stops[k].seq);
    }
    buf_puts(out, "</g>");
}

static void map(buf *out, const batch_result *b, lang_t l)
{
    projection p = project_all(b);
    long long id = (long long)b->cycle;
    buf_printf(out,
               "<figure class=\"km0-rounds-map\">"
               "<svg class=\"km0-rounds-svg\" xmlns=\"http://www.w3.org/2000/svg\""
               " viewBox=\"0 0 %.0f %.0f\" role=\"img\""
               " aria-labelledby=\"km0-map-title-%lld km0-map-desc-%lld\">"
               "<title id=\"km0-map-title-%lld\">%s</title><desc id=\"km0-map-desc-%lld\">",
               MAP_W, p.h, id, id, id, TR(l, "Carte des tournées", "Map of the rounds"), id);
    map_desc(out, b, l);
    buf_printf(out,
               "</desc><rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\""
               " stroke=\"#bbbbbb\"/>",
               MAP_W, p.h);
    for (size_t i = 0; i < b->nrounds; i++)
        map_round(out, &p, b, i);
    double x, y;
    xy(&p, b->depot_lat, b->depot_lon, &x, &y);
    buf_printf(out,
               "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"#000000\"/>"
               "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" font-family=\"sans-serif\""
               " fill=\"#000000\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">"
               "%s</text></svg>",
               x - 6, y - 6, x + 9, y + 16, TR(l, "Dépôt", "Depot"));
    buf_puts(out, "<figcaption><ul class=\"km0-rounds-legend\">");
    for (size_t i = 0; i < b->nrounds; i++) {
        buf_printf(out,
                   "<li><svg class=\"km0-swatch\" width=\"28\" height=\"10\" aria-hidden=\"true\">"
                   "<line x1=\"0\" y1=\"5\" x2=\"28\" y2=\"5\" stroke=\"%s\" stroke-width=\"3\"",
                   colour_of(i));
        if (strcmp(dash_of(i), "none") != 0)
            buf_printf(out, " stroke-dasharray=\"%s\"", dash_of(i));
        buf_printf(out, "/></svg> %s %d%s", TR(l, "Tournée", "Round"), b->rounds[i].seq,
                   TR(l, " : ", ": "));
        buf_html(out, b->rounds[i].vehicle_name);
        buf_puts(out, "</li>");
    }
    buf_puts(out, "</ul></figcaption></figure>");
}

static void round_table(buf *out, const batch_round *rd, lang_t l)
{
    buf_printf(out, "<table class=\"km0-round\"><caption>%s %d — ", TR(l, "Tournée", "Round"),
               rd->seq);
    buf_html(out, rd->vehicle_name);
    buf_puts(out, " — ");
    put_km(out, l, rd->distance_m);
    buf_puts(out, " km — ");
    put_kg(out, l, rd->load_g);
    buf_puts(out, " / ");
    put_kg(out, l, rd->capacity_g);
    buf_printf(out, TR(l, " kg — départ %s, retour %s", " kg — leaves %s, back %s"), rd->departs_hm,
               rd->returns_hm);
    buf_printf(out,
               "</caption><thead><tr><th scope=\"col\" class=\"km0-num\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\" class=\"km0-num\">%s</th>"
               "<th scope=\"col\" class=\"km0-num\">kg</th></tr></thead><tbody>",
               TR(l, "Ordre", "Order"), TR(l, "Point de retrait", "Pickup point"),
               TR(l, "Arrivée", "Arrival"), TR(l, "Retard", "Late"), TR(l, "Commandes", "Orders"));
    for (size_t k = 0; k < rd->nstops; k++) {
        const batch_stop *s = &rd->stops[k];
        buf_printf(out, "<tr%s><td class=\"km0-num\">%d</td><th scope=\"row\">",
                   s->late ? " class=\"km0-late\"" : "", s->seq);
        buf_html(out, s->name);
        if (s->parts > 1)
            buf_printf(out, " <span class=\"km0-part\">%s %d/%d</span>", TR(l, "partie", "part"),
                       s->part, s->parts);
        buf_puts(out, "</th><td><time datetime=\"");
        buf_html(out, s->eta);
        buf_puts(out, "\">");
        buf_html(out, s->eta_hm);
        buf_printf(out,
                   "</time></td><td>%s</td><td class=\"km0-num\">%d</td><td class=\"km0-num\">",
                   s->late ? TR(l, "en retard", "late") : TR(l, "à l’heure", "on time"), s->orders);
        put_kg(out, l, s->load_g);
        buf_puts(out, "</td></tr>");
    }
    buf_puts(out, "</tbody></table>");
}

void batch_render_html(buf *out, const batch_result *b, const char *lang)
{
    lang_t l = {lang && !strncmp(lang, "en", 2)};
    buf_printf(out, "<section class=\"km0-rounds\" aria-label=\"%s\">",
               TR(l, "Tournées de livraison", "Delivery rounds"));
    if (b->nrounds == 0) {
        buf_printf(out, "<p class=\"km0-rounds-empty\">%s</p></section>",
                   TR(l, "Aucune tournée : ce cycle n’a pas encore été réparti.",
                      "No rounds: this cycle has not been batched yet."));
        return;
    }
    buf_printf(out, "<p class=\"km0-rounds-summary\">");
    buf_printf(out, TR(l, "%zu tournée%s, %lld commandes, ", "%zu round%s, %lld orders, "),
               b->nrounds, b->nrounds == 1 ? "" : "s", (long long)b->orders);
    put_kg(out, l, b->load_g);
    buf_puts(out, " kg, ");
    put_km(out, l, b->distance_m);
    buf_puts(out, " km");
    if (b->late)
        buf_printf(
            out,
            TR(l, " ; %d arrêt%s après la fermeture du point", "; %d stop%s after closing time"),
            b->late, b->late == 1 ? "" : "s");
    buf_puts(out, ".</p>");
    map(out, b, l);
    for (size_t i = 0; i < b->nrounds; i++)
        round_table(out, &b->rounds[i], l);
    buf_puts(out, "</section>");
}
