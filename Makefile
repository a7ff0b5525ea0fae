# pmp - port mapping over NAT-PMP.  Plain GNU make, no configure step.
# SPDX-License-Identifier: BSD-2-Clause
#
# Honoured: CC CFLAGS CPPFLAGS LDFLAGS LDLIBS PREFIX DESTDIR LIBDIR ...
# The flags the build itself needs live in PMP_* variables, so that
#   make CC=clang CFLAGS='-O1 -fsanitize=address'
# still builds.  CI adds WERROR=-Werror.

VERSION    = 0.1.0
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
GW_SRC = src/gw_linux.c
else
GW_SRC = src/gw_bsd.c
endif

LIB_SRC = src/wire.c src/epoch.c src/engine.c src/client.c src/sync.c \
          src/udp.c src/clock.c src/addr.c src/strerror.c $(GW_SRC)
LIB_OBJ = $(LIB_SRC:src/%.c=build/lib/%.o)
GWD_SRC = gw/table.c gw/pmp-gateway.c
GWD_OBJ = $(GWD_SRC:gw/%.c=build/gw/%.o)

SONAME  = libpmp.so.$(SOVERSION)
SHLIB   = build/libpmp.so.$(VERSION)

all: build/libpmp.a $(SHLIB) build/pmp build/pmp-gateway build/libpmp.pc

build/lib/%.o: src/%.c include/pmp.h $(wildcard src/*.h) | build/lib
	$(CC) $(PMP_CPPFLAGS) $(CPPFLAGS) $(PMP_CFLAGS) $(CFLAGS) -c $< -o $@
build/gw/%.o: gw/%.c include/pmp.h $(wildcard src/*.h gw/*.h) | build/gw
	$(CC) $(PMP_CPPFLAGS) -Igw $(CPPFLAGS) $(PMP_CFLAGS) $(CFLAGS) -c $< -o $@
build/tools/%.o: tools/%.c include/pmp.h | build/tools
	$(CC) $(PMP_CPPFLAGS) $(CPPFLAGS) $(PMP_CFLAGS) $(CFLAGS) -c $< -o $@

build/lib build/gw build/tools build/test:
	mkdir -p $@

build/libpmp.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(SHLIB): $(LIB_OBJ) src/libpmp.map
	$(CC) $(PMP_CFLAGS) $(CFLAGS) $(LDFLAGS) -shared \
	    -Wl,-soname,$(SONAME) -Wl,--version-script=src/libpmp.map \
	    -o $@ $(LIB_OBJ) $(PMP_LIBS) $(LDLIBS)
	ln -sf libpmp.so.$(VERSION) build/$(SONAME)
	ln -sf $(SONAME) build/libpmp.so

build/pmp: build/tools/pmp.o build/libpmp.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ build/tools/pmp.o build/libpmp.a \
	    $(PMP_LIBS) $(LDLIBS)

build/pmp-gateway: $(GWD_OBJ) build/libpmp.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(GWD_OBJ) build/libpmp.a \
	    $(PMP_LIBS) $(LDLIBS)

build/libpmp.pc: pmp.pc.in Makefile
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    pmp.pc.in > $@

# ---- tests ----
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)
UNIT_TESTS = t_wire t_epoch t_engine t_gwparse t_table t_client
UNIT_BINS  = $(UNIT_TESTS:%=build/test/%)

build/test/%: test/%.c build/libpmp.a build/gw/table.o | build/test
	$(CC) $(PMP_CPPFLAGS) -Igw $(CMOCKA_CFLAGS) $(CPPFLAGS) \
	    $(filter-out -Wconversion -Wmissing-prototypes -Wmissing-declarations,$(PMP_CFLAGS)) \
	    $(CFLAGS) $(LDFLAGS) -o $@ $< build/gw/table.o build/libpmp.a \
	    $(CMOCKA_LIBS) $(PMP_LIBS) $(LDLIBS)

unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do echo "== $$t"; $$t || fail=1; done; \
	    exit $$fail

e2e: all
	sh test/e2e/run.sh

# Only pmp_* may leave the shared library.
check-symbols: $(SHLIB)
	@bad=$$(nm -D --defined-only $(SHLIB) | awk '$$2 ~ /[TDBR]/ {print $$3}' \
	    | grep -v '^pmp_' | grep -v '^PMP_' || true); \
	if [ -n "$$bad" ]; then echo "exported by mistake: $$bad"; exit 1; fi; \
	echo "check-symbols: only pmp_* exported ($$(nm -D --defined-only $(SHLIB) | grep -c ' T pmp_') functions)"

check-man:
	mandoc -Tlint -W warning man/pmp.1 man/libpmp.3 man/pmp-gateway.8
	@echo "check-man: clean"

check: unit check-symbols check-man e2e

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
	    $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
	    $(DESTDIR)$(MANDIR)/man8
	install -m 755 build/pmp build/pmp-gateway $(DESTDIR)$(BINDIR)/
	install -m 644 include/pmp.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 build/libpmp.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libpmp.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libpmp.so
	install -m 644 build/libpmp.pc $(DESTDIR)$(PKGCONFIGDIR)/
	install -m 644 man/pmp.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/libpmp.3 $(DESTDIR)$(MANDIR)/man3/
	install -m 644 man/pmp-gateway.8 $(DESTDIR)$(MANDIR)/man8/

demo: all
	sh test/demo.sh

clean:
	rm -rf build

.PHONY: all unit e2e check check-symbols check-man install demo clean
