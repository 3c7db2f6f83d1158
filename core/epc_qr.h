/*
 * core/epc_qr.h — the EPC QR code of a SEPA credit transfer (EPC069-12, "Quick Response
 * Code: guidelines to enable data capture for the initiation of a SEPA credit
 * transfer"), which a banking app scans to fill in a transfer.
 *
 * The payload is lines separated by LF: "BCD", version "002", character set "1"
 * (UTF-8), "SCT", the BIC (optional in version 002), the beneficiary's name (70
 * characters at most), the IBAN, the amount "EUR12.34" (0.01 to 999999999.99), a
 * purpose code (empty), then either a structured creditor reference (RF, 35 at most) or
 * an unstructured remittance (140 at most), never both; 331 bytes at most in all. The
 * symbol is drawn with libqrencode at error correction level M, as the guidelines say,
 * as SVG: inline in a page and inside the XSL-FO of an invoice (FOP renders SVG).
 */
#ifndef KM0_EPC_QR_H
#define KM0_EPC_QR_H

#include "arena.h"
#include "buf.h"
#include "money.h"

/* The payload, from the arena; NULL when a field cannot go in one (no IBAN, an amount
 * out of range, too long). name is cut to 70 characters (whole UTF-8 characters). */
const char *epc_payload(arena *a, const char *name, const char *iban, const char *bic,
                        cents_t amount, const char *rf_reference, const char *remittance);

/* The QR symbol of text as an SVG path: appends its "d" (one unit per module) to d and
 * sets *size to the symbol's side with a 4-module quiet zone; -1 when libqrencode
 * cannot encode it (nothing appended). */
int epc_qr_path(buf *d, const char *text, int *size);
/* The QR symbol of text as an SVG element (one path, 4-module quiet zone), module_mm
 * millimetres per module when mm is true (for print), else a viewBox to scale freely
 * with title as its accessible name. Appends nothing and returns -1 when libqrencode
 * cannot encode it. */
int epc_qr_svg(buf *b, const char *text, const char *title, double module_mm, int mm);
/* The QR symbol of text as a PNG image (1-bit greyscale, scale pixels per module, 4-module
 * quiet zone), for an e-mail, whose readers rarely show SVG: appends it to b, -1 when
 * libqrencode or zlib fails (nothing appended). */
int epc_qr_png(buf *b, const char *text, int scale);

#endif
