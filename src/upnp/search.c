/*
 * search.c - the SSDP search for the IGD and its ranking (see search.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <string.h>

#include "core/inet.h"
#include "core/addr.h"
#include "search.h"

static const char *const targets[PMP_SEARCH_TARGETS] = {
	"urn:schemas-upnp-org:device:InternetGatewayDevice:2",
	"urn:schemas-upnp-org:device:InternetGatewayDevice:1",
	"urn:schemas-upnp-org:service:WANIPConnection:2",
	"urn:schemas-upnp-org:service:WANIPConnection:1",
	"urn:schemas-upnp-org:service:WANPPPConnection:1",
};

/* Per round: each target unicast, then each multicast. */
/* rank()'s best: on the gateway (100), from it (10), IGDv2 (3) */
#define BEST_SCORE 113
#define PER_ROUND (2 * PMP_SEARCH_TARGETS)

void
pmp_search_init(pmp_search_t *s, const uint8_t gateway[16], uint64_t now_ms)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->gateway, gateway, 16);
	s->start_ms = now_ms;
	s->end_ms = now_ms + (uint64_t)(PMP_SEARCH_ROUNDS - 1) *
	    PMP_SEARCH_ROUND_MS + (uint64_t)PMP_SEARCH_MX * 1000u + 500u;
}

/* A gateway on loopback (127/8, ::1: a test gateway) has no LAN to
 * search: no multicast then, which would leave by the default route's
 * interface instead. */
static int
on_loopback(const uint8_t a[16])
{
	static const uint8_t v6[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 1 };

	return (pmp_addr_is_v4(a) && a[12] == 127) || memcmp(a, v6, 16) == 0;
}

size_t
pmp_search_output(pmp_search_t *s, uint64_t now_ms, char *out, size_t cap,
    uint8_t to[16], uint16_t *port)
{
	unsigned round, k;
	int multicast;
	char host[64], gw[48];
	size_t n;

	/* on loopback, the multicast half of each round is skipped */
	if (on_loopback(s->gateway) && s->sent % PER_ROUND ==
	    PMP_SEARCH_TARGETS)
		s->sent += PMP_SEARCH_TARGETS;
	round = s->sent / PER_ROUND;
	k = s->sent % PER_ROUND;
	multicast = k >= PMP_SEARCH_TARGETS;

	if (pmp_search_done(s, now_ms) || round >= PMP_SEARCH_ROUNDS ||
	    now_ms < s->start_ms + (uint64_t)round * PMP_SEARCH_ROUND_MS)
		return 0;
	memset(to, 0, 16);
	if (pmp_addr_is_v4(s->gateway)) {
		if (multicast) {
			/* 239.255.255.250 */
			static const uint8_t group[4] = { 239, 255, 255, 250 };

			pmp_addr_from_v4(to, group);
		} else {
			memcpy(to, s->gateway, 16);
		}
	} else {
		if (multicast) {
			to[0] = 0xff;	/* FF02::C, link-local */
			to[1] = 0x02;
			to[15] = 0x0c;
			/* the gateway's interface, if it carries one */
			to[2] = s->gateway[2];
			to[3] = s->gateway[3];
		} else {
			memcpy(to, s->gateway, 16);
		}
	}
	if (multicast)
		snprintf(host, sizeof(host), pmp_addr_is_v4(s->gateway) ?
		    "239.255.255.250:1900" : "[FF02::C]:1900");
	else {
		uint8_t plain[16];

		/* the Host header names the address without its scope */
		memcpy(plain, to, 16);
		if (pmp_addr_is_linklocal(plain))
			pmp_addr_set_scope(plain, 0);
		if (pmp_addr_is_v4(plain))
			inet_ntop(AF_INET, plain + 12, gw, sizeof(gw));
		else
			inet_ntop(AF_INET6, plain, gw, sizeof(gw));
		snprintf(host, sizeof(host), pmp_addr_is_v4(to) ? "%s:1900" :
		    "[%s]:1900", gw);
	}
	n = pmp_ssdp_msearch(targets[k % PMP_SEARCH_TARGETS], host,
	    PMP_SEARCH_MX, out, cap);
	if (n == 0)
		return 0;
	*port = PMP_SSDP_PORT;
	s->sent++;
	return n;
}

/* The service an answer's ST names: 3 for v2, 2 for v1 IP, 1 for PPP,
 * 0 for another (a device answering ssdp:all). */
static int
service_score(const char *st)
{
	if (strstr(st, ":InternetGatewayDevice:2") != NULL ||
	    strstr(st, ":WANIPConnection:2") != NULL)
		return 3;
	if (strstr(st, ":InternetGatewayDevice:1") != NULL ||
	    strstr(st, ":WANIPConnection:1") != NULL)
		return 2;
	if (strstr(st, ":WANPPPConnection:") != NULL)
		return 1;
	return 0;
}

static void
rank(pmp_search_t *s, pmp_igd_candidate_t *c)
{
	int here = memcmp(c->location.addr, s->gateway, 16) == 0;
	int from_gw = memcmp(c->from, s->gateway, 16) == 0;
	int svc = service_score(c->msg.st);

	c->score = (here ? 100 : 0) + (from_gw ? 10 : 0) + svc;
	snprintf(c->reason, sizeof(c->reason), "%s, %s, %s",
	    here ? "on the gateway's address" : "elsewhere on the LAN",
	    from_gw ? "answered by the gateway" : "answered by another host",
	    svc == 3 ? "IGDv2" : svc == 2 ? "IGDv1" : svc == 1 ?
	    "WANPPPConnection" : "another device type");
}

void
pmp_search_input(pmp_search_t *s, const uint8_t *b, size_t n,
    const uint8_t src[16], uint16_t sport, uint64_t now_ms)
{
	pmp_igd_candidate_t c;
	unsigned i;

	if (pmp_search_done(s, now_ms))
		return;
	memset(&c, 0, sizeof(c));
	if (pmp_ssdp_parse(b, n, &c.msg) != 0 ||
	    c.msg.kind != PMP_SSDP_ANSWER ||
	    service_score(c.msg.st) == 0 ||
	    pmp_url_parse(c.msg.location, &c.location) != 0)
		return;
	s->answers++;
	/* one candidate per description: devices answer every ST we send */
	for (i = 0; i < s->ncand; i++) {
		pmp_igd_candidate_t *o = &s->cand[i];

		if (strcmp(o->msg.location, c.msg.location) == 0) {
			/* keep the best service it named */
			if (service_score(c.msg.st) > service_score(o->msg.st)) {
				memcpy(o->msg.st, c.msg.st, sizeof(o->msg.st));
				rank(s, o);
				if (o->score == BEST_SCORE)
					s->best_possible = 1;
			}
			return;
		}
	}
	if (s->ncand == PMP_SEARCH_MAX_CANDIDATES)
		return;
	memcpy(c.from, src, 16);
	c.from_port = sport;
	c.order = s->ncand;
	rank(s, &c);
	s->cand[s->ncand++] = c;
	if (c.score == BEST_SCORE)
		s->best_possible = 1;
	/* the gateway's own answer, even naming a description elsewhere
	 * (UPNP.md §6), is worth the grace period only */
	if (s->found_ms == 0 && (memcmp(c.location.addr, s->gateway,
	    16) == 0 || memcmp(src, s->gateway, 16) == 0))
		s->found_ms = now_ms;
}

void
pmp_search_refused(pmp_search_t *s, uint64_t now_ms)
{
	uint64_t end = now_ms + (on_loopback(s->gateway) ? 0 :
	    (uint64_t)PMP_SEARCH_MX * 1000u);

	if (end < s->end_ms)
		s->end_ms = end;
}

int
pmp_search_done(const pmp_search_t *s, uint64_t now_ms)
{
	if (s->best_possible)
		return 1;
	if (s->found_ms != 0 && now_ms >= s->found_ms + PMP_SEARCH_GRACE_MS)
		return 1;
	return now_ms >= s->end_ms;
}

uint64_t
pmp_search_deadline(const pmp_search_t *s)
{
	unsigned sent = s->sent, round;
	uint64_t d = s->end_ms;

	if (s->best_possible)
		return 0;
	if (on_loopback(s->gateway) && sent % PER_ROUND == PMP_SEARCH_TARGETS)
		sent += PMP_SEARCH_TARGETS;	/* (skipped, as output does) */
	round = sent / PER_ROUND;

	if (s->found_ms != 0 && s->found_ms + PMP_SEARCH_GRACE_MS < d)
		d = s->found_ms + PMP_SEARCH_GRACE_MS;
	if (round < PMP_SEARCH_ROUNDS) {
		uint64_t next = s->start_ms + (uint64_t)round *
		    PMP_SEARCH_ROUND_MS;

		if (next < d)
			d = next;
	}
	return d;
}

const pmp_igd_candidate_t *
pmp_search_best(const pmp_search_t *s, unsigned i)
{
	unsigned used = 0, k, j;

	/* i-th by score, then arrival: a selection over at most 8 */
	if (i >= s->ncand)
		return NULL;
	for (k = 0; k <= i; k++) {
		const pmp_igd_candidate_t *best = NULL;

		for (j = 0; j < s->ncand; j++) {
			const pmp_igd_candidate_t *c = &s->cand[j];

			if (used & (1u << j))
				continue;
			if (best == NULL || c->score > best->score)
				best = c;
		}
		used |= 1u << (unsigned)(best - s->cand);
		if (k == i)
			return best;
	}
	return NULL;
}
