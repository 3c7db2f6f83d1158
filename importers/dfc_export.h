/*
 * importers/dfc_export.h — a producer's catalog as Data Food Consortium JSON-LD.
 *
 * What GET /api/v1/producers/{slug}/catalog?format=dfc answers: the DFC 1.16
 * shape other platforms (Open Food Network, Cagette, the DFC prototype) read,
 * an Enterprise that supplies SuppliedProducts and manages CatalogItems, each
 * offered through an Offer with a Price. What DFC has no term for (category,
 * order step, exact sale unit, weight, price as stated including VAT) travels
 * under a "km0:" prefix, so that imp_parse reads the export back to the very
 * same products.
 */
#ifndef KM0_IMP_DFC_EXPORT_H
#define KM0_IMP_DFC_EXPORT_H

#include "catalog.h"

#include <stddef.h>

/* JSON-LD text, malloc'd (the caller frees it). base_url is the public root of
 * the hub ("https://hub.example", a trailing '/' is ignored); identifiers are
 * base_url/producers/{slug}/{supplied_products|catalog_items|offers}/{sku}. */
char *imp_dfc_export(const char *base_url, const char *producer_slug, const char *producer_name,
                     const imp_product *products, size_t n);

#endif
