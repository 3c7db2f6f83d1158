/*
 * core/unit.c — the unit table and the forgiving lookup producers need.
 *
 * Lookup folds the text to lower-case ASCII letters and digits (accents
 * dropped, spaces and punctuation removed) and compares it with each unit's
 * spellings, folded the same way. The table is small, so a linear scan is
 * both fast enough and obviously correct.
 */
#include "unit.h"

#include <string.h>

#define MAX_SPELLINGS 12

typedef struct {
    unit_def def;
    /* Folded spellings (see unit_fold); the code and labels are tried too. */
    const char *spellings[MAX_SPELLINGS];
} unit_entry;

/* Codes from UN/ECE Rec. 20; "X" + a Rec. 21 package code where Rec. 20 has no unit
 * (EN 16931 accepts both lists). DFC measure names come from the DFC measures
 * taxonomy; units it lacks are exported as pieces. */
static const unit_entry units[] = {
    {{"kg", "kilogramme", "kilogram", "KGM", "Kilogram", UNIT_WEIGHT, 1000},
     {"kg", "kilo", "kilogramme", "kilogram", "kilogramm", "kgr", "kgm"}},
    {{"g", "gramme", "gram", "GRM", "Gram", UNIT_WEIGHT, 1}, {"g", "gr", "gramme", "gram", "grm"}},
    {{"l", "litre", "litre", "LTR", "Litre", UNIT_VOLUME, 1000},
     {"l", "litre", "liter", "lt", "ltr"}},
    {{"cl", "centilitre", "centilitre", "CLT", "Centilitre", UNIT_VOLUME, 10},
     {"cl", "centilitre", "centiliter"}},
    {{"ml", "millilitre", "millilitre", "MLT", "Millilitre", UNIT_VOLUME, 1},
     {"ml", "millilitre", "milliliter"}},
    {{"piece", "pièce", "piece", "H87", "Piece", UNIT_COUNT, 1},
     {"piece", "pc", "pce", "p", "u", "unite", "unit", "unitaire", "item", "each", "ea"}},
    {{"bunch", "botte", "bunch", "XBH", "Bunch", UNIT_COUNT, 1},
     {"botte", "bunch", "bunche", "bouquet"}},
    {{"box", "boîte", "box", "XBX", "Box", UNIT_COUNT, 1}, {"boite", "box", "boxe", "bte"}},
    {{"tray", "plateau", "tray", "XPU", NULL, UNIT_COUNT, 1}, {"plateau", "tray"}},
    {{"punnet", "barquette", "punnet", "XPJ", NULL, UNIT_COUNT, 1}, {"barquette", "punnet"}},
    {{"bottle", "bouteille", "bottle", "XBO", "Bottle", UNIT_COUNT, 1},
     {"bouteille", "bottle", "btl"}},
    {{"jar", "bocal", "jar", "XJR", NULL, UNIT_COUNT, 1}, {"bocal", "bocaux", "jar"}},
    {{"pot", "pot", "pot", "XPT", NULL, UNIT_COUNT, 1}, {"pot"}},
    {{"plant", "plant", "plant", "H87", NULL, UNIT_COUNT, 1}, {"plant", "plante"}},
    {{"dozen", "douzaine", "dozen", "DZN", "Dozen", UNIT_COUNT, 1},
     {"douzaine", "dozen", "dz", "dzn"}},
    {{"bag", "sac", "bag", "XBG", "Bag", UNIT_COUNT, 1}, {"sac", "sachet", "bag"}},
    {{"basket", "panier", "basket", "XBK", "Basket", UNIT_COUNT, 1}, {"panier", "basket"}},
    {{"pack", "lot", "pack", "XPK", "Bundle", UNIT_COUNT, 1},
     {"lot", "pack", "paquet", "packet", "bundle", "colis"}},
    {{"crate", "cagette", "crate", "XCR", NULL, UNIT_COUNT, 1},
     {"cagette", "cageot", "caisse", "crate"}},
    {{"can", "canette", "can", "XCX", "Can", UNIT_COUNT, 1}, {"canette", "can"}},
    {{"portion", "part", "portion", "H87", NULL, UNIT_COUNT, 1}, {"part", "portion"}},
};

/* Words producers put before a unit: "au kilo", "le kg", "par pièce", "l'unité". */
static const char *const leading_words[] = {"aux", "au",  "les", "le", "la", "l",
                                            "par", "per", "the", "a",  "an"};

/* Latin-1 Supplement letters U+00C0..U+00FF folded to ASCII ("" drops the character). */
static const char *const latin1_fold[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "",  "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "",  "y"};

static size_t put(char *out, size_t size, size_t o, const char *s)
{
    for (; *s; s++)
        if (o + 1 < size)
            out[o++] = *s;
    return o;
}

size_t unit_fold(const char *text, char *out, size_t size)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t o = 0;
    if (size == 0)
        return 0;
    while (*s) {
        unsigned c = *s;
        if (c < 0x80) {
            if (c >= 'A' && c <= 'Z')
                c += 'a' - 'A';
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
                o = put(out, size, o, (const char[]){(char)c, '\0'});
            s++;
            continue;
        }
        /* Two-byte sequences cover every accented letter French uses. */
        if ((c & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
            unsigned cp = ((c & 0x1F) << 6) | (s[1] & 0x3F);
            if (cp >= 0xC0 && cp <= 0xFF)
                o = put(out, size, o, latin1_fold[cp - 0xC0]);
            else if (cp == 0x152 || cp == 0x153)
                o = put(out, size, o, "oe");
            else if (cp == 0x178)
                o = put(out, size, o, "y");
            s += 2;
            continue;
        }
        /* Anything else (symbols, other scripts, broken bytes) carries no letter. */
        s++;
        while ((*s & 0xC0) == 0x80)
            s++;
    }
    out[o] = '\0';
    return o;
}

static const unit_def *match_folded(const char *key)
{
    if (!*key)
        return NULL;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        const unit_entry *e = &units[i];
        if (strcmp(key, e->def.code) == 0)
            return &e->def;
        for (size_t k = 0; k < MAX_SPELLINGS && e->spellings[k]; k++)
            if (strcmp(key, e->spellings[k]) == 0)
                return &e->def;
    }
    return NULL;
}

/* Exact spelling, then without a plural ending. */
static const unit_def *match_word(const char *key)
{
    const unit_def *u = match_folded(key);
    size_t n = strlen(key);
    if (!u && n > 1 && (key[n - 1] == 's' || key[n - 1] == 'x')) {
        char singular[64];
        memcpy(singular, key, n - 1);
        singular[n - 1] = '\0';
        u = match_folded(singular);
    }
    return u;
}

const unit_def *unit_find(const char *text)
{
    char key[64];
    if (!text || strlen(text) >= sizeof key * 2)
        return NULL; /* no unit is spelt that long */
    unit_fold(text, key, sizeof key);
    const unit_def *u = match_word(key);
    for (size_t i = 0; !u && i < sizeof leading_words / sizeof leading_words[0]; i++) {
        size_t n = strlen(leading_words[i]);
        if (strncmp(key, leading_words[i], n) == 0 && key[n])
            u = match_word(key + n);
    }
    return u;
}

const unit_def *unit_by_code(const char *code)
{
    for (size_t i = 0; code && i < sizeof units / sizeof units[0]; i++)
        if (strcmp(code, units[i].def.code) == 0)
            return &units[i].def;
    return NULL;
}

size_t unit_count(void)
{
    return sizeof units / sizeof units[0];
}

const unit_def *unit_at(size_t i)
{
    return i < unit_count() ? &units[i].def : NULL;
}

int64_t unit_weight_g(const unit_def *u)
{
    return u && u->kind == UNIT_WEIGHT ? u->amount : -1;
}

bool unit_is_measure(const unit_def *u)
{
    return u && u->kind != UNIT_COUNT;
}
