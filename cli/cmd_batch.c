/*
 * cli/cmd_batch.c — km0 batch --cycle ID: batch a closed cycle into delivery
 * rounds and print them, one block per round, as a coordinator reads them
 * before handing the route sheets to the drivers.
 */
#include "../core/batch.h"
#include "../core/refusal.h"
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_round(const batch_round *rd)
{
    char km[32], load[32], cap[32];
    printf("round %d  %s (%s)  departs %s, back %s  %s km  %s / %s kg\n", rd->seq, rd->vehicle_name,
           rd->vehicle, rd->departs_hm, rd->returns_hm, batch_km(km, rd->distance_m),
           batch_kg(load, rd->load_g), batch_kg(cap, rd->capacity_g));
    for (size_t k = 0; k < rd->nstops; k++) {
        const batch_stop *s = &rd->stops[k];
        char part[32] = "";
        if (s->parts > 1)
            snprintf(part, sizeof part, " (part %d/%d)", s->part, s->parts);
        printf("  %2d. %s%s  %-40s%s  %4d orders  %10s kg  leg %s km\n", s->seq, s->eta_hm,
               s->late ? " LATE" : "     ", s->name, part, s->orders, batch_kg(load, s->load_g),
               batch_km(km, s->leg_m));
    }
    printf("      back at the depot %s, last leg %s km\n", rd->returns_hm,
           batch_km(km, rd->return_m));
}

static void print_result(const batch_result *b)
{
    char km[32], load[32];
    printf("cycle %lld, delivery %s: %zu round%s, %lld orders, %s kg, %s km", (long long)b->cycle,
           b->delivery_date, b->nrounds, b->nrounds == 1 ? "" : "s", (long long)b->orders,
           batch_kg(load, b->load_g), batch_km(km, b->distance_m));
    if (b->late)
        printf(", %d stop%s after closing time", b->late, b->late == 1 ? "" : "s");
    printf("\n");
    for (size_t i = 0; i < b->nrounds; i++)
        print_round(&b->rounds[i]);
}

/* km0 batch --cycle ID */
int cmd_batch(int argc, char **argv)
{
    int64_t id;
    int rc = cli_cycle_option("batch", argc, argv, 1, "", &id);
    if (rc != EXIT_OK)
        return rc;
    db_conn *c = cli_db();
    if (!c)
        return EXIT_REFUSED;
    arena *a = arena_new();
    rc = EXIT_REFUSED;
    int64_t hub = cli_hub(c);
    if (hub) {
        batch_result b;
        refusal why = {0};
        int st = batch_cycle(c, a, hub, id, &b, &why);
        if (st == 0) {
            print_result(&b);
            rc = EXIT_OK;
        } else if (st > 0) {
            fprintf(stderr, "km0 batch: %s\n", refusal_text(&why, getenv("LANG")));
        } else {
            fprintf(stderr, "km0 batch: %s\n", db_last_error(c)->message);
        }
    }
    arena_free(a);
    db_close(c);
    return rc;
}
