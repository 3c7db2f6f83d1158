/*
 * core/bags.h — a batched cycle's bag numbers, as one SQL common table expression.
 *
 * Every document (reports/report_db.c) and the weigh-in (core/delivery_weigh.c) number
 * the bags the same way, from this one text: per cycle, from 1, along the rounds (round
 * seq), their stops (stop seq), then customers by name in French collation, then order
 * id. They are numbered over the whole cycle before any filter, so a filtered sheet, the
 * packing-table page and a scale's file all say the same number for the same bag. The
 * statement using it passes the cycle as $1 and the hub as $2.
 */
#ifndef KM0_BAGS_H
#define KM0_BAGS_H

/* clang-format off */
#define BAGS_CTE                                                                                   \
    "bags AS (SELECT os.order_id, os.round_id, os.stop_id,"                                        \
    " row_number() OVER (ORDER BY r.seq, s.seq, c.name COLLATE \"fr-x-icu\", o.id) AS bag"         \
    " FROM order_stops os JOIN rounds r ON r.id = os.round_id"                                     \
    " JOIN round_stops s ON s.id = os.stop_id JOIN orders o ON o.id = os.order_id"                 \
    " JOIN customers c ON c.id = o.customer_id WHERE os.cycle_id = $1 AND os.hub_id = $2)"
/* clang-format on */

#endif
