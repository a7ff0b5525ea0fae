/*
 * t_respond.c - pmp-gateway's answers, byte for byte (RFC 6886 §3, §3.5;
 * PROTOCOL.md S-01..S-13, D-1, D-2), VPN-provider mode, and the
 * announcement schedule (§3.2.1).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "respond.h"

static const uint8_t LAN[4] = { 192, 168, 77, 2 };
static const uint8_t LAN2[4] = { 192, 168, 77, 3 };
static const uint8_t OUTSIDE[4] = { 10, 9, 9, 9 };

struct fx {
	gw_table_t t;
	gw_config_t cfg;
	uint8_t out[1200];
	gw_event_t ev;
};

static int
setup(void **state)
{
	static struct fx f;

	memset(&f, 0, sizeof(f));
	assert_int_equal(gw_table_init(&f.t, 16, 86400, 1), 0);
	memcpy(f.cfg.public_addr, "\xcb\x00\x71\x07", 4);
	f.cfg.net = htonl(0xc0a84d00u);		/* 192.168.77.0/24 */
	f.cfg.mask = htonl(0xffffff00u);
	f.cfg.force_result = -1;
	f.cfg.grant_lifetime = -1;
	f.cfg.version_form = 128;
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	gw_table_free(&f->t);
	return 0;
}

static size_t
ask(struct fx *f, const uint8_t client[4], const char *req, size_t n,
    uint64_t now)
{
	return gw_respond(&f->t, &f->cfg, 42, client, (const uint8_t *)req, n,
	    now, f->out, sizeof(f->out), &f->ev);
}

static void
test_address(void **state)
{
	struct fx *f = *state;

	assert_int_equal(ask(f, LAN, "\x00\x00", 2, 0), 12);
	assert_memory_equal(f->out, "\x00\x80\x00\x00\x00\x00\x00\x2a"
	    "\xcb\x00\x71\x07", 12);
	assert_int_equal(f->ev.kind, GW_ADDRESS);
	f->cfg.zero_address = 1;
	assert_int_equal(ask(f, LAN, "\x00\x00", 2, 0), 12);
	assert_memory_equal(f->out + 8, "\0\0\0\0", 4);
	/* result != 0: the address MUST be 0 (§3.2) */
	f->cfg.zero_address = 0;
	f->cfg.force_result = 3;
	assert_int_equal(ask(f, LAN, "\x00\x00", 2, 0), 12);
	assert_memory_equal(f->out, "\x00\x80\x00\x03\x00\x00\x00\x2a"
	    "\x00\x00\x00\x00", 12);
}

static void
test_map_unmap(void **state)
{
	struct fx *f = *state;

	/* UDP 5000 -> 5000, 7200 s (PROTOCOL.md 1.3) */
	assert_int_equal(ask(f, LAN, "\x00\x01\x00\x00\x13\x88\x13\x88"
	    "\x00\x00\x1c\x20", 12, 0), 16);
	assert_memory_equal(f->out, "\x00\x81\x00\x00\x00\x00\x00\x2a"
	    "\x13\x88\x13\x88\x00\x00\x1c\x20", 16);
	assert_int_equal(f->ev.kind, GW_MAP);
	/* another client asking for the same port gets another (S-06) */
	assert_int_equal(ask(f, LAN2, "\x00\x02\x00\x00\x13\x88\x13\x88"
	    "\x00\x00\x1c\x20", 12, 0), 16);
	assert_memory_equal(f->out + 8, "\x13\x88\x13\x89", 4);
	/* delete: suggested port ignored, reply port and lifetime 0 (S-09) */
	assert_int_equal(ask(f, LAN, "\x00\x01\x00\x00\x13\x88\x13\x88"
	    "\x00\x00\x00\x00", 12, 0), 16);
	assert_memory_equal(f->out, "\x00\x81\x00\x00\x00\x00\x00\x2a"
	    "\x13\x88\x00\x00\x00\x00\x00\x00", 16);
	assert_int_equal(f->ev.kind, GW_UNMAP);
	assert_null(gw_table_find(&f->t, LAN, 1, 5000));
	/* delete-all TCP: internal port 0 in the reply (S-10) */
	assert_int_equal(ask(f, LAN2, "\x00\x02\x00\x00\x00\x00\x00\x00"
	    "\x00\x00\x00\x00", 12, 0), 16);
	assert_memory_equal(f->out, "\x00\x82\x00\x00\x00\x00\x00\x2a"
	    "\x00\x00\x00\x00\x00\x00\x00\x00", 16);
	assert_int_equal(f->ev.kind, GW_UNMAP_ALL);
	assert_int_equal(f->t.n, 0);
	/* internal port 0 with a lifetime: rc 2 with the port echoed */
	assert_int_equal(ask(f, LAN, "\x00\x01\x00\x00\x00\x00\x00\x00"
	    "\x00\x00\x00\x3c", 12, 0), 16);
	assert_memory_equal(f->out + 2, "\x00\x02", 2);
}

static void
test_refusals_and_faults(void **state)
{
	struct fx *f = *state;

	/* S-01 (issue 10.9): a client outside the served subnet gets no
	 * answer at all, whatever it sends: no reflection, no amplification
	 * (a refusal was 12-16 bytes for 2-12). */
	assert_int_equal(ask(f, OUTSIDE, "\x00\x01\x00\x00\x13\x88\x13\x88"
	    "\x00\x00\x1c\x20", 12, 0), 0);
	assert_int_equal(f->ev.kind, GW_OUTSIDE);
	assert_int_equal(ask(f, OUTSIDE, "\x00\x00", 2, 0), 0);
	assert_int_equal(ask(f, OUTSIDE, "\x01\x00", 2, 0), 0);
	assert_int_equal(ask(f, OUTSIDE, "\x00\x07", 2, 0), 0);
	assert_int_equal(f->t.n, 0);
	f->cfg.force_result = 4;
	assert_int_equal(ask(f, LAN, "\x00\x02\x00\x00\x1f\x90\x00\x00"
	    "\x00\x00\x1c\x20", 12, 0), 16);
	assert_memory_equal(f->out, "\x00\x82\x00\x04\x00\x00\x00\x2a"
	    "\x1f\x90\x00\x00\x00\x00\x00\x00", 16);
	assert_int_equal(f->t.n, 0);
	f->cfg.force_result = -1;
	f->cfg.grant_lifetime = 0;
	assert_int_equal(ask(f, LAN, "\x00\x02\x00\x00\x1f\x90\x00\x00"
	    "\x00\x00\x1c\x20", 12, 0), 16);
	assert_memory_equal(f->out + 12, "\0\0\0\0", 4);
}

static void
test_errors_and_drops(void **state)
{
	struct fx *f = *state;

	/* version 2 (a PCP request): unsupported version, 8 bytes (S-15) */
	assert_int_equal(ask(f, LAN, "\x02\x01\x00\x00\x00\x00\x1c\x20",
	    8, 0), 8);
	assert_memory_equal(f->out, "\x00\x80\x00\x01\x00\x00\x00\x2a", 8);
	f->cfg.version_form = 0;
	assert_int_equal(ask(f, LAN, "\x01\x00", 2, 0), 8);
	assert_memory_equal(f->out, "\x00\x00\x00\x01\x00\x00\x00\x2a", 8);
	f->cfg.version_form = -1;
	assert_int_equal(ask(f, LAN, "\x02\x01", 2, 0), 8);
	assert_memory_equal(f->out, "\x00\x81\x00\x01\x00\x00\x00\x2a", 8);
	/* unknown opcode: rc 5, miniupnpd's form or the echo (D-2) */
	assert_int_equal(ask(f, LAN, "\x00\x03", 2, 0), 8);
	assert_memory_equal(f->out, "\x00\x83\x00\x05\x00\x00\x00\x2a", 8);
	f->cfg.echo_opcode_reply = 1;
	assert_int_equal(ask(f, LAN, "\x00\x07\x00\x00\x11\x22\x33\x44", 8,
	    0), 8);
	assert_memory_equal(f->out, "\x00\x87\x00\x05\x11\x22\x33\x44", 8);
	assert_int_equal(f->ev.kind, GW_BAD_OPCODE);
	/* silently dropped: short, responses, short mapping requests */
	assert_int_equal(ask(f, LAN, "\x00", 1, 0), 0);
	assert_int_equal(ask(f, LAN, "\x00\x80", 2, 0), 0);
	assert_int_equal(ask(f, LAN, "\x00\x81\x00\x00\x13\x88\x13\x88"
	    "\x00\x00\x1c\x20", 12, 0), 0);
	assert_int_equal(ask(f, LAN, "\x00\x01\x00\x00\x13\x88", 6, 0), 0);
	assert_int_equal(f->ev.kind, GW_DROPPED);
	assert_int_equal(f->t.n, 0);
}

/* ProtonVPN-like: private port 0 gets the gateway's choice, the same for
 * UDP and TCP of one client, renewals keep it, lifetimes capped. */
static void
test_vpn_mode(void **state)
{
	struct fx *f = *state;
	uint8_t first[2];

	f->cfg.vpn = 1;
	f->t.max_lifetime = 60;
	/* natpmpc -a 1 0 udp 60 */
	assert_int_equal(ask(f, LAN, "\x00\x01\x00\x00\x00\x00\x00\x01"
	    "\x00\x00\x0e\x10", 12, 0), 16);
	assert_memory_equal(f->out, "\x00\x81\x00\x00\x00\x00\x00\x2a"
	    "\x00\x00", 10);
	memcpy(first, f->out + 10, 2);
	assert_memory_not_equal(first, "\x00\x01", 2);
	assert_memory_equal(f->out + 12, "\x00\x00\x00\x3c", 4);  /* 60 s */
	assert_int_equal(ask(f, LAN, "\x00\x02\x00\x00\x00\x00\x00\x01"
	    "\x00\x00\x00\x3c", 12, 1000), 16);
	assert_memory_equal(f->out + 10, first, 2);
	assert_int_equal(ask(f, LAN, "\x00\x01\x00\x00\x00\x00\x00\x01"
	    "\x00\x00\x00\x3c", 12, 45000), 16);
	assert_memory_equal(f->out + 10, first, 2);
	/* another client gets another port */
	assert_int_equal(ask(f, LAN2, "\x00\x01\x00\x00\x00\x00\x00\x01"
	    "\x00\x00\x00\x3c", 12, 0), 16);
	assert_memory_not_equal(f->out + 10, first, 2);
	/* explicit private ports still map as usual */
	assert_int_equal(ask(f, LAN, "\x00\x01\x00\x00\x13\x88\x13\x88"
	    "\x00\x00\x1c\x20", 12, 0), 16);
	assert_memory_equal(f->out + 8, "\x13\x88\x13\x88\x00\x00\x00\x3c", 8);
}

static void
test_announcement(void **state)
{
	static const uint64_t at[] = { 0, 250, 750, 1750, 3750, 7750, 15750,
	    31750, 63750, 127750 };
	struct fx *f = *state;
	gw_announce_t a;
	size_t i;

	assert_int_equal(gw_announcement(&f->cfg, 7, f->out, 12), 12);
	assert_memory_equal(f->out, "\x00\x80\x00\x00\x00\x00\x00\x07"
	    "\xcb\x00\x71\x07", 12);
	gw_announce_start(&a, 10, 5000);
	for (i = 0; i < 10; i++) {
		assert_int_equal(gw_announce_deadline(&a), 5000 + at[i]);
		if (at[i] > 0)
			assert_int_equal(gw_announce_due(&a, 5000 + at[i] - 1),
			    0);
		assert_int_equal(gw_announce_due(&a, 5000 + at[i]), 1);
		assert_int_equal(gw_announce_due(&a, 5000 + at[i]), 0);
	}
	assert_int_equal(gw_announce_deadline(&a), UINT64_MAX);
	assert_int_equal(gw_announce_due(&a, 10000000), 0);
	/* a restart of the series (a second event) starts over */
	gw_announce_start(&a, 2, 0);
	assert_int_equal(gw_announce_due(&a, 0), 1);
	assert_int_equal(gw_announce_deadline(&a), 250);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_unmap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refusals_and_faults,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_and_drops, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_vpn_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_announcement, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("respond", tests, NULL, NULL);
}
