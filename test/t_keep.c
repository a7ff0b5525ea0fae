/*
 * t_keep.c - kept mappings on virtual time, against pmp-gateway's own
 * answer logic (gw/respond.c) as the simulated gateway: renewal instants
 * (RFC 6886 §3.3), the epoch rule on both sides of its boundary (§3.6),
 * reboot -> re-creation of every mapping after 0-5 s, serially (§3.7),
 * address changes and announcements (§3.2.1), retries under the keep
 * policy, and deletion on stop (§3.4).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "core/keeper.h"
#include "test_rng.h"
#include "respond.h"
#include "natpmp/wire.h"

static const uint8_t GW[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    192, 168, 77, 1 };
static const uint8_t ROGUE[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    192, 168, 77, 3 };
static const uint8_t ME[4] = { 192, 168, 77, 2 };

struct sent {
	uint64_t t;
	uint8_t b[12];
};

struct sim {
	pmp_engine_t e;
	pmp_keeper_t kp;
	gw_table_t t;
	gw_config_t cfg;
	uint64_t now;
	uint64_t epoch_zero;	/* our time at which the gateway's SSSoE is 0 */
	int silent;		/* the gateway answers nothing */
	int refuse;		/* ICMP port unreachable instead */
	pmp_event_t ev[256];
	int nev;
	struct sent sent[1024];
	int nsent;
	int max_in_flight;	/* requests the gateway saw outstanding */
	int ngone;		/* stopped mappings handed back by done() */
	pmp_kept_t k[8];
};

static void
on_event(void *ctx, const pmp_event_t *ev)
{
	struct sim *s = ctx;

	if (s->nev < 256)
		s->ev[s->nev++] = *ev;
}

static int
setup(void **state)
{
	struct sim *s = calloc(1, sizeof(*s));

	test_rng_state = 12345;	/* every test draws the same jitter */
	pmp_engine_init(&s->e, NATPMP, GW, 5351);
	pmp_keeper_init(&s->kp, &s->e, on_event, s);
	assert_int_equal(gw_table_init(&s->t, 64, 7200, 1), 0);
	memcpy(s->cfg.public_addr, "\xcb\x00\x71\x07", 4);
	s->cfg.net = htonl(0xc0a84d00u);
	s->cfg.mask = htonl(0xffffff00u);
	s->cfg.force_result = -1;
	s->cfg.grant_lifetime = -1;
	s->cfg.version_form = 128;
	s->now = 1000000;
	s->epoch_zero = s->now - 1000 * 1000;	/* SSSoE 1000 at start */
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	struct sim *s = *state;

	gw_table_free(&s->t);
	free(s);
	return 0;
}

static uint32_t
sssoe(const struct sim *s)
{
	return (uint32_t)((s->now - s->epoch_zero) / 1000);
}

/* Everything due at s->now: keeper timers, sends, instant answers. */
static void
step(struct sim *s)
{
	int guard;

	for (guard = 0; guard < 100; guard++) {
		uint8_t b[16], out[64];
		pmp_req_t *r;
		pmp_kept_t *gone;
		size_t n;
		int progressed = 0;

		pmp_keeper_run(&s->kp, s->now);
		while ((n = pmp_engine_output(&s->e, s->now, b, sizeof(b),
		    &r)) > 0) {
			gw_event_t ev;
			size_t len;

			progressed = 1;
			assert_true(s->nsent < 1024);
			s->sent[s->nsent].t = s->now;
			memcpy(s->sent[s->nsent].b, b, n < 12 ? n : 12);
			s->nsent++;
			{
				const pmp_req_t *q;
				int inflight = 0;

				for (q = s->e.queue; q != NULL; q = q->next)
					inflight += q->attempts > 0;
				if (inflight > s->max_in_flight)
					s->max_in_flight = inflight;
			}
			if (s->refuse) {
				pmp_engine_fail_inflight(&s->e, PMP_EREFUSED,
				    s->now);
				continue;
			}
			if (s->silent)
				continue;
			len = gw_respond(&s->t, &s->cfg, sssoe(s), ME, b, n,
			    s->now, out, sizeof(out), &ev);
			if (len > 0)
				pmp_engine_input(&s->e, out, len, GW, 5351,
				    s->now);
		}
		while ((r = pmp_engine_take_done(&s->e)) != NULL) {
			progressed = 1;
			assert_true(r->embedded);
			gone = pmp_keeper_done(&s->kp, r, s->now);
			if (gone != NULL) {	/* a stop finished */
				assert_int_equal(gone->state,
				    PMP_KEPT_STOPPING);
				s->ngone++;
			}
		}
		if (!progressed)
			return;
	}
	fail_msg("no quiescence");
}

/* Run until `until`, waking at every deadline on the way. */
static void
advance(struct sim *s, uint64_t until)
{
	for (;;) {
		uint64_t d = pmp_keeper_deadline(&s->kp);
		uint64_t de = pmp_engine_deadline(&s->e);

		if (de < d)
			d = de;
		if (d > until)
			break;
		if (d > s->now)
			s->now = d;
		step(s);
	}
	s->now = until;
	step(s);
}

static pmp_kept_t *
keep(struct sim *s, int i, int proto, uint16_t port, uint32_t life)
{
	pmp_kept_t *k = &s->k[i];

	memset(k, 0, sizeof(*k));
	k->id = (unsigned)i + 1;
	k->protocol = proto;
	k->private_port = port;
	k->lifetime = life;
	pmp_keeper_add(&s->kp, k, s->now);
	step(s);
	return k;
}

static int
count_events(const struct sim *s, pmp_event_type_t type)
{
	int i, n = 0;

	for (i = 0; i < s->nev; i++)
		n += s->ev[i].type == type;
	return n;
}

static const pmp_event_t *
last_event(const struct sim *s, pmp_event_type_t type)
{
	int i;

	for (i = s->nev - 1; i >= 0; i--)
		if (s->ev[i].type == type)
			return &s->ev[i];
	return NULL;
}

/* Map requests sent at or after t for private port p. */
static int
map_sends_since(const struct sim *s, uint64_t t, uint16_t p)
{
	int i, n = 0;

	for (i = 0; i < s->nsent; i++)
		if (s->sent[i].t >= t && s->sent[i].b[1] != 0 &&
		    ((s->sent[i].b[4] << 8) | s->sent[i].b[5]) == p &&
		    s->sent[i].b[11] != 0)
			n++;
	return n;
}

static void
announce(struct sim *s, const uint8_t *src, uint32_t epoch, const char *addr)
{
	pmp_wire_resp_t m;
	uint8_t b[12];

	memset(&m, 0, sizeof(m));
	m.opcode = 128;
	m.epoch = epoch;
	memcpy(m.public_addr, addr, 4);
	assert_int_equal(pmp_wire_encode_response(&m, b, sizeof(b)), 12);
	pmp_keeper_announcement(&s->kp, b, 12, src, 5351, s->now);
	step(s);
}

/* C-17: renew at half the granted lifetime, suggesting the granted port
 * and asking the wished lifetime again. */
static void
test_renewal_instants(void **state)
{
	struct sim *s = *state;
	uint64_t t0 = s->now;
	const pmp_event_t *ev;
	int i, first;

	s->t.max_lifetime = 8;		/* the gateway grants 8 of 7200 s */
	keep(s, 0, PMP_PROTO_UDP, 5000, 7200);
	assert_int_equal(count_events(s, PMP_EV_MAPPED), 1);
	ev = last_event(s, PMP_EV_MAPPED);
	assert_int_equal(ev->public_port, 5000);
	assert_int_equal(ev->lifetime, 8);
	assert_memory_equal(ev->public_address + 12, "\xcb\x00\x71\x07", 4);
	first = s->nsent;
	advance(s, t0 + 3999);
	assert_int_equal(s->nsent, first);
	advance(s, t0 + 4000);
	assert_int_equal(s->nsent, first + 1);
	assert_memory_equal(s->sent[first].b, "\x00\x01\x00\x00\x13\x88"
	    "\x13\x88\x00\x00\x1c\x20", 12);
	advance(s, t0 + 8000);
	assert_int_equal(s->nsent, first + 2);
	assert_int_equal(s->sent[first + 1].t, t0 + 8000);
	advance(s, t0 + 60000);
	for (i = first; i < s->nsent; i++)
		assert_int_equal(s->sent[i].t % 4000, t0 % 4000);
	assert_int_equal(count_events(s, PMP_EV_RENEWED), s->nsent - first);
	assert_int_equal(count_events(s, PMP_EV_LOST), 0);
}

/* C-27: a huge grant still renews within 12 h, without overflow. */
static void
test_huge_lifetime(void **state)
{
	struct sim *s = *state;
	uint64_t t0 = s->now;

	s->t.max_lifetime = 0xffffffffu;
	keep(s, 0, PMP_PROTO_TCP, 80, 0xffffffffu);
	assert_int_equal(pmp_keeper_deadline(&s->kp) <= t0 +
	    12ull * 3600 * 1000, 1);
}

/* The gateway gives another port on renewal: reported. */
static void
test_port_changed(void **state)
{
	static const uint8_t OTHER[4] = { 192, 168, 77, 9 };
	struct sim *s = *state;
	uint16_t p;
	uint32_t l;
	const pmp_event_t *ev;

	s->t.max_lifetime = 10;
	keep(s, 0, PMP_PROTO_UDP, 5000, 600);
	/* the gateway forgets it and someone else takes 5000 */
	gw_table_clear(&s->t);
	gw_table_map(&s->t, OTHER, 1, 7, 5000, 600, s->now, &p, &l);
	advance(s, s->now + 5000);
	ev = last_event(s, PMP_EV_PORT_CHANGED);
	assert_non_null(ev);
	assert_int_equal(ev->previous_public_port, 5000);
	assert_int_equal(ev->public_port, 5001);
}

/* §3.6/§3.7: an epoch that went backwards beyond the 7/8 rule means a
 * restart: every mapping is re-created after a random 0-5 s, serially,
 * with its old port; the ten copies of the announcement give one cycle. */
static void
test_reboot_recreates_all(void **state)
{
	struct sim *s = *state;
	uint64_t t_ann;
	int i, copies;

	s->t.max_lifetime = 3600;
	keep(s, 0, PMP_PROTO_UDP, 5000, 3600);
	keep(s, 1, PMP_PROTO_TCP, 5000, 3600);
	keep(s, 2, PMP_PROTO_UDP, 6000, 3600);
	assert_int_equal(count_events(s, PMP_EV_MAPPED), 3);
	advance(s, s->now + 10000);
	/* reboot: table gone, SSSoE back to 0, ten announcements */
	gw_table_clear(&s->t);
	s->epoch_zero = s->now;
	t_ann = s->now;
	s->max_in_flight = 0;
	for (copies = 0; copies < 10; copies++) {
		static const uint64_t at[] = { 0, 250, 750, 1750, 3750, 7750,
		    15750, 31750, 63750, 127750 };

		advance(s, t_ann + at[copies]);
		announce(s, GW, sssoe(s), "\xcb\x00\x71\x07");
	}
	assert_int_equal(count_events(s, PMP_EV_GATEWAY_RESTARTED), 1);
	assert_int_equal(count_events(s, PMP_EV_RESTORED), 3);
	for (i = 0; i < 3; i++) {
		uint16_t p = i == 2 ? 6000 : 5000;

		assert_true(map_sends_since(s, t_ann, p) >= 1);
	}
	/* the first re-creation in [0, 5 s] after the announcement */
	for (i = 0; i < s->nsent; i++)
		if (s->sent[i].t >= t_ann && s->sent[i].b[1] != 0)
			break;
	assert_true(s->sent[i].t <= t_ann + 5000);
	/* with the old ports suggested, in order, one at a time */
	assert_memory_equal(s->sent[i].b, "\x00\x01\x00\x00\x13\x88\x13\x88",
	    8);
	assert_memory_equal(s->sent[i + 1].b, "\x00\x02\x00\x00\x13\x88"
	    "\x13\x88", 8);
	assert_int_equal(s->max_in_flight, 1);
	assert_non_null(gw_table_find(&s->t, ME, 1, 6000));
	assert_non_null(gw_table_find(&s->t, ME, 2, 5000));
}

/* C-23 on both sides of the boundary, through announcements. */
static void
test_epoch_boundary(void **state)
{
	struct sim *s = *state;
	uint64_t t;

	keep(s, 0, PMP_PROTO_UDP, 5000, 3600);
	t = s->now;
	/* 10 s later the true SSSoE is 3 s further than 7/8 of the time
	 * says; 3 s back from the truth is still inside the 2 s slack */
	advance(s, t + 10000);
	announce(s, GW, sssoe(s) - 3, "\xcb\x00\x71\x07");
	assert_int_equal(count_events(s, PMP_EV_GATEWAY_RESTARTED), 0);
	/* 10 s after that, 1001: far below 7/8 of the elapsed time */
	advance(s, t + 20000);
	announce(s, GW, 1001, "\xcb\x00\x71\x07");
	assert_int_equal(count_events(s, PMP_EV_GATEWAY_RESTARTED), 1);
	advance(s, t + 26000);
	assert_int_equal(count_events(s, PMP_EV_RESTORED), 1);
	/* a forward jump is no restart */
	announce(s, GW, 11000, "\xcb\x00\x71\x07");
	assert_int_equal(count_events(s, PMP_EV_GATEWAY_RESTARTED), 1);
}

/* announcements from another host are ignored; so is a PCP
 * ANNOUNCE from elsewhere; a PCP ANNOUNCE from the gateway (miniupnpd's
 * restart signal) is a restart. */
static void
test_announcement_sources(void **state)
{
	struct sim *s = *state;
	uint8_t pcp[24];
	int events;

	keep(s, 0, PMP_PROTO_UDP, 5000, 3600);
	advance(s, s->now + 10000);
	events = s->nev;
	announce(s, ROGUE, 0, "\x06\x06\x06\x06");
	assert_int_equal(s->nev, events);
	memset(pcp, 0, sizeof(pcp));
	pcp[0] = 2;
	pcp[1] = 0x80;
	pmp_keeper_announcement(&s->kp, pcp, 24, ROGUE, 5351, s->now);
	pmp_keeper_announcement(&s->kp, pcp, 24, GW, 5352, s->now);
	pmp_keeper_announcement(&s->kp, pcp, 23, GW, 5351, s->now);
	assert_int_equal(s->nev, events);
	pmp_keeper_announcement(&s->kp, pcp, 24, GW, 5351, s->now);
	assert_int_equal(count_events(s, PMP_EV_GATEWAY_RESTARTED), 1);
	advance(s, s->now + 6000);
	assert_int_equal(count_events(s, PMP_EV_RESTORED), 1);
}

/* A new public address in an announcement: reported and re-checked at
 * once (no jitter). */
static void
test_address_change(void **state)
{
	struct sim *s = *state;
	const pmp_event_t *ev;
	uint64_t t;

	keep(s, 0, PMP_PROTO_TCP, 8080, 3600);
	advance(s, s->now + 10000);
	memcpy(s->cfg.public_addr, "\xc6\x33\x64\x09", 4);
	t = s->now;
	announce(s, GW, sssoe(s), "\xc6\x33\x64\x09");
	ev = last_event(s, PMP_EV_ADDRESS_CHANGED);
	assert_non_null(ev);
	assert_memory_equal(ev->public_address + 12, "\xc6\x33\x64\x09", 4);
	assert_memory_equal(ev->previous_address + 12, "\xcb\x00\x71\x07", 4);
	assert_int_equal(map_sends_since(s, t, 8080), 1);
	ev = last_event(s, PMP_EV_RESTORED);
	assert_non_null(ev);
	assert_memory_equal(ev->public_address + 12, "\xc6\x33\x64\x09", 4);
	/* the remaining copies change nothing more */
	announce(s, GW, sssoe(s), "\xc6\x33\x64\x09");
	assert_int_equal(count_events(s, PMP_EV_ADDRESS_CHANGED), 1);
}

/* The keep policy: failures are retried with back-off 1, 2, 4 ... 60 s,
 * never given up; expiry is reported; the mapping comes back. */
static void
test_retry_policy(void **state)
{
	struct sim *s = *state;
	uint64_t t0;
	int i, n;
	uint32_t want = 1000;

	s->t.max_lifetime = 60;
	keep(s, 0, PMP_PROTO_UDP, 5000, 60);
	t0 = s->now;
	s->refuse = 1;			/* the gateway's port is closed */
	advance(s, t0 + 30000 + 200000);
	n = 0;
	for (i = 0; i < s->nev; i++) {
		if (s->ev[i].type != PMP_EV_RETRYING)
			continue;
		assert_int_equal(s->ev[i].status, PMP_EREFUSED);
		assert_int_equal(s->ev[i].retry_ms, want);
		want = want * 2 > 60000 ? 60000 : want * 2;
		n++;
	}
	assert_true(n >= 6);
	assert_int_equal(count_events(s, PMP_EV_LOST), 1);
	assert_int_equal(last_event(s, PMP_EV_LOST)->status, PMP_ETIMEDOUT);
	s->refuse = 0;
	advance(s, s->now + 61000);
	assert_int_equal(count_events(s, PMP_EV_RESTORED), 1);
	assert_int_equal(last_event(s, PMP_EV_RESTORED)->public_port, 5000);
}

/* A silent gateway: the renewal is retransmitted on the RFC schedule up
 * to the expiry, then retried; a refused result code is retried too. */
static void
test_silence_and_refusal(void **state)
{
	struct sim *s = *state;
	uint64_t t0;

	s->t.max_lifetime = 20;
	keep(s, 0, PMP_PROTO_UDP, 5000, 20);
	t0 = s->now;
	s->silent = 1;
	advance(s, t0 + 20000);
	/* renewal at 10 s, retransmitted at .25, .75, 1.75, 3.75, 7.75 */
	assert_int_equal(map_sends_since(s, t0 + 1, 5000), 6);
	assert_int_equal(count_events(s, PMP_EV_LOST), 1);
	s->silent = 0;
	s->cfg.force_result = 2;
	advance(s, t0 + 30000);
	assert_int_equal(last_event(s, PMP_EV_RETRYING)->result_code, 2);
	s->cfg.force_result = -1;
	advance(s, t0 + 200000);
	assert_int_equal(count_events(s, PMP_EV_RESTORED), 1);
}

/* §3.4: stopping deletes on the gateway. */
static void
test_stop_deletes(void **state)
{
	struct sim *s = *state;
	pmp_kept_t *freed;
	const pmp_event_t *ev;

	keep(s, 0, PMP_PROTO_UDP, 5000, 3600);
	keep(s, 1, PMP_PROTO_TCP, 6000, 3600);
	assert_non_null(gw_table_find(&s->t, ME, 1, 5000));
	assert_int_equal(pmp_keeper_stop(&s->kp, 1, s->now, &freed), 0);
	assert_null(freed);	/* a delete is owed first */
	{
		pmp_req_t *r;
		uint8_t b[16], out[64];
		size_t len;
		gw_event_t gev;

		len = pmp_engine_output(&s->e, s->now, b, sizeof(b), &r);
		assert_int_equal(len, 12);
		assert_memory_equal(b, "\x00\x01\x00\x00\x13\x88\x00\x00"
		    "\x00\x00\x00\x00", 12);
		len = gw_respond(&s->t, &s->cfg, sssoe(s), ME, b, 12, s->now,
		    out, sizeof(out), &gev);
		pmp_engine_input(&s->e, out, len, GW, 5351, s->now);
		r = pmp_engine_take_done(&s->e);
		assert_ptr_equal(pmp_keeper_done(&s->kp, r, s->now), &s->k[0]);
	}
	ev = last_event(s, PMP_EV_DELETED);
	assert_int_equal(ev->keep_id, 1);
	assert_int_equal(ev->status, PMP_OK);
	assert_null(gw_table_find(&s->t, ME, 1, 5000));
	assert_non_null(gw_table_find(&s->t, ME, 2, 6000));
	assert_int_equal(pmp_keeper_count(&s->kp), 1);
	assert_int_equal(pmp_keeper_stop(&s->kp, 1, s->now, &freed),
	    PMP_EINVAL);
}

/* A mapping stopped before anything was sent owes the gateway nothing. */
static void
test_stop_before_send(void **state)
{
	struct sim *s = *state;
	pmp_kept_t *k = &s->k[0], *freed;

	memset(k, 0, sizeof(*k));
	k->id = 1;
	k->protocol = PMP_PROTO_UDP;
	k->private_port = 5000;
	k->lifetime = 60;
	pmp_keeper_add(&s->kp, k, s->now);
	assert_int_equal(pmp_keeper_stop(&s->kp, 1, s->now, &freed), 0);
	assert_ptr_equal(freed, k);
	assert_int_equal(count_events(s, PMP_EV_DELETED), 1);
	assert_int_equal(pmp_keeper_count(&s->kp), 0);
}

/* VPN providers: private port 0, the gateway chooses; the suggestion is
 * the providers' documented 1. */
static void
test_private_port_zero(void **state)
{
	struct sim *s = *state;
	const pmp_event_t *ev;

	s->cfg.vpn = 1;
	s->t.max_lifetime = 60;
	keep(s, 0, PMP_PROTO_UDP, 0, 60);
	keep(s, 1, PMP_PROTO_TCP, 0, 60);
	ev = last_event(s, PMP_EV_MAPPED);
	assert_int_equal(ev->private_port, 0);
	assert_int_equal(s->ev[s->nev - 1].public_port,
	    s->ev[s->nev - 2].public_port);
	assert_true(ev->public_port >= 1024);
	assert_memory_equal(s->sent[s->nsent - 1].b + 4, "\x00\x00\x00\x01",
	    4);
}

/* Deletes (lifetime 0) sent since request index first. */
static int
deletes_since(const struct sim *s, int first)
{
	int i, n = 0;

	for (i = first; i < s->nsent; i++)
		if (s->sent[i].b[1] != 0 && memcmp(s->sent[i].b + 8,
		    "\0\0\0\0", 4) == 0)
			n++;
	return n;
}

/*
 * Issue 10.3: a kept mapping of private port 0 (VPN "gateway picks") is
 * never deleted with internal port 0, which would delete all of the
 * host's mappings of the protocol: it is left to expire, and the event
 * says so.  Another mapping of the same host survives the stop.
 */
static void
test_port_zero_stop_spares_others(void **state)
{
	struct sim *s = *state;
	pmp_kept_t *freed;
	const pmp_event_t *ev;
	uint16_t other;
	uint32_t l;
	int first;

	s->cfg.vpn = 1;
	s->t.max_lifetime = 60;
	keep(s, 0, PMP_PROTO_UDP, 0, 60);
	/* another program of this host maps UDP 7000 */
	assert_int_equal(gw_table_map(&s->t, ME, 1, 7000, 7000, 600, s->now,
	    &other, &l), 0);
	advance(s, s->now + 10000);
	first = s->nsent;
	assert_int_equal(pmp_keeper_stop(&s->kp, 1, s->now, &freed), 0);
	assert_ptr_equal(freed, &s->k[0]);
	step(s);
	assert_int_equal(deletes_since(s, first), 0);
	assert_non_null(gw_table_find(&s->t, ME, 1, 7000));
	assert_non_null(gw_table_find(&s->t, ME, 1, 0));  /* left to expire */
	ev = last_event(s, PMP_EV_DELETED);
	assert_int_equal(ev->status, PMP_ENODELETE);
	assert_true(ev->public_port >= 1024);
	assert_int_equal(ev->lifetime, 50);	/* 10 s of its 60 gone */
}

/* Issue 10.3: a create that was refused created nothing; stopping sends
 * no delete, for private port 0 (a standard gateway refuses it) and for
 * any other port (the port may be another program's). */
static void
test_refused_creates_owe_nothing(void **state)
{
	struct sim *s = *state;
	pmp_kept_t *freed;
	uint16_t other;
	uint32_t l;
	int first;

	keep(s, 0, PMP_PROTO_UDP, 0, 60);	/* rc 2: S-11 */
	assert_int_equal(last_event(s, PMP_EV_RETRYING)->result_code, 2);
	s->cfg.force_result = 2;
	keep(s, 1, PMP_PROTO_TCP, 6000, 60);
	assert_int_equal(last_event(s, PMP_EV_RETRYING)->result_code, 2);
	s->cfg.force_result = -1;
	assert_int_equal(gw_table_map(&s->t, ME, 1, 7000, 7000, 600, s->now,
	    &other, &l), 0);
	first = s->nsent;
	assert_int_equal(pmp_keeper_stop(&s->kp, 1, s->now, &freed), 0);
	assert_ptr_equal(freed, &s->k[0]);
	assert_int_equal(pmp_keeper_stop(&s->kp, 2, s->now, &freed), 0);
	assert_ptr_equal(freed, &s->k[1]);
	step(s);
	assert_int_equal(deletes_since(s, first), 0);
	assert_non_null(gw_table_find(&s->t, ME, 1, 7000));
	assert_int_equal(count_events(s, PMP_EV_DELETED), 2);
	assert_int_equal(pmp_keeper_count(&s->kp), 0);
}

/* A create that got no answer may have been granted: the delete is
 * owed (RFC 6886 §3.4 "SHOULD always send at least one deletion"). */
static void
test_unanswered_create_owes_delete(void **state)
{
	struct sim *s = *state;
	pmp_kept_t *freed;
	int first;

	/* queued behind the address request, never sent: nothing owed */
	s->silent = 1;
	keep(s, 0, PMP_PROTO_UDP, 5000, 60);
	advance(s, s->now + 2000);
	first = s->nsent;
	assert_int_equal(map_sends_since(s, 0, 5000), 0);
	assert_int_equal(pmp_keeper_stop(&s->kp, 1, s->now, &freed), 0);
	assert_ptr_equal(freed, &s->k[0]);
	/* sent, unanswered: a delete is owed */
	s->kp.have_address = 1;	/* no address request ahead of it */
	keep(s, 1, PMP_PROTO_UDP, 6000, 60);
	pmp_engine_kick(&s->e, s->now);
	advance(s, s->now + 300000);
	assert_true(map_sends_since(s, 0, 6000) >= 1);
	s->silent = 0;
	first = s->nsent;
	assert_int_equal(pmp_keeper_stop(&s->kp, 2, s->now, &freed), 0);
	assert_null(freed);
	advance(s, s->now + 1000);
	assert_int_equal(deletes_since(s, first), 1);
	assert_int_equal(s->ngone, 1);
}

/*
 * Issue 10.4: after a gateway restart the re-creation is refused; when
 * the old lease runs out unrenewed, exactly one PMP_EV_LOST, and one
 * PMP_EV_RESTORED when the gateway grants it again.
 */
static void
test_lost_after_restart_and_refusals(void **state)
{
	struct sim *s = *state;
	uint64_t granted_at;

	s->t.max_lifetime = 20;
	keep(s, 0, PMP_PROTO_UDP, 5000, 20);
	advance(s, s->now + 10000);	/* renewed: lease to +30 s */
	granted_at = s->now;
	advance(s, s->now + 5000);
	gw_table_clear(&s->t);		/* restart, then refusals */
	s->epoch_zero = s->now;
	s->cfg.force_result = 2;
	announce(s, GW, 0, "\xcb\x00\x71\x07");
	assert_int_equal(count_events(s, PMP_EV_GATEWAY_RESTARTED), 1);
	advance(s, granted_at + 20000 - 1);
	assert_int_equal(count_events(s, PMP_EV_LOST), 0);
	advance(s, granted_at + 20000);
	assert_int_equal(count_events(s, PMP_EV_LOST), 1);
	assert_int_equal(last_event(s, PMP_EV_LOST)->public_port, 0);
	advance(s, s->now + 300000);
	assert_int_equal(count_events(s, PMP_EV_LOST), 1);
	assert_true(count_events(s, PMP_EV_RETRYING) >= 5);
	s->cfg.force_result = -1;
	advance(s, s->now + 61000);
	assert_int_equal(count_events(s, PMP_EV_RESTORED), 1);
	assert_int_equal(count_events(s, PMP_EV_LOST), 1);
}

/* Issue 10.4, the address-change path: the re-check is refused, the
 * lease runs out: one PMP_EV_LOST. */
static void
test_lost_after_address_change(void **state)
{
	struct sim *s = *state;
	uint64_t granted_at;

	s->t.max_lifetime = 20;
	keep(s, 0, PMP_PROTO_TCP, 8080, 20);
	granted_at = s->now;
	advance(s, s->now + 3000);
	memcpy(s->cfg.public_addr, "\xc6\x33\x64\x09", 4);
	s->silent = 1;
	announce(s, GW, sssoe(s), "\xc6\x33\x64\x09");
	assert_int_equal(count_events(s, PMP_EV_ADDRESS_CHANGED), 1);
	advance(s, granted_at + 20000);
	assert_int_equal(count_events(s, PMP_EV_LOST), 1);
	advance(s, s->now + 200000);
	assert_int_equal(count_events(s, PMP_EV_LOST), 1);
}

/*
 * Issue 10.7: after a sleep the keeper renews everything at once.  A
 * gateway that rebooted during the sleep (no announcement reached us) is
 * found from the epoch of that first answer, on the boot clock.
 */
static void
test_resume_after_sleep(void **state)
{
	struct sim *s = *state;
	int first;

	s->t.max_lifetime = 3600;
	keep(s, 0, PMP_PROTO_UDP, 5000, 3600);
	keep(s, 1, PMP_PROTO_TCP, 6000, 3600);
	advance(s, s->now + 10000);
	/* asleep 10 min; nothing happened: renewed at once, nothing lost */
	s->now += 600000;
	first = s->nsent;
	pmp_keeper_resumed(&s->kp, s->now);
	step(s);
	assert_true(map_sends_since(s, s->now, 5000) == 1 &&
	    map_sends_since(s, s->now, 6000) == 1);
	assert_int_equal(count_events(s, PMP_EV_RENEWED), 2);
	assert_int_equal(count_events(s, PMP_EV_GATEWAY_RESTARTED), 0);
	/* asleep 20 min, the gateway rebooted 10 min in, silently: its
	 * epoch (600 s) is far below 7/8 of the 20 min we slept */
	s->now += 600000;
	gw_table_clear(&s->t);
	s->epoch_zero = s->now;
	s->now += 600000;
	pmp_keeper_resumed(&s->kp, s->now);
	step(s);
	assert_int_equal(count_events(s, PMP_EV_GATEWAY_RESTARTED), 1);
	advance(s, s->now + 6000);
	assert_int_equal(count_events(s, PMP_EV_RESTORED), 2);
	assert_non_null(gw_table_find(&s->t, ME, 1, 5000));
	assert_non_null(gw_table_find(&s->t, ME, 2, 6000));
	assert_true(s->nsent > first);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_renewal_instants),
		T(test_huge_lifetime),
		T(test_port_changed),
		T(test_reboot_recreates_all),
		T(test_epoch_boundary),
		T(test_announcement_sources),
		T(test_address_change),
		T(test_retry_policy),
		T(test_silence_and_refusal),
		T(test_stop_deletes),
		T(test_stop_before_send),
		T(test_private_port_zero),
		T(test_port_zero_stop_spares_others),
		T(test_refused_creates_owe_nothing),
		T(test_unanswered_create_owes_delete),
		T(test_lost_after_restart_and_refusals),
		T(test_lost_after_address_change),
		T(test_resume_after_sleep),
	};

	return cmocka_run_group_tests_name("keep", tests, NULL, NULL);
}
