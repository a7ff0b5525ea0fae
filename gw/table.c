/*
 * table.c - pmp-gateway's mapping table, indexed (see table.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdlib.h>
#include <string.h>

#include "table.h"

#define NIL UINT32_MAX
#define NPORTS 65536u
#define MAX_CAP (1u << 24)

/* A 64-bit mixer (splitmix64's finaliser) over the key and the seed. */
static uint32_t
bucket(const gw_table_t *t, uint64_t key)
{
	uint64_t x = key ^ t->seed;

	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return (uint32_t)x & (t->nbuckets - 1);
}

static uint32_t
addr32(const uint8_t a[4])
{
	return ((uint32_t)a[0] << 24) | ((uint32_t)a[1] << 16) |
	    ((uint32_t)a[2] << 8) | a[3];
}

static uint64_t
mapping_key(const uint8_t client[4], uint8_t proto, uint16_t port)
{
	return ((uint64_t)addr32(client) << 24) | ((uint64_t)proto << 16) |
	    port;
}

static uint64_t
client_key(const uint8_t client[4])
{
	return (1ull << 56) | addr32(client);	/* apart from mapping keys */
}

static void
set_used(gw_table_t *t, uint32_t p, int on)
{
	if (on)
		t->used[p >> 6] |= 1ull << (p & 63);
	else
		t->used[p >> 6] &= ~(1ull << (p & 63));
}

void
gw_table_clear(gw_table_t *t)
{
	uint32_t i;

	t->n = 0;
	for (i = 0; i < t->nbuckets; i++)
		t->key_head[i] = t->client_head[i] = NIL;
	for (i = 0; i < NPORTS; i++)
		t->port_head[i] = NIL;
	memset(t->used, 0, NPORTS / 8);
	/* Never given out: 0, and the protocol's own ports 5350/5351. */
	set_used(t, 0, 1);
	set_used(t, 5350, 1);
	set_used(t, 5351, 1);
	for (i = 0; i < t->cap; i++) {
		t->m[i].next_key = i + 1 < t->cap ? i + 1 : NIL;
		t->clients[i].next = i + 1 < t->cap ? i + 1 : NIL;
	}
	t->free_slot = 0;
	t->free_client = 0;
}

int
gw_table_init(gw_table_t *t, size_t cap, uint32_t max_lifetime,
    uint64_t seed)
{
	uint32_t nb = 16;

	memset(t, 0, sizeof(*t));
	if (cap == 0 || cap > MAX_CAP)
		return -1;
	while (nb < 2 * cap)
		nb *= 2;
	t->cap = cap;
	t->nbuckets = nb;
	t->seed = seed;
	t->max_lifetime = max_lifetime;
	t->max_per_client = (uint32_t)cap;
	t->first_auto_port = 49152;	/* the dynamic range (RFC 6335) */
	t->m = calloc(cap, sizeof(*t->m));
	t->heap = calloc(cap, sizeof(*t->heap));
	t->clients = calloc(cap, sizeof(*t->clients));
	t->key_head = calloc(nb, sizeof(*t->key_head));
	t->client_head = calloc(nb, sizeof(*t->client_head));
	t->port_head = calloc(NPORTS, sizeof(*t->port_head));
	t->used = calloc(NPORTS / 64, sizeof(*t->used));
	if (t->m == NULL || t->heap == NULL || t->clients == NULL ||
	    t->key_head == NULL || t->client_head == NULL ||
	    t->port_head == NULL || t->used == NULL) {
		gw_table_free(t);
		return -1;
	}
	gw_table_clear(t);
	return 0;
}

void
gw_table_free(gw_table_t *t)
{
	free(t->m);
	free(t->heap);
	free(t->clients);
	free(t->key_head);
	free(t->client_head);
	free(t->port_head);
	free(t->used);
	memset(t, 0, sizeof(*t));
}

/* ---- the expiry heap: heap[0] expires first ---- */

static int
earlier(const gw_table_t *t, uint32_t i, uint32_t j)
{
	return t->m[t->heap[i]].expires_ms < t->m[t->heap[j]].expires_ms;
}

static void
heap_swap(gw_table_t *t, uint32_t i, uint32_t j)
{
	uint32_t s = t->heap[i];

	t->heap[i] = t->heap[j];
	t->heap[j] = s;
	t->m[t->heap[i]].heap_pos = i;
	t->m[t->heap[j]].heap_pos = j;
}

static void
sift_up(gw_table_t *t, uint32_t i)
{
	while (i > 0 && earlier(t, i, (i - 1) / 2)) {
		heap_swap(t, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void
sift_down(gw_table_t *t, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, min = i;

		if (l < t->n && earlier(t, l, min))
			min = l;
		if (r < t->n && earlier(t, r, min))
			min = r;
		if (min == i)
			return;
		heap_swap(t, i, min);
		i = min;
	}
}

static void
set_expiry(gw_table_t *t, uint32_t s, uint64_t expires_ms)
{
	uint32_t i = t->m[s].heap_pos;

	t->m[s].expires_ms = expires_ms;
	sift_up(t, i);
	sift_down(t, t->m[s].heap_pos);
}

/* ---- lookups ---- */

static uint32_t
find_slot(const gw_table_t *t, const uint8_t client[4], uint8_t proto,
    uint16_t private_port)
{
	uint32_t s = t->key_head[bucket(t, mapping_key(client, proto,
	    private_port))];

	for (; s != NIL; s = t->m[s].next_key) {
		const gw_mapping_t *m = &t->m[s];

		if (m->proto == proto && m->private_port == private_port &&
		    memcmp(m->client, client, 4) == 0)
			return s;
	}
	return NIL;
}

static uint32_t
find_client(const gw_table_t *t, const uint8_t client[4])
{
	uint32_t c = t->client_head[bucket(t, client_key(client))];

	for (; c != NIL; c = t->clients[c].next)
		if (memcmp(t->clients[c].addr, client, 4) == 0)
			return c;
	return NIL;
}

const gw_mapping_t *
gw_table_find(const gw_table_t *t, const uint8_t client[4], uint8_t proto,
    uint16_t private_port)
{
	uint32_t s = find_slot(t, client, proto, private_port);

	return s == NIL ? NULL : &t->m[s];
}

gw_mapping_t *
gw_table_lookup(gw_table_t *t, const uint8_t client[4], uint8_t proto,
    uint16_t private_port)
{
	uint32_t s = find_slot(t, client, proto, private_port);

	return s == NIL ? NULL : &t->m[s];
}

const gw_mapping_t *
gw_table_at(const gw_table_t *t, size_t i)
{
	return i < t->n ? &t->m[t->heap[i]] : NULL;
}

uint32_t
gw_table_client_count(const gw_table_t *t, const uint8_t client[4])
{
	uint32_t c = find_client(t, client);

	return c == NIL ? 0 : t->clients[c].count;
}

/* ---- insertion and removal ---- */

/* Unlink s from the singly linked chain at *head through field off. */
static void
unchain(gw_table_t *t, uint32_t *head, uint32_t s, int by_port)
{
	uint32_t *pp = head;

	while (*pp != NIL && *pp != s)
		pp = by_port ? &t->m[*pp].next_port : &t->m[*pp].next_key;
	if (*pp == s)
		*pp = by_port ? t->m[s].next_port : t->m[s].next_key;
}

static void
release_client(gw_table_t *t, uint32_t c)
{
	uint32_t *pp = &t->client_head[bucket(t, client_key(t->clients[c].addr))];

	while (*pp != NIL && *pp != c)
		pp = &t->clients[*pp].next;
	if (*pp == c)
		*pp = t->clients[c].next;
	t->clients[c].next = t->free_client;
	t->free_client = c;
}

static void
remove_slot(gw_table_t *t, uint32_t s)
{
	gw_mapping_t *m = &t->m[s];
	gw_client_rec_t *c = &t->clients[m->owner];
	uint32_t pos = m->heap_pos;

	unchain(t, &t->key_head[bucket(t, mapping_key(m->client, m->proto,
	    m->private_port))], s, 0);
	unchain(t, &t->port_head[m->public_port], s, 1);
	if (t->port_head[m->public_port] == NIL)
		set_used(t, m->public_port, 0);
	/* Out of the heap: the last one takes its place. */
	t->n--;
	if (pos != t->n) {
		uint32_t moved = t->heap[t->n];

		heap_swap(t, pos, (uint32_t)t->n);
		sift_up(t, pos);
		sift_down(t, t->m[moved].heap_pos);
	}
	/* Out of its client's list. */
	if (m->client_prev != NIL)
		t->m[m->client_prev].client_next = m->client_next;
	else
		c->first = m->client_next;
	if (m->client_next != NIL)
		t->m[m->client_next].client_prev = m->client_prev;
	if (--c->count == 0)
		release_client(t, m->owner);
	m->next_key = t->free_slot;
	t->free_slot = s;
}

/* The client's record, made if new; NIL only if none is free. */
static uint32_t
client_rec(gw_table_t *t, const uint8_t client[4])
{
	uint32_t c = find_client(t, client), b;

	if (c != NIL || t->free_client == NIL)
		return c;
	c = t->free_client;
	t->free_client = t->clients[c].next;
	memcpy(t->clients[c].addr, client, 4);
	t->clients[c].count = 0;
	t->clients[c].first = NIL;
	b = bucket(t, client_key(client));
	t->clients[c].next = t->client_head[b];
	t->client_head[b] = c;
	return c;
}

static void
insert(gw_table_t *t, uint32_t c, const uint8_t client[4], uint8_t proto,
    uint16_t private_port, uint16_t public_port, uint64_t expires_ms)
{
	uint32_t s = t->free_slot, b;
	gw_mapping_t *m = &t->m[s];

	t->free_slot = m->next_key;
	memcpy(m->client, client, 4);
	m->proto = proto;
	m->private_port = private_port;
	m->public_port = public_port;
	m->expires_ms = expires_ms;
	m->has_nonce = 0;
	b = bucket(t, mapping_key(client, proto, private_port));
	m->next_key = t->key_head[b];
	t->key_head[b] = s;
	m->next_port = t->port_head[public_port];
	t->port_head[public_port] = s;
	set_used(t, public_port, 1);
	m->heap_pos = (uint32_t)t->n;
	t->heap[t->n++] = s;
	sift_up(t, m->heap_pos);
	m->owner = c;
	m->client_prev = NIL;
	m->client_next = t->clients[c].first;
	if (m->client_next != NIL)
		t->m[m->client_next].client_prev = s;
	t->clients[c].first = s;
	t->clients[c].count++;
}

void
gw_table_expire(gw_table_t *t, uint64_t now_ms)
{
	/* "the mapping MUST be deleted when its lifetime expires" (§3.3) */
	while (t->n > 0 && t->m[t->heap[0]].expires_ms <= now_ms)
		remove_slot(t, t->heap[0]);
}

/* ---- public ports ---- */

/*
 * Can client have public port p for proto?  Not if another client holds p
 * for either protocol: §3.3 reserves the companion port for the same
 * client (S-06).  Not if this client uses p for another private port of
 * the same protocol.  Never 0, 5350 or 5351.
 */
static int
port_free(const gw_table_t *t, const uint8_t client[4], uint8_t proto,
    uint32_t p)
{
	uint32_t s;

	if (p == 0 || p == 5350 || p == 5351)
		return 0;
	for (s = t->port_head[p]; s != NIL; s = t->m[s].next_port)
		if (memcmp(t->m[s].client, client, 4) != 0 ||
		    t->m[s].proto == proto)
			return 0;
	return 1;
}

/* The first port >= from that nobody holds, or 0. */
static uint32_t
next_unused(const gw_table_t *t, uint32_t from)
{
	uint32_t w = from >> 6;
	uint64_t bits;

	if (from >= NPORTS)
		return 0;
	bits = ~t->used[w] & (~0ull << (from & 63));
	for (;;) {
		if (bits != 0)
			return (w << 6) + (uint32_t)__builtin_ctzll(bits);
		if (++w == NPORTS / 64)
			return 0;
		bits = ~t->used[w];
	}
}

/* "MUST return an available external port if possible" (§3.3): upward
 * from start, then from 1024 (never a system port unasked).  0: none. */
static uint32_t
search_port(const gw_table_t *t, uint32_t start)
{
	uint32_t p = next_unused(t, start);

	if (p == 0 && start > 1024)
		p = next_unused(t, 1024);
	return p;
}

static uint32_t
grant(const gw_table_t *t, uint32_t lifetime)
{
	/* §3.3: the gateway may grant less, "SHOULD NOT" grant more. */
	return lifetime < t->max_lifetime ? lifetime : t->max_lifetime;
}

/* Renew slot s: the same port, the new lifetime (S-07). */
static unsigned
renew(gw_table_t *t, uint32_t s, uint32_t lifetime, uint64_t now_ms,
    uint16_t *public_port, uint32_t *granted)
{
	*granted = grant(t, lifetime);
	set_expiry(t, s, now_ms + (uint64_t)*granted * 1000);
	*public_port = t->m[s].public_port;
	return 0;
}

/* Room for one more mapping of client?  Its record in *c if so. */
static int
admit(gw_table_t *t, const uint8_t client[4], uint32_t *c)
{
	if (t->n == t->cap)
		return 0;
	*c = client_rec(t, client);
	if (*c == NIL)
		return 0;
	if (t->clients[*c].count < t->max_per_client)
		return 1;
	if (t->clients[*c].count == 0)	/* a quota of 0 */
		release_client(t, *c);
	return 0;
}

unsigned
gw_table_map(gw_table_t *t, const uint8_t client[4], uint8_t proto,
    uint16_t private_port, uint16_t suggested, uint32_t lifetime,
    uint64_t now_ms, uint16_t *public_port, uint32_t *granted)
{
	uint32_t s, c, start;

	*public_port = 0;
	*granted = 0;
	if (private_port == 0)
		return 2;
	gw_table_expire(t, now_ms);
	s = find_slot(t, client, proto, private_port);
	if (s != NIL)
		return renew(t, s, lifetime, now_ms, public_port, granted);
	if (!admit(t, client, &c))
		return 4;
	/* Honour the suggestion if possible; otherwise search. */
	start = suggested != 0 ? suggested : t->first_auto_port;
	start = (uint32_t)((int32_t)start + t->port_shift);
	if (start == 0 || start >= NPORTS)
		start = t->first_auto_port;
	if (!port_free(t, client, proto, start))
		start = search_port(t, start);
	if (start == 0) {
		if (t->clients[c].count == 0)
			release_client(t, c);
		return 4;
	}
	*granted = grant(t, lifetime);
	insert(t, c, client, proto, private_port, (uint16_t)start,
	    now_ms + (uint64_t)*granted * 1000);
	*public_port = (uint16_t)start;
	return 0;
}

unsigned
gw_table_map_any(gw_table_t *t, const uint8_t client[4], uint8_t proto,
    uint32_t lifetime, uint64_t now_ms, uint16_t *public_port,
    uint32_t *granted)
{
	uint32_t s, c, want = 0;

	*public_port = 0;
	*granted = 0;
	gw_table_expire(t, now_ms);
	s = find_slot(t, client, proto, 0);
	if (s != NIL)
		return renew(t, s, lifetime, now_ms, public_port, granted);
	if (!admit(t, client, &c))
		return 4;
	/* The client's port of the other protocol, if it has one. */
	s = find_slot(t, client, proto == 1 ? 2 : 1, 0);
	if (s != NIL && port_free(t, client, proto, t->m[s].public_port))
		want = t->m[s].public_port;
	else	/* one nobody holds: free for both protocols */
		want = search_port(t, t->first_auto_port);
	if (want == 0) {
		if (t->clients[c].count == 0)
			release_client(t, c);
		return 4;
	}
	*granted = grant(t, lifetime);
	insert(t, c, client, proto, 0, (uint16_t)want,
	    now_ms + (uint64_t)*granted * 1000);
	*public_port = (uint16_t)want;
	return 0;
}

unsigned
gw_table_unmap(gw_table_t *t, const uint8_t client[4], uint8_t proto,
    uint16_t private_port)
{
	uint32_t s, c, next;

	if (private_port != 0) {
		s = find_slot(t, client, proto, private_port);
		if (s != NIL)
			remove_slot(t, s);
		return 0;
	}
	/* Delete-all: only this client's mappings of proto (S-10). */
	c = find_client(t, client);
	for (s = c == NIL ? NIL : t->clients[c].first; s != NIL; s = next) {
		/* Read the link first: removing the last one frees c. */
		next = t->m[s].client_next;
		if (t->m[s].proto == proto)
			remove_slot(t, s);
	}
	return 0;
}
