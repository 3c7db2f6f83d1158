/*
 * core/reform.c — the 2026 reform's mentions as invoice notes (core/reform.h).
 */
#include "reform.h"
#include "invoice_build.h"
#include "util.h"

#include <string.h>

static void append(arena *a, invoice *inv, const char *const *add, size_t n)
{
    const char **notes = arena_alloc(a, (inv->nnotes + n) * sizeof *notes);
    if (inv->nnotes)
        memcpy(notes, inv->notes, inv->nnotes * sizeof *notes);
    for (size_t i = 0; i < n; i++)
        notes[inv->nnotes + i] = add[i];
    inv->notes = notes;
    inv->nnotes += n;
}

void reform_commission_notes(arena *a, invoice *inv, const char *from, const char *to)
{
    const char *add[] = {
        REFORM_NATURE_SERVICES, REFORM_VAT_ON_DEBITS,
        arena_printf(a,
                     "Commission retenue sur le reversement de vos ventes du %s au %s "
                     "encaissées pour votre compte.",
                     invoice_date_fr(a, from), invoice_date_fr(a, to))};
    append(a, inv, add, 3);
}

void reform_sale_notes(arena *a, invoice *inv, const char *mandate_hub, const char *signed_on)
{
    reform_sale_notes_nature(a, inv, 'B', mandate_hub, signed_on);
}

void reform_sale_notes_nature(arena *a, invoice *inv, char nature, const char *mandate_hub,
                              const char *signed_on)
{
    const char *add[2] = {nature == 'S'   ? REFORM_NATURE_SERVICES
                          : nature == 'M' ? REFORM_NATURE_BOTH
                                          : REFORM_NATURE_GOODS,
                          NULL};
    size_t n = 1;
    if (mandate_hub && signed_on && *signed_on)
        add[n++] = arena_printf(a,
                                "Facture établie par %s au nom et pour le compte de %s, en "
                                "vertu d'un mandat de facturation du %s.",
                                mandate_hub, inv->seller.name ? inv->seller.name : "",
                                invoice_date_fr(a, signed_on));
    append(a, inv, add, n);
}

static bool has_note(const invoice *inv, const char *text)
{
    for (size_t i = 0; i < inv->nnotes; i++)
        if (inv->notes[i] && str_eq(inv->notes[i], text))
            return true;
    return false;
}

char reform_nature(const invoice *inv)
{
    if (has_note(inv, REFORM_NATURE_BOTH))
        return 'M';
    if (has_note(inv, REFORM_NATURE_SERVICES))
        return 'S';
    if (has_note(inv, REFORM_NATURE_GOODS))
        return 'B';
    return 0;
}

const char *reform_business_process(const invoice *inv)
{
    switch (reform_nature(inv)) {
    case 'B':
        return "B1";
    case 'S':
        return "S1";
    case 'M':
        return "M1";
    default:
        return NULL;
    }
}

bool reform_vat_on_debits(const invoice *inv)
{
    return has_note(inv, REFORM_VAT_ON_DEBITS);
}
