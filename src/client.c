/*
 * client.c - the public non-blocking API: owns the socket and the lock,
 * drives the pure engine with the real clock.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "addr.h"
#include "sys.h"
#include "wire.h"

int
pmp_client_new(pmp_client_t **out)
{
	pmp_client_t *c;
	pthread_mutexattr_t ma;

	if (out == NULL)
		return PMP_EINVAL;
	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return PMP_ENOMEM;
	if (pthread_mutexattr_init(&ma) != 0) {
		free(c);
		return PMP_ENOMEM;
	}
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	if (pthread_mutex_init(&c->lock, &ma) != 0) {
		pthread_mutexattr_destroy(&ma);
		free(c);
		return PMP_ENOMEM;
	}
	pthread_mutexattr_destroy(&ma);
	if (pthread_cond_init(&c->cond, NULL) != 0) {
		pthread_mutex_destroy(&c->lock);
		free(c);
		return PMP_ENOMEM;
	}
	c->fd = -1;
	c->listen_fd[0] = c->listen_fd[1] = -1;
	c->wake[0] = c->wake[1] = -1;
	c->next_keep_id = 1;
	c->port = PMP_SERVER_PORT;
	c->next_id = 1;
	*out = c;
	return PMP_OK;
}

/* A request's callback, if it has one, and its node (kept mappings'
 * embedded requests go with their mapping). */
static void
deliver(pmp_req_t *r)
{
	if (r->embedded)
		return;
	if (r->cb != NULL)
		r->cb(r->arg, &r->result);
	free(r);
}

void
pmp_client_free(pmp_client_t *c)
{
	pmp_req_t *r;
	pmp_kept_t *k;
	int i;

	if (c == NULL)
		return;
	/* Every accepted request gets its callback once: those finished
	 * with their result, the others with PMP_ECANCELED. */
	while ((r = pmp_engine_take_done(&c->engine)) != NULL)
		deliver(r);
	while ((r = c->engine.queue) != NULL) {
		c->engine.queue = r->next;
		memset(&r->result, 0, sizeof(r->result));
		r->result.status = PMP_ECANCELED;
		r->result.request_id = r->id;
		r->result.op = r->op;
		r->result.protocol = r->op == PMP_OP_PUBLIC_ADDRESS ? 0 :
		    r->protocol;
		r->result.private_port = r->private_port;
		r->result.attempts = r->attempts;
		memcpy(r->result.gateway, c->gateway, 16);
		deliver(r);
	}
	while ((k = c->keeper.list) != NULL) {
		c->keeper.list = k->next;
		free(k);
	}
	if (c->fd >= 0)
		close(c->fd);
	for (i = 0; i < 2; i++)
		if (c->listen_fd[i] >= 0)
			close(c->listen_fd[i]);
	if (c->wake[0] >= 0) {
		close(c->wake[0]);
		close(c->wake[1]);
	}
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

int
pmp_client_set_gateway(pmp_client_t *c, const uint8_t addr[16], uint16_t port)
{
	int rc = PMP_OK;

	if (c == NULL || addr == NULL || !pmp_addr_is_v4(addr))
		return PMP_EINVAL;
	pthread_mutex_lock(&c->lock);
	if (c->fd >= 0) {
		rc = PMP_EINVAL;
	} else {
		memcpy(c->gateway, addr, 16);
		c->port = port != 0 ? port : PMP_SERVER_PORT;
		c->have_gateway = 1;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int
pmp_client_gateway(pmp_client_t *c, uint8_t addr[16], uint16_t *port)
{
	int rc = PMP_EAGAIN;

	if (c == NULL)
		return PMP_EINVAL;
	pthread_mutex_lock(&c->lock);
	if (c->have_gateway) {
		if (addr != NULL)
			memcpy(addr, c->gateway, 16);
		if (port != NULL)
			*port = c->port;
		rc = PMP_OK;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int
pmp_client_set_timeout_ms(pmp_client_t *c, uint32_t ms)
{
	if (c == NULL)
		return PMP_EINVAL;
	pthread_mutex_lock(&c->lock);
	c->timeout_ms = ms;
	pthread_mutex_unlock(&c->lock);
	return PMP_OK;
}

void
pmp_client_set_attempt_callback(pmp_client_t *c, pmp_attempt_cb cb, void *arg)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	c->attempt_cb = cb;
	c->attempt_arg = arg;
	pthread_mutex_unlock(&c->lock);
}

int
pmp_client_errno(pmp_client_t *c)
{
	int e;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&c->lock);
	e = c->last_errno;
	pthread_mutex_unlock(&c->lock);
	return e;
}

static int
sys_error(pmp_client_t *c)
{
	c->last_errno = errno;
	return PMP_ESYS;
}

static void
emit_event(void *ctx, const pmp_event_t *ev)
{
	pmp_client_t *c = ctx;

	if (c->event_cb != NULL)
		c->event_cb(c->event_arg, ev);
}

/* For the §3.7 jitter: each client must draw its own delay. */
static uint64_t
random_seed(void)
{
	uint64_t seed = 0;

	if (getentropy(&seed, sizeof(seed)) != 0 || seed == 0)
		seed = pmp_clock_ms() ^ ((uint64_t)getpid() << 32) ^
		    (uint64_t)(uintptr_t)&seed;
	return seed;
}

/* Choose the gateway if needed and open the socket; lock held. */
static int
ensure_socket(pmp_client_t *c)
{
	if (c->fd >= 0)
		return PMP_OK;
	if (!c->have_gateway) {
		pmp_gateway_info_t gi;
		int rc = pmp_discover_gateway(&gi);

		if (rc == PMP_ESYS)
			return sys_error(c);
		if (rc != PMP_OK)
			return rc;
		memcpy(c->gateway, gi.gateway, 16);
		c->have_gateway = 1;
	}
	c->fd = pmp_udp_open(c->gateway, c->port);
	if (c->fd < 0)
		return sys_error(c);
	pmp_engine_init(&c->engine, c->gateway, c->port);
	pmp_keeper_init(&c->keeper, &c->engine, emit_event, c, random_seed());
	c->asleep_ms = pmp_clock_asleep_ms();
	return PMP_OK;
}

/*
 * An error the socket reported for the request in flight (ICMP arrives as
 * errno on the connected socket, at the next send or receive).  Returns 1
 * if it ended that request.  Lock held.
 */
static int
socket_error(pmp_client_t *c, int err, uint64_t now)
{
	switch (err) {
	case ECONNREFUSED:
		/* §3.1: ICMP port unreachable lets the client "conclude
		 * immediately that the gateway does not support NAT-PMP"
		 * (C-08). */
		pmp_engine_fail_inflight(&c->engine, PMP_EREFUSED, now);
		return 1;
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EHOSTDOWN:
	case ENETDOWN:
		/* No way to the gateway at all: say so now rather than
		 * after 127.75 s of sends that cannot leave. */
		c->last_errno = err;
		pmp_engine_fail_inflight(&c->engine, PMP_ESYS, now);
		return 1;
	default:
		return 0;
	}
}

/* Send whatever the engine has due; lock held. */
static void
flush_output(pmp_client_t *c, uint64_t now)
{
	uint8_t b[PMP_WIRE_MAP_REQ_LEN];
	pmp_req_t *r;
	size_t n;

	while ((n = pmp_engine_output(&c->engine, now, b, sizeof(b), &r)) > 0) {
		unsigned id = r->id, attempt = r->attempts;

		/* Any other failure loses the datagram like the network
		 * may; retransmission covers it. */
		if (pmp_udp_send(c->fd, b, n) != 0 &&
		    !socket_error(c, errno, now) && errno != EAGAIN &&
		    errno != EWOULDBLOCK && errno != ENOBUFS)
			c->last_errno = errno;
		if (c->attempt_cb != NULL)
			c->attempt_cb(c->attempt_arg, id, attempt,
			    PMP_MAX_ATTEMPTS);
	}
}

int
pmp_client_submit(pmp_client_t *c, pmp_op_t op, int protocol,
    uint16_t private_port, uint16_t public_port, uint32_t lifetime,
    uint64_t deadline_ms, pmp_callback cb, void *arg)
{
	pmp_req_t *r;
	uint64_t now;
	int rc, id;

	if (c == NULL)
		return PMP_EINVAL;
	if (op != PMP_OP_PUBLIC_ADDRESS && protocol != PMP_PROTO_UDP &&
	    protocol != PMP_PROTO_TCP)
		return PMP_EINVAL;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return PMP_ENOMEM;
	pthread_mutex_lock(&c->lock);
	rc = ensure_socket(c);
	if (rc != PMP_OK) {
		pthread_mutex_unlock(&c->lock);
		free(r);
		return rc;
	}
	if (c->next_id == 0 || c->next_id > INT_MAX)
		c->next_id = 1;
	id = (int)c->next_id++;
	r->id = (unsigned)id;
	r->op = op;
	r->protocol = protocol;
	r->private_port = private_port;
	r->public_port = public_port;
	r->lifetime = lifetime;
	r->cb = cb;
	r->arg = arg;
	now = pmp_clock_ms();
	r->deadline_ms = deadline_ms != 0 ? deadline_ms : c->timeout_ms != 0 ?
	    now + c->timeout_ms : 0;
	pmp_engine_submit(&c->engine, r, now);
	flush_output(c, now);
	pmp_client_wake(c);
	pthread_mutex_unlock(&c->lock);
	return id;
}

int
pmp_request_public_address(pmp_client_t *c, pmp_callback cb, void *arg)
{
	return pmp_client_submit(c, PMP_OP_PUBLIC_ADDRESS, 0, 0, 0, 0, 0, cb,
	    arg);
}

int
pmp_request_map(pmp_client_t *c, int protocol, uint16_t private_port,
    uint16_t public_port, uint32_t lifetime, pmp_callback cb, void *arg)
{
	/* A lifetime of 0 is a delete (§3.4), and port 0 is delete-all:
	 * neither is a mapping. */
	if (private_port == 0 || lifetime == 0)
		return PMP_EINVAL;
	/* Suggest the private port when the caller has no preference: some
	 * routers (MikroTik) refuse a suggestion of 0 (USERS.md 8). */
	if (public_port == 0)
		public_port = private_port;
	return pmp_client_submit(c, PMP_OP_MAP, protocol, private_port,
	    public_port, lifetime, 0, cb, arg);
}

int
pmp_request_unmap(pmp_client_t *c, int protocol, uint16_t private_port,
    pmp_callback cb, void *arg)
{
	if (private_port == 0)
		return PMP_EINVAL;
	return pmp_client_submit(c, PMP_OP_UNMAP, protocol, private_port, 0,
	    0, 0, cb, arg);
}

int
pmp_request_unmap_all(pmp_client_t *c, int protocol, pmp_callback cb,
    void *arg)
{
	return pmp_client_submit(c, PMP_OP_UNMAP_ALL, protocol, 0, 0, 0, 0, cb,
	    arg);
}

int
pmp_cancel(pmp_client_t *c, unsigned request_id)
{
	pmp_req_t *r;

	/* Ids above INT_MAX belong to kept mappings' own requests. */
	if (c == NULL || request_id > INT_MAX)
		return PMP_EINVAL;
	pthread_mutex_lock(&c->lock);
	r = pmp_engine_cancel(&c->engine, request_id);
	if (r != NULL) {
		/* If it was in flight, the next one may go out now. */
		if (c->fd >= 0)
			flush_output(c, pmp_clock_ms());
		pmp_client_wake(c);
	}
	pthread_mutex_unlock(&c->lock);
	if (r == NULL)
		return PMP_EINVAL;
	free(r);
	return PMP_OK;
}

int
pmp_client_fd(pmp_client_t *c)
{
	int fd;

	if (c == NULL)
		return -1;
	pthread_mutex_lock(&c->lock);
	fd = c->fd;
	pthread_mutex_unlock(&c->lock);
	return fd;
}

int
pmp_client_timeout_locked(pmp_client_t *c, uint64_t now)
{
	uint64_t d = pmp_engine_deadline(&c->engine);

	if (c->fd >= 0 && pmp_keeper_deadline(&c->keeper) < d)
		d = pmp_keeper_deadline(&c->keeper);
	if (d == PMP_NO_DEADLINE)
		return -1;
	if (d <= now)
		return 0;	/* never negative (libnatpmp #45) */
	if (d - now > INT_MAX)
		return INT_MAX;
	return (int)(d - now);
}

int
pmp_client_timeout_ms(pmp_client_t *c)
{
	int t;

	if (c == NULL)
		return -1;
	pthread_mutex_lock(&c->lock);
	t = pmp_client_timeout_locked(c, pmp_clock_ms());
	pthread_mutex_unlock(&c->lock);
	return t;
}

unsigned
pmp_client_pending(pmp_client_t *c)
{
	unsigned n;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&c->lock);
	n = pmp_engine_pending(&c->engine);
	pthread_mutex_unlock(&c->lock);
	return n;
}

int
pmp_client_process_locked(pmp_client_t *c, int reads)
{
	uint8_t b[PMP_WIRE_MAX + 1];
	uint8_t src[16];
	uint16_t sport;
	pmp_req_t *r;
	uint64_t now;
	int rc = PMP_OK, i;

	if (c->fd < 0)
		return PMP_OK;
	now = pmp_clock_ms();
	/* Back from a suspend: what the gateway holds may have changed while
	 * nothing could be heard; re-verify the kept mappings now. */
	if (pmp_clock_slept(&c->asleep_ms, pmp_clock_asleep_ms()))
		pmp_keeper_resumed(&c->keeper, now);
	for (i = 0; i < reads; i++) {
		long n = pmp_udp_recv(c->fd, b, sizeof(b), src, &sport);

		if (n < 0) {
			if (errno == EINTR || socket_error(c, errno, now))
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				rc = sys_error(c);
			break;
		}
		/* n > sizeof(b) - 1 means longer than any NAT-PMP packet:
		 * the decoder rejects it by its real length. */
		pmp_engine_input(&c->engine, b,
		    (size_t)n < sizeof(b) ? (size_t)n : sizeof(b), src, sport,
		    now);
	}
	for (i = 0; i < 2; i++) {
		long n;
		int j;

		if (c->listen_fd[i] < 0)
			continue;
		for (j = 0; j < reads && (n = pmp_udp_recv(c->listen_fd[i], b,
		    sizeof(b), src, &sport)) >= 0; j++)
			pmp_keeper_announcement(&c->keeper, b,
			    (size_t)n < sizeof(b) ? (size_t)n : sizeof(b), src,
			    sport, now);
	}
	/* Timers and sends, then completions, until nothing more is due:
	 * a completion may make a kept mapping's next request due. */
	for (i = 0; i < 16; i++) {	/* bounded, in case a callback keeps
					 * making work due */
		pmp_keeper_run(&c->keeper, now);
		flush_output(c, now);
		while ((r = pmp_engine_take_done(&c->engine)) != NULL) {
			if (r->embedded)
				free(pmp_keeper_done(&c->keeper, r, now));
			else
				deliver(r);
		}
		if (pmp_keeper_deadline(&c->keeper) > now &&
		    pmp_engine_deadline(&c->engine) > now)
			break;
	}
	return rc;
}

int
pmp_client_process(pmp_client_t *c, int readable)
{
	int rc;

	if (c == NULL)
		return PMP_EINVAL;
	pthread_mutex_lock(&c->lock);
	/* Drain: an edge-triggered caller may not come back otherwise. */
	rc = pmp_client_process_locked(c, readable ? INT_MAX : 0);
	if (rc == PMP_OK)
		pmp_client_wake(c);
	pthread_mutex_unlock(&c->lock);
	return rc;
}

void
pmp_client_set_event_callback(pmp_client_t *c, pmp_event_cb cb, void *arg)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	c->event_cb = cb;
	c->event_arg = arg;
	pthread_mutex_unlock(&c->lock);
}

/*
 * One announcement listener: bound to the group address itself (RFC 6886
 * §3.2.1: "bind specifically to 224.0.0.1:5350, not to 0.0.0.0:5350"),
 * sharing the port with other processes, joined on the interface whose
 * address local is.
 */
static int
open_listener(uint16_t port, const struct in_addr *local)
{
	struct sockaddr_in sin;
	struct ip_mreq mreq;
	int fd, one = 1;

	fd = pmp_socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(0xe0000001u);	/* 224.0.0.1 */
	memset(&mreq, 0, sizeof(mreq));
	mreq.imr_multiaddr = sin.sin_addr;
	mreq.imr_interface = *local;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
#ifdef SO_REUSEPORT
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
#endif
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq,
	    sizeof(mreq)) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int
listen_locked(pmp_client_t *c)
{
	struct sockaddr_in local;
	socklen_t len = sizeof(local);
	int rc = ensure_socket(c);

	if (rc != PMP_OK)
		return rc;
	if (c->listen_fd[0] >= 0)
		return PMP_OK;
	/* The connected socket's own address names the interface that
	 * reaches the gateway. */
	if (getsockname(c->fd, (struct sockaddr *)&local, &len) != 0)
		return sys_error(c);
	c->listen_fd[0] = open_listener(PMP_WIRE_CLIENT_PORT, &local.sin_addr);
	if (c->listen_fd[0] < 0)
		return sys_error(c);
	/* The copy miniupnpd also sends to 5351 (the 2006 draft's port);
	 * without it the 5350 copy still arrives. */
	c->listen_fd[1] = open_listener(PMP_WIRE_SERVER_PORT, &local.sin_addr);
	return PMP_OK;
}

int
pmp_client_listen(pmp_client_t *c)
{
	int rc;

	if (c == NULL)
		return PMP_EINVAL;
	pthread_mutex_lock(&c->lock);
	rc = listen_locked(c);
	pmp_client_wake(c);
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int
pmp_client_fds_locked(pmp_client_t *c, int *fds, int max)
{
	int n = 0, i;

	if (c->fd >= 0 && n < max)
		fds[n++] = c->fd;
	for (i = 0; i < 2; i++)
		if (c->listen_fd[i] >= 0 && n < max)
			fds[n++] = c->listen_fd[i];
	return n;
}

int
pmp_client_fds(pmp_client_t *c, int *fds, int max)
{
	int n;

	if (c == NULL || fds == NULL || max < 0)
		return 0;
	pthread_mutex_lock(&c->lock);
	n = pmp_client_fds_locked(c, fds, max);
	pthread_mutex_unlock(&c->lock);
	return n;
}

int
pmp_keep(pmp_client_t *c, int protocol, uint16_t private_port,
    uint16_t public_port, uint32_t lifetime)
{
	pmp_kept_t *k;
	int rc, id;

	if (c == NULL || lifetime == 0 || (protocol != PMP_PROTO_UDP &&
	    protocol != PMP_PROTO_TCP))
		return PMP_EINVAL;
	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return PMP_ENOMEM;
	pthread_mutex_lock(&c->lock);
	rc = ensure_socket(c);
	if (rc != PMP_OK) {
		pthread_mutex_unlock(&c->lock);
		free(k);
		return rc;
	}
	/* Without announcements, restarts still show in the epoch of every
	 * answer and in the periodic re-verification: not fatal. */
	(void)listen_locked(c);
	if (c->next_keep_id == 0 || c->next_keep_id > INT_MAX)
		c->next_keep_id = 1;
	id = (int)c->next_keep_id++;
	k->id = (unsigned)id;
	k->protocol = protocol;
	k->private_port = private_port;
	k->wish_port = public_port;
	k->lifetime = lifetime;
	pmp_keeper_add(&c->keeper, k, pmp_clock_ms());
	/* Send at once; completions wait for pmp_client_process(). */
	pmp_keeper_run(&c->keeper, pmp_clock_ms());
	flush_output(c, pmp_clock_ms());
	pmp_client_wake(c);
	pthread_mutex_unlock(&c->lock);
	return id;
}

int
pmp_keep_stop(pmp_client_t *c, unsigned keep_id)
{
	pmp_kept_t *freed;
	int rc;

	if (c == NULL)
		return PMP_EINVAL;
	pthread_mutex_lock(&c->lock);
	if (c->fd < 0) {
		pthread_mutex_unlock(&c->lock);
		return PMP_EINVAL;
	}
	rc = pmp_keeper_stop(&c->keeper, keep_id, pmp_clock_ms(), &freed);
	if (rc == 0)
		flush_output(c, pmp_clock_ms());
	pmp_client_wake(c);
	pthread_mutex_unlock(&c->lock);
	free(freed);
	return rc == 0 ? PMP_OK : PMP_EINVAL;
}

unsigned
pmp_keep_count(pmp_client_t *c)
{
	unsigned n = 0;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&c->lock);
	if (c->fd >= 0)
		n = pmp_keeper_count(&c->keeper);
	pthread_mutex_unlock(&c->lock);
	return n;
}
