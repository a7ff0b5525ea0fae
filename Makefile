# pmp - port mapping (NAT-PMP; PCP and UPnP-IGD to come).  Plain GNU make,
# no configure step.  The layers are in docs/ARCHITECTURE.md.
# SPDX-License-Identifier: BSD-2-Clause
#
# Honoured: CC CFLAGS CPPFLAGS LDFLAGS LDLIBS PREFIX DESTDIR LIBDIR ...
# The flags the build itself needs live in PMP_* variables, so that
#   make CC=clang CFLAGS='-O1 -fsanitize=address'
# still builds.  CI adds WERROR=-Werror.

VERSION    = 0.2.0
B          ?= build
SOVERSION  = 0

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

CC      ?= cc
CFLAGS  ?= -O2 -g
AR      ?= ar
WERROR  ?=

WARN = -Wall -Wextra -Wshadow -Wpointer-arith -Wcast-qual -Wwrite-strings \
       -Wstrict-prototypes -Wmissing-prototypes -Wmissing-declarations \
       -Wformat=2 -Wundef -Wvla -Wnull-dereference -Wconversion \
       -Wno-sign-conversion
PMP_CPPFLAGS = -Iinclude -Isrc -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L
PMP_CFLAGS   = -std=c99 -fPIC -fvisibility=hidden $(WARN) $(WERROR)
PMP_LIBS     = -lpthread

UNAME_S := $(shell uname -s)
ifeq ($(UNAME_S),Linux)
ROUTE_SRC = src/route/linux.c
else
ROUTE_SRC = src/route/bsd.c
endif

# One folder per layer; see docs/ARCHITECTURE.md.
CORE_SRC   = src/core/engine.c src/core/keeper.c src/core/session.c \
             src/core/negotiate.c src/core/keep_event.c src/core/keep_move.c \
             src/core/keep_check.c \
             src/core/rng.c src/core/args.c src/core/addr.c
NATPMP_SRC = src/natpmp/natpmp.c src/natpmp/wire.c src/natpmp/epoch.c
PCP_SRC    = src/pcp/pcp.c src/pcp/wire.c src/pcp/epoch.c
UPNP_SRC   = src/upnp/xml.c src/upnp/desc.c src/upnp/ssdp.c src/upnp/url.c \
             src/upnp/http.c src/upnp/soap.c src/upnp/search.c \
             src/upnp/control.c src/upnp/mapper.c src/upnp/request.c
IO_SRC     = src/io/clock.c src/io/fd.c src/io/udp.c src/io/listen.c \
             src/io/random.c src/io/wake.c src/io/sockaddr.c src/io/stream.c \
             src/io/slept.c src/io/listeners.c
API_SRC    = src/api/client.c src/api/drive.c src/api/request.c \
             src/api/loop.c src/api/keep.c src/api/sync.c src/api/strerror.c \
             src/api/upnp_drive.c src/api/upnp_keep.c src/api/race.c src/api/notify.c
LIB_SRC = $(CORE_SRC) $(NATPMP_SRC) $(PCP_SRC) $(UPNP_SRC) $(IO_SRC) \
          $(ROUTE_SRC) $(API_SRC)
LIB_OBJ = $(LIB_SRC:src/%.c=$(B)/lib/%.o)
LIB_HDR = include/pmp.h $(wildcard src/*/*.h)
GWD_SRC = gw/table.c gw/respond.c gw/pcp_respond.c gw/peer.c gw/pinhole.c gw/fault.c gw/log.c gw/options.c gw/answer.c \
          gw/events.c gw/igd.c gw/igd_ssdp.c gw/igd_pinhole.c gw/upnp_server.c gw/main.c
GWD_OBJ = $(GWD_SRC:gw/%.c=$(B)/gw/%.o)

SONAME  = libpmp.so.$(SOVERSION)
SHLIB   = $(B)/libpmp.so.$(VERSION)

all: $(B)/libpmp.a $(SHLIB) $(B)/pmp $(B)/pmp-gateway $(B)/libpmp.pc

$(B)/lib/%.o: src/%.c $(LIB_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(PMP_CPPFLAGS) $(CPPFLAGS) $(PMP_CFLAGS) $(CFLAGS) -c $< -o $@
$(B)/gw/%.o: gw/%.c $(LIB_HDR) $(wildcard gw/*.h) | $(B)/gw
	$(CC) $(PMP_CPPFLAGS) -Igw $(CPPFLAGS) $(PMP_CFLAGS) $(CFLAGS) -c $< -o $@
$(B)/tools/%.o: tools/%.c $(wildcard tools/*.h) include/pmp.h | $(B)/tools
	$(CC) $(PMP_CPPFLAGS) $(CPPFLAGS) $(PMP_CFLAGS) $(CFLAGS) -c $< -o $@

$(B)/gw $(B)/tools $(B)/test:
	mkdir -p $@

$(B)/libpmp.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(SHLIB): $(LIB_OBJ) src/libpmp.map
	$(CC) $(PMP_CFLAGS) $(CFLAGS) $(LDFLAGS) -shared \
	    -Wl,-soname,$(SONAME) -Wl,--version-script=src/libpmp.map \
	    -o $@ $(LIB_OBJ) $(PMP_LIBS) $(LDLIBS)
	ln -sf libpmp.so.$(VERSION) $(B)/$(SONAME)
	ln -sf $(SONAME) $(B)/libpmp.so

TOOL_SRC = tools/main.c tools/util.c tools/cmd_addr.c tools/cmd_map.c \
           tools/cmd_unmap.c tools/cmd_gateway.c tools/cmd_probe.c tools/cmd_keep.c \
           tools/cmd_watch.c tools/run.c tools/hook.c tools/portfile.c \
           tools/nonces.c tools/os_posix.c tools/os_net.c
TOOL_OBJ = $(TOOL_SRC:tools/%.c=$(B)/tools/%.o)
$(B)/pmp: $(TOOL_OBJ) $(B)/libpmp.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(TOOL_OBJ) $(B)/libpmp.a \
	    $(PMP_LIBS) $(LDLIBS)

$(B)/pmp-gateway: $(GWD_OBJ) $(B)/libpmp.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(GWD_OBJ) $(B)/libpmp.a \
	    $(PMP_LIBS) $(LDLIBS)

# Examples: the public header only, no internal include path.
EXAMPLES = $(B)/examples/event_loop
$(B)/examples/%: examples/%.c include/pmp.h $(B)/libpmp.a
	@mkdir -p $(dir $@)
	$(CC) -Iinclude $(CPPFLAGS) -D_POSIX_C_SOURCE=200809L $(PMP_CFLAGS) \
	    $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libpmp.a $(PMP_LIBS) $(LDLIBS)
examples: $(EXAMPLES)

PC_SED = sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|'
$(B)/libpmp.pc: pmp.pc.in Makefile
	$(PC_SED) pmp.pc.in > $@

# ---- Windows: cross-built with MinGW-w64 (Debian's gcc-mingw-w64-x86-64),
# tested under Wine.  The same layers; the OS layer is io/win_*.c and
# route/windows.c.  winpthreads is linked in statically: the DLL needs
# only what every Windows has (ws2_32, iphlpapi, bcrypt).
WB          = build-win
WIN_CC      ?= x86_64-w64-mingw32-gcc
WIN_AR      ?= x86_64-w64-mingw32-ar
WIN_CFLAGS  ?= -O2 -g
WINE        ?= wine
WIN_IO_SRC  = src/io/win_fd.c src/io/win_udp.c src/io/win_stream.c \
              src/io/win_listen.c src/io/win_wake.c src/io/win_clock.c \
              src/io/win_random.c src/io/wake.c src/io/sockaddr.c \
              src/io/slept.c src/io/listeners.c
WIN_LIB_SRC = $(CORE_SRC) $(NATPMP_SRC) $(PCP_SRC) $(UPNP_SRC) \
              $(WIN_IO_SRC) src/route/windows.c $(API_SRC)
WIN_LIB_OBJ = $(WIN_LIB_SRC:src/%.c=$(WB)/lib/%.o)
# Windows 7 SP1 and later (WSA_FLAG_NO_HANDLE_INHERIT, GetBestRoute2)
WIN_CPPFLAGS = -Iinclude -Isrc -D_WIN32_WINNT=0x0601 \
               -D__USE_MINGW_ANSI_STDIO=1
WIN_PMP_CFLAGS = -std=c99 $(WARN) $(WERROR)
WIN_LIBS    = -lws2_32 -liphlpapi -lbcrypt -l:libwinpthread.a
WIN_UNIT_TESTS = t_wire t_pcp_wire t_epoch t_pcp_epoch t_engine t_core \
                 t_pcp t_negotiate t_keep_queue t_upnp t_win
WIN_UNIT_BINS = $(WIN_UNIT_TESTS:%=$(WB)/test/%.exe)
# cmocka's source, from Debian's archive (test/deps.sh): built for
# Windows with the tests, as Debian ships it for Linux only
CMOCKA_SRC  ?= /usr/local/src/cmocka-1.1.5

$(WB)/lib/%.o: src/%.c $(LIB_HDR)
	@mkdir -p $(dir $@)
	$(WIN_CC) $(WIN_CPPFLAGS) -DPMP_BUILDING $(WIN_PMP_CFLAGS) \
	    $(WIN_CFLAGS) -c $< -o $@
$(WB)/libpmp.a: $(WIN_LIB_OBJ)
	rm -f $@
	$(WIN_AR) rcs $@ $(WIN_LIB_OBJ)
$(WB)/libpmp.dll: $(WIN_LIB_OBJ)
	$(WIN_CC) -shared $(WIN_CFLAGS) -o $@ $(WIN_LIB_OBJ) \
	    -Wl,--out-implib,$(WB)/libpmp.dll.a $(WIN_LIBS)
$(WB)/cmocka.o: $(CMOCKA_SRC)/src/cmocka.c
	@mkdir -p $(WB)
	$(WIN_CC) -O2 -I$(CMOCKA_SRC)/include -DHAVE_SIGNAL_H=1 \
	    -DHAVE_INTTYPES_H=1 -DHAVE_MALLOC_H=1 -DHAVE_STRINGS_H=1 \
	    -DHAVE_STRUCT_TIMESPEC=1 -c $< -o $@
$(WB)/test/%.exe: test/%.c $(WB)/libpmp.a $(WB)/cmocka.o
	@mkdir -p $(dir $@)
	$(WIN_CC) $(WIN_CPPFLAGS) -DPMP_STATIC -I$(CMOCKA_SRC)/include \
	    $(filter-out -Wconversion -Wmissing-prototypes -Wmissing-declarations -Wnull-dereference,$(WIN_PMP_CFLAGS)) \
	    $(WIN_CFLAGS) -o $@ $< $(WB)/cmocka.o $(WB)/libpmp.a $(WIN_LIBS)

# pmp.exe: the same command, over os_win.c instead of os_posix.c, with
# the library linked in.
WIN_TOOL_SRC = $(filter-out tools/os_posix.c,$(TOOL_SRC)) tools/os_win.c
WIN_TOOL_OBJ = $(WIN_TOOL_SRC:tools/%.c=$(WB)/tools/%.o)
$(WB)/tools/%.o: tools/%.c $(wildcard tools/*.h) include/pmp.h
	@mkdir -p $(dir $@)
	$(WIN_CC) $(WIN_CPPFLAGS) -DPMP_STATIC $(WIN_PMP_CFLAGS) $(WIN_CFLAGS) \
	    -c $< -o $@
$(WB)/pmp.exe: $(WIN_TOOL_OBJ) $(WB)/libpmp.a
	$(WIN_CC) $(WIN_CFLAGS) -o $@ $(WIN_TOOL_OBJ) $(WB)/libpmp.a $(WIN_LIBS)

windows: $(WB)/libpmp.a $(WB)/libpmp.dll $(WB)/pmp.exe $(WIN_UNIT_BINS)

# DIR/exported.txt (a library's exports, one per line) against the
# functions pmp.h declares: the shell command, given DIR.
SAME_AS_DECLARED = sh -c 'sed -n "s/.*PMP_EXPORT[^(]*[ *]\(pmp_[a-z_0-9]*\)(.*/\1/p" \
    include/pmp.h | sort > $$0/declared.txt; cmp -s $$0/exported.txt $$0/declared.txt || \
    { echo "exported and declared differ:"; diff $$0/declared.txt $$0/exported.txt; exit 1; }'

# The DLL exports exactly pmp.h's functions (as check-symbols for the .so);
# then the unit tests under Wine, in a Wine prefix of the build's own, and
# pmp.exe against the Linux pmp-gateway on loopback (test/e2e/wine.sh).
check-windows: windows all
	@x86_64-w64-mingw32-objdump -p $(WB)/libpmp.dll | awk \
	    '/^\[Ordinal\/Name Pointer\] Table/ {t = 1; next} t && NF == 0 {t = 0} \
	    t {print $$NF}' | sort > $(WB)/exported.txt
	@$(SAME_AS_DECLARED) $(WB)
	@echo "check-windows: libpmp.dll exports $$(wc -l < $(WB)/exported.txt) functions, exactly those of pmp.h"
	@for m in "" -DPMP_STATIC; do \
	    $(WIN_CC) -std=c99 -pedantic -Wall -Wextra -Werror $$m -fsyntax-only -x c include/pmp.h && \
	    x86_64-w64-mingw32-g++ -std=c++98 -pedantic -Wall -Wextra -Werror $$m -fsyntax-only \
	        -x c++ include/pmp.h || exit 1; done
	@echo "check-windows: pmp.h is ISO C99 and C++98 for Windows, DLL and static (-pedantic -Werror)"
	@export WINEPREFIX=$(CURDIR)/$(WB)/wine WINEDEBUG=-all; \
	    fail=0; for t in $(WIN_UNIT_BINS); do echo "== $$t (wine)"; \
	    $(WINE) $$t || fail=1; done; exit $$fail
	PMP_BUILD=$(B) PMP_WIN_BUILD=$(WB) WINE=$(WINE) sh test/e2e/wine.sh

# ---- tests ----
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)
UNIT_TESTS = t_wire t_pcp_wire t_epoch t_pcp_epoch t_engine t_core t_pcp t_negotiate t_keep t_gwparse t_table t_respond t_pcp_respond t_client t_upnp t_igd t_control t_keep_queue \
             t_clock
UNIT_BINS  = $(UNIT_TESTS:%=$(B)/test/%)

GW_PURE = $(B)/gw/table.o $(B)/gw/respond.o $(B)/gw/pcp_respond.o $(B)/gw/peer.o $(B)/gw/pinhole.o \
          $(B)/gw/fault.o $(B)/gw/igd.o $(B)/gw/igd_ssdp.o $(B)/gw/igd_pinhole.o
$(B)/test/%: test/%.c $(B)/libpmp.a $(GW_PURE) | $(B)/test
	$(CC) $(PMP_CPPFLAGS) -Igw $(CMOCKA_CFLAGS) $(CPPFLAGS) \
	    $(filter-out -Wconversion -Wmissing-prototypes -Wmissing-declarations -Wnull-dereference,$(PMP_CFLAGS)) \
	    $(CFLAGS) $(LDFLAGS) $(TEST_LDFLAGS) -o $@ $< $(GW_PURE) $(B)/libpmp.a \
	    $(CMOCKA_LIBS) $(PMP_LIBS) $(LDLIBS)

# t_clock fakes the clocks: its clock_gettime() is the test's own.
$(B)/test/t_clock: TEST_LDFLAGS = -Wl,--wrap=clock_gettime

unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do echo "== $$t"; $$t || fail=1; done; \
	    exit $$fail

e2e: all examples
	PMP_BUILD=$(B) sh test/e2e/run.sh

# PMP_E2E_QUICK: the multicast schedule check takes 3 copies (1 s)
# instead of the full 10 (127.75 s); the plain run checks all 10.
# pmp and natpmpc against Debian's miniupnpd in network namespaces.
interop: all
	PMP_BUILD=$(B) sh test/interop/run.sh

e2e-valgrind: all examples
	PMP_BUILD=$(B) PMP_E2E_QUICK=1 VALGRIND=1 sh test/e2e/run.sh

# The whole suite again with AddressSanitizer and UBSan, in build-san/.
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=all
sanitize:
	$(MAKE) B=build-san CFLAGS='$(SAN_FLAGS)' LDFLAGS='$(SAN_FLAGS)' \
	    WERROR='$(WERROR)' PMP_E2E_QUICK=1 unit e2e

# ---- fuzzing ----
FUZZERS = fuzz_wire fuzz_pcp_wire fuzz_gateway fuzz_gwparse fuzz_engine \
          fuzz_pcp_engine fuzz_upnp fuzz_upnp_control
FUZZ_SECONDS ?= 60
REPLAYS = $(FUZZERS:%=$(B)/fuzz/replay_%)

$(B)/fuzz:
	mkdir -p $@
$(B)/fuzz/replay_%: fuzz/%.c fuzz/replay.c $(B)/libpmp.a $(GW_PURE) | $(B)/fuzz
	$(CC) $(PMP_CPPFLAGS) -Igw $(CPPFLAGS) \
	    $(filter-out -Wmissing-prototypes -Wmissing-declarations,$(PMP_CFLAGS)) \
	    $(CFLAGS) $(LDFLAGS) -o $@ $< fuzz/replay.c $(GW_PURE) \
	    $(B)/libpmp.a $(PMP_LIBS) $(LDLIBS)

# The committed corpus through every harness, with whatever compiler.
check-fuzz-replay: $(REPLAYS)
	@for f in $(FUZZERS); do $(B)/fuzz/replay_$$f fuzz/corpus/$$f || exit 1; done

# libFuzzer (clang): every harness for FUZZ_SECONDS, in build-fuzz/; new
# inputs go to build-fuzz/corpus/, the committed corpus is only read.
FUZZ_CFLAGS = -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all
fuzz:
	$(MAKE) B=build-fuzz CC=clang WERROR='$(WERROR)' \
	    CFLAGS='$(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link' build-fuzz/libpmp.a \
	    $(GW_PURE:$(B)/%=build-fuzz/%)
	@for f in $(FUZZERS); do \
	    clang $(PMP_CPPFLAGS) -Igw $(FUZZ_CFLAGS) -fsanitize=fuzzer \
	        -o build-fuzz/$$f fuzz/$$f.c $(GW_PURE:$(B)/%=build-fuzz/%) \
	        build-fuzz/libpmp.a -lpthread || exit 1; \
	    mkdir -p build-fuzz/corpus/$$f; \
	    echo "== $$f: $(FUZZ_SECONDS) s"; \
	    build-fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	        build-fuzz/corpus/$$f fuzz/corpus/$$f 2>build-fuzz/$$f.log; \
	    rc=$$?; grep -E '^(Done|stat::number_of_executed_units|==.*ERROR)' \
	        build-fuzz/$$f.log; \
	    if [ $$rc -ne 0 ]; then tail -40 build-fuzz/$$f.log; exit 1; fi; \
	done

# With WERROR=-Werror (CI), a file full of warnings must fail to build with
# exactly the flags the sources get: the flags are really applied.
check-flags:
	@if [ -z "$(WERROR)" ]; then echo "check-flags: WERROR not set, skipped"; \
	elif $(CC) $(PMP_CPPFLAGS) $(CPPFLAGS) $(PMP_CFLAGS) $(CFLAGS) \
	    -c test/flags/warn.c -o /dev/null 2>/dev/null; then \
	    echo "check-flags: warnings did not stop the build"; exit 1; \
	else echo "check-flags: -Wall -Wextra ... $(WERROR) are applied"; fi

# ---- static analysis ----
LINT_SRC = $(LIB_SRC) $(GWD_SRC) $(TOOL_SRC)
lint:
	cppcheck --quiet --error-exitcode=1 --std=c99 --inline-suppr \
	    --enable=warning,portability,performance \
	    -Iinclude -Isrc -Igw -Itools $(LINT_SRC)
	clang-tidy --quiet --warnings-as-errors='*' \
	    -checks='-*,clang-analyzer-*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling,-clang-analyzer-valist.Uninitialized,-bugprone-branch-clone' \
	    $(LINT_SRC) -- -std=c99 $(PMP_CPPFLAGS) -Igw -Itools
	@echo "lint: cppcheck and clang-tidy clean"

# The shared library exports exactly the functions pmp.h declares.
check-symbols: $(SHLIB)
	@nm -D --defined-only $(SHLIB) | awk '$$2 == "T" {sub(/@.*/, "", $$3); print $$3}' \
	    | sort > $(B)/exported.txt
	@$(SAME_AS_DECLARED) $(B)
	@echo "check-symbols: $$(wc -l < $(B)/exported.txt) functions exported, exactly those of pmp.h"
	@objdump -p $(SHLIB) | grep -q 'SONAME *$(SONAME)' && echo "check-symbols: SONAME $(SONAME)"

# The layers and rules of docs/ARCHITECTURE.md: includes between folders,
# no two files calling each other (round about or not), file sizes.
check-arch: $(LIB_OBJ) $(GWD_OBJ) $(TOOL_OBJ)
	@LIB_OBJ='$(LIB_OBJ)' GWD_OBJ='$(GWD_OBJ)' TOOL_OBJ='$(TOOL_OBJ)' \
	    /usr/bin/python3 test/arch/check.py $(B)

check-man:
	mandoc -Tlint -W warning man/pmp.1 man/libpmp.3 man/pmp-gateway.8
	@echo "check-man: clean"

# Install into a scratch DESTDIR, then build and run a program against it
# with pkg-config and the shared library only.
check-install: all
	rm -rf $(B)/stage
	$(MAKE) B=$(B) DESTDIR=$(CURDIR)/$(B)/stage PREFIX=/usr install >/dev/null
	PKG_CONFIG_SYSROOT_DIR=$(CURDIR)/$(B)/stage \
	PKG_CONFIG_LIBDIR=$(CURDIR)/$(B)/stage/usr/lib/pkgconfig \
	    sh -c '$(CC) $(CFLAGS) -o $(B)/example test/install/example.c \
	    $$(pkg-config --cflags --libs libpmp) $(LDFLAGS)'
	LD_LIBRARY_PATH=$(CURDIR)/$(B)/stage/usr/lib $(B)/example
	@test -f $(B)/stage/usr/share/man/man3/libpmp.3
	@test -L $(B)/stage/usr/lib/libpmp.so.$(SOVERSION)
	cd / && PYTHONDONTWRITEBYTECODE=1 \
	    PYTHONPATH=$(CURDIR)/$(B)/stage/usr/lib/python3/dist-packages \
	    $(PYTHON) -c 'import pmp, natpmp; assert pmp.library_path.startswith("$(CURDIR)/$(B)/stage/")'
	@echo "check-install: header, libraries, libpmp.pc, man pages and the Python packages install"

check: check-flags check-arch unit check-fuzz-replay check-symbols check-man check-install e2e \
    check-python check-windows

# ---- Python: packages pmp and natpmp over libpmp (ctypes), docs/python.md
# Debian's interpreter, explicitly: the python3 first on PATH may be another
# build that cannot see Debian's packages (python3-pytest).
PYTHON ?= /usr/bin/python3
PY_SRC = $(wildcard python/pmp/*.py python/natpmp/*.py) python/pmp/py.typed
# dist-packages of Debian's interpreter: /usr's shared one, or under any
# other prefix the version's own (both are on Debian's sys.path).
PYTHONDIR ?= $(shell $(PYTHON) -c 'import sys; p = "$(PREFIX)"; \
    print(p + "/lib/python3/dist-packages" if p == "/usr" else \
    "%s/lib/python%d.%d/dist-packages" % ((p,) + sys.version_info[:2]))')

# Importable from build/python: the packages, and libpmp's shared library
# inside pmp/ (the copy the ctypes declarations were built with).
python: $(B)/python/pmp/libpmp.so.$(SOVERSION)
$(B)/python/pmp/libpmp.so.$(SOVERSION): $(PY_SRC) $(SHLIB)
	rm -rf $(B)/python
	mkdir -p $(B)/python/pmp $(B)/python/natpmp
	cp python/pmp/*.py python/pmp/py.typed $(B)/python/pmp/
	cp python/natpmp/*.py $(B)/python/natpmp/
	cp $(SHLIB) $@

$(B)/test/py_layout: test/python/layout.c include/pmp.h
	@mkdir -p $(B)/test
	$(CC) $(PMP_CPPFLAGS) $(PMP_CFLAGS) $(CFLAGS) -o $@ $<

# pytest against pmp-gateway on loopback (test/python/).
check-python: python all $(B)/test/py_layout
	PMP_BUILD=$(B) PYTHONPATH=$(B)/python PYTHONDONTWRITEBYTECODE=1 \
	    $(PYTHON) -m pytest -p no:cacheprovider -q test/python

install-python: python
	install -d $(DESTDIR)$(PYTHONDIR)/pmp $(DESTDIR)$(PYTHONDIR)/natpmp
	install -m 644 $(B)/python/pmp/*.py $(B)/python/pmp/py.typed \
	    $(DESTDIR)$(PYTHONDIR)/pmp/
	install -m 755 $(B)/python/pmp/libpmp.so.$(SOVERSION) \
	    $(DESTDIR)$(PYTHONDIR)/pmp/
	install -m 644 $(B)/python/natpmp/*.py $(DESTDIR)$(PYTHONDIR)/natpmp/

# The threaded client tests under ThreadSanitizer, in build-tsan/.
TSAN_FLAGS = -O1 -g -fsanitize=thread
tsan:
	$(MAKE) B=build-tsan CFLAGS='$(TSAN_FLAGS)' LDFLAGS='$(TSAN_FLAGS)' \
	    WERROR='$(WERROR)' build-tsan/test/t_client
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 build-tsan/test/t_client

# Everything CI runs: the above, under valgrind, and under sanitizers;
# last, the build must have left the work tree as it found it.
check-all: check lint interop e2e-valgrind sanitize tsan fuzz check-clean

# Nothing built or generated may be tracked or left untracked: every
# output goes to an ignored build directory or a temporary one.  Run on a
# committed tree (CI's clean clone).
check-clean:
	@if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	    echo "check-clean: not a git work tree, skipped"; \
	elif [ -n "$$(git status --porcelain --untracked-files=all)" ]; then \
	    echo "check-clean: the work tree changed:"; \
	    git status --porcelain --untracked-files=all | head -20; exit 1; \
	else echo "check-clean: git status is clean"; fi

install: all install-python
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
	    $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
	    $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(B)/pmp $(B)/pmp-gateway $(DESTDIR)$(BINDIR)/
	install -m 644 include/pmp.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 $(B)/libpmp.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libpmp.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libpmp.so
	$(PC_SED) pmp.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/libpmp.pc
	install -m 644 man/pmp.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/libpmp.3 $(DESTDIR)$(MANDIR)/man3/
	install -m 644 man/pmp-gateway.8 $(DESTDIR)$(MANDIR)/man8/

demo: all
	sh test/demo.sh

BENCH_CFLAGS = $(PMP_CPPFLAGS) $(CPPFLAGS) $(filter-out -Wmissing-prototypes \
    -Wmissing-declarations,$(PMP_CFLAGS)) $(CFLAGS) $(LDFLAGS)
$(B)/bench:
	mkdir -p $@
$(B)/bench/pmp_bench: bench/pmp_bench.c $(B)/libpmp.a | $(B)/bench
	$(CC) $(BENCH_CFLAGS) -o $@ $< $(B)/libpmp.a $(PMP_LIBS) $(LDLIBS)
$(B)/bench/natpmp_bench: bench/natpmp_bench.c | $(B)/bench
	$(CC) $(BENCH_CFLAGS) -o $@ $< -lnatpmp $(LDLIBS)
$(B)/bench/table_rate: bench/table_rate.c $(GW_PURE) $(B)/libpmp.a | $(B)/bench
	$(CC) -Igw $(BENCH_CFLAGS) -o $@ $< $(GW_PURE) $(B)/libpmp.a $(LDLIBS)
$(B)/bench/%: bench/%.c | $(B)/bench
	$(CC) $(BENCH_CFLAGS) -o $@ $< $(PMP_LIBS) $(LDLIBS)
BENCH_BINS = $(B)/bench/pmp_bench $(B)/bench/natpmp_bench \
    $(B)/bench/proc_time $(B)/bench/gw_rate $(B)/bench/table_rate

# Figures against pmp-gateway on loopback; see bench/.
bench: all python $(BENCH_BINS)
	PMP_BUILD=$(B) sh bench/run.sh

clean:
	rm -rf build build-san build-tsan build-fuzz build-win

.PHONY: windows check-windows all examples check-arch unit e2e interop fuzz lint check-fuzz-replay check-flags e2e-valgrind sanitize tsan check check-all check-symbols check-clean \
    check-man check-install install demo bench clean python check-python \
    install-python
