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
#include "core/proto.h"

/* Open the search socket toward c->gateway (known): PMP_OK, PMP_ENOMEM,
 * PMP_ESYS. */
int pmp_upnp_open(pmp_client_t *c);
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

#endif
