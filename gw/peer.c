/*
 * peer.c - pmp-gateway's PCP PEER flows (see peer.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "peer.h"
#include "pcp/wire.h"

void
gw_peers_clear(gw_peers_t *ps)
{
	ps->n = 0;
}

/* Drop what expired: the flow reverts to the NAT's implicit behaviour,
 * which here is nothing (§12.3). */
static void
expire(gw_peers_t *ps, uint64_t now_ms)
{
	size_t i = 0;

	while (i < ps->n) {
		if (ps->p[i].expires_ms <= now_ms)
			ps->p[i] = ps->p[--ps->n];
		else
			i++;
	}
}

size_t
gw_peers_count(gw_peers_t *ps, uint64_t now_ms)
{
	expire(ps, now_ms);
	return ps->n;
}

/* §12.3: a remote peer a NAT would not open a flow to. */
static int
invalid_peer(const uint8_t a[16])
{
	static const uint8_t v4[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
	    0xff };
	static const uint8_t zero[16];

	if (memcmp(a, zero, 16) == 0)
		return 1;
	if (memcmp(a, v4, 12) == 0)	/* 0/8, 127/8, multicast, 255/8 */
		return a[12] == 0 || a[12] == 127 || a[12] >= 224;
	return a[0] == 0xff || (a[15] == 1 && memcmp(a, zero, 15) == 0);
}

uint8_t
gw_peer_request(gw_peers_t *ps, const uint8_t client[16], uint8_t protocol,
    uint16_t internal_port, const uint8_t peer_addr[16], uint16_t peer_port,
    uint16_t suggested_port, const uint8_t nonce[12], uint32_t lifetime,
    uint16_t external_port, uint32_t max_lifetime, uint64_t now_ms,
    uint16_t *port, uint32_t *granted)
{
	gw_peer_t *f = NULL;
	size_t i;

	*port = 0;
	*granted = 0;
	if (protocol != 6 && protocol != 17)
		return PMP_PCP_UNSUPP_PROTOCOL;
	if (invalid_peer(peer_addr))
		return PMP_PCP_MALFORMED_REQUEST;
	expire(ps, now_ms);
	for (i = 0; i < ps->n && f == NULL; i++) {
		gw_peer_t *x = &ps->p[i];

		if (memcmp(x->client, client, 16) == 0 &&
		    x->protocol == protocol &&
		    x->internal_port == internal_port &&
		    x->peer_port == peer_port &&
		    memcmp(x->peer_addr, peer_addr, 16) == 0)
			f = x;
	}
	/* §12.3: one nonce per mapping; another's is refused */
	if (f != NULL && memcmp(f->nonce, nonce, 12) != 0)
		return PMP_PCP_NOT_AUTHORIZED;
	if (lifetime == 0) {
		/* §15: lifetime 0 ends the explicit flow */
		if (f != NULL)
			*f = ps->p[--ps->n];
		return PMP_PCP_SUCCESS;
	}
	if (f == NULL) {
		uint16_t from = external_port != 0 ? external_port :
		    internal_port;

		/* a suggestion that cannot be honoured creates nothing */
		if (suggested_port != 0 && suggested_port != from)
			return PMP_PCP_CANNOT_PROVIDE_EXTERNAL;
		if (ps->n == GW_MAX_PEERS)
			return PMP_PCP_NO_RESOURCES;
		f = &ps->p[ps->n++];
		memset(f, 0, sizeof(*f));
		memcpy(f->client, client, 16);
		f->protocol = protocol;
		f->internal_port = internal_port;
		memcpy(f->peer_addr, peer_addr, 16);
		f->peer_port = peer_port;
		f->external_port = from;
		memcpy(f->nonce, nonce, 12);
	}
	*granted = lifetime < max_lifetime ? lifetime : max_lifetime;
	f->expires_ms = now_ms + (uint64_t)*granted * 1000u;
	*port = f->external_port;
	return PMP_PCP_SUCCESS;
}
