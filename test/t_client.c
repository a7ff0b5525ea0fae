/*
 * t_client.c - the public API over real loopback sockets: one queue shared
 * by many threads (RFC 6886 §3.1: one request at a time), the
 * non-blocking loop, cancel, ICMP refusal, the caller's deadline, and
 * argument checks.  The gateway is a responder thread in this process.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "pmp.h"
#include "natpmp/wire.h"

struct responder {
	const char *addr;
	int fd;
	int silent;
	int stop;		/* __atomic: the main thread sets it */
	unsigned answered;
	unsigned mapped;	/* answers to mapping requests */
	unsigned violations;	/* a new request before the last answer */
	unsigned refused_version;	/* PCP requests answered with NAT-PMP's
					 * unsupported version */
	pthread_t thr;
};

static void
answer(struct responder *r, const uint8_t *b, size_t n,
    const struct sockaddr_in *to)
{
	pmp_wire_req_t q;
	pmp_wire_resp_t m;
	uint8_t out[16];
	size_t len;

	switch (pmp_wire_decode_request(b, n, &q)) {
	case PMP_REQ_OK:
		break;
	case PMP_REQ_BAD_VERSION:
		/* a NAT-PMP server's answer to PCP (RFC 6886 §3.5, EID
		 * 3618): result 1 in 8 bytes, with its version, 0 */
		sendto(r->fd, "\x00\x80\x00\x01\x00\x00\x00\x64", 8, 0,
		    (const struct sockaddr *)to, sizeof(*to));
		/* read by the main thread meanwhile */
		__atomic_add_fetch(&r->refused_version, 1, __ATOMIC_RELEASE);
		return;
	default:
		return;
	}
	memset(&m, 0, sizeof(m));
	m.opcode = (uint8_t)(128 + q.opcode);
	m.epoch = 100;
	if (q.opcode == 0) {
		memcpy(m.public_addr, "\xcb\x00\x71\x07", 4);
	} else {
		r->mapped++;
		m.private_port = q.private_port;
		if (q.lifetime != 0) {
			m.public_port = (uint16_t)(q.private_port + 10000);
			m.lifetime = q.lifetime;
		}
	}
	len = pmp_wire_encode_response(&m, out, sizeof(out));
	sendto(r->fd, out, len, 0, (const struct sockaddr *)to, sizeof(*to));
	r->answered++;
}

static void *
responder_main(void *arg)
{
	struct responder *r = arg;
	uint8_t cur[64], next[64];
	size_t ncur = 0;
	long nnext;
	struct sockaddr_in from, from2;
	socklen_t fl;
	int have = 0;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		struct pollfd p = { r->fd, POLLIN, 0 };

		if (!have) {
			if (poll(&p, 1, 20) <= 0)
				continue;
			fl = sizeof(from);
			nnext = recvfrom(r->fd, cur, sizeof(cur), 0,
			    (struct sockaddr *)&from, &fl);
			if (nnext < 0)
				continue;
			ncur = (size_t)nnext;
		}
		have = 0;
		if (r->silent)
			continue;
		/* Hold the answer 2 ms: a serialising client sends nothing
		 * new meanwhile (a retransmission would come after 250). */
		if (poll(&p, 1, 2) > 0) {
			fl = sizeof(from2);
			nnext = recvfrom(r->fd, next, sizeof(next), 0,
			    (struct sockaddr *)&from2, &fl);
			if (nnext >= 0 && ((size_t)nnext != ncur ||
			    memcmp(next, cur, ncur) != 0)) {
				r->violations++;
				answer(r, cur, ncur, &from);
				memcpy(cur, next, (size_t)nnext);
				ncur = (size_t)nnext;
				from = from2;
				have = 1;
				continue;
			}
		}
		answer(r, cur, ncur, &from);
	}
	return NULL;
}

static void
responder_start(struct responder *r, const char *addr, int silent)
{
	struct sockaddr_in sin;

	memset(r, 0, sizeof(*r));
	r->addr = addr;
	r->silent = silent;
	r->fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(r->fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(5351);
	inet_pton(AF_INET, addr, &sin.sin_addr);
	assert_int_equal(bind(r->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(pthread_create(&r->thr, NULL, responder_main, r), 0);
}

static void
responder_stop(struct responder *r)
{
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
	pthread_join(r->thr, NULL);
	close(r->fd);
}

static pmp_client_t *
client_for(const char *addr)
{
	pmp_client_t *c;
	uint8_t a[16];
	uint16_t port;

	assert_int_equal(pmp_client_new(&c), PMP_OK);
	assert_int_equal(pmp_parse_gateway(addr, a, &port), PMP_OK);
	assert_int_equal(pmp_client_set_gateway(c, a, port), PMP_OK);
	/* AUTO would try PCP first; the tests that use this responder are
	 * about NAT-PMP's serial queue (the fallback test sets its own) */
	assert_int_equal(pmp_client_method(c), PMP_METHOD_PCP);
	assert_int_equal(pmp_client_set_methods(c,
	    PMP_METHOD_BIT(PMP_METHOD_NATPMP)), PMP_OK);
	return c;
}

#define THREADS 8
#define PER_THREAD 25

struct worker {
	pmp_client_t *c;
	int index;
	int failures;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	int i;

	for (i = 0; i < PER_THREAD; i++) {
		uint16_t port = (uint16_t)(20000 + w->index * 100 + i);
		pmp_result_t r;

		if (pmp_map(w->c, i % 2 ? PMP_PROTO_UDP : PMP_PROTO_TCP, port,
		    0, 600, &r) != PMP_OK || r.public_port != port + 10000 ||
		    r.private_port != port || r.lifetime != 600 ||
		    memcmp(r.public_address + 12, "\xcb\x00\x71\x07", 4) != 0)
			w->failures++;
	}
	return NULL;
}

/* 8 threads x 25 blocking maps on one client: all answered correctly,
 * and the gateway never saw two requests outstanding. */
static void
test_threads_share_one_queue(void **state)
{
	struct responder r;
	struct worker w[THREADS];
	pthread_t t[THREADS];
	pmp_client_t *c;
	int i;

	(void)state;
	responder_start(&r, "127.77.1.1", 0);
	c = client_for("127.77.1.1");
	for (i = 0; i < THREADS; i++) {
		w[i].c = c;
		w[i].index = i;
		w[i].failures = 0;
		assert_int_equal(pthread_create(&t[i], NULL, worker_main,
		    &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
	assert_int_equal(pmp_client_pending(c), 0);
	pmp_client_free(c);
	responder_stop(&r);	/* joins: its counters are final */
	/* each thread may have asked for the address once first */
	assert_int_equal(r.mapped, THREADS * PER_THREAD);
	assert_true(r.answered <= THREADS * PER_THREAD + THREADS);
	assert_int_equal(r.violations, 0);
}

struct record {
	unsigned ids[8];
	int status[8];
	int n;
};

static void
record_cb(void *arg, const pmp_result_t *res)
{
	struct record *rec = arg;

	rec->ids[rec->n] = res->request_id;
	rec->status[rec->n] = res->status;
	rec->n++;
}

static void
run_loop(pmp_client_t *c)
{
	int guard = 0;

	while (pmp_client_pending(c) > 0 && guard++ < 1000) {
		struct pollfd p = { pmp_client_fd(c), POLLIN, 0 };
		int t = pmp_client_timeout_ms(c);

		assert_true(t >= -1);
		assert_true(poll(&p, 1, t) >= 0);
		assert_int_equal(pmp_client_process(c, (p.revents &
		    (POLLIN | POLLERR)) != 0), PMP_OK);
	}
}

/* The event-loop shape: fd, timeout, process; callbacks once, in order;
 * a canceled request's callback never runs. */
static void
test_nonblocking_loop_and_cancel(void **state)
{
	struct responder r;
	struct record rec;
	pmp_client_t *c;
	int id[5], i;

	(void)state;
	memset(&rec, 0, sizeof(rec));
	responder_start(&r, "127.77.1.2", 0);
	c = client_for("127.77.1.2");
	assert_int_equal(pmp_client_fd(c), -1);
	assert_int_equal(pmp_client_timeout_ms(c), -1);
	id[0] = pmp_request_public_address(c, record_cb, &rec);
	id[1] = pmp_request_map(c, PMP_PROTO_UDP, 5000, 0, 60, record_cb,
	    &rec);
	id[2] = pmp_request_map(c, PMP_PROTO_TCP, 5000, 0, 60, record_cb,
	    &rec);
	id[3] = pmp_request_unmap(c, PMP_PROTO_UDP, 5000, record_cb, &rec);
	id[4] = pmp_request_unmap_all(c, PMP_PROTO_TCP, record_cb, &rec);
	for (i = 0; i < 5; i++)
		assert_true(id[i] > 0);
	assert_true(pmp_client_fd(c) >= 0);
	assert_int_equal(pmp_client_pending(c), 5);
	assert_int_equal(pmp_cancel(c, (unsigned)id[2]), PMP_OK);
	assert_int_equal(pmp_cancel(c, (unsigned)id[2]), PMP_EINVAL);
	run_loop(c);
	assert_int_equal(rec.n, 4);
	assert_int_equal(rec.ids[0], id[0]);
	assert_int_equal(rec.ids[1], id[1]);
	assert_int_equal(rec.ids[2], id[3]);
	assert_int_equal(rec.ids[3], id[4]);
	for (i = 0; i < 4; i++)
		assert_int_equal(rec.status[i], PMP_OK);
	assert_int_equal(pmp_client_timeout_ms(c), -1);
	pmp_client_free(c);
	responder_stop(&r);
	assert_int_equal(r.answered, 4);
}

struct fdlog {
	int n;
	int fd[8];
	unsigned events[8];
};

static void
fd_cb(void *arg, int fd, unsigned events)
{
	struct fdlog *l = arg;

	if (l->n < 8) {
		l->fd[l->n] = fd;
		l->events[l->n] = events;
		l->n++;
	}
}

struct last {
	pmp_result_t res;
	int n;
};

static void
last_cb(void *arg, const pmp_result_t *res)
{
	struct last *l = arg;

	l->res = *res;
	l->n++;
}

/* The 1.0 event-loop interface and method selection: the set with its
 * events, its generation and its observer; process_fds with only what is
 * ready; the method in the result; the public address learned. */
static void
test_event_loop_interface(void **state)
{
	static const uint8_t zero[sizeof(((pmp_result_t *)0)->reserved)];
	struct responder r;
	struct fdlog log;
	struct last last;
	pmp_client_t *c;
	pmp_fd_t fds[4], ready[4];
	unsigned gen0, gen1;
	uint8_t addr[16];
	int fdv[4], n, guard = 0, id;

	(void)state;
	memset(&log, 0, sizeof(log));
	memset(&last, 0, sizeof(last));
	responder_start(&r, "127.77.1.8", 0);
	c = client_for("127.77.1.8");
	assert_int_equal(pmp_client_set_methods(c, 1u << 7), PMP_EINVAL);
	/* UPnP-IGD alone is its own driver; with others, raced
	 * (test_race_descriptors) */
	assert_int_equal(pmp_client_set_methods(c,
	    PMP_METHOD_BIT(PMP_METHOD_UPNP)), PMP_OK);
	assert_int_equal(pmp_client_method(c), PMP_METHOD_UPNP);
	assert_int_equal(pmp_client_set_methods(c,
	    PMP_METHOD_BIT(PMP_METHOD_NATPMP) |
	    PMP_METHOD_BIT(PMP_METHOD_UPNP)), PMP_OK);
	assert_int_equal(pmp_client_method(c), PMP_METHOD_NATPMP);
	assert_int_equal(pmp_client_set_methods(c,
	    PMP_METHOD_BIT(PMP_METHOD_NATPMP)), PMP_OK);
	pmp_client_set_fd_callback(c, fd_cb, &log);
	assert_int_equal(log.n, 0);		/* nothing open yet */
	assert_int_equal(pmp_client_poll_fds(c, NULL, 0, &gen0), 0);
	assert_int_equal(pmp_client_public_address(c, addr), PMP_EAGAIN);
	id = pmp_request_public_address(c, last_cb, &last);
	assert_true(id > 0);
	/* the socket joined the set: counted even with no room (0.1.0's
	 * pmp_client_fds returned min(count, max)) */
	assert_int_equal(pmp_client_poll_fds(c, NULL, 0, &gen1), 1);
	assert_int_not_equal(gen0, gen1);
	assert_int_equal(pmp_client_fds(c, fdv, 0), 1);
	assert_int_equal(pmp_client_poll_fds(c, fds, 4, NULL), 1);
	assert_int_equal(fds[0].events, PMP_FD_READ);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.fd[0], fds[0].fd);
	assert_int_equal(log.events[0], PMP_FD_READ);
	assert_int_equal(pmp_client_set_methods(c, PMP_METHODS_AUTO),
	    PMP_EINVAL);			/* too late */
	while (last.n == 0 && guard++ < 100) {
		struct pollfd p = { fds[0].fd, POLLIN, 0 };

		n = poll(&p, 1, pmp_client_timeout_ms(c)) > 0 ? 1 : 0;
		ready[0].fd = fds[0].fd;
		ready[0].events = PMP_FD_READ;
		assert_int_equal(pmp_client_process_fds(c, ready, n), PMP_OK);
	}
	assert_int_equal(last.n, 1);
	assert_int_equal(last.res.status, PMP_OK);
	assert_int_equal(last.res.method, PMP_METHOD_NATPMP);
	assert_memory_equal(last.res.reserved, zero, sizeof(zero));
	assert_int_equal(pmp_client_public_address(c, addr), PMP_OK);
	assert_memory_equal(addr + 12, "\xcb\x00\x71\x07", 4);
	/* a descriptor that is not the client's is ignored */
	ready[0].fd = 0;
	assert_int_equal(pmp_client_process_fds(c, ready, 1), PMP_OK);
	assert_int_equal(pmp_client_process_fds(c, NULL, 1), PMP_EINVAL);
	pmp_client_free(c);
	/* freeing reports the socket removed */
	assert_int_equal(log.n, 2);
	assert_int_equal(log.fd[1], log.fd[0]);
	assert_int_equal(log.events[1], 0);
	responder_stop(&r);
}

/* AUTO's race in the descriptor set: NAT-PMP with UPnP-IGD opens the
 * datagram socket and the SSDP search socket at once; the NAT-PMP answer
 * ends the race, and the search socket leaves the set (observer told). */
static void
test_race_descriptors(void **state)
{
	struct responder r;
	struct fdlog log;
	struct last last;
	pmp_client_t *c;
	pmp_fd_t fds[4];
	int guard = 0, i, removed = 0;

	(void)state;
	memset(&log, 0, sizeof(log));
	memset(&last, 0, sizeof(last));
	responder_start(&r, "127.77.1.9", 0);
	c = client_for("127.77.1.9");
	assert_int_equal(pmp_client_set_methods(c,
	    PMP_METHOD_BIT(PMP_METHOD_NATPMP) |
	    PMP_METHOD_BIT(PMP_METHOD_UPNP)), PMP_OK);
	pmp_client_set_fd_callback(c, fd_cb, &log);
	assert_true(pmp_request_public_address(c, last_cb, &last) > 0);
	assert_int_equal(pmp_client_poll_fds(c, fds, 4, NULL), 2);
	assert_int_equal(log.n, 2);
	while (last.n == 0 && guard++ < 100) {
		/* the set as it is now: the race may have ended */
		struct pollfd p[4];
		int k, nf = pmp_client_poll_fds(c, fds, 4, NULL);

		for (k = 0; k < nf; k++)
			p[k] = (struct pollfd){ fds[k].fd, POLLIN, 0 };
		(void)poll(p, (nfds_t)nf, pmp_client_timeout_ms(c));
		assert_int_equal(pmp_client_process(c, 1), PMP_OK);
	}
	assert_int_equal(last.res.status, PMP_OK);
	assert_int_equal(last.res.method, PMP_METHOD_NATPMP);
	assert_int_equal(pmp_client_method(c), PMP_METHOD_NATPMP);
	assert_int_equal(pmp_client_poll_fds(c, fds, 4, NULL), 1);
	for (i = 2; i < log.n; i++)
		removed += log.events[i] == 0;
	assert_int_equal(removed, 1);
	pmp_client_free(c);
	responder_stop(&r);
}

/* Asked for PCP and NAT-PMP, a client sends PCP first; a NAT-PMP-only
 * gateway's 8-byte answer switches it to NAT-PMP at once, for the request
 * that got it and every later one (RFC 6887 §9, RFC 6886 §1.1). */
static void
test_pcp_falls_back_to_natpmp(void **state)
{
	struct responder r;
	pmp_client_t *c;
	pmp_result_t res;

	(void)state;
	responder_start(&r, "127.77.1.9", 0);
	c = client_for("127.77.1.9");
	assert_int_equal(pmp_client_set_methods(c,
	    PMP_METHOD_BIT(PMP_METHOD_PCP) |
	    PMP_METHOD_BIT(PMP_METHOD_NATPMP)), PMP_OK);
	assert_int_equal(pmp_client_method(c), PMP_METHOD_PCP);
	assert_int_equal(pmp_client_set_timeout_ms(c, 2000), PMP_OK);
	assert_int_equal(pmp_map(c, PMP_PROTO_UDP, 7000, 0, 60, &res),
	    PMP_OK);
	assert_int_equal(res.method, PMP_METHOD_NATPMP);
	assert_int_equal(res.public_port, 17000);
	/* NAT-PMP's answer names no address: asked after the map */
	assert_memory_equal(res.public_address + 12, "\xcb\x00\x71\x07", 4);
	assert_true(res.elapsed_ms < 1000);	/* no PCP retransmission */
	assert_int_equal(pmp_client_method(c), PMP_METHOD_NATPMP);
	assert_int_equal(__atomic_load_n(&r.refused_version, __ATOMIC_ACQUIRE),
	    1);
	assert_int_equal(pmp_unmap(c, PMP_PROTO_UDP, 7000, &res), PMP_OK);
	/* NAT-PMP from now on */
	assert_int_equal(__atomic_load_n(&r.refused_version, __ATOMIC_ACQUIRE),
	    1);
	pmp_client_free(c);
	responder_stop(&r);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* C-08: nothing listens on the gateway's port: a clear error at once. */
static void
test_port_unreachable_is_fast(void **state)
{
	pmp_client_t *c = client_for("127.77.1.9");
	pmp_result_t r;
	uint64_t t0 = now_ms();

	(void)state;
	assert_int_equal(pmp_get_public_address(c, &r), PMP_EREFUSED);
	assert_int_equal(r.status, PMP_EREFUSED);
	assert_true(now_ms() - t0 < 200);
	/* the client is still usable afterwards */
	assert_int_equal(pmp_map(c, PMP_PROTO_UDP, 1, 0, 60, &r),
	    PMP_EREFUSED);
	pmp_client_free(c);
}

static uint64_t
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The caller's deadline ends a request on a silent gateway early, and the
 * wait costs no CPU. */
static void
test_caller_timeout(void **state)
{
	struct responder r;
	pmp_client_t *c;
	pmp_result_t res;
	uint64_t t0, dt, cpu0;

	(void)state;
	responder_start(&r, "127.77.1.3", 1);
	c = client_for("127.77.1.3");
	assert_int_equal(pmp_client_set_timeout_ms(c, 600), PMP_OK);
	t0 = now_ms();
	cpu0 = cpu_ms();
	assert_int_equal(pmp_get_public_address(c, &res), PMP_ETIMEDOUT);
	dt = now_ms() - t0;
	assert_true(dt >= 600 && dt < 900);
	assert_int_equal(res.attempts, 2);	/* at 0 and 250 ms */
	/* It slept: a poller that woke itself would spin for the 600 ms
	 * (the bug the 0.2.0 waker had before it knew its own thread). */
	assert_true(cpu_ms() - cpu0 < 150);
	pmp_client_free(c);
	responder_stop(&r);
}

/* Issue 10.13: requests still pending when the client is freed get their
 * callback once, with PMP_ECANCELED. */
static void
test_free_reports_canceled(void **state)
{
	struct responder r;
	struct record rec;
	pmp_client_t *c;
	int a, m;

	(void)state;
	memset(&rec, 0, sizeof(rec));
	responder_start(&r, "127.77.1.6", 1);
	c = client_for("127.77.1.6");
	a = pmp_request_public_address(c, record_cb, &rec);
	m = pmp_request_map(c, PMP_PROTO_UDP, 5000, 0, 60, record_cb, &rec);
	assert_true(a > 0 && m > 0);
	assert_int_equal(pmp_client_process(c, 0), PMP_OK);
	assert_int_equal(rec.n, 0);
	pmp_client_free(c);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rec.ids[0], (unsigned)a);
	assert_int_equal(rec.ids[1], (unsigned)m);
	assert_int_equal(rec.status[0], PMP_ECANCELED);
	assert_int_equal(rec.status[1], PMP_ECANCELED);
	responder_stop(&r);
}

/* Issue 10.6: pmp_map() that gives up at its address step reports a
 * mapping result; the timeout bounds the whole call. */
static void
test_map_gives_up_at_address(void **state)
{
	struct responder r;
	pmp_client_t *c;
	pmp_result_t res;
	uint64_t t0, dt;

	(void)state;
	responder_start(&r, "127.77.1.7", 1);
	c = client_for("127.77.1.7");
	assert_int_equal(pmp_client_set_timeout_ms(c, 600), PMP_OK);
	t0 = now_ms();
	assert_int_equal(pmp_map(c, PMP_PROTO_UDP, 5000, 0, 60, &res),
	    PMP_ETIMEDOUT);
	dt = now_ms() - t0;
	assert_true(dt >= 600 && dt < 900);
	assert_int_equal(res.op, PMP_OP_MAP);
	assert_int_equal(res.protocol, PMP_PROTO_UDP);
	assert_int_equal(res.private_port, 5000);
	assert_int_equal(pmp_client_pending(c), 0);
	pmp_client_free(c);
	responder_stop(&r);
}

static void
test_arguments(void **state)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t zero[16];
	static const uint8_t mc[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 1 };
	static const uint8_t ll[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 1 };
	static const uint8_t any4[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
	    0xff };
	pmp_client_t *c = client_for("127.77.1.4");
	pmp_result_t r;
	uint8_t a[16];
	uint16_t port;

	(void)state;
	assert_int_equal(pmp_request_map(c, PMP_PROTO_UDP, 0, 0, 60, NULL,
	    NULL), PMP_EINVAL);
	assert_int_equal(pmp_request_map(c, PMP_PROTO_UDP, 1, 0, 0, NULL,
	    NULL), PMP_EINVAL);
	assert_int_equal(pmp_request_map(c, 99, 1, 0, 60, NULL, NULL),
	    PMP_EINVAL);
	assert_int_equal(pmp_request_unmap(c, PMP_PROTO_TCP, 0, NULL, NULL),
	    PMP_EINVAL);
	assert_int_equal(pmp_map(c, PMP_PROTO_UDP, 0, 0, 60, &r), PMP_EINVAL);
	assert_int_equal(r.status, PMP_EINVAL);
	assert_int_equal(pmp_client_pending(c), 0);
	/* IPv6 is a gateway (PCP's only); ::, multicast, a link-local one
	 * without its interface and 0.0.0.0 are not */
	assert_int_equal(pmp_client_set_gateway(c, zero, 0), PMP_EINVAL);
	assert_int_equal(pmp_client_set_gateway(c, mc, 0), PMP_EINVAL);
	assert_int_equal(pmp_client_set_gateway(c, ll, 0), PMP_EINVAL);
	assert_int_equal(pmp_client_set_gateway(c, any4, 0), PMP_EINVAL);
	assert_int_equal(pmp_client_set_gateway(c, v6, 0), PMP_OK);
	assert_int_equal(pmp_client_set_methods(c,
	    PMP_METHOD_BIT(PMP_METHOD_NATPMP)), PMP_OK);
	assert_int_equal(pmp_client_method(c), PMP_METHOD_NONE);
	assert_int_equal(pmp_request_public_address(c, NULL, NULL),
	    PMP_EUNSUPPORTED);
	assert_int_equal(pmp_client_set_methods(c, PMP_METHODS_AUTO), PMP_OK);
	assert_int_equal(pmp_client_method(c), PMP_METHOD_PCP);
	assert_int_equal(pmp_parse_gateway("127.77.1.4", a, &port), PMP_OK);
	assert_int_equal(pmp_client_set_gateway(c, a, port), PMP_OK);
	assert_int_equal(pmp_client_set_methods(c,
	    PMP_METHOD_BIT(PMP_METHOD_NATPMP)), PMP_OK);
	assert_int_equal(pmp_client_new(NULL), PMP_EINVAL);
	assert_int_equal(pmp_client_fd(NULL), -1);
	assert_int_equal(pmp_client_timeout_ms(NULL), -1);
	assert_int_equal(pmp_client_pending(NULL), 0);
	assert_int_equal(pmp_client_process(NULL, 1), PMP_EINVAL);
	assert_int_equal(pmp_cancel(NULL, 1), PMP_EINVAL);
	assert_int_equal(pmp_request_public_address(NULL, NULL, NULL),
	    PMP_EINVAL);
	assert_int_equal(pmp_get_public_address(NULL, &r), PMP_EINVAL);
	/* once a socket is open the gateway is fixed */
	assert_true(pmp_request_public_address(c, NULL, NULL) > 0);
	assert_int_equal(pmp_parse_gateway("127.0.0.1", a, &port), PMP_OK);
	assert_int_equal(pmp_client_set_gateway(c, a, port), PMP_EINVAL);
	pmp_client_free(c);
	pmp_client_free(NULL);

	assert_int_equal(pmp_parse_gateway("10.2.0.1", a, &port), PMP_OK);
	assert_int_equal(port, 5351);
	assert_memory_equal(a + 10, "\xff\xff\x0a\x02\x00\x01", 6);
	assert_int_equal(pmp_parse_gateway("10.2.0.1:6000", a, &port),
	    PMP_OK);
	assert_int_equal(port, 6000);
	assert_int_equal(pmp_parse_gateway("10.2.0.1:", a, &port), PMP_EINVAL);
	assert_int_equal(pmp_parse_gateway("10.2.0.1:0", a, &port),
	    PMP_EINVAL);
	assert_int_equal(pmp_parse_gateway("10.2.0.1:65536", a, &port),
	    PMP_EINVAL);
	assert_int_equal(pmp_parse_gateway("10.2.0.1:-1", a, &port),
	    PMP_EINVAL);
	assert_int_equal(pmp_parse_gateway("10.2", a, &port), PMP_EINVAL);
	/* IPv6: bare, bracketed with a port, link-local with its zone
	 * (carried in bytes 2-3); a zone elsewhere, or none on a link-local
	 * address, or an unknown interface: refused */
	assert_int_equal(pmp_parse_gateway("::1", a, &port), PMP_OK);
	assert_int_equal(port, 5351);
	assert_int_equal(a[15], 1);
	assert_int_equal(pmp_parse_gateway("[2001:db8::1]:6000", a, &port),
	    PMP_OK);
	assert_int_equal(port, 6000);
	assert_memory_equal(a, v6, 16);
	assert_int_equal(pmp_parse_gateway("[2001:db8::1]", a, &port), PMP_OK);
	assert_int_equal(pmp_parse_gateway("fe80::1%1", a, &port), PMP_OK);
	assert_int_equal(a[0], 0xfe);
	assert_int_equal(a[3], 1);
	assert_int_equal(pmp_parse_gateway("[fe80::1%lo]:5351", a, &port),
	    PMP_OK);
	assert_int_equal(pmp_parse_gateway("fe80::1", a, &port), PMP_EINVAL);
	assert_int_equal(pmp_parse_gateway("fe80::1%no-such-if", a, &port),
	    PMP_EINVAL);
	assert_int_equal(pmp_parse_gateway("2001:db8::1%1", a, &port),
	    PMP_EINVAL);
	assert_int_equal(pmp_parse_gateway("[10.2.0.1]:5351", a, &port),
	    PMP_EINVAL);
	assert_int_equal(pmp_parse_gateway("[::1", a, &port), PMP_EINVAL);
	assert_int_equal(pmp_parse_gateway("[::1]:", a, &port), PMP_EINVAL);
	assert_int_equal(pmp_parse_gateway("::ffff:10.2.0.1", a, &port),
	    PMP_EINVAL);
	assert_int_equal(pmp_parse_gateway("", a, &port), PMP_EINVAL);
	assert_int_equal(pmp_parse_gateway("gw.example", a, &port),
	    PMP_EINVAL);
}

static void
test_strerror(void **state)
{
	int s;

	(void)state;
	for (s = PMP_OK; s >= PMP_ENODELETE; s--)
		assert_string_not_equal(pmp_strerror(s), "unknown error");
	assert_string_equal(pmp_strerror(-1000), "unknown error");
	assert_string_equal(pmp_strerror(1), "unknown error");
	for (s = 0; s <= 5; s++)
		assert_string_not_equal(pmp_result_code_str((unsigned)s),
		    "unknown result code");
	assert_string_equal(pmp_result_code_str(6), "unknown result code");
	/* Result codes are read per method: NAT-PMP's 3 and PCP's 3 are
	 * different things (RFC 6886 §3.5, RFC 6887 §7.4). */
	assert_string_equal(pmp_result_code_text(PMP_METHOD_NATPMP, 3),
	    pmp_result_code_str(3));
	assert_string_equal(pmp_result_code_text(PMP_METHOD_PCP, 3),
	    "malformed request");
	assert_string_equal(pmp_result_code_text(PMP_METHOD_PCP, 13),
	    "excessive remote peers");
	assert_string_equal(pmp_result_code_text(PMP_METHOD_PCP, 14),
	    "unknown result code");
	assert_string_equal(pmp_result_code_text(PMP_METHOD_UPNP, 718),
	    "conflict: the port is mapped to another host");
	assert_string_equal(pmp_result_code_text(PMP_METHOD_NONE, 0),
	    "unknown result code");
	assert_string_equal(pmp_method_name(PMP_METHOD_NATPMP), "NAT-PMP");
	assert_string_equal(pmp_method_name(PMP_METHOD_PCP), "PCP");
	assert_string_equal(pmp_method_name(PMP_METHOD_UPNP), "UPnP-IGD");
	assert_string_equal(pmp_method_name((pmp_method_t)9),
	    "unknown method");
	assert_int_equal(pmp_version(), PMP_VERSION);
	assert_string_equal(pmp_version_str(), "0.2.0");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_share_one_queue),
		cmocka_unit_test(test_nonblocking_loop_and_cancel),
		cmocka_unit_test(test_port_unreachable_is_fast),
		cmocka_unit_test(test_caller_timeout),
		cmocka_unit_test(test_arguments),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_free_reports_canceled),
		cmocka_unit_test(test_map_gives_up_at_address),
		cmocka_unit_test(test_event_loop_interface),
		cmocka_unit_test(test_race_descriptors),
		cmocka_unit_test(test_pcp_falls_back_to_natpmp),
	};

	return cmocka_run_group_tests_name("client", tests, NULL, NULL);
}
