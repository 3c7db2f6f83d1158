/*
 * core/invoice_build.c — completing an invoice from its parties and lines.
 *
 * The legal mentions are notes of their own (one per mention) because the CII
 * export gives each its UNTDID 4451 subject from its words
 * (rpt_cii_note_subject): late-payment penalties (PMD), the 40 EUR recovery
 * indemnity owed by business buyers (PMT), the absence of early-payment
 * discount (AAB), the VAT franchise (REG), the hub as intermediary (AAI).
 */
#include "invoice_build.h"
#include "buf.h"
#include "money.h"
#include "reform.h"
#include "unit.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define NOTE_PENALTIES                                                                               \
    "Pénalités de retard : trois fois le taux d'intérêt légal, exigibles dès le lendemain de " \
    "la date d'échéance."
/* a no-break space keeps "40 €" on one line wherever the text wraps */
#define NOTE_INDEMNITY                                                                             \
    "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40\u00a0€."
#define NOTE_DISCOUNT "Pas d'escompte pour paiement anticipé."

char *invoice_date_fr(arena *a, const char *iso)
{
    if (!iso || strlen(iso) < 10)
        return arena_strdup(a, iso ? iso : "");
    return arena_printf(a, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
}

char *invoice_producer_prefix(arena *a, const char *slug, int64_t id)
{
    char initials[5];
    size_t n = 0;
    for (const char *p = slug; *p && n < 4; p++)
        if ((p == slug || p[-1] == '-') && isalpha((unsigned char)*p))
            initials[n++] = (char)toupper((unsigned char)*p);
    if (n == 0)
        initials[n++] = 'P';
    initials[n] = '\0';
    return arena_printf(a, "%s%lld", initials, (long long)id);
}

char *invoice_number(arena *a, const char *prefix, int year, int seq)
{
    if (prefix && *prefix)
        return arena_printf(a, "%s-%04d-%06d", prefix, year, seq);
    return arena_printf(a, "%04d-%06d", year, seq);
}

static char category_of(const invoice *inv, vat_bp_t rate)
{
    if (inv->seller.franchise)
        return 'E'; /* a 5.5 % line here is a bug rpt_cii_check reports (CGI-293B, BR-E-05) */
    return rate == 0 ? 'Z' : 'S';
}

/* One breakdown entry per category and rate, its VAT rounded once on the sum. */
static void breakdown(arena *a, invoice *inv)
{
    inv->vat = arena_alloc(a, (inv->nlines ? inv->nlines : 1) * sizeof *inv->vat);
    inv->nvat = 0;
    for (size_t i = 0; i < inv->nlines; i++) {
        const inv_line *l = &inv->lines[i];
        size_t j = 0;
        while (j < inv->nvat &&
               !(inv->vat[j].category == l->vat_category && inv->vat[j].rate == l->vat_rate))
            j++;
        if (j == inv->nvat) {
            bool e = l->vat_category == 'E';
            inv->vat[inv->nvat++] = (inv_vat){.category = l->vat_category,
                                              .rate = l->vat_rate,
                                              .exemption_code = e ? INV_FRANCHISE_CODE : "",
                                              .exemption_text = e ? INV_FRANCHISE_TEXT : ""};
        }
        inv->vat[j].base += l->net;
    }
    /* ascending rate, as the consumer's totals list them */
    for (size_t i = 1; i < inv->nvat; i++)
        for (size_t j = i; j > 0 && inv->vat[j].rate < inv->vat[j - 1].rate; j--) {
            inv_vat tmp = inv->vat[j];
            inv->vat[j] = inv->vat[j - 1];
            inv->vat[j - 1] = tmp;
        }
    inv->total_excl = inv->total_vat = 0;
    for (size_t j = 0; j < inv->nvat; j++) {
        inv->vat[j].vat = money_vat(inv->vat[j].base, inv->vat[j].rate);
        inv->total_excl += inv->vat[j].base;
        inv->total_vat += inv->vat[j].vat;
    }
    inv->total_incl = inv->total_excl + inv->total_vat;
}

static const char *intermediary_note(arena *a, const inv_party *h)
{
    buf b = BUF_INIT;
    buf_printf(&b, "Vendu par l'intermédiaire de %s", h->name ? h->name : "");
    if (h->siret && *h->siret)
        buf_printf(&b, " (SIRET %s)", h->siret);
    if (h->address.line1 && *h->address.line1)
        buf_printf(&b, ", %s", h->address.line1);
    buf_putc(&b, '.');
    char *s = arena_strdup(a, buf_str(&b));
    buf_free(&b);
    return s;
}

/* The mentions every document of this seller and buyer carries whatever its
 * type: the franchise (art. 293 B) and the hub as intermediary. */
static void party_notes(arena *a, const invoice *inv, const char **notes, size_t *n)
{
    if (inv->seller.franchise)
        notes[(*n)++] = INV_FRANCHISE_TEXT;
    if (inv->has_intermediary)
        notes[(*n)++] = intermediary_note(a, &inv->intermediary);
}

void invoice_complete(arena *a, invoice *inv, const inv_terms *t)
{
    inv->number = t->number;
    inv->type_code = 380;
    inv->issue_date = t->issue_date;
    inv->due_date = t->due_date;
    inv->currency = "EUR";
    if (!inv->corrects_number)
        inv->corrects_number = "";
    if (!inv->corrects_date)
        inv->corrects_date = "";
    for (size_t i = 0; i < inv->nlines; i++) {
        inv_line *l = &inv->lines[i];
        const unit_def *u = unit_by_code(l->unit);
        l->line_no = (int)i + 1;
        l->unece = u ? u->unece : ""; /* BR-23 reports an unknown unit */
        l->vat_category = category_of(inv, l->vat_rate);
    }
    breakdown(a, inv);
    inv->payment_terms = t->payment_days > 0
                             ? arena_printf(a, "Paiement à %d jours, au plus tard le %s.",
                                            t->payment_days, invoice_date_fr(a, t->due_date))
                             : "Paiement à réception de la facture.";
    const char **notes = arena_alloc(a, 6 * sizeof *notes);
    size_t n = 0;
    notes[n++] = NOTE_PENALTIES;
    if (inv->buyer.business)
        notes[n++] = NOTE_INDEMNITY;
    notes[n++] = NOTE_DISCOUNT;
    party_notes(a, inv, notes, &n);
    inv->notes = notes;
    inv->nnotes = n;
}

void invoice_credit_note_lines(arena *a, const invoice *orig, const inv_line *lines, size_t n,
                               const inv_terms *t, const char *reason, bool full, invoice *out)
{
    *out = *orig;
    out->number = t->number;
    out->type_code = 381;
    out->issue_date = t->issue_date;
    out->due_date = t->issue_date;
    out->corrects_number = orig->number;
    out->corrects_date = orig->issue_date;
    out->payment_terms = "Avoir : montant remboursé ou déduit du prochain règlement.";
    out->lines = arena_alloc(a, (n ? n : 1) * sizeof *out->lines);
    memcpy(out->lines, lines, n * sizeof *out->lines);
    out->nlines = n;
    buf which = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        out->lines[i].line_no = (int)i + 1; /* the credit note's own numbering */
        buf_printf(&which, "%s%d", i ? ", " : "", lines[i].credits_line_no);
    }
    breakdown(a, out);
    const char **notes = arena_alloc(a, 4 * sizeof *notes);
    size_t k = 0;
    if (full)
        notes[k++] = arena_printf(a, "Avoir annulant la facture %s du %s.", orig->number,
                                  invoice_date_fr(a, orig->issue_date));
    else
        notes[k++] =
            arena_printf(a, "Avoir partiel sur la facture %s du %s : ligne%s %s.", orig->number,
                         invoice_date_fr(a, orig->issue_date), n > 1 ? "s" : "", buf_str(&which));
    buf_free(&which);
    if (reason && *reason)
        notes[k++] = arena_printf(a, "Motif : %s", reason);
    party_notes(a, out, notes, &k);
    out->notes = notes;
    out->nnotes = k;
    /* 2026 reform: a credit note corrects the same operation, so it says the same
     * nature (its BT-23); an invoice older than the notes says none, nor does this */
    char nature = reform_nature(orig);
    if (nature)
        reform_sale_notes_nature(a, out, nature, NULL, NULL);
}

void invoice_credit_note(arena *a, const invoice *orig, const inv_terms *t, const char *reason,
                         invoice *out)
{
    /* a full credit note gives every line back as it was invoiced */
    inv_line *lines = arena_alloc(a, (orig->nlines ? orig->nlines : 1) * sizeof *lines);
    for (size_t i = 0; i < orig->nlines; i++) {
        lines[i] = orig->lines[i];
        lines[i].credits_line_no = orig->lines[i].line_no;
    }
    invoice_credit_note_lines(a, orig, lines, orig->nlines, t, reason, true, out);
}
