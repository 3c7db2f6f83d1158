/*
 * core/product_info.c — allergens, labels and kinds of product as producers write
 * them, and as pages show them.
 *
 * Words are compared folded (core/unit.h: no case, accents, spaces or punctuation)
 * and with one plural s or x dropped, so "Œufs", "oeuf" and "OEUF" are the same
 * allergen, "fruits à coque" and "Fruit a coque" too. A word km0 does not know is
 * refused rather than guessed: an allergen silently dropped is a danger.
 */
#include "product_info.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 24

typedef struct {
    pi_allergen a;
    const char *words[MAX_WORDS]; /* folded */
} allergen_entry;

/* The annex II list, in the order of schema/013's allergen_codes() (bit = index). */
static const allergen_entry allergens[PI_NALLERGENS] = {
    {{"gluten", "gluten", "gluten", "CerealsWithGluten"},
     {"gluten", "cerealescontenantdugluten", "cerealsContainingGluten", "cerealscontaininggluten",
      "cerealeswithgluten", "cerealswithgluten", "ble", "froment", "seigle", "orge", "avoine",
      "epeautre", "kamut", "wheat", "rye", "barley", "oat", "spelt", "cereale"}},
    {{"crustaceans", "crustacés", "crustaceans", "Crustaceans"},
     {"crustace", "crustacean", "crevette", "crabe", "homard", "langoustine", "ecrevisse", "shrimp",
      "prawn", "crab", "lobster"}},
    {{"eggs", "œufs", "eggs", "Eggs"}, {"oeuf", "egg", "oeufdepoule", "henegg"}},
    {{"fish", "poissons", "fish", "Fishs"}, {"poisson", "fish", "fishs", "anchoi", "anchovy"}},
    {{"peanuts", "arachides", "peanuts", "Peanuts"},
     {"arachide", "cacahuete", "cacahouete", "peanut", "groundnut"}},
    {{"soybeans", "soja", "soybeans", "Soy"}, {"soja", "soy", "soya", "soybean"}},
    {{"milk", "lait", "milk", "LactoseMilks"},
     {"lait", "lactose", "milk", "lactosemilk", "laitier", "produitlaitier", "dairy", "laitdevache",
      "laitdechevre", "laitdebrebi", "cowmilk", "goatmilk"}},
    {{"nuts", "fruits à coque", "nuts", "Nuts"},
     {"fruitacoque", "fruitsacoque", "nut",          "treenut",   "noix",
      "noisette",    "amande",       "pistache",     "cajou",     "noixdecajou",
      "pecan",       "noixdepecan",  "noixdubresil", "macadamia", "almond",
      "hazelnut",    "walnut",       "cashew",       "pistachio", "brazilnut"}},
    {{"celery", "céleri", "celery", "Celeriac"}, {"celeri", "celery", "celeriac", "celerirave"}},
    {{"mustard", "moutarde", "mustard", "Mustard"}, {"moutarde", "mustard"}},
    {{"sesame", "sésame", "sesame", "SesameSeeds"},
     {"sesame", "grainesdesesame", "grainedesesame", "sesameseed"}},
    {{"sulphites", "sulfites", "sulphites", "Sulphites"},
     {"sulfite", "sulphite", "anhydridesulfureux", "anhydridesulfureuxetsulfite", "sulphurdioxide",
      "sulfurdioxide", "so2", "sulphurdioxideandsulphite"}},
    {{"lupin", "lupin", "lupin", "Lupine"}, {"lupin", "lupine"}},
    {{"molluscs", "mollusques", "molluscs", "Molluscs"},
     {"mollusque", "mollusc", "mollusk", "moule", "huitre", "calamar", "seiche", "poulpe",
      "escargot", "mussel", "oyster", "squid"}},
};

typedef struct {
    pi_label l;
    const char *words[MAX_WORDS];
} label_entry;

static const label_entry labels[PI_NLABELS] = {
    {{"organic", "agriculture biologique", "organic farming", "Organic-EU"},
     {"organic", "ab", "bio", "biologique", "agriculturebiologique", "organicfarming",
      "eurofeuille", "organicab", "organiceu", "euorganic", "euorganicfarming", "labelbio", "abbio",
      "organiclabel", "agriculturebiologiqueeu"}},
    {{"aop", "AOP", "PDO", "AOP_EU"},
     {"aop", "pdo", "appellationdoriginprotegee", "protecteddesignationoforigin", "aopeu"}},
    {{"aoc", "AOC", "AOC", "AOC_FR"},
     {"aoc", "appellationdoriginecontrolee", "appellationdoriginecontrole", "aocfr"}},
    {{"igp", "IGP", "PGI", "IGP_EU"},
     {"igp", "pgi", "indicationgeographiqueprotegee", "protectedgeographicalindication", "igpeu",
      "indicationgeographiquedeprovenance"}},
    {{"stg", "STG", "TSG", NULL},
     {"stg", "tsg", "specialitetraditionnellegarantie", "traditionalspecialityguaranteed"}},
    {{"label_rouge", "Label Rouge", "Label Rouge", NULL}, {"labelrouge", "lr", "labelrougefr"}},
    {{"hve", "Haute Valeur Environnementale", "High Environmental Value", NULL},
     {"hve", "hautevaleurenvironnementale", "highenvironmentalvalue", "highenvironnementalvalue",
      "hvefr", "hve3"}},
};

static const struct {
    pi_kind k;
    const char *words[MAX_WORDS];
} kinds[] = {
    {{"fresh", "produit frais", "fresh produce"},
     {"fresh", "frais", "produitfrais", "freshproduce", "brut", "produitbrut", "nontransforme"}},
    {{"prepacked", "préemballé", "pre-packed"},
     {"prepacked", "preemballe", "preemballee", "prepackaged", "emballe", "emballee", "conditionne",
      "conditionnee", "denreepreemballee"}},
    {{"loose", "non préemballé (vrac, à la coupe)", "not pre-packed (loose)"},
     {"loose", "vrac", "envrac", "nonpreemballe", "nonpreemballee", "alacoupe", "notprepacked",
      "unpackaged", "nonemballe"}},
    {{"alcohol", "boisson alcoolisée", "alcoholic drink"},
     {"alcohol", "alcool", "alcoolise", "alcoolisee", "boissonalcoolisee", "alcoholicdrink",
      "alcoholic", "alcoholicbeverage"}},
    {{"nonfood", "non alimentaire", "non-food"},
     {"nonfood", "nonalimentaire", "pasalimentaire", "notfood"}},
};

const pi_allergen *pi_allergen_at(size_t i)
{
    return i < PI_NALLERGENS ? &allergens[i].a : NULL;
}

const pi_label *pi_label_at(size_t i)
{
    return i < PI_NLABELS ? &labels[i].l : NULL;
}

int pi_allergen_bit(const char *code)
{
    for (int i = 0; code && i < PI_NALLERGENS; i++)
        if (!strcmp(allergens[i].a.code, code))
            return i;
    return -1;
}

int pi_label_bit(const char *code)
{
    for (int i = 0; code && i < PI_NLABELS; i++)
        if (!strcmp(labels[i].l.code, code))
            return i;
    return -1;
}

const pi_kind *pi_kind_at(size_t i)
{
    return i < sizeof kinds / sizeof *kinds ? &kinds[i].k : NULL;
}

const pi_kind *pi_kind_by_code(const char *code)
{
    for (size_t i = 0; code && i < sizeof kinds / sizeof *kinds; i++)
        if (!strcmp(kinds[i].k.code, code))
            return &kinds[i].k;
    return NULL;
}

/* folded, without one trailing plural s or x ("oeufs" = "oeuf", "noix" stays "noix"
 * when compared with itself, since both sides lose the same letter) */
static void singular(char *w)
{
    size_t n = strlen(w);
    if (n > 3 && (w[n - 1] == 's' || w[n - 1] == 'x'))
        w[n - 1] = '\0';
}

static bool word_in(const char *key, const char *const *words)
{
    for (size_t i = 0; i < MAX_WORDS && words[i]; i++) {
        char w[64];
        unit_fold(words[i], w, sizeof w);
        singular(w);
        if (!strcmp(key, w))
            return true;
    }
    return false;
}

const pi_kind *pi_kind_find(const char *text)
{
    char key[64];
    unit_fold(text ? text : "", key, sizeof key);
    singular(key);
    for (size_t i = 0; key[0] && i < sizeof kinds / sizeof *kinds; i++)
        if (word_in(key, kinds[i].words))
            return &kinds[i].k;
    return NULL;
}

/* ---- lists of words ---------------------------------------------------------------- */

/* Length of a separator at s: , ; / + or " et " / " and " (case ignored). */
static size_t separator_at(const char *s)
{
    if (*s == ',' || *s == ';' || *s == '/' || *s == '+' || *s == '\n' || *s == '|')
        return 1;
    if (*s == ' ' && (s[1] == 'e' || s[1] == 'E') && (s[2] == 't' || s[2] == 'T') && s[3] == ' ')
        return 4;
    if (*s == ' ' && (s[1] == 'a' || s[1] == 'A') && (s[2] == 'n' || s[2] == 'N') &&
        (s[3] == 'd' || s[3] == 'D') && s[4] == ' ')
        return 5;
    return 0;
}

typedef bool (*word_fn)(void *arg, const char *raw, const char *key);

/* Call fn for each non-empty item of text, raw (trimmed copy) and folded singular. */
static bool each_item(arena *a, const char *text, word_fn fn, void *arg)
{
    const char *s = text ? text : "";
    while (*s) {
        const char *start = s;
        size_t sep = 0;
        while (*s && !(sep = separator_at(s)))
            s++;
        char *raw = arena_strndup(a, start, (size_t)(s - start));
        char *e = raw + strlen(raw);
        while (*raw == ' ' || *raw == '\t' || *raw == '.')
            raw++;
        while (e > raw && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '.' || e[-1] == '\r'))
            *--e = '\0';
        char key[128];
        unit_fold(raw, key, sizeof key);
        singular(key);
        if (key[0] && !fn(arg, raw, key))
            return false;
        s += sep;
    }
    return true;
}

typedef struct {
    uint32_t *contains, *traces;
    bool in_traces; /* after "peut contenir": the rest of the list is traces */
    const char **bad;
} allergen_walk;

static const char *const trace_prefixes[] = {
    "peutcontenirdestracesde",
    "peutcontenirdestracesd",
    "peutcontenirdestraces",
    "peutcontenirdes",
    "peutcontenirdu",
    "peutcontenirde",
    "peutcontenird",
    "peutcontenir",
    "maycontaintracesof",
    "maycontain",
    "tracesde",
    "tracesd",
    "tracesof",
    "trace",
};

static int allergen_of(const char *key)
{
    for (int i = 0; i < PI_NALLERGENS; i++) {
        char code[32];
        unit_fold(allergens[i].a.code, code, sizeof code);
        singular(code);
        if (!strcmp(key, code) || word_in(key, allergens[i].words))
            return i;
    }
    return -1;
}

static bool allergen_item(void *arg, const char *raw, const char *key)
{
    allergen_walk *w = arg;
    for (size_t i = 0; i < sizeof trace_prefixes / sizeof *trace_prefixes; i++) {
        size_t n = strlen(trace_prefixes[i]);
        if (!strncmp(key, trace_prefixes[i], n) && key[n]) {
            w->in_traces = true;
            key += n;
            break;
        }
    }
    int bit = allergen_of(key);
    if (bit < 0) { /* "lait de vache", "œufs frais": the first word names it */
        char first[64];
        size_t k = strcspn(raw, " '’-");
        snprintf(first, sizeof first, "%.*s", (int)k, raw);
        char fk[64];
        unit_fold(first, fk, sizeof fk);
        singular(fk);
        if (k < strlen(raw) && strlen(fk) >= 3)
            bit = allergen_of(fk);
    }
    if (bit < 0) {
        *w->bad = raw;
        return false;
    }
    *(w->in_traces ? w->traces : w->contains) |= 1u << bit;
    return true;
}

bool pi_allergens_parse(arena *a, const char *text, uint32_t *contains, uint32_t *traces,
                        const char **bad)
{
    static const char *const none[] = {
        "aucun", "aucune",    "none",          "neant",   "sans", "sansallergene", "noallergen",
        "nil",   "sansobjet", "pasdallergene", "nothing", "rien", "aucunallergene"};
    *contains = *traces = 0;
    *bad = NULL;
    char key[64];
    unit_fold(text ? text : "", key, sizeof key);
    singular(key);
    for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
        char w[32];
        unit_fold(none[i], w, sizeof w);
        singular(w);
        if (!strcmp(key, w))
            return true;
    }
    allergen_walk w = {contains, traces, false, bad};
    return each_item(a, text, allergen_item, &w);
}

typedef struct {
    uint32_t *mask;
    const char **bad;
} label_walk;

static bool label_item(void *arg, const char *raw, const char *key)
{
    label_walk *w = arg;
    for (int i = 0; i < PI_NLABELS; i++) {
        char code[32];
        unit_fold(labels[i].l.code, code, sizeof code);
        if (!strcmp(key, code) || word_in(key, labels[i].words)) {
            *w->mask |= 1u << i;
            return true;
        }
    }
    *w->bad = raw;
    return false;
}

bool pi_labels_parse(arena *a, const char *text, uint32_t *mask, const char **bad)
{
    *mask = 0;
    *bad = NULL;
    label_walk w = {mask, bad};
    return each_item(a, text, label_item, &w);
}

/* ---- numbers with a unit ------------------------------------------------------------ */

/* The leading number of s ("0,75", "1 000,5") into thousandths... of scale; *rest
 * after it. false when there is none. */
static bool leading_number(const char *s, int scale, int64_t *v, const char **rest)
{
    char num[40];
    size_t n = 0;
    while (*s == ' ')
        s++;
    while (*s && n + 1 < sizeof num) {
        if (*s >= '0' && *s <= '9')
            num[n++] = *s;
        else if (*s == ',' || *s == '.')
            num[n++] = '.';
        else if (*s == ' ' && s[1] >= '0' && s[1] <= '9' && n > 0)
            ; /* "1 000" */
        else
            break;
        s++;
    }
    num[n] = '\0';
    *rest = s;
    return n > 0 && dec_parse(num, scale, v) == DEC_OK;
}

bool pi_net_quantity_parse(const char *text, int64_t *milli, const char **unit)
{
    const char *rest;
    int64_t v;
    if (!text || !leading_number(text, 3, &v, &rest) || v <= 0 || v > 1000000000)
        return false;
    const unit_def *u = unit_find(rest);
    if (!u || !unit_is_measure(u))
        return false;
    *milli = v;
    *unit = u->code;
    return true;
}

bool pi_alcohol_parse(const char *text, int *bp)
{
    const char *rest;
    int64_t v;
    if (!text || !leading_number(text, 2, &v, &rest) || v < 0 || v > 10000)
        return false;
    char key[32];
    unit_fold(rest, key, sizeof key);
    /* what may follow the number: "%", "% vol", "°", "vol", "abv" (folding drops % and °) */
    if (key[0] && strcmp(key, "vol") && strcmp(key, "abv") && strcmp(key, "alc") &&
        strcmp(key, "alcvol") && strcmp(key, "volalc") && strcmp(key, "degre") &&
        strcmp(key, "degres"))
        return false;
    *bp = (int)v;
    return true;
}

bool pi_certifier_parse(const char *text, char out[16])
{
    char t[16];
    size_t n = 0;
    for (const unsigned char *s = (const unsigned char *)(text ? text : ""); *s; s++) {
        if (n + 3 >= sizeof t)
            return false;
        if (*s == ' ' || *s == '_' || *s == '-') {
            if (n && t[n - 1] != '-')
                t[n++] = '-';
        } else if (*s >= 'a' && *s <= 'z') {
            t[n++] = (char)(*s - 'a' + 'A');
        } else if ((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')) {
            t[n++] = (char)*s;
        } else if (*s == 0xC3 && (s[1] == 0xB6 || s[1] == 0x96)) { /* ö, Ö: DE-ÖKO-001 */
            t[n++] = (char)0xC3;
            t[n++] = (char)0x96;
            s++;
        } else {
            return false;
        }
    }
    while (n && t[n - 1] == '-')
        n--;
    t[n] = '\0';
    /* two letters, a dash, two to four letters, a dash, two or three digits */
    const char *p = t;
    if (!(p[0] >= 'A' && p[0] <= 'Z' && p[1] >= 'A' && p[1] <= 'Z' && p[2] == '-'))
        return false;
    p += 3;
    int letters = 0;
    while ((*p >= 'A' && *p <= 'Z') || (unsigned char)*p == 0xC3) {
        p += (unsigned char)*p == 0xC3 ? 2 : 1;
        letters++;
    }
    if (letters < 2 || letters > 4 || *p != '-')
        return false;
    size_t digits = strspn(++p, "0123456789");
    if (digits < 2 || digits > 3 || p[digits])
        return false;
    memcpy(out, t, n + 1);
    return true;
}

/* ---- database text ------------------------------------------------------------------ */

static void mask_put(buf *b, uint32_t mask, bool allergen)
{
    buf_putc(b, '{');
    int n = allergen ? PI_NALLERGENS : PI_NLABELS;
    bool first = true;
    for (int i = 0; i < n; i++)
        if (mask & (1u << i)) {
            if (!first)
                buf_putc(b, ',');
            buf_puts(b, allergen ? allergens[i].a.code : labels[i].l.code);
            first = false;
        }
    buf_putc(b, '}');
}

void pi_allergens_put(buf *b, uint32_t mask)
{
    mask_put(b, mask, true);
}

void pi_labels_put(buf *b, uint32_t mask)
{
    mask_put(b, mask, false);
}

static const char *mask_array(arena *a, uint32_t mask, bool allergen)
{
    buf b = BUF_INIT;
    mask_put(&b, mask, allergen);
    const char *s = arena_strdup(a, buf_str(&b));
    buf_free(&b);
    return s;
}

const char *pi_allergens_array(arena *a, uint32_t mask)
{
    return mask_array(a, mask, true);
}

const char *pi_labels_array(arena *a, uint32_t mask)
{
    return mask_array(a, mask, false);
}

static uint32_t array_mask(const char *lit, bool allergen)
{
    uint32_t mask = 0;
    const char *s = lit ? lit : "";
    while (*s) {
        while (*s == '{' || *s == ',' || *s == '}' || *s == '"')
            s++;
        size_t n = strcspn(s, ",}\"");
        if (!n)
            break;
        char code[32];
        snprintf(code, sizeof code, "%.*s", (int)n, s);
        int bit = allergen ? pi_allergen_bit(code) : pi_label_bit(code);
        if (bit >= 0)
            mask |= 1u << bit;
        s += n;
    }
    return mask;
}

uint32_t pi_allergens_from_array(const char *literal)
{
    return array_mask(literal, true);
}

uint32_t pi_labels_from_array(const char *literal)
{
    return array_mask(literal, false);
}

/* ---- showing ------------------------------------------------------------------------ */

void pi_allergen_names(buf *b, uint32_t mask, bool fr)
{
    bool first = true;
    for (int i = 0; i < PI_NALLERGENS; i++)
        if (mask & (1u << i)) {
            if (!first)
                buf_puts(b, ", ");
            buf_puts(b, fr ? allergens[i].a.fr : allergens[i].a.en);
            first = false;
        }
}

/* Letters for emphasis: ASCII, and UTF-8 sequences (accented letters). */
static bool is_letter(const unsigned char *s)
{
    return (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s >= 0xC0;
}

static size_t letter_len(const unsigned char *s)
{
    if (*s < 0x80)
        return 1;
    size_t n = 1;
    while ((s[n] & 0xC0) == 0x80)
        n++;
    return n;
}

/* 1 capital, 0 small, -1 neither (Latin-1 and œ/Œ are told apart; others count as neither) */
static int letter_case(const unsigned char *s)
{
    if (*s >= 'A' && *s <= 'Z')
        return 1;
    if (*s >= 'a' && *s <= 'z')
        return 0;
    if (*s == 0xC3)
        return s[1] >= 0x80 && s[1] <= 0x9E && s[1] != 0x97 ? 1 : 0;
    if (*s == 0xC5 && (s[1] == 0x92 || s[1] == 0x93))
        return s[1] == 0x92;
    return -1;
}

static void html_span(buf *b, const char *s, size_t n)
{
    char *t = strndup(s, n);
    if (t) {
        buf_html(b, t);
        free(t);
    }
}

void pi_ingredients_html(buf *b, const char *text)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    const unsigned char *plain = s;
    while (*s) {
        /* _word_ (or _a few words_): from an underscore at a word's start to the next */
        if (*s == '_' && (s == (const unsigned char *)text || !is_letter(s - 1)) &&
            is_letter(s + 1)) {
            const unsigned char *end = (const unsigned char *)strchr((const char *)s + 1, '_');
            if (end && end - s <= 80 && !memchr(s + 1, '\n', (size_t)(end - s - 1)) &&
                !is_letter(end + 1)) {
                html_span(b, (const char *)plain, (size_t)(s - plain));
                buf_puts(b, "<strong>");
                html_span(b, (const char *)s + 1, (size_t)(end - s - 1));
                buf_puts(b, "</strong>");
                s = plain = end + 1;
                continue;
            }
        }
        if (is_letter(s) && (s == (const unsigned char *)text || !is_letter(s - 1))) {
            const unsigned char *w = s;
            int capitals = 0, smalls = 0;
            while (*w && is_letter(w)) {
                int c = letter_case(w);
                capitals += c == 1;
                smalls += c == 0;
                w += letter_len(w);
            }
            if (capitals >= 2 && !smalls) {
                html_span(b, (const char *)plain, (size_t)(s - plain));
                buf_puts(b, "<strong>");
                html_span(b, (const char *)s, (size_t)(w - s));
                buf_puts(b, "</strong>");
                plain = w;
            }
            s = w;
            continue;
        }
        s++;
    }
    html_span(b, (const char *)plain, (size_t)(s - plain));
}

bool pi_unit_price(cents_t price_incl, const char *sale_unit, int64_t net_milli,
                   const char *net_unit, cents_t *out, const char **per)
{
    const unit_def *u = unit_by_code(sale_unit);
    if (!u || price_incl <= 0)
        return false;
    const unit_def *measure = u;
    int64_t amount = 1000; /* the sale unit itself: 1 g, 1 cl... in thousandths */
    if (u->kind == UNIT_COUNT) {
        measure = net_unit ? unit_by_code(net_unit) : NULL;
        if (!measure || measure->kind == UNIT_COUNT || net_milli <= 0)
            return false;
        amount = net_milli;
    } else if (u->amount == 1000) {
        return false; /* per kg or per litre already */
    }
    /* the base unit (kg, l) in thousandths of the measure's own unit, times 1000 */
    int64_t base = 1000000 / measure->amount; /* g: 1000000 (milli-g in a kg), cl: 100000 */
    if (base <= 0 || price_incl > INT64_MAX / base)
        return false;
    int64_t num = price_incl * base;
    *out = (num + amount / 2) / amount;
    *per = measure->kind == UNIT_WEIGHT ? "kg" : "L";
    return true;
}
