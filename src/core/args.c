/*
 * args.c - argument checks and defaults (see args.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "addr.h"
#include "args.h"

static int
transport_ok(int protocol)
{
	return protocol == PMP_PROTO_UDP || protocol == PMP_PROTO_TCP;
}

int
pmp_args_check(pmp_op_t op, int protocol, uint16_t private_port,
    uint32_t lifetime)
{
	switch (op) {
	case PMP_OP_PUBLIC_ADDRESS:
		return PMP_OK;
	case PMP_OP_MAP:
	case PMP_OP_PEER:
		if (lifetime == 0)
			return PMP_EINVAL;
		/* FALLTHROUGH */
	case PMP_OP_UNMAP:
		if (private_port == 0)
			return PMP_EINVAL;
		/* FALLTHROUGH */
	case PMP_OP_UNMAP_ALL:
		return transport_ok(protocol) ? PMP_OK : PMP_EINVAL;
	}
	return PMP_EINVAL;
}

int
pmp_args_check_keep(int protocol, uint32_t lifetime)
{
	return transport_ok(protocol) && lifetime != 0 ? PMP_OK : PMP_EINVAL;
}

uint16_t
pmp_args_suggestion(uint16_t private_port, uint16_t wish,
    uint16_t port0_suggestion)
{
	if (wish != 0)
		return wish;
	return private_port != 0 ? private_port : port0_suggestion;
}

static int
all_zero(const void *v, size_t n)
{
	const unsigned char *b = v;

	while (n-- > 0)
		if (*b++ != 0)
			return 0;
	return 1;
}

/* RFC 6887 §13.3: a prefix of the peer's family, IPv4 as 96 + n. */
static int
filter_ok(const pmp_filter_t *f)
{
	if (f->prefix_len > 128)
		return 0;
	return !pmp_addr_is_v4(f->address) || f->prefix_len >= 96;
}

#define KNOWN_FLAGS (PMP_MAP_NONCE | PMP_MAP_PREFER_FAILURE | \
    PMP_MAP_THIRD_PARTY | PMP_MAP_PEER)

int
pmp_args_from_params(const pmp_map_params_t *p, pmp_req_t *r)
{
	unsigned i;

	memset(r, 0, sizeof(*r));
	if (p->size < sizeof(*p) || !all_zero((const unsigned char *)p +
	    sizeof(*p), p->size - sizeof(*p)))
		return PMP_EINVAL;
	if ((p->flags & ~KNOWN_FLAGS) != 0 || p->nfilters > PMP_MAX_FILTERS)
		return PMP_EINVAL;
	r->protocol = p->protocol;
	r->private_port = p->private_port;
	r->public_port = p->public_port;
	r->lifetime = p->lifetime;
	r->flags = p->flags;
	memcpy(r->suggest_addr, p->public_address, 16);
	if (p->flags & PMP_MAP_NONCE) {
		memcpy(r->nonce, p->nonce, sizeof(r->nonce));
		r->nonce_set = 1;
	}
	if (p->flags & PMP_MAP_THIRD_PARTY) {
		if (all_zero(p->third_party, 16))
			return PMP_EINVAL;
		memcpy(r->third_party, p->third_party, 16);
	}
	if (p->flags & PMP_MAP_PEER) {
		/* §12.1: a flow to one peer; kept by its own lifetime */
		if (p->peer_port == 0 || all_zero(p->peer_address, 16) ||
		    p->lifetime == 0 || p->nfilters != 0)
			return PMP_EINVAL;
		r->op = PMP_OP_PEER;
		memcpy(r->peer_addr, p->peer_address, 16);
		r->peer_port = p->peer_port;
	} else {
		r->op = p->lifetime != 0 ? PMP_OP_MAP : PMP_OP_UNMAP;
	}
	/* §13.2, §13.3: PREFER_FAILURE and FILTER go with a MAP that
	 * creates or renews, never with a delete */
	if (((p->flags & PMP_MAP_PREFER_FAILURE) || p->nfilters != 0) &&
	    r->op != PMP_OP_MAP)
		return PMP_EINVAL;
	for (i = 0; i < p->nfilters; i++) {
		if (!filter_ok(&p->filters[i]))
			return PMP_EINVAL;
		r->filters[i] = p->filters[i];
	}
	r->nfilters = p->nfilters;
	return pmp_args_check(r->op, r->protocol, r->private_port,
	    r->lifetime);
}
