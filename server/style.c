/*
 * server/style.c — the stylesheet and the icon, compiled into the binary and served
 * at versioned addresses.
 *
 * Phone first: everything fits a 320 px screen and 200 % text without sideways
 * scrolling (products are blocks, tables turn into one block per row on narrow
 * screens, long words break). Colours meet WCAG 2.1 AA contrast (4.5:1 for text)
 * on white; focus is always visible; nothing depends on colour alone.
 *
 * Each asset's address carries a digest of its bytes (/static/km0.<digest>.css),
 * so browsers keep it a year without asking again, and a new release, which
 * changes the bytes, changes the address. The plain addresses (/static/km0.css,
 * /favicon.ico) keep working with an hour's caching.
 */
#include "handlers.h"
#include "page.h"
#include "../core/util.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static const char stylesheet[] =
    ":root{--ink:#1b1b1b;--muted:#4a4a4a;--green:#1d5c2e;--green-bg:#e8f3ea;--red:#a10000;"
    "--red-bg:#fdecec;--line:#c9c9c9;--bg:#fafaf7}\n"
    "*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}\n"
    "body{margin:0;font:1rem/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
    "color:var(--ink);background:var(--bg);overflow-wrap:anywhere}\n"
    "a{color:var(--green)}a:focus,button:focus,input:focus,select:focus,textarea:focus,"
    "summary:focus{outline:3px solid #0b57d0;outline-offset:2px}\n"
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);"
    "white-space:nowrap}\n"
    ".skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;"
    "padding:.5rem;z-index:2}\n"
    "header{background:var(--green);color:#fff;padding:.5rem 1rem}\n"
    "header a,header button{color:#fff}header .brand{font-weight:700;font-size:1.2rem;"
    "text-decoration:none;margin-right:1rem}\n"
    "nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;"
    "align-items:center}\n"
    "nav form{display:inline;margin:0}nav button{background:none;border:1px solid #fff;"
    "border-radius:4px;padding:.15rem .5rem;font:inherit;cursor:pointer}\n"
    "main{max-width:60rem;margin:0 auto;padding:1rem}\n"
    "footer{max-width:60rem;margin:2rem auto;padding:0 1rem;color:var(--muted);font-size:.9rem}\n"
    "h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.3rem;margin:1.5rem 0 .5rem}"
    "h3{font-size:1.1rem;margin:1rem 0 .5rem}\n"
    "table{border-collapse:collapse;width:100%;background:#fff;margin:.5rem 0 1rem}\n"
    "th,td{border-bottom:1px solid var(--line);padding:.4rem .5rem;text-align:left;"
    "vertical-align:top}\n"
    "th{font-weight:600}td.num,th.num{text-align:right;white-space:nowrap}\n"
    "caption{text-align:left;font-weight:600;padding:.25rem 0}\n"
    "fieldset{border:1px solid var(--line);border-radius:6px;background:#fff;margin:0 0 1rem;"
    "padding:.5rem 1rem 1rem;min-width:0}\n"
    "legend{font-weight:600;padding:0 .25rem}\n"
    "label{display:block;font-weight:600;margin:.5rem 0 .2rem}\n"
    "label.inline{display:inline;font-weight:400;margin:0}\n"
    "input[type=text],input[type=email],input[type=password],input[type=tel],"
    "input[type=datetime-local],input[type=date],input[type=number],input[type=file],select,"
    "textarea{font:inherit;padding:.4rem;border:1px solid #767676;border-radius:4px;"
    "max-width:100%}\n"
    "input.qty{width:5.5em;text-align:right}\n"
    "[aria-invalid=true]{border:2px solid var(--red)}\n"
    ".hint,small{color:var(--muted);font-size:.9rem;margin:.1rem 0}\n"
    ".field-error{color:var(--red);font-weight:600;margin:.2rem 0}\n"
    ".error-summary{border:3px solid var(--red);background:var(--red-bg);padding:.5rem 1rem;"
    "margin:0 0 1rem}\n"
    ".error-summary h2{margin:.25rem 0;font-size:1.1rem}\n"
    ".notice,.warn{border-left:6px solid var(--green);background:var(--green-bg);"
    "padding:.5rem 1rem;margin:0 0 1rem}.warn{border-color:var(--red);background:var(--red-bg)}\n"
    ".btn,button.btn{display:inline-block;font:inherit;font-weight:600;background:var(--green);"
    "color:#fff;border:0;border-radius:4px;padding:.55rem 1rem;cursor:pointer;"
    "text-decoration:none}\n"
    ".btn.secondary{background:#fff;color:var(--green);border:2px solid var(--green)}\n"
    ".btn.danger{background:var(--red)}\n"
    ".badge{display:inline-block;border:1px solid var(--green);color:var(--green);"
    "border-radius:3px;padding:0 .3rem;font-size:.8rem;margin-left:.3rem}\n"
    ".late{color:var(--red);font-weight:600}\n"
    ".totals td,.totals th{border:0;padding:.15rem .5rem}.totals .grand{font-weight:700;"
    "border-top:2px solid var(--ink)}\n"
    ".actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:1rem 0}\n"
    ".actions form{margin:0}\n"
    /* the shop: categories, products as blocks, the sticky order bar */
    ".cats,.pager{list-style:none;padding:0;margin:.5rem 0 1rem;display:flex;flex-wrap:wrap;"
    "gap:.25rem 1rem}\n"
    ".offers,.lines{list-style:none;margin:0 0 1rem;padding:0;background:#fff}\n"
    ".offers li,.lines li{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem .75rem;"
    "padding:.5rem;border-bottom:1px solid var(--line)}\n"
    ".offers label{flex:1 1 11rem;margin:0;font-weight:400}.offers b,.lines b{font-weight:600}\n"
    ".offers small,.lines small{flex-basis:100%}.lines .amt{margin-left:auto;font-weight:600}\n"
    ".bar{position:fixed;left:0;right:0;bottom:0;z-index:1;background:#fff;"
    "border-top:3px solid var(--green);padding:.4rem .5rem;display:flex;flex-wrap:wrap;"
    "font-size:.9rem;"
    "gap:.25rem .5rem;align-items:center}.bar p{margin:0;flex:1 1 100%}"
    ".bar .btn{padding:.4rem .6rem}"
    "form.shop{padding-bottom:8em}\n"
    "button.link{background:none;border:0;padding:0;font:inherit;color:var(--green);"
    "text-decoration:underline;cursor:pointer;text-align:left}\n"
    "dl.facts dt{font-weight:600}dl.facts dd{margin:0 0 .5rem}\n"
    /* search, product blocks' photos and information, legal pages */
    "form.search{margin:0 0 1rem}.search-row{display:flex;gap:.5rem;margin:0}"
    ".search-row input{flex:1 1 8rem;min-width:0}details{margin:.5rem 0}summary{cursor:pointer}\n"
    ".allergens span{display:inline-block;margin:0 .75rem .25rem 0}\n"
    ".thumb{width:56px;height:56px;object-fit:cover;border-radius:4px}"
    ".photo{max-width:100%;height:auto}footer ul{list-style:none;padding:0;display:flex;"
    "flex-wrap:wrap;gap:.25rem 1rem}\n"
    ".km0-rounds-svg{width:100%;height:auto;max-width:40rem;background:#fff;"
    "border:1px solid var(--line)}\n"
    ".km0-rounds-legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}\n"
    ".km0-round{margin-top:1rem}.km0-num{text-align:right;white-space:nowrap}\n"
    ".km0-late td{background:var(--red-bg)}.km0-part{display:block;color:var(--muted);"
    "font-size:.9rem}\n"
    ".rounds{display:grid;gap:1rem}\n"
    ".meter{display:inline-block;width:6rem;max-width:100%;height:.6rem;"
    "border:1px solid var(--ink);vertical-align:middle}\n"
    ".table-scroll{overflow-x:auto}.changes{margin:0;padding-left:1.1rem}\n"
    /* the packing table (server/p_weigh.c): one small form per line */
    ".weigh form{flex:1 1 100%;margin:0}.weigh p{margin:0}.weigh label{margin:.3rem 0 .1rem}"
    ".weigh .done{display:block;color:var(--green)}\n"
    /* payments: the EPC QR code a banking app scans, the cash-up's one form per bag */
    "svg.qr{display:block;width:12rem;max-width:100%;height:auto;margin:.5rem 0}\n"
    ".pay{border:1px solid var(--line);background:#fff;padding:.5rem .75rem;margin:1rem 0}\n"
    ".bag{border-bottom:1px solid var(--line);padding:.5rem 0}.bag form{display:flex;"
    "flex-wrap:wrap;gap:.25rem .5rem;align-items:flex-end}.bag label{margin:0}"
    ".bag input{width:7rem}.bag .paid{color:var(--green);font-weight:600}\n"
    /* narrow screens and large text: one block per table row, cells labelled */
    "@media (max-width:40em){table,thead,tbody,tfoot,tr,th,td,caption{display:block}"
    "thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}"
    "tr{border-bottom:1px solid var(--line);padding:.25rem 0}th,td{border:0;padding:.1rem .5rem}"
    "td.num,th.num,.km0-num{text-align:left;white-space:normal}"
    "td[data-l]::before{content:attr(data-l) \"\\a0: \";font-weight:600}"
    "main{padding:.75rem}.btn,button.btn{padding:.5rem .75rem}}\n"
    "@media print{header,nav,footer,.actions,.bar,.no-print{display:none}body{background:#fff}"
    "main{max-width:none;padding:0}}\n";

static const char icon[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\">"
                           "<rect width=\"16\" height=\"16\" rx=\"3\" fill=\"#1d5c2e\"/>"
                           "<path d=\"M4 12c0-5 3-8 8-8 0 5-3 8-8 8z\" fill=\"#e8f3ea\"/></svg>";

typedef struct {
    const char *base, *ext, *type;
    const char *data;
    size_t len;
    char versioned[64]; /* "/static/km0.0123456789.css" */
    char file[48];      /* "km0.0123456789.css" */
} asset;

static asset assets[] = {
    {"km0", "css", "text/css; charset=utf-8", stylesheet, sizeof stylesheet - 1, "", ""},
    {"favicon", "svg", "image/svg+xml", icon, sizeof icon - 1, "", ""},
};
static pthread_once_t digests_once = PTHREAD_ONCE_INIT;

static void make_digests(void)
{
    for (size_t i = 0; i < ARRAY_LEN(assets); i++) {
        uint64_t h = 1469598103934665603ULL; /* FNV-1a: a name for the bytes, not a secret */
        for (size_t k = 0; k < assets[i].len; k++) {
            h ^= (unsigned char)assets[i].data[k];
            h *= 1099511628211ULL;
        }
        snprintf(assets[i].file, sizeof assets[i].file, "%s.%010llx.%s", assets[i].base,
                 (unsigned long long)(h >> 24), assets[i].ext);
        memcpy(assets[i].versioned, "/static/", 8);
        memcpy(assets[i].versioned + 8, assets[i].file, strlen(assets[i].file) + 1);
    }
}

const char *style_url(void)
{
    pthread_once(&digests_once, make_digests);
    return assets[0].versioned;
}

const char *style_icon_url(void)
{
    pthread_once(&digests_once, make_digests);
    return assets[1].versioned;
}

static void send_asset(http_req *req, const asset *a, http_cache cache)
{
    req->cache = cache;
    http_reply_bytes(req, 200, a->type, a->data, a->len, NULL);
}

/* GET /static/{file}: km0.<digest>.css, favicon.<digest>.svg (a year, immutable), or
 * the plain km0.css and favicon.svg (an hour). */
void h_static(http_req *req)
{
    pthread_once(&digests_once, make_digests);
    const char *file = http_param(req, "file");
    for (size_t i = 0; i < ARRAY_LEN(assets); i++) {
        const asset *a = &assets[i];
        if (!strcmp(file, a->file)) {
            send_asset(req, a, HTTP_CACHE_IMMUTABLE);
            return;
        }
        char plain[32];
        snprintf(plain, sizeof plain, "%s.%s", a->base, a->ext);
        if (!strcmp(file, plain)) {
            send_asset(req, a, HTTP_CACHE_HOUR);
            return;
        }
    }
    http_reply_error(req, 404, "not_found",
                     TR(req, "Il n’y a rien à cette adresse.", "There is nothing at this address."),
                     NULL);
}

/* GET /favicon.ico: what browsers ask for on their own, the same icon (SVG). */
void h_favicon(http_req *req)
{
    pthread_once(&digests_once, make_digests);
    send_asset(req, &assets[1], HTTP_CACHE_HOUR);
}
