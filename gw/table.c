/*
 * table.c - pmp-gateway's mapping table.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdlib.h>
#include <string.h>

#include "table.h"

int
gw_table_init(gw_table_t *t, size_t cap, uint32_t max_lifetime)
{
	memset(t, 0, sizeof(*t));
	t->m = calloc(cap, sizeof(*t->m));
	if (t->m == NULL)
		return -1;
	t->cap = cap;
	t->max_lifetime = max_lifetime;
	t->first_auto_port = 49152;	/* the dynamic range (RFC 6335) */
	return 0;
}

void
gw_table_free(gw_table_t *t)
{
	free(t->m);
	t->m = NULL;
	t->n = t->cap = 0;
}

void
gw_table_clear(gw_table_t *t)
{
	t->n = 0;
}

static void
remove_at(gw_table_t *t, size_t i)
{
	t->m[i] = t->m[--t->n];
}

void
gw_table_expire(gw_table_t *t, uint64_t now_ms)
{
	size_t i = 0;

	/* "the mapping MUST be deleted when its lifetime expires" (§3.3) */
	while (i < t->n) {
		if (t->m[i].expires_ms <= now_ms)
			remove_at(t, i);
		else
			i++;
	}
}

static gw_mapping_t *
find(const gw_table_t *t, const uint8_t client[4], uint8_t proto,
    uint16_t private_port)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		gw_mapping_t *m = &t->m[i];

		if (m->proto == proto && m->private_port == private_port &&
		    memcmp(m->client, client, 4) == 0)
			return m;
	}
	return NULL;
}

const gw_mapping_t *
gw_table_find(const gw_table_t *t, const uint8_t client[4], uint8_t proto,
    uint16_t private_port)
{
	return find(t, client, proto, private_port);
}

/*
 * Can client have public port p for proto?  Not if another client holds p
 * for either protocol: §3.3 reserves the companion port for the same
 * client (S-06).  Not if this client uses p for another private port of
 * the same protocol.  Never 5350/5351, the protocol's own ports.
 */
static int
port_free(const gw_table_t *t, const uint8_t client[4], uint8_t proto,
    uint16_t p)
{
	size_t i;

	if (p == 0 || p == 5350 || p == 5351)
		return 0;
	for (i = 0; i < t->n; i++) {
		const gw_mapping_t *m = &t->m[i];

		if (m->public_port != p)
			continue;
		if (memcmp(m->client, client, 4) != 0 || m->proto == proto)
			return 0;
	}
	return 1;
}

static uint32_t
grant(const gw_table_t *t, uint32_t lifetime)
{
	/* §3.3: the gateway may grant less, "SHOULD NOT" grant more. */
	return lifetime < t->max_lifetime ? lifetime : t->max_lifetime;
}

unsigned
gw_table_map(gw_table_t *t, const uint8_t client[4], uint8_t proto,
    uint16_t private_port, uint16_t suggested, uint32_t lifetime,
    uint64_t now_ms, uint16_t *public_port, uint32_t *granted)
{
	gw_mapping_t *m;
	uint32_t p, start, tries;

	*public_port = 0;
	*granted = 0;
	if (private_port == 0)
		return 2;
	gw_table_expire(t, now_ms);
	m = find(t, client, proto, private_port);
	if (m != NULL) {
		*granted = grant(t, lifetime);
		m->expires_ms = now_ms + (uint64_t)*granted * 1000;
		*public_port = m->public_port;
		return 0;
	}
	if (t->n == t->cap)
		return 4;
	/* Honour the suggestion if possible; otherwise "MUST return an
	 * available external port if possible" (§3.3): search upward. */
	start = suggested != 0 ? suggested : t->first_auto_port;
	start = (uint32_t)((int32_t)start + t->port_shift);
	if (start == 0 || start > 65535)
		start = t->first_auto_port;
	for (p = start, tries = 0; tries < 65535; tries++) {
		if (port_free(t, client, proto, (uint16_t)p))
			break;
		p = p >= 65535 ? 1024 : p + 1;
	}
	if (tries == 65535)
		return 4;
	m = &t->m[t->n++];
	memcpy(m->client, client, 4);
	m->proto = proto;
	m->private_port = private_port;
	m->public_port = (uint16_t)p;
	*granted = grant(t, lifetime);
	m->expires_ms = now_ms + (uint64_t)*granted * 1000;
	*public_port = m->public_port;
	return 0;
}

unsigned
gw_table_map_any(gw_table_t *t, const uint8_t client[4], uint8_t proto,
    uint32_t lifetime, uint64_t now_ms, uint16_t *public_port,
    uint32_t *granted)
{
	const gw_mapping_t *other;
	uint16_t want = 0;
	gw_mapping_t *m;

	*public_port = 0;
	*granted = 0;
	gw_table_expire(t, now_ms);
	m = find(t, client, proto, 0);
	if (m != NULL) {
		*granted = grant(t, lifetime);
		m->expires_ms = now_ms + (uint64_t)*granted * 1000;
		*public_port = m->public_port;
		return 0;
	}
	/* The client's port of the other protocol, if it has one. */
	other = find(t, client, proto == 1 ? 2 : 1, 0);
	if (other != NULL)
		want = other->public_port;
	if (t->n == t->cap)
		return 4;
	if (want == 0) {
		uint32_t p, tries;

		for (p = t->first_auto_port, tries = 0; tries < 65535; tries++) {
			/* free for both protocols, for this client */
			if (port_free(t, client, 1, (uint16_t)p) &&
			    port_free(t, client, 2, (uint16_t)p))
				break;
			p = p >= 65535 ? 1024 : p + 1;
		}
		if (tries == 65535)
			return 4;
		want = (uint16_t)p;
	}
	m = &t->m[t->n++];
	memcpy(m->client, client, 4);
	m->proto = proto;
	m->private_port = 0;
	m->public_port = want;
	*granted = grant(t, lifetime);
	m->expires_ms = now_ms + (uint64_t)*granted * 1000;
	*public_port = want;
	return 0;
}

unsigned
gw_table_unmap(gw_table_t *t, const uint8_t client[4], uint8_t proto,
    uint16_t private_port)
{
	size_t i = 0;

	while (i < t->n) {
		gw_mapping_t *m = &t->m[i];

		if (m->proto == proto && memcmp(m->client, client, 4) == 0 &&
		    (private_port == 0 || m->private_port == private_port))
			remove_at(t, i);
		else
			i++;
	}
	return 0;
}
