/*
 * igd_pinhole.c - WANIPv6FirewallControl:1's actions over the pinhole
 * table (see igd_pinhole.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "igd_pinhole.h"

const char *
gw_igd_arg(const gw_igd_action_t *a, const char *name)
{
	unsigned i;

	for (i = 0; i < a->nargs; i++)
		if (strcmp(a->arg[i], name) == 0)
			return a->val[i];
	return NULL;
}

/* A decimal number in 0..max, or -1. */
static long
number(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	return *end != '\0' || v > max ? -1 : (long)v;
}

/* The owner of a UPnP pinhole, in the nonce PCP's would hold. */
static void
owner(uint32_t id, uint8_t nonce[12])
{
	memset(nonce, 0, 12);
	nonce[0] = 'U';		/* "UPnP", then the id */
	nonce[1] = 'P';
	nonce[2] = 'n';
	nonce[3] = 'P';
	nonce[8] = (uint8_t)(id >> 24);
	nonce[9] = (uint8_t)(id >> 16);
	nonce[10] = (uint8_t)(id >> 8);
	nonce[11] = (uint8_t)id;
}

static gw_pinhole_t *
by_id(gw_pinholes_t *ph, long id, uint64_t now_ms)
{
	uint8_t nonce[12];
	size_t i;

	if (id < 0)
		return NULL;
	owner((uint32_t)id, nonce);
	for (i = 0; i < ph->n; i++)
		if (memcmp(ph->p[i].nonce, nonce, 12) == 0 &&
		    ph->p[i].expires_ms > now_ms)
			return &ph->p[i];
	return NULL;
}

/* A UniqueID (ui2, 1..65535) no pinhole holds: one past the highest. */
static uint32_t
free_id(const gw_pinholes_t *ph)
{
	uint32_t top = 0, id;
	size_t i;

	for (i = 0; i < ph->n; i++) {
		const uint8_t *n = ph->p[i].nonce;

		if (memcmp(n, "UPnP", 4) != 0)
			continue;
		id = (uint32_t)n[10] << 8 | n[11];
		if (id > top)
			top = id;
	}
	return top < 65535 ? top + 1 : 1;
}

int
gw_igd_pinhole(gw_pinholes_t *ph, const gw_igd_action_t *a,
    uint64_t now_ms, char *out, size_t cap, const char **error_text)
{
	uint8_t client[16], nonce[12];
	long port, proto, lease, id;
	uint32_t granted;
	gw_pinhole_t *h;
	size_t i;

	*out = '\0';
	*error_text = "Invalid Args";
	if (strcmp(a->name, "GetFirewallStatus") == 0) {
		snprintf(out, cap, "<FirewallEnabled>1</FirewallEnabled>"
		    "<InboundPinholeAllowed>1</InboundPinholeAllowed>");
		return 0;
	}
	if (strcmp(a->name, "AddPinhole") == 0) {
		const char *ic = gw_igd_arg(a, "InternalClient");

		port = number(gw_igd_arg(a, "InternalPort"), 65535);
		proto = number(gw_igd_arg(a, "Protocol"), 65535);
		lease = number(gw_igd_arg(a, "LeaseTime"), 0xffffffffu);
		if (ic == NULL || inet_pton(AF_INET6, ic, client) != 1 ||
		    port < 0 || proto < 0 || lease < 0)
			return 402;
		if (lease < 1 || lease > (long)GW_IGD_PINHOLE_MAX_LEASE)
			return 402;
		if (port == 0) {
			*error_text = "InternalPortWildcardingNotAllowed";
			return 706;
		}
		if (proto == 65535) {
			*error_text = "ProtocolWildcardingNotAllowed";
			return 707;
		}
		if (proto != 6 && proto != 17) {
			*error_text = "ProtocolNotSupported";
			return 705;
		}
		/* the same client, protocol and port: its pinhole renewed
		 * under the UniqueID it has */
		for (h = NULL, i = 0; i < ph->n && h == NULL; i++)
			if (memcmp(ph->p[i].client, client, 16) == 0 &&
			    ph->p[i].protocol == (uint8_t)proto &&
			    ph->p[i].port == (uint16_t)port &&
			    memcmp(ph->p[i].nonce, "UPnP", 4) == 0)
				h = &ph->p[i];
		if (h != NULL)
			memcpy(nonce, h->nonce, 12);
		else
			owner(free_id(ph), nonce);
		if (gw_pinhole_map(ph, client, (uint8_t)proto, (uint16_t)port,
		    0, 0, nonce, (uint32_t)lease, GW_IGD_PINHOLE_MAX_LEASE,
		    now_ms, &granted) != 0) {
			*error_text = "PinholeSpaceExhausted";
			return 701;
		}
		snprintf(out, cap, "<UniqueID>%lu</UniqueID>", (unsigned long)
		    ((uint32_t)nonce[8] << 24 | (uint32_t)nonce[9] << 16 |
		    (uint32_t)nonce[10] << 8 | nonce[11]));
		return 0;
	}
	if (strcmp(a->name, "UpdatePinhole") == 0 ||
	    strcmp(a->name, "DeletePinhole") == 0) {
		int update = a->name[0] == 'U';

		id = number(gw_igd_arg(a, "UniqueID"), 65535);
		lease = update ? number(gw_igd_arg(a, "NewLeaseTime"),
		    0xffffffffu) : 0;
		if (id < 0 || lease < 0)
			return 402;
		if (update && (lease < 1 ||
		    lease > (long)GW_IGD_PINHOLE_MAX_LEASE))
			return 402;
		h = by_id(ph, id, now_ms);
		if (h == NULL) {
			*error_text = "NoSuchEntry";
			return 704;
		}
		memcpy(client, h->client, 16);
		memcpy(nonce, h->nonce, 12);
		(void)gw_pinhole_map(ph, client, h->protocol, h->port, 0, 0,
		    nonce, (uint32_t)lease, GW_IGD_PINHOLE_MAX_LEASE, now_ms,
		    &granted);
		return 0;
	}
	*error_text = "Invalid Action";
	return 401;
}
