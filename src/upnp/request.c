/*
 * request.c - the library's requests as UPnP-IGD mapping operations and
 * back (request.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "core/inet.h"
#include "core/addr.h"
#include "request.h"

/*
 * An IGD has no renewal rule of its own: NAT-PMP's (RFC 6886 §3.3),
 * renewal at half the lease, at least every 12 h; after a restart,
 * re-creation after a random 0-5 s (§3.7) so that a LAN's clients do not
 * all call at once.  (A permanent lease is renewed as the asked one.)
 */
static const pmp_keep_policy_t upnp_keep = {
	1, 2, 0, 12ull * 3600u * 1000u, 5000u, 0, 0, 0, 0
};

const pmp_keep_policy_t *
pmp_upnp_keep_policy(void)
{
	return &upnp_keep;
}

int
pmp_upnp_can(const pmp_req_t *r)
{
	/* No IGD action deletes all, none carries PCP's options. */
	return !(r->op == PMP_OP_UNMAP_ALL || r->op == PMP_OP_PEER ||
	    r->flags != 0 || r->nfilters != 0);
}

/* What was made here for private_port (a delete names the external port,
 * a pinhole's its UniqueID): its index, or -1. */
static int
made_index(const pmp_upnp_made_t *d, int udp, uint16_t private_port)
{
	unsigned i;

	for (i = 0; i < d->n; i++)
		if (d->m[i].udp == udp && d->m[i].private_port == private_port)
			return (int)i;
	return -1;
}

static void
remember(pmp_upnp_made_t *d, int udp, uint16_t private_port,
    uint16_t public_port, const pmp_mapper_t *mp, int forget)
{
	unsigned i;

	for (i = 0; i < d->n; i++)
		if (d->m[i].udp == udp && d->m[i].private_port == private_port)
			break;
	if (forget) {
		if (i < d->n)
			d->m[i] = d->m[--d->n];
		return;
	}
	if (i == d->n) {
		if (d->n == PMP_UPNP_REMEMBERED)
			i = 0;	/* the oldest goes */
		else
			d->n++;
	}
	d->m[i].udp = udp;
	d->m[i].private_port = private_port;
	d->m[i].public_port = public_port;
	d->m[i].has_id = mp->has_id;
	d->m[i].id = mp->unique_id;
	d->m[i].permanent = mp->permanent;
}

void
pmp_upnp_mapper_op(const pmp_req_t *r, const pmp_upnp_made_t *made,
    const char *client, pmp_mapper_t *m)
{
	int i;

	memset(m, 0, sizeof(*m));
	m->op = r->op == PMP_OP_PUBLIC_ADDRESS ? PMP_MAPPER_ADDRESS :
	    r->op == PMP_OP_MAP ? PMP_MAPPER_MAP : r->op == PMP_OP_CHECK ?
	    PMP_MAPPER_CHECK : PMP_MAPPER_UNMAP;
	m->udp = r->protocol == PMP_PROTO_UDP;
	m->internal_port = r->private_port;
	m->pinhole = strchr(client, ':') != NULL;
	i = r->op == PMP_OP_PUBLIC_ADDRESS ? -1 : made_index(made, m->udp,
	    r->private_port);
	m->external_port = r->op != PMP_OP_UNMAP ? r->public_port : i >= 0 ?
	    made->m[i].public_port : r->private_port;
	m->find = r->op == PMP_OP_UNMAP && i < 0;
	m->permanent = r->op == PMP_OP_MAP && made->drops_finite;
	if (i >= 0 && made->m[i].has_id) {
		m->has_id = 1;
		m->unique_id = made->m[i].id;
	}
	m->lease = r->lifetime;
	strncpy(m->client, client, sizeof(m->client) - 1);
	/* UPNP.md: the description names the program, so that a user
	 * reading the router's table knows whose mapping it is */
	memcpy(m->description, "pmp", 4);
}

int
pmp_upnp_mapper_address(const pmp_mapper_t *m, uint8_t addr[16])
{
	uint8_t a4[4];

	if (m->pinhole)	/* our own: IPv6 is not translated */
		return m->address[0] != '\0' &&
		    inet_pton(AF_INET6, m->address, addr) == 1;
	if (m->address[0] == '\0' || inet_pton(AF_INET, m->address, a4) != 1)
		return 0;
	pmp_addr_from_v4(addr, a4);
	return 1;
}

void
pmp_upnp_result(pmp_req_t *r, const pmp_mapper_t *m, int status,
    const uint8_t gateway[16], const uint8_t local[16],
    pmp_upnp_made_t *made)
{
	pmp_result_t *res = &r->result;

	memset(res, 0, sizeof(*res));
	res->status = status;
	res->request_id = r->id;
	res->op = r->op;
	res->protocol = r->op == PMP_OP_PUBLIC_ADDRESS ? 0 : r->protocol;
	res->method = PMP_METHOD_UPNP;
	res->result_code = status == PMP_EGATEWAY ? (unsigned)m->upnp_error :
	    0;
	/* one exchange or more was made: the IGD may hold what was asked */
	res->attempts = 1;
	memcpy(res->gateway, gateway, 16);
	(void)pmp_upnp_mapper_address(m, res->public_address);
	if (r->op != PMP_OP_PUBLIC_ADDRESS) {
		res->private_port = r->private_port;
		memcpy(res->private_address, local, 16);
	}
	if (status == PMP_OK && r->op == PMP_OP_MAP) {
		res->public_port = m->granted_port;
		/* 0: the router keeps it for ever (mapper.h): it is this
		 * client's to delete */
		res->lifetime = m->granted_lease != 0 || !r->embedded ?
		    m->granted_lease : r->lifetime;
		remember(made, m->udp, r->private_port, m->granted_port, m, 0);
	} else if (status == PMP_OK && r->op == PMP_OP_UNMAP) {
		remember(made, m->udp, r->private_port, 0, m, 1);
	} else if (status == PMP_EGATEWAY && r->op == PMP_OP_CHECK &&
	    m->upnp_error == 714) {
		int i = made_index(made, m->udp, r->private_port);

		/* made with a finite lease, and gone before it ran out */
		if (i >= 0 && !made->m[i].permanent)
			made->drops_finite = 1;
	}
}
