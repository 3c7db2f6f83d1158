/*
 * core/address.h — a French postal address written on one line, split in parts.
 *
 * Hubs and producers keep their address as one text ("10 Chemin des Chênes,
 * 26400 Eurre"), which is what people type and what documents print. Structured
 * exports (EN 16931 invoices: street line, postcode, city as separate fields)
 * need the parts; address_split recovers them from the French shape
 * "<street>, <5-digit postcode> <city>", with or without the comma.
 */
#ifndef KM0_ADDRESS_H
#define KM0_ADDRESS_H

#include "arena.h"

#include <stdbool.h>

typedef struct address_parts {
    const char *line;     /* street part, or the whole text when no postcode was found */
    const char *postcode; /* 5 digits, "" when not found */
    const char *city;     /* "" when not found */
} address_parts;

/* Split text into street, postcode and city; the parts are allocated in a.
 * Returns true when a postcode followed by a city was found. The last
 * "<5 digits> <word>" group wins, so "BP 12, 26400 Crest" and a street number
 * are not taken for a postcode. Leading and trailing spaces and commas around
 * each part are dropped. */
bool address_split(arena *a, const char *text, address_parts *out);

#endif
