/*
 * sync.c - the blocking calls, built only on the non-blocking machinery.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Several threads may block on one client at once.  One of them at a time
 * (the "poller") sleeps in poll() on the socket and a wake-up pipe and runs
 * the client; the others wait on a condition variable until their request
 * has finished or the poller role is free.  A new request, a cancel or a
 * process() call from another thread writes to the pipe so that the poller
 * recomputes its timeout.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "sys.h"

struct waiter {
	int done;
	pmp_result_t *res;
};

static void
on_done(void *arg, const pmp_result_t *res)
{
	struct waiter *w = arg;

	*w->res = *res;
	w->done = 1;
}

void
pmp_client_wake(pmp_client_t *c)
{
	if (c->poller && c->wake[1] >= 0) {
		ssize_t n = write(c->wake[1], "", 1);

		(void)n;	/* a full pipe already wakes the poller */
	}
}

static int
open_wake_pipe(pmp_client_t *c)
{
	if (c->wake[0] >= 0)
		return 0;
	return pmp_pipe(c->wake);
}

static void
drain(int fd)
{
	char buf[64];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

/* Run the client until w is done; lock held on entry and exit. */
static void
wait_done(pmp_client_t *c, struct waiter *w)
{
	while (!w->done) {
		struct pollfd pfd[4];
		int fds[3], nfds, t, n, i, readable = 0;

		if (c->poller) {
			pthread_cond_wait(&c->cond, &c->lock);
			continue;
		}
		c->poller = 1;
		t = pmp_client_timeout_locked(c, pmp_clock_ms());
		nfds = pmp_client_fds_locked(c, fds, 3);
		pfd[0].fd = c->wake[0];
		for (i = 0; i < nfds; i++)
			pfd[i + 1].fd = fds[i];
		for (i = 0; i <= nfds; i++) {
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		pthread_mutex_unlock(&c->lock);
		n = poll(pfd, (nfds_t)nfds + 1, t);
		if (pfd[0].revents & POLLIN)
			drain(c->wake[0]);
		/* POLLERR carries the ICMP error: read it as readable. */
		for (i = 1; n > 0 && i <= nfds; i++)
			if (pfd[i].revents & (POLLIN | POLLERR))
				readable = 1;
		pthread_mutex_lock(&c->lock);
		c->poller = 0;
		/* One datagram per socket and wake-up: this poll() is
		 * level-triggered, so more would wake it at once, and the
		 * usual single answer costs no extra recv() to find the
		 * socket empty. */
		pmp_client_process_locked(c, readable);
		pthread_cond_broadcast(&c->cond);
	}
}

static int
run(pmp_client_t *c, int id, struct waiter *w, pmp_result_t *res)
{
	if (id < 0) {
		memset(res, 0, sizeof(*res));
		res->status = id;
		return id;
	}
	pthread_mutex_lock(&c->lock);
	wait_done(c, w);
	pthread_mutex_unlock(&c->lock);
	return res->status;
}

/* The pipe must exist before the request can wake anyone. */
static int
prepare(pmp_client_t *c, struct waiter *w, pmp_result_t *res)
{
	int rc = PMP_OK;

	w->done = 0;
	w->res = res;
	memset(res, 0, sizeof(*res));
	if (c == NULL)
		return PMP_EINVAL;
	pthread_mutex_lock(&c->lock);
	if (open_wake_pipe(c) != 0) {
		c->last_errno = errno;
		rc = PMP_ESYS;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int
pmp_get_public_address(pmp_client_t *c, pmp_result_t *res)
{
	struct waiter w;
	int rc = prepare(c, &w, res);

	if (rc != PMP_OK)
		return res->status = rc;
	return run(c, pmp_request_public_address(c, on_done, &w), &w, res);
}

/* pmp_map() gave up before the mapping request: the result is the
 * mapping's, with the status that stopped it. */
static int
ended_before_map(pmp_result_t *res, int status, const pmp_result_t *a,
    int protocol, uint16_t private_port, uint64_t start)
{
	memset(res, 0, sizeof(*res));
	res->status = status;
	res->request_id = a->request_id;
	res->op = PMP_OP_MAP;
	res->protocol = protocol;
	res->private_port = private_port;
	memcpy(res->gateway, a->gateway, 16);
	res->attempts = a->attempts;
	res->elapsed_ms = pmp_clock_ms() - start;
	return status;
}

/*
 * The mapping answer names no address (§3.3), so this is the one place
 * that asks for it first, once, when the client does not know it; the
 * client's timeout bounds both requests together.  Only silence ends it
 * there (the mapping would meet the same), reported as the mapping's
 * result; an error or 0.0.0.0 from the gateway leaves the address zero.
 */
int
pmp_map(pmp_client_t *c, int protocol, uint16_t private_port,
    uint16_t public_port, uint32_t lifetime, pmp_result_t *res)
{
	struct waiter w;
	int rc = prepare(c, &w, res), known;
	uint64_t start = pmp_clock_ms(), deadline = 0;

	if (rc != PMP_OK)
		return res->status = rc;
	if (private_port == 0 || lifetime == 0)	/* fail before any send */
		return run(c, PMP_EINVAL, &w, res);
	if (public_port == 0)	/* as pmp_request_map() */
		public_port = private_port;
	pthread_mutex_lock(&c->lock);
	known = c->engine.have_public;
	if (c->timeout_ms != 0)
		deadline = start + c->timeout_ms;
	pthread_mutex_unlock(&c->lock);
	if (!known) {
		pmp_result_t a;

		rc = pmp_get_public_address(c, &a);
		if (rc == PMP_ETIMEDOUT || rc == PMP_ENOSUPPORT ||
		    rc == PMP_EREFUSED || rc == PMP_ESYS ||
		    rc == PMP_ENOROUTE || rc == PMP_ENOGWADDR)
			return ended_before_map(res, rc, &a, protocol,
			    private_port, start);
		if (deadline != 0 && pmp_clock_ms() >= deadline)
			return ended_before_map(res, PMP_ETIMEDOUT, &a,
			    protocol, private_port, start);
		prepare(c, &w, res);
	}
	return run(c, pmp_client_submit(c, PMP_OP_MAP, protocol, private_port,
	    public_port, lifetime, deadline, on_done, &w), &w, res);
}

int
pmp_unmap(pmp_client_t *c, int protocol, uint16_t private_port,
    pmp_result_t *res)
{
	struct waiter w;
	int rc = prepare(c, &w, res);

	if (rc != PMP_OK)
		return res->status = rc;
	return run(c, pmp_request_unmap(c, protocol, private_port, on_done,
	    &w), &w, res);
}

int
pmp_unmap_all(pmp_client_t *c, int protocol, pmp_result_t *res)
{
	struct waiter w;
	int rc = prepare(c, &w, res);

	if (rc != PMP_OK)
		return res->status = rc;
	return run(c, pmp_request_unmap_all(c, protocol, on_done, &w), &w,
	    res);
}
