/*
 * tests/unit/cii_fixture.h — the cmocka fixture the CII tests share: every sample
 * invoice of cii_samples.h built once per group, found by name.
 * Include after <cmocka.h>.
 */
#ifndef KM0_CII_FIXTURE_H
#define KM0_CII_FIXTURE_H

#include "cii_samples.h"

typedef struct fixture {
    arena *a;
    sample s[SAMPLE_COUNT];
} fixture;

static int setup(void **state)
{
    fixture *f = xcalloc(1, sizeof *f);
    f->a = arena_new();
    samples_build(f->a, f->s);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    arena_free(f->a);
    free(f);
    return 0;
}

static const invoice *named(void **state, const char *name)
{
    fixture *f = *state;
    for (int i = 0; i < SAMPLE_COUNT; i++)
        if (str_eq(f->s[i].name, name))
            return &f->s[i].inv;
    fail_msg("no sample %s", name);
    return NULL;
}

#endif
