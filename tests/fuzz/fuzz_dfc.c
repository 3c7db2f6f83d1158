/*
 * tests/fuzz/fuzz_dfc.c — libFuzzer entry point for the DFC JSON-LD importer.
 *
 * Same contract as fuzz_csv.c: never crash, accept only storable products, and
 * read back km0's own export of whatever was accepted as the same products.
 */
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    imp_options standard = {.format = IMP_FORMAT_DFC};
    imp_options franchise = {.format = IMP_FORMAT_DFC, .franchise = true};
    fuzz_parse_and_check((const char *)data, size, &standard);
    fuzz_parse_and_check((const char *)data, size, &franchise);
    return 0;
}
