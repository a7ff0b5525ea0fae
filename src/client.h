/*
 * client.h - the client object, shared by client.c and sync.c.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_CLIENT_H
#define PMP_CLIENT_H

#include <pthread.h>

#include "pmp.h"
#include "engine.h"
#include "keep.h"

struct pmp_client {
	pthread_mutex_t lock;	/* recursive: callbacks may submit */
	pthread_cond_t cond;	/* signalled when a blocking waiter may go */
	int have_gateway;
	uint8_t gateway[16];
	uint16_t port;
	int fd;			/* -1 until the first request */
	int listen_fd[2];	/* announcements: 224.0.0.1:5350, :5351 */
	int wake[2];		/* pipe that interrupts a blocking poller */
	int poller;		/* a blocking call is inside poll() */
	unsigned next_id;
	uint32_t timeout_ms;
	int last_errno;
	pmp_attempt_cb attempt_cb;
	void *attempt_arg;
	pmp_event_cb event_cb;
	void *event_arg;
	unsigned next_keep_id;
	uint64_t asleep_ms;	/* pmp_clock_asleep_ms() when last looked */
	pmp_engine_t engine;
	pmp_keeper_t keeper;	/* drives engine; set up with the socket */
};

/*
 * Queue a request (arguments already checked, except the protocol), with
 * an absolute deadline on pmp_clock_ms(), or 0 for the client's timeout.
 * Returns the request id or a PMP_E* code.  Lock not held.
 */
int pmp_client_submit(pmp_client_t *c, pmp_op_t op, int protocol,
    uint16_t private_port, uint16_t public_port, uint32_t lifetime,
    uint64_t deadline_ms, pmp_callback cb, void *arg);

/* Both with c->lock held. */
int pmp_client_timeout_locked(pmp_client_t *c, uint64_t now_ms);
/* reads: datagrams to read at most per socket (0: none, just timers). */
int pmp_client_process_locked(pmp_client_t *c, int reads);
/* The sockets to poll (lock held); returns how many went into fds. */
int pmp_client_fds_locked(pmp_client_t *c, int *fds, int max);
void pmp_client_wake(pmp_client_t *c);

#endif
