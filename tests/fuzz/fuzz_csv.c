/*
 * tests/fuzz/fuzz_csv.c — libFuzzer entry point for the CSV importers.
 *
 * Whatever the bytes, imp_parse must return without crashing, and a catalog it
 * accepts must hold only what the database may store: valid UTF-8 text, known
 * units, positive prices that agree with their VAT. Accepted catalogs must
 * also survive the DFC export and read back identical. Built with
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Icore -Iimporters \
 *     tests/fuzz/fuzz_csv.c core/{unit,arena,util,buf,money}.c
 * importers/{csv,catalog_*,dfc_export}.c \ -lcjson -lm
 */
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    imp_options auto_std = {.format = IMP_FORMAT_CSV};
    imp_options utf8_franchise = {.format = IMP_FORMAT_CSV,
                                  .encoding = IMP_ENC_UTF8,
                                  .franchise = true,
                                  .max_field_bytes = 64,
                                  .max_rows = 50};
    fuzz_parse_and_check((const char *)data, size, &auto_std);
    fuzz_parse_and_check((const char *)data, size, &utf8_franchise);
    return 0;
}
