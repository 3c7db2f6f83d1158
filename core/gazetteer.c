/*
 * core/gazetteer.c — the communes file in memory, and lookups by name and postcode.
 *
 * Eight thousand lines, read once: a lookup compares the name's key with each
 * commune's (a few microseconds), which is simpler than an index and fast enough
 * for a form a coordinator sends now and then.
 */
#include "gazetteer.h"
#include "address.h"
#include "config.h"
#include "log.h"
#include "parse.h"
#include "paths.h"
#include "refusal.h"
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    gaz_commune c;
    char *key;
} entry;

static entry *entries;
static size_t nentries;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* The ASCII letters of the Latin-1 letters U+00C0..U+00FF, "" for none ("ae" for
 * æ, "" for × and ÷), lower case. */
static const char *const latin1[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "",  "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "",  "y"};

static void put(char *out, size_t n, size_t *k, const char *s)
{
    for (; *s && *k + 1 < n; s++)
        out[(*k)++] = *s;
}

void gazetteer_key(const char *name, char *out, size_t n)
{
    char tmp[256];
    size_t k = 0;
    const unsigned char *p = (const unsigned char *)name;
    while (*p) {
        if (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF) {
            put(tmp, sizeof tmp, &k, latin1[p[1] - 0x80]);
            p += 2;
        } else if (*p == 0xC5 && (p[1] == 0x92 || p[1] == 0x93)) { /* Œ œ */
            put(tmp, sizeof tmp, &k, "oe");
            p += 2;
        } else if (*p == 0xE2 && p[1] == 0x80 && (p[2] == 0x98 || p[2] == 0x99)) { /* ‘ ’ */
            put(tmp, sizeof tmp, &k, " ");
            p += 3;
        } else if (*p == '-' || *p == '\'' || *p == ' ' || *p == '\t' || *p == '.') {
            put(tmp, sizeof tmp, &k, " ");
            p++;
        } else {
            char ch[2] = {(char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p), 0};
            put(tmp, sizeof tmp, &k, ch);
            p++;
        }
    }
    tmp[k] = '\0';
    /* words, blanks collapsed, "st" and "ste" written out */
    size_t o = 0;
    char *save = NULL;
    for (char *w = strtok_r(tmp, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        const char *word = !strcmp(w, "st") ? "saint" : !strcmp(w, "ste") ? "sainte" : w;
        if (o)
            put(out, n, &o, " ");
        put(out, n, &o, word);
    }
    if (n)
        out[o < n ? o : n - 1] = '\0';
}

static void free_entries(void)
{
    for (size_t i = 0; i < nentries; i++) {
        free((char *)entries[i].c.insee);
        free(entries[i].key);
    }
    free(entries);
    entries = NULL;
    nentries = 0;
}

long gazetteer_load(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    entry *list = NULL;
    size_t n = 0, cap = 0;
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *field[6], *save = NULL, *copy = xstrdup(line);
        int k = 0;
        /* strtok_r would merge empty fields; a commune always has its six */
        for (char *s = copy; k < 6; k++) {
            field[k] = s;
            char *tab = strchr(s, '\t');
            if (!tab) {
                k++;
                break;
            }
            *tab = '\0';
            s = tab + 1;
        }
        (void)save;
        int64_t lat, lon;
        if (k != 6 || !*field[0] || !*field[2] || parse_degrees(field[4], true, &lat) != PARSE_OK ||
            parse_degrees(field[5], false, &lon) != PARSE_OK) {
            free(copy);
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 8192;
            list = xrealloc(list, cap * sizeof *list);
        }
        char key[256];
        gazetteer_key(field[2], key, sizeof key);
        /* the strings all point into copy, freed with insee (its start) */
        list[n++] = (entry){{field[0], field[1], field[2], field[3], lat, lon}, xstrdup(key)};
    }
    fclose(f);
    pthread_mutex_lock(&lock);
    free_entries();
    entries = list;
    nentries = n;
    pthread_mutex_unlock(&lock);
    return (long)n;
}

static void load_configured(void)
{
    char path[1024];
    const char *p =
        g_config.gazetteer[0] == '/' ? g_config.gazetteer : km0_path(path, g_config.gazetteer);
    long n = gazetteer_load(p);
    char q[1100];
    if (n < 0)
        log_event(LOG_WARN, "gazetteer.missing",
                  "file=%s hint=\"make gazetteer; positions are then typed\"",
                  log_quote(q, sizeof q, p));
    else
        log_event(LOG_INFO, "gazetteer.loaded", "file=%s communes=%ld", log_quote(q, sizeof q, p),
                  n);
}

size_t gazetteer_size(void)
{
    if (g_config.gazetteer[0])
        pthread_once(&once, load_configured);
    return nentries;
}

static bool has_postcode(const gaz_commune *c, const char *pc)
{
    size_t n = strlen(pc);
    for (const char *p = c->postcodes; (p = strstr(p, pc)) != NULL; p += n)
        if ((p == c->postcodes || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return true;
    return false;
}

gaz_result gazetteer_find(const char *name, const char *postcode, const gaz_commune **out)
{
    *out = NULL;
    if (gazetteer_size() == 0)
        return GAZ_EMPTY;
    char key[256];
    gazetteer_key(name ? name : "", key, sizeof key);
    if (!*key)
        return GAZ_NO_TOWN;
    size_t found = 0;
    for (size_t i = 0; i < nentries; i++) {
        if (strcmp(entries[i].key, key) != 0)
            continue;
        if (postcode && *postcode && !has_postcode(&entries[i].c, postcode))
            continue;
        if (found++ == 0)
            *out = &entries[i].c;
    }
    if (found == 1)
        return GAZ_FOUND;
    *out = NULL;
    return found ? GAZ_AMBIGUOUS : GAZ_NONE;
}

gaz_result gazetteer_locate(arena *a, const char *address, const gaz_commune **out)
{
    *out = NULL;
    address_parts parts;
    if (!address_split(a, address ? address : "", &parts) || !*parts.city)
        return gazetteer_size() ? GAZ_NO_TOWN : GAZ_EMPTY;
    return gazetteer_find(parts.city, parts.postcode, out);
}

void gazetteer_position(arena *a, const char *address, const char *lat, const char *lon,
                        const char *field_lat, const char *field_lon, bool required,
                        int64_t *lat_e7, int64_t *lon_e7, bool *found, refusal_detail *d, size_t *n)
{
    *found = false;
    bool typed = (lat && *lat) || (lon && *lon);
    if (typed) {
        bool ok = true;
        if (parse_degrees(lat ? lat : "", true, lat_e7) != PARSE_OK) {
            d[(*n)++] = (refusal_detail){"invalid_field", field_lat,
                                         "La latitude est un nombre de degrés de -90 à 90, comme "
                                         "44.7352.",
                                         "The latitude is a number of degrees from -90 to 90, "
                                         "such as 44.7352."};
            ok = false;
        }
        if (parse_degrees(lon ? lon : "", false, lon_e7) != PARSE_OK) {
            d[(*n)++] = (refusal_detail){"invalid_field", field_lon,
                                         "La longitude est un nombre de degrés de -180 à 180, "
                                         "comme 5.0046.",
                                         "The longitude is a number of degrees from -180 to 180, "
                                         "such as 5.0046."};
            ok = false;
        }
        *found = ok;
        return;
    }
    if (!address || !*address) {
        if (required)
            d[(*n)++] = (refusal_detail){
                "missing_field", field_lat,
                "Indiquez l’adresse (« …, 26400 Crest ») ou la latitude et la longitude.",
                "Give the address (\"…, 26400 Crest\") or the latitude and longitude."};
        return;
    }
    const gaz_commune *c;
    switch (gazetteer_locate(a, address, &c)) {
    case GAZ_FOUND:
        *lat_e7 = c->lat_e7;
        *lon_e7 = c->lon_e7;
        *found = true;
        return;
    case GAZ_AMBIGUOUS:
        d[(*n)++] = (refusal_detail){
            "position_unknown", field_lat,
            "Plusieurs communes portent ce nom : ajoutez le code postal à l’adresse (« …, 26400 "
            "Crest »), ou tapez la latitude et la longitude.",
            "Several communes have this name: add the postcode to the address (\"…, 26400 "
            "Crest\"), or type the latitude and longitude."};
        return;
    case GAZ_NO_TOWN:
        d[(*n)++] = (refusal_detail){
            "position_unknown", field_lat,
            "L’adresse doit finir par le code postal et la commune (« …, 26400 Crest »), sinon "
            "tapez la latitude et la longitude.",
            "The address must end with the postcode and the commune (\"…, 26400 Crest\"), or "
            "type the latitude and longitude."};
        return;
    default:
        d[(*n)++] = (refusal_detail){
            "position_unknown", field_lat,
            "Cette commune n’est pas dans le répertoire de km0 (communes de plus de 1 000 "
            "habitants) : tapez la latitude et la longitude.",
            "This commune is not in km0's gazetteer (communes of more than 1,000 inhabitants): "
            "type the latitude and longitude."};
        return;
    }
}
