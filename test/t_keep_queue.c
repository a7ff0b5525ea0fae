/*
 * t_keep_queue.c - the keeper (core/keeper.h) over a queue that is not a
 * datagram engine: UPnP-IGD's, with its keep policy (upnp/request.h), on
 * virtual time.  The test is the queue: it sees what the keeper submits
 * and finishes it as an IGD would.  Renewal at half the lease, a
 * permanent lease renewed as the asked one, a restart seen below
 * (BOOTID) -> every mapping re-created after 0-5 s, address changes from
 * the address checks, delete on stop, mappings checked between renewals
 * (PMP_OP_CHECK) and one found gone re-created.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/keeper.h"
#include "upnp/request.h"
#include "test_rng.h"

struct sim {
	pmp_keeper_t kp;
	unsigned restarts;
	uint64_t now;
	pmp_req_t *q[16];	/* submitted, not yet finished */
	int nq;
	int submitted;
	int maps;		/* of them, PMP_OP_MAP */
	int checks;		/* PMP_OP_PUBLIC_ADDRESS */
	int mapchecks;		/* PMP_OP_CHECK */
	int drop;		/* checks to answer "gone" (714) */
	int check_status;	/* the others' answer */
	unsigned canceled;
	pmp_event_t ev[64];
	int nev;
	pmp_kept_t k[4];
	uint8_t address[16];
};

static int
q_submit(void *ctx, pmp_req_t *r, uint64_t now_ms)
{
	struct sim *s = ctx;

	(void)now_ms;
	assert_true(r->embedded);
	assert_true(s->nq < 16);
	s->q[s->nq++] = r;
	s->submitted++;
	s->maps += r->op == PMP_OP_MAP;
	s->checks += r->op == PMP_OP_PUBLIC_ADDRESS;
	s->mapchecks += r->op == PMP_OP_CHECK;
	return PMP_OK;
}

static void
q_cancel(void *ctx, unsigned id)
{
	struct sim *s = ctx;
	int i;

	for (i = 0; i < s->nq; i++)
		if (s->q[i]->id == id) {
			s->q[i] = s->q[--s->nq];
			s->canceled++;
			return;
		}
}

static void
on_event(void *ctx, const pmp_event_t *ev)
{
	struct sim *s = ctx;

	if (s->nev < 64)
		s->ev[s->nev++] = *ev;
}

static int
setup(void **state)
{
	static struct sim s;
	pmp_keep_queue_t q;

	memset(&s, 0, sizeof(s));
	memset(&q, 0, sizeof(q));
	q.ctx = &s;
	q.submit = q_submit;
	q.cancel = q_cancel;
	q.policy = pmp_upnp_keep_policy();
	q.rng = &test_rng;
	q.method = PMP_METHOD_UPNP;
	q.restarts = &s.restarts;
	q.check_mappings = 1;
	pmp_keeper_init_queue(&s.kp, &q, on_event, &s);
	s.now = 1000000;
	s.address[10] = s.address[11] = 0xff;
	s.address[12] = 203;
	s.address[15] = 7;
	*state = &s;
	return 0;
}

/* Answer every queued request as an IGD would; granted: the lease the
 * result reports (0 for a map: what pmp_upnp_result reports a permanent
 * one as to a kept mapping, the asked lifetime). */
static void
answer_all(struct sim *s, int status)
{
	while (s->nq > 0) {
		pmp_req_t *r = s->q[0];
		pmp_kept_t *gone;

		s->q[0] = s->q[--s->nq];
		memset(&r->result, 0, sizeof(r->result));
		r->result.status = status;
		r->result.op = r->op;
		r->result.method = PMP_METHOD_UPNP;
		r->result.attempts = 1;
		memcpy(r->result.public_address, s->address, 16);
		if (r->op == PMP_OP_CHECK && s->drop > 0) {
			s->drop--;
			r->result.status = PMP_EGATEWAY;
			r->result.result_code = 714;
		} else if (r->op == PMP_OP_CHECK) {
			r->result.status = s->check_status;
		}
		if (r->op == PMP_OP_MAP && status == PMP_OK) {
			r->result.private_port = r->private_port;
			r->result.public_port = r->public_port;
			r->result.lifetime = r->lifetime;
		}
		gone = pmp_keeper_done(&s->kp, r, s->now);
		if (gone != NULL)
			gone->next = NULL;
	}
}

/* Run the keeper at each deadline up to t. */
static void
run_until(struct sim *s, uint64_t t)
{
	uint64_t d;

	while ((d = pmp_keeper_deadline(&s->kp)) <= t) {
		if (d > s->now)
			s->now = d;
		pmp_keeper_run(&s->kp, s->now);
		answer_all(s, PMP_OK);
	}
	s->now = t;
}

static int
events_of(const struct sim *s, pmp_event_type_t type)
{
	int i, n = 0;

	for (i = 0; i < s->nev; i++)
		n += s->ev[i].type == type;
	return n;
}

static void
keep(struct sim *s, int i, uint16_t port, uint32_t lifetime)
{
	pmp_kept_t *k = &s->k[i];

	memset(k, 0, sizeof(*k));
	k->id = (unsigned)i + 1;
	k->protocol = PMP_PROTO_UDP;
	k->private_port = port;
	k->lifetime = lifetime;
	pmp_keeper_add(&s->kp, k, s->now);
}

static void
test_renewal_at_half(void **state)
{
	struct sim *s = *state;
	uint64_t t0 = s->now;
	int before;

	keep(s, 0, 4000, 3600);
	run_until(s, t0);
	assert_int_equal(events_of(s, PMP_EV_MAPPED), 1);
	assert_int_equal(s->ev[s->nev - 1].method, PMP_METHOD_UPNP);
	before = s->maps;
	/* 1800 s: nothing before, the renewal at it */
	run_until(s, t0 + 1799999);
	assert_int_equal(s->maps, before);
	run_until(s, t0 + 1800000);
	assert_int_equal(s->maps, before + 1);
	assert_int_equal(events_of(s, PMP_EV_RENEWED), 1);
	/* the address checked at the start, then every 10 min
	 * (GetExternalIPAddress): at 0, 600, 1200 and 1800 s */
	assert_int_equal(s->checks, 4);
	assert_true(s->kp.have_address);
}

static void
test_restart_recreates_after_jitter(void **state)
{
	struct sim *s = *state;
	uint64_t t0 = s->now, d;
	int before;

	keep(s, 0, 4000, 600);
	keep(s, 1, 4001, 600);
	run_until(s, t0);
	assert_int_equal(events_of(s, PMP_EV_MAPPED), 2);
	before = s->submitted;
	s->now = t0 + 60000;
	s->restarts++;		/* a new BOOTID seen below */
	assert_int_equal(pmp_keeper_deadline(&s->kp), 0);
	pmp_keeper_run(&s->kp, s->now);
	assert_int_equal(events_of(s, PMP_EV_GATEWAY_RESTARTED), 1);
	d = pmp_keeper_deadline(&s->kp);
	assert_true(d >= s->now && d <= s->now + 5000);
	run_until(s, t0 + 65000);
	assert_int_equal(events_of(s, PMP_EV_RESTORED), 2);
	/* both re-created, and the address re-checked */
	assert_true(s->submitted >= before + 2);
	/* a second look at the same BOOTID is no restart */
	pmp_keeper_run(&s->kp, s->now);
	assert_int_equal(events_of(s, PMP_EV_GATEWAY_RESTARTED), 1);
}

static void
test_address_change_remaps(void **state)
{
	struct sim *s = *state;
	uint64_t t0 = s->now;

	keep(s, 0, 4000, 7200);
	run_until(s, t0);
	s->address[15] = 8;	/* the IGD's external address moves */
	run_until(s, t0 + PMP_KEEP_VERIFY_MS);
	assert_int_equal(events_of(s, PMP_EV_ADDRESS_CHANGED), 1);
	assert_int_equal(events_of(s, PMP_EV_RESTORED), 1);
}

static void
test_stop_deletes(void **state)
{
	struct sim *s = *state;
	pmp_kept_t *freed;
	pmp_req_t *r;

	keep(s, 0, 4000, 600);
	run_until(s, s->now);
	assert_int_equal(pmp_keeper_stop(&s->kp, 1, s->now, &freed), PMP_OK);
	assert_null(freed);
	assert_int_equal(s->nq, 1);
	r = s->q[0];
	assert_int_equal(r->op, PMP_OP_UNMAP);
	assert_int_equal(r->private_port, 4000);
	answer_all(s, PMP_OK);
	assert_int_equal(events_of(s, PMP_EV_DELETED), 1);
	assert_int_equal(pmp_keeper_count(&s->kp), 0);
}

static void
test_stop_of_unsent_create(void **state)
{
	struct sim *s = *state;
	pmp_kept_t *freed;

	keep(s, 0, 4000, 600);
	pmp_keeper_run(&s->kp, s->now);
	assert_int_equal(s->nq, 2);	/* the address check and the map */
	assert_int_equal(pmp_keeper_stop(&s->kp, 1, s->now, &freed), PMP_OK);
	/* taken back from the queue unsent: nothing owed, freed at once */
	assert_int_equal(s->canceled, 1);
	assert_ptr_equal(freed, &s->k[0]);
}

static void
test_failure_retried_with_backoff(void **state)
{
	struct sim *s = *state;
	uint64_t t0 = s->now;

	keep(s, 0, 4000, 600);
	pmp_keeper_run(&s->kp, s->now);
	answer_all(s, PMP_ETIMEDOUT);	/* the IGD did not answer */
	assert_int_equal(events_of(s, PMP_EV_RETRYING), 1);
	assert_int_equal(pmp_keeper_deadline(&s->kp), t0 + 1000);
	run_until(s, t0 + 1000);
	assert_int_equal(events_of(s, PMP_EV_MAPPED), 1);
}

/* A check 5 s after the grant and with every address check; none while
 * renewals come first; one found gone (714: DD-WRT dropped it) is lost
 * with the gateway's word and re-created at once; one the IGD cannot
 * answer changes nothing. */
static void
test_check_between_renewals(void **state)
{
	struct sim *s = *state;
	uint64_t t0 = s->now;
	int i, lost = -1;

	keep(s, 0, 4000, 3600);
	run_until(s, t0 + 4999);
	assert_int_equal(events_of(s, PMP_EV_MAPPED), 1);
	assert_int_equal(s->mapchecks, 0);
	run_until(s, t0 + 5000);
	assert_int_equal(s->mapchecks, 1);
	assert_int_equal(s->nq, 0);	/* answered: still there */
	run_until(s, t0 + 599999);
	assert_int_equal(s->mapchecks, 1);
	s->drop = 1;
	run_until(s, t0 + 600000);
	assert_int_equal(s->mapchecks, 2);
	assert_int_equal(events_of(s, PMP_EV_LOST), 1);
	for (i = 0; i < s->nev; i++)
		if (s->ev[i].type == PMP_EV_LOST)
			lost = i;
	assert_int_equal(s->ev[lost].status, PMP_EGATEWAY);
	assert_int_equal(s->ev[lost].result_code, 714);
	assert_int_equal(events_of(s, PMP_EV_RESTORED), 1);
	assert_int_equal(s->maps, 2);
	/* checked again 5 s after the re-creation; an IGD that cannot
	 * say (401 -> PMP_EUNSUPPORTED) changes nothing */
	s->check_status = PMP_EUNSUPPORTED;
	run_until(s, t0 + 605000);
	assert_int_equal(s->mapchecks, 3);
	assert_int_equal(events_of(s, PMP_EV_LOST), 1);
	/* the renewal at half the lease from the re-creation, as before */
	run_until(s, t0 + 600000 + 1800000);
	assert_int_equal(events_of(s, PMP_EV_RENEWED), 1);
	assert_int_equal(s->maps, 3);
}

/* A restart seen 4 s after the grant: the check due at 5 s waits for the
 * re-creation cycle (its 0-5 s jitter), which makes the mapping once. */
static void
test_no_check_before_a_restart_cycle(void **state)
{
	struct sim *s = *state;
	uint64_t t0 = s->now;
	int maps;

	keep(s, 0, 4000, 3600);
	run_until(s, t0 + 4000);
	maps = s->maps;
	s->restarts++;
	s->drop = 1;		/* the IGD lost it: a check would say 714 */
	run_until(s, t0 + 4000 + 5000 + 1);
	assert_int_equal(events_of(s, PMP_EV_RESTORED), 1);
	assert_int_equal(events_of(s, PMP_EV_LOST), 0);
	assert_int_equal(s->maps, maps + 1);
}

static void
test_no_check_when_renewals_come_first(void **state)
{
	struct sim *s = *state;

	keep(s, 0, 4000, 4);	/* renewed every 2 s */
	run_until(s, s->now + 20000);
	assert_true(events_of(s, PMP_EV_RENEWED) >= 9);
	assert_int_equal(s->mapchecks, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_renewal_at_half, setup),
		cmocka_unit_test_setup(test_restart_recreates_after_jitter,
		    setup),
		cmocka_unit_test_setup(test_address_change_remaps, setup),
		cmocka_unit_test_setup(test_stop_deletes, setup),
		cmocka_unit_test_setup(test_stop_of_unsent_create, setup),
		cmocka_unit_test_setup(test_failure_retried_with_backoff,
		    setup),
		cmocka_unit_test_setup(test_check_between_renewals, setup),
		cmocka_unit_test_setup(test_no_check_when_renewals_come_first,
		    setup),
		cmocka_unit_test_setup(test_no_check_before_a_restart_cycle,
		    setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
