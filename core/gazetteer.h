/*
 * core/gazetteer.h — where a French commune is, offline: the position of a pickup
 * point, a van's depot or a hub from the address a coordinator types.
 *
 * The communes come from a file built by scripts/gazetteer.mjs out of two npm
 * packages (GeoNames' places of more than 1000 inhabitants, CC BY 4.0, joined with
 * INSEE's official geographic code and La Poste's postcodes, Licence Ouverte): about
 * 8 000 communes, a commune's centre to a few hundred metres. A smaller commune is not
 * in it; the desk then asks for the latitude and longitude. The file is read once per
 * process, on first use; without it every lookup finds nothing, and says so.
 */
#ifndef KM0_GAZETTEER_H
#define KM0_GAZETTEER_H

#include "arena.h"
#include "refusal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gaz_commune {
    const char *insee, *postcodes, *name, *dept;
    int64_t lat_e7, lon_e7; /* degrees × 10^7 */
} gaz_commune;

/* Read the gazetteer from path (lines as scripts/gazetteer.mjs writes them; a line
 * that is not one is skipped). Replaces what was loaded. Returns the communes read,
 * or -1 when the file cannot be read. */
long gazetteer_load(const char *path);
/* The communes loaded (loading the configured file, config "gazetteer", the first
 * time). 0 when there is no gazetteer. */
size_t gazetteer_size(void);

/* A commune's name as compared: lower case, accents dropped, dashes and apostrophes
 * as blanks, "st"/"ste" as "saint"/"sainte", blanks collapsed. Into out (n bytes). */
void gazetteer_key(const char *name, char *out, size_t n);

typedef enum {
    GAZ_FOUND = 0, /* exactly one commune */
    GAZ_NONE,      /* no commune of that name (and postcode) */
    GAZ_AMBIGUOUS, /* several: the postcode is needed */
    GAZ_NO_TOWN,   /* the address names no town ("…, 26400 Crest" expected) */
    GAZ_EMPTY      /* no gazetteer loaded */
} gaz_result;

/* The commune a French address ends with: "10 place du Marché, 26400 Crest" (the
 * postcode, when given, must be one of the commune's). */
gaz_result gazetteer_locate(arena *a, const char *address, const gaz_commune **out);
/* By name and optional postcode (NULL or ""). */
gaz_result gazetteer_find(const char *name, const char *postcode, const gaz_commune **out);

/* A place's position from a form: latitude and longitude when typed (both, each
 * checked), else the commune the address ends with. A problem is appended to d[*n]
 * naming field_lat ("lat", "depot_lat"): what to type when the commune is not in the
 * gazetteer. *found tells whether a position came out (false with no problem when
 * nothing was given and required is false). */
void gazetteer_position(arena *a, const char *address, const char *lat, const char *lon,
                        const char *field_lat, const char *field_lon, bool required,
                        int64_t *lat_e7, int64_t *lon_e7, bool *found, refusal_detail *d,
                        size_t *n);

#endif
