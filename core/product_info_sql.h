/*
 * core/product_info_sql.h — the product information columns, as SQL fragments the
 * statements of several aggregates share (offers freezing them in core/cycle.c, the
 * shop and product pages reading them in core/shop.c, the producer's flags).
 */
#ifndef KM0_PRODUCT_INFO_SQL_H
#define KM0_PRODUCT_INFO_SQL_H

/* The columns an offer copies from its product when its cycle opens. */
#define PRODUCT_INFO_FROZEN                                                                        \
    "kind, ingredients, allergens, allergen_traces, net_quantity_milli, net_unit,"                 \
    " origin_country, origin_region, labels, certifier, alcohol_bp, storage"
#define PRODUCT_INFO_FROZEN_FROM_P                                                                 \
    "p.kind, p.ingredients, p.allergens, p.allergen_traces, p.net_quantity_milli, p.net_unit,"     \
    " p.origin_country, p.origin_region, p.labels, p.certifier, p.alcohol_bp, p.storage"
/* What product p (or offer o) lacks of what the law requires (schema/013). */
#define PRODUCT_INFO_MISSING_OF(t)                                                                 \
    "product_info_missing(" t ".kind, " t ".ingredients, " t ".allergens, " t                      \
    ".net_quantity_milli, " t ".origin_country, " t ".alcohol_bp, " t ".labels, " t ".certifier)"
#define PRODUCT_INFO_MISSING_OF_P PRODUCT_INFO_MISSING_OF("p")

#endif
