/*
 * upnp_drive.h - the UPnP-IGD method's driver (upnp_drive.c), beside
 * drive.c's session for the datagram methods: the same duties (open,
 * submit, process, deliver, descriptors, deadline, cancel, close) for a
 * client whose method is UPnP-IGD.  Lock held throughout.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_UPNP_DRIVE_H
#define PMP_UPNP_DRIVE_H

#include <stdint.h>

#include "pmp.h"
#include "core/keeper.h"
#include "core/proto.h"
#include "upnp/control.h"
#include "upnp/mapper.h"
#include "upnp/request.h"

/* The driver's state: upnp_drive.c's, and upnp_keep.c's keeper. */
struct pmp_upnp_drive {
	int ssdp_fd;
	int notify_fd;		/* -1: not listening */
	int tcp_fd;		/* -1: none */
	int connecting;		/* waiting for writable */
	int want_write;		/* WRITE's data not all taken */
	uint8_t local[16];	/* our address toward the gateway */
	char local_text[46];
	pmp_control_t control;
	pmp_mapper_t mapper;
	pmp_req_t *queue, **queue_tail;	/* FIFO, the caller's and the
					 * keeper's; head is current when
					 * busy */
	int busy;
	pmp_req_t *done, **done_tail;	/* the caller's, finished */
	pmp_upnp_made_t made;
	pmp_keeper_t keeper;
	pmp_kept_t *gone;	/* kept mappings stopped, to be freed */
	unsigned restarts;	/* of the IGD, seen in its BOOTID */
	int status_asked;	/* GetStatusInfo asked of this IGD */
	char igd_status[24];	/* its answer */
	pmp_req_t probe;	/* AUTO's race: can an IGD answer? */
	int probe_state;	/* PMP_UPNP_PROBE_* */
	int have_bootid;
	uint32_t bootid;
};

enum { PMP_UPNP_PROBE_NONE, PMP_UPNP_PROBE_RUNNING, PMP_UPNP_PROBE_OK,
    PMP_UPNP_PROBE_FAILED };

/* Open the search socket toward c->gateway (known): PMP_OK, PMP_ENOMEM,
 * PMP_ESYS.  It is c->fd, unless beside (AUTO's race: c->fd is the
 * datagram session's). */
int pmp_upnp_open(pmp_client_t *c, int beside);
/* A request finished elsewhere (its result set): delivered with this
 * driver's. */
void pmp_upnp_deliver_later(pmp_client_t *c, pmp_req_t *r);
/* Close its sockets (pmp_upnp_free() frees the rest). */
void pmp_upnp_close(pmp_client_t *c);
void pmp_upnp_free(pmp_client_t *c);
/* A caller's request: PMP_OK, or PMP_EUNSUPPORTED (IGD cannot say it). */
int pmp_upnp_submit(pmp_client_t *c, pmp_req_t *r, uint64_t now_ms);
/* Do what is due now. */
void pmp_upnp_flush(pmp_client_t *c, uint64_t now_ms);
/* Read what the ready descriptors hold (ready NULL: all), then do what
 * is due. */
int pmp_upnp_process(pmp_client_t *c, const pmp_fd_t *ready, int n);
int pmp_upnp_fds(pmp_client_t *c, pmp_fd_t *fds, int max);
uint64_t pmp_upnp_deadline(pmp_client_t *c);
pmp_req_t *pmp_upnp_take_done(pmp_client_t *c);
pmp_req_t *pmp_upnp_take_queued(pmp_client_t *c);
pmp_req_t *pmp_upnp_cancel(pmp_client_t *c, unsigned id);
unsigned pmp_upnp_pending(pmp_client_t *c);
int pmp_upnp_public_address(pmp_client_t *c, uint8_t addr[16]);
/* What pmp_client_igd_info() says: PMP_OK or PMP_EAGAIN. */
int pmp_upnp_igd_info(pmp_client_t *c, pmp_igd_info_t *info);

/* ---- upnp_keep.c: kept mappings (core/keeper.h over the queue above) */
/* Set the keeper up (after pmp_upnp_open). */
void pmp_upnp_keep_init(pmp_client_t *c);
int pmp_upnp_listen(pmp_client_t *c);	/* NOTIFY: PMP_OK or PMP_ESYS */
void pmp_upnp_keep(pmp_client_t *c, pmp_kept_t *k, uint64_t now_ms);
int pmp_upnp_keep_stop(pmp_client_t *c, unsigned keep_id, uint64_t now_ms);
unsigned pmp_upnp_keep_count(pmp_client_t *c);
/* A stopped kept mapping to free, or NULL. */
pmp_kept_t *pmp_upnp_take_gone(pmp_client_t *c);

#endif
