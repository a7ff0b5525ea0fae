/*
 * client.h - the client object, shared by the files of the API layer
 * (client.c, drive.c, request.c, loop.c, keep.c).  sync.c, the blocking
 * layer, does not include it: it uses pmp.h and pmp_client_waker() only.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_CLIENT_H
#define PMP_CLIENT_H

#include <pthread.h>

#include "pmp.h"
#include "core/rng.h"
#include "core/session.h"
#include "io/io.h"

#define PMP_LISTENERS 2		/* announcements: 224.0.0.1:5350, :5351 */

struct pmp_client {
	pthread_mutex_t lock;	/* recursive: callbacks may submit */
	unsigned methods;	/* PMP_METHOD_BIT()s allowed */
	int have_gateway;
	uint8_t gateway[16];
	uint16_t port;
	int fd;			/* -1 until the first request */
	int listen_fd[PMP_LISTENERS];
	const pmp_proto_t *listen_proto;	/* the listeners were opened
						 * for it (NULL: not yet) */
	unsigned fd_generation;	/* changes with the descriptor set */
	pmp_fd_cb fd_cb;
	void *fd_arg;
	unsigned next_id;
	uint32_t timeout_ms;
	int last_errno;
	pmp_attempt_cb attempt_cb;
	void *attempt_arg;
	pmp_event_cb event_cb;
	void *event_arg;
	unsigned next_keep_id;
	uint64_t asleep_ms;	/* pmp_clock_asleep_ms() when last looked */
	pmp_rng_t rng;		/* the system's: io/random.c */
	pmp_session_t session;	/* valid once fd >= 0; its protocol is
				 * the one in use */
	struct pmp_upnp_drive *upnp;	/* instead, when the method is
					 * UPnP-IGD (upnp_drive.h); beside
					 * it while racing */
	int racing;		/* AUTO's race is on (race.c) */
	pmp_req_t *parked;	/* held for its verdict */
	pmp_waker_t waker;	/* for the blocking layer's poller */
};

/* ---- drive.c: the session with real sockets and the clock; lock held */

/* Choose the gateway and method if needed and open the socket. */
int pmp_drive_open(pmp_client_t *c);
/* The method in use, or the one the first request will use. */
pmp_method_t pmp_drive_method(pmp_client_t *c);
/* Open the announcement listeners (after pmp_drive_open). */
int pmp_drive_listen(pmp_client_t *c);
/* Send whatever is due now. */
void pmp_drive_flush(pmp_client_t *c, uint64_t now_ms);
/* Read at most reads datagrams from each socket whose events in ready[]
 * (n entries; ready NULL: every socket) say so, then run the timers,
 * send, and deliver.  PMP_OK or PMP_ESYS. */
int pmp_drive_process(pmp_client_t *c, const pmp_fd_t *ready, int n,
    int reads);
/* Call the callbacks of finished requests and free stopped mappings. */
void pmp_drive_deliver(pmp_client_t *c);
/* The descriptor set: every fd with its events; returns the count. */
int pmp_drive_fds(pmp_client_t *c, pmp_fd_t *fds, int max);
/* Close every socket (the client is being freed). */
void pmp_drive_close(pmp_client_t *c);
/* ---- race.c: AUTO over the datagram methods and UPnP-IGD; lock held */
typedef enum pmp_race_verdict {
	PMP_RACE_OVER,		/* no race (any more) */
	PMP_RACE_RUNNING,
	PMP_RACE_DATAGRAM,	/* PCP/NAT-PMP answered, or no IGD did */
	PMP_RACE_UPNP		/* an IGD answered, PCP/NAT-PMP did not */
} pmp_race_verdict_t;
/* Is there a race to run (AUTO, or UPnP-IGD with another; IPv4)? */
int pmp_race_wanted(const pmp_client_t *c);
/* Open the UPnP-IGD driver beside the session and start its probe. */
void pmp_race_start(pmp_client_t *c, uint64_t now_ms);
/* A request the session finished: held for the verdict (1) if racing
 * and the datagram methods could not serve it. */
int pmp_race_hold(pmp_client_t *c, pmp_req_t *r);
pmp_req_t *pmp_race_take_held(pmp_client_t *c);
/* A held request whose caller's deadline passed (its status now
 * PMP_ETIMEDOUT), or NULL; the earliest such deadline. */
pmp_req_t *pmp_race_take_expired(pmp_client_t *c, uint64_t now_ms);
uint64_t pmp_race_deadline(const pmp_client_t *c);
pmp_race_verdict_t pmp_race_verdict(pmp_client_t *c);
/* UPnP-IGD won: the session's requests (waiting, held, finished) and
 * kept mappings to it; the race is over (the caller closes the
 * session's sockets). */
void pmp_race_to_upnp(pmp_client_t *c, uint64_t now_ms);
/* ---- notify.c: what the drivers report to the client; lock held */
/* errno into last_errno; returns PMP_ESYS. */
int pmp_client_sys_error(pmp_client_t *c);
/* The descriptor set changed (fd added or its events changed, or 0:
 * removed): a new generation, the observer told. */
void pmp_client_fd_changed(pmp_client_t *c, int fd, unsigned events);
/* A kept mapping's event, to the callback (ctx: the client). */
void pmp_client_emit(void *ctx, const pmp_event_t *ev);
/* The method's queue: what request.c, loop.c and client.c use. */
int pmp_drive_submit(pmp_client_t *c, pmp_req_t *r, uint64_t now_ms);
pmp_req_t *pmp_drive_cancel(pmp_client_t *c, unsigned id);
pmp_req_t *pmp_drive_take_queued(pmp_client_t *c);
unsigned pmp_drive_pending(pmp_client_t *c);
uint64_t pmp_drive_deadline(pmp_client_t *c);
int pmp_drive_public_address(pmp_client_t *c, uint8_t addr[16]);

#endif
