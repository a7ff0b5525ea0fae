/*
 * sync.c - the blocking calls, built only on the public non-blocking API
 * (pmp.h) and the client's waker.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Several threads may block on one client at once.  One of them at a time
 * (the "poller") sleeps in poll() on the client's descriptors and the
 * waker's pipe, then processes what is ready; the others wait on the
 * waker's condition variable until their request has finished or the
 * poller role is free.  A new request, a cancel or a process call from
 * another thread writes to the pipe so that the poller recomputes its
 * timeout.  The waker's mutex is never held while calling the client.
 */
#include <limits.h>
#include <string.h>

#include "sync.h"
#include "core/args.h"

#define MAX_POLL 8	/* descriptors polled at once (NAT-PMP uses 3) */

struct waiter {
	pmp_waker_t *wk;
	int done;
	pmp_result_t *res;
};

static void
on_done(void *arg, const pmp_result_t *res)
{
	struct waiter *w = arg;

	pthread_mutex_lock(&w->wk->lock);
	*w->res = *res;
	w->done = 1;
	pthread_cond_broadcast(&w->wk->cond);
	pthread_mutex_unlock(&w->wk->lock);
}

static short
poll_events(unsigned events)
{
	return (short)(((events & PMP_FD_READ) ? POLLIN : 0) |
	    ((events & PMP_FD_WRITE) ? POLLOUT : 0));
}

static unsigned
ready_events(short revents)
{
	/* POLLERR carries the ICMP error: read it as readable. */
	return ((revents & (POLLIN | POLLERR | POLLHUP)) ? PMP_FD_READ : 0u) |
	    ((revents & POLLOUT) ? PMP_FD_WRITE : 0u) |
	    ((revents & (POLLERR | POLLHUP)) ? PMP_FD_ERROR : 0u);
}

/* One turn as the poller: wait at most max_ms (-1: the client's timeout
 * only), then process what is ready. */
static void
poll_once(pmp_client_t *c, pmp_waker_t *wk, int max_ms)
{
	struct pollfd pfd[1 + MAX_POLL];
	pmp_fd_t fds[MAX_POLL], ready[MAX_POLL];
	int n, i, nready = 0, t;

	n = pmp_client_poll_fds(c, fds, MAX_POLL, NULL);
	if (n > MAX_POLL)
		n = MAX_POLL;
	t = pmp_client_timeout_ms(c);
	if (max_ms >= 0 && (t < 0 || t > max_ms))
		t = max_ms;
	pfd[0].fd = wk->fds[0];
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	for (i = 0; i < n; i++) {
		pfd[i + 1].fd = fds[i].fd;
		pfd[i + 1].events = poll_events(fds[i].events);
		pfd[i + 1].revents = 0;
	}
	if (pmp_poll(pfd, (unsigned)n + 1, t) > 0) {
		if (pfd[0].revents & POLLIN)
			pmp_waker_drain(wk);
		for (i = 0; i < n; i++) {
			if (pfd[i + 1].revents == 0)
				continue;
			ready[nready].fd = fds[i].fd;
			ready[nready].events = ready_events(pfd[i + 1].revents);
			nready++;
		}
	}
	(void)pmp_client_process_fds(c, ready, nready);
}

/*
 * Run the client until w is done or, if deadline_ms is not 0, until then
 * (on pmp_clock_ms()).  Returns 1 if done.
 */
static int
wait_done(pmp_client_t *c, struct waiter *w, uint64_t deadline_ms)
{
	pmp_waker_t *wk = w->wk;
	int done;

	pthread_mutex_lock(&wk->lock);
	while (!w->done) {
		int left = -1;

		if (deadline_ms != 0) {
			uint64_t now = pmp_clock_ms();

			if (now >= deadline_ms)
				break;
			left = deadline_ms - now > INT_MAX ? INT_MAX :
			    (int)(deadline_ms - now);
		}
		if (wk->poller) {
			pthread_cond_wait(&wk->cond, &wk->lock);
			continue;
		}
		pmp_waker_become_poller(wk);
		pthread_mutex_unlock(&wk->lock);
		poll_once(c, wk, left);
		pthread_mutex_lock(&wk->lock);
		wk->poller = 0;
		pthread_cond_broadcast(&wk->cond);
	}
	done = w->done;
	pthread_mutex_unlock(&wk->lock);
	return done;
}

/* The pipe must exist before the request can wake anyone. */
static int
prepare(pmp_client_t *c, struct waiter *w, pmp_result_t *res)
{
	w->done = 0;
	w->res = res;
	w->wk = NULL;
	memset(res, 0, sizeof(*res));
	if (c == NULL)
		return res->status = PMP_EINVAL;
	w->wk = pmp_client_waker(c);
	if (pmp_waker_open(w->wk) != PMP_OK)
		return res->status = PMP_ESYS;
	return PMP_OK;
}

/* Wait for request id (or report its submission error). */
static int
run(pmp_client_t *c, int id, struct waiter *w, pmp_result_t *res)
{
	if (id < 0) {
		memset(res, 0, sizeof(*res));
		return res->status = id;
	}
	(void)wait_done(c, w, 0);
	return res->status;
}

int
pmp_get_public_address(pmp_client_t *c, pmp_result_t *res)
{
	struct waiter w;
	int rc = prepare(c, &w, res);

	if (rc != PMP_OK)
		return rc;
	return run(c, pmp_request_public_address(c, on_done, &w), &w, res);
}

int
pmp_unmap(pmp_client_t *c, int protocol, uint16_t private_port,
    pmp_result_t *res)
{
	struct waiter w;
	int rc = prepare(c, &w, res);

	if (rc != PMP_OK)
		return rc;
	return run(c, pmp_request_unmap(c, protocol, private_port, on_done,
	    &w), &w, res);
}

int
pmp_unmap_all(pmp_client_t *c, int protocol, pmp_result_t *res)
{
	struct waiter w;
	int rc = prepare(c, &w, res);

	if (rc != PMP_OK)
		return rc;
	return run(c, pmp_request_unmap_all(c, protocol, on_done, &w), &w,
	    res);
}

/* Does the result name a public address? */
static int
has_address(const pmp_result_t *res)
{
	static const uint8_t zero[16];

	return memcmp(res->public_address, zero, 16) != 0;
}

/* pmp_map() gave up before the mapping's answer: the result is the
 * mapping's, with the status that stopped it. */
static int
ended_before_map(pmp_client_t *c, pmp_result_t *res, int status,
    const pmp_result_t *a, int protocol, uint16_t private_port,
    uint64_t start)
{
	memset(res, 0, sizeof(*res));
	res->status = status;
	res->op = PMP_OP_MAP;
	res->protocol = protocol;
	res->private_port = private_port;
	if (a != NULL) {
		res->request_id = a->request_id;
		res->method = a->method;
		res->attempts = a->attempts;
	}
	(void)pmp_client_gateway(c, res->gateway, NULL);
	res->elapsed_ms = pmp_clock_ms() - start;
	return status;
}

/*
 * The mapping answer of NAT-PMP names no address (RFC 6886 §3.3), so this
 * is the one place that asks for it first, once, when the client does not
 * know it; the client's timeout bounds both requests together.  Only
 * silence ends it there (the mapping would meet the same), reported as the
 * mapping's result; an error or 0.0.0.0 from the gateway leaves the
 * address zero.
 */
int
pmp_map(pmp_client_t *c, int protocol, uint16_t private_port,
    uint16_t public_port, uint32_t lifetime, pmp_result_t *res)
{
	struct waiter w;
	uint8_t addr[16];
	uint64_t start = pmp_clock_ms(), deadline = 0;
	uint32_t timeout;
	int rc = prepare(c, &w, res), id, asked;

	if (rc != PMP_OK)
		return rc;
	/* Fail before any send. */
	rc = pmp_args_check(PMP_OP_MAP, protocol, private_port, lifetime);
	if (rc != PMP_OK)
		return res->status = rc;
	timeout = pmp_client_timeout_setting(c);
	if (timeout != 0)
		deadline = start + timeout;
	/* NAT-PMP: the address first.  PCP's answer names it: one round
	 * trip (and if the gateway turns out to speak NAT-PMP only, the
	 * address is asked for after the map, below). */
	asked = pmp_client_method(c) == PMP_METHOD_NATPMP;
	if (asked && pmp_client_public_address(c, addr) != PMP_OK) {
		pmp_result_t a;

		rc = pmp_get_public_address(c, &a);
		if (rc == PMP_ETIMEDOUT || rc == PMP_ENOSUPPORT ||
		    rc == PMP_EREFUSED || rc == PMP_ESYS ||
		    rc == PMP_ENOROUTE || rc == PMP_ENOGWADDR ||
		    rc == PMP_EUNSUPPORTED)
			return ended_before_map(c, res, rc, &a, protocol,
			    private_port, start);
		if (deadline != 0 && pmp_clock_ms() >= deadline)
			return ended_before_map(c, res, PMP_ETIMEDOUT, &a,
			    protocol, private_port, start);
		(void)prepare(c, &w, res);
	}
	id = pmp_request_map(c, protocol, private_port, public_port, lifetime,
	    on_done, &w);
	if (id < 0)
		return run(c, id, &w, res);
	if (!wait_done(c, &w, deadline)) {
		/* The whole call's time ran out first.  Unless it has just
		 * finished (then its result stands), take the request back
		 * and say so. */
		if (pmp_cancel(c, (unsigned)id) == PMP_OK)
			return ended_before_map(c, res, PMP_ETIMEDOUT, NULL,
			    protocol, private_port, start);
		(void)wait_done(c, &w, 0);
	}
	if (!asked && res->status == PMP_OK && !has_address(res) &&
	    pmp_client_public_address(c, addr) != PMP_OK &&
	    (deadline == 0 || pmp_clock_ms() < deadline)) {
		/* fell back to NAT-PMP on the way: its answer named no
		 * address; the mapping stands whatever this gives */
		pmp_result_t a, m = *res;

		if (pmp_get_public_address(c, &a) == PMP_OK)
			memcpy(m.public_address, a.public_address, 16);
		m.elapsed_ms = pmp_clock_ms() - start;
		*res = m;
	}
	return res->status;
}

int
pmp_map_with(pmp_client_t *c, const pmp_map_params_t *p, pmp_result_t *res)
{
	struct waiter w;
	int rc = prepare(c, &w, res);

	if (rc != PMP_OK)
		return rc;
	if (p == NULL)
		return res->status = PMP_EINVAL;
	return run(c, pmp_request_map_params(c, p, on_done, &w), &w, res);
}
