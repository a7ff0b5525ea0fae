/*
 * search.h - finding the IGD: the SSDP search and the ranking of what
 * answers (UPnP Device Architecture 1.1 §1.3; UPNP.md §1.3, §2).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure, on the caller's clock.  A search sends M-SEARCH for every target
 * an IGD may answer to (InternetGatewayDevice:2 and :1, WANIPConnection:2
 * and :1, WANPPPConnection:1), each unicast to the gateway's port 1900
 * (answered within a second by devices that ignore multicast from
 * "outside", and opening host firewalls) and to the multicast group
 * (devices that answer only multicast; never toward a loopback gateway,
 * which has no LAN: multicast would leave by the default route), in
 * PMP_SEARCH_ROUNDS rounds a second apart.  Answers are taken from any
 * source port (TP-Link answers from another one) and with any header
 * case; the search ends PMP_SEARCH_GRACE_MS after the first answer whose
 * LOCATION is on the gateway's address or that the gateway sent (at once
 * if no later answer could outrank it: on the gateway, from the gateway,
 * IGDv2), or MX seconds after the last round.
 *
 * Ranking (best first), each step said in the candidate's reason:
 *   1. LOCATION on the gateway's address (an IGD elsewhere on the LAN,
 *      e.g. the other router of a CARP pair, comes after);
 *   2. answered from the gateway's address;
 *   3. the service it names: WANIPConnection:2 / IGD:2, then v1, then
 *      WANPPPConnection;
 *   4. the order the answers came in.
 * Whether it is connected and has a public address is for the control
 * step (GetStatusInfo, GetExternalIPAddress), which may skip a candidate.
 */
#ifndef PMP_UPNP_SEARCH_H
#define PMP_UPNP_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "ssdp.h"
#include "url.h"

#define PMP_SEARCH_ROUNDS 3
#define PMP_SEARCH_ROUND_MS 1000u
#define PMP_SEARCH_MX 2u
#define PMP_SEARCH_GRACE_MS 200u
#define PMP_SEARCH_MAX_CANDIDATES 8
#define PMP_SEARCH_TARGETS 5

typedef struct pmp_igd_candidate {
	pmp_ssdp_msg_t msg;
	pmp_url_t location;
	uint8_t from[16];	/* who answered */
	uint16_t from_port;
	unsigned order;		/* arrival */
	int score;		/* higher is better */
	char reason[96];	/* why it ranks where it does */
} pmp_igd_candidate_t;

typedef struct pmp_search {
	uint8_t gateway[16];	/* IPv4-mapped, or IPv6 (FF02::C then) */
	uint64_t start_ms, end_ms;
	unsigned sent;		/* datagrams of all rounds sent so far */
	uint64_t found_ms;	/* first answer on or from the gateway, or 0 */
	int best_possible;	/* an answer no other can outrank came */
	unsigned ncand;
	pmp_igd_candidate_t cand[PMP_SEARCH_MAX_CANDIDATES];
	unsigned answers;	/* datagrams taken (candidates or repeats) */
} pmp_search_t;

void pmp_search_init(pmp_search_t *s, const uint8_t gateway[16],
    uint64_t now_ms);

/*
 * The next M-SEARCH due at now_ms, into out (cap bytes), with where it
 * goes (to: 16 bytes, *port); 0 if none is due.  Call until 0.
 */
size_t pmp_search_output(pmp_search_t *s, uint64_t now_ms, char *out,
    size_t cap, uint8_t to[16], uint16_t *port);

/* A datagram on the search socket from src:sport. */
void pmp_search_input(pmp_search_t *s, const uint8_t *b, size_t n,
    const uint8_t src[16], uint16_t sport, uint64_t now_ms);

/* The gateway's port 1900 is closed (ICMP port unreachable to a unicast
 * M-SEARCH): no IGD there.  On loopback the search ends now; on a LAN it
 * waits MX seconds for another IGD's answer to the multicast. */
void pmp_search_refused(pmp_search_t *s, uint64_t now_ms);

/* Over: the candidates (best first, pmp_search_best) are all there are. */
int pmp_search_done(const pmp_search_t *s, uint64_t now_ms);

/* When output or done may change next. */
uint64_t pmp_search_deadline(const pmp_search_t *s);

/* The i-th best candidate (0: best), or NULL past the last. */
const pmp_igd_candidate_t *pmp_search_best(const pmp_search_t *s,
    unsigned i);

#endif
