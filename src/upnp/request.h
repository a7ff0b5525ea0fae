/*
 * request.h - the library's requests (core/proto.h's pmp_req_t) as
 * UPnP-IGD mapping operations (mapper.h), and their outcome as the
 * request's pmp_result_t; with the memory of the mappings made, since an
 * IGD's delete names the external port where the library's names the
 * private one.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure.  Not thread-safe: the caller serializes.
 */
#ifndef PMP_UPNP_REQUEST_H
#define PMP_UPNP_REQUEST_H

#include <stdint.h>

#include "core/proto.h"
#include "mapper.h"

#define PMP_UPNP_REMEMBERED 64	/* mappings made; the oldest goes */

typedef struct pmp_upnp_made {
	struct {
		int udp;
		uint16_t private_port, public_port;
		int has_id;		/* an IPv6 pinhole's UniqueID */
		uint32_t id;
		int permanent;		/* made with lease 0 */
	} m[PMP_UPNP_REMEMBERED];
	unsigned n;
	/* A mapping made with a finite lease was found gone by a check
	 * (DD-WRT drops them within seconds, UPNP.md §1): lease 0 from now
	 * on, renewed and deleted by us as on a 725. */
	int drops_finite;
} pmp_upnp_made_t;

/* Can an IGD say r?  Not a delete-all nor PCP's options; a kept
 * mapping's check (core/proto.h's PMP_OP_CHECK) yes. */
int pmp_upnp_can(const pmp_req_t *r);

/* The mapper's operation for r, from client (our address, text: an IPv6
 * one makes it a pinhole's, mapper.h): a delete of a mapping not in made
 * looks for ours first, a map is permanent on an IGD that drops_finite. */
void pmp_upnp_mapper_op(const pmp_req_t *r, const pmp_upnp_made_t *made,
    const char *client, pmp_mapper_t *m);

/*
 * r is over with status (the mapper's when it ran to its end): fill
 * r->result (gateway, local: 16-byte addresses) and update made.  A
 * permanent lease (mapper.h, 3) is reported as lifetime 0 to a caller,
 * and as the asked lifetime to a kept mapping (r->embedded), which renews
 * it as if finite and deletes it when it stops.
 */
void pmp_upnp_result(pmp_req_t *r, const pmp_mapper_t *m, int status,
    const uint8_t gateway[16], const uint8_t local[16],
    pmp_upnp_made_t *made);

/* How kept mappings are kept over UPnP-IGD (core/keeper.h). */
const pmp_keep_policy_t *pmp_upnp_keep_policy(void);

/* The external address the mapper last read: 1 and addr, or 0. */
int pmp_upnp_mapper_address(const pmp_mapper_t *m, uint8_t addr[16]);

#endif
