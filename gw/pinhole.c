/*
 * pinhole.c - pmp-gateway's IPv6 pinholes (see pinhole.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "pinhole.h"
#include "pcp/wire.h"

void
gw_pinholes_clear(gw_pinholes_t *ph)
{
	ph->n = 0;
}

static void
expire(gw_pinholes_t *ph, uint64_t now_ms)
{
	size_t i = 0;

	while (i < ph->n) {
		if (ph->p[i].expires_ms <= now_ms)
			ph->p[i] = ph->p[--ph->n];
		else
			i++;
	}
}

size_t
gw_pinholes_count(gw_pinholes_t *ph, uint64_t now_ms)
{
	expire(ph, now_ms);
	return ph->n;
}

uint8_t
gw_pinhole_map(gw_pinholes_t *ph, const uint8_t client[16],
    uint8_t protocol, uint16_t port, uint16_t suggested, int prefer_failure,
    const uint8_t nonce[12], uint32_t lifetime, uint32_t max_lifetime,
    uint64_t now_ms, uint32_t *granted)
{
	gw_pinhole_t *h = NULL;
	size_t i;

	*granted = 0;
	if (protocol != 6 && protocol != 17)
		return PMP_PCP_UNSUPP_PROTOCOL;
	if (port == 0)		/* all ports of a host: not opened here */
		return PMP_PCP_NOT_AUTHORIZED;
	expire(ph, now_ms);
	for (i = 0; i < ph->n && h == NULL; i++)
		if (memcmp(ph->p[i].client, client, 16) == 0 &&
		    ph->p[i].protocol == protocol && ph->p[i].port == port)
			h = &ph->p[i];
	/* §11.3: only the nonce that opened it renews or closes it */
	if (h != NULL && memcmp(h->nonce, nonce, 12) != 0)
		return PMP_PCP_NOT_AUTHORIZED;
	if (lifetime == 0) {
		if (h != NULL)
			*h = ph->p[--ph->n];
		return PMP_PCP_SUCCESS;
	}
	/* §13.2: no translation, so another port is the only other offer */
	if (prefer_failure && suggested != 0 && suggested != port)
		return PMP_PCP_CANNOT_PROVIDE_EXTERNAL;
	if (h == NULL) {
		if (ph->n == GW_MAX_PINHOLES)
			return PMP_PCP_NO_RESOURCES;
		h = &ph->p[ph->n++];
		memset(h, 0, sizeof(*h));
		memcpy(h->client, client, 16);
		h->protocol = protocol;
		h->port = port;
		memcpy(h->nonce, nonce, 12);
	}
	*granted = lifetime < max_lifetime ? lifetime : max_lifetime;
	h->expires_ms = now_ms + (uint64_t)*granted * 1000u;
	return PMP_PCP_SUCCESS;
}
