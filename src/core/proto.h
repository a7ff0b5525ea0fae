/*
 * proto.h - the one internal interface a port mapping protocol implements
 * for the protocol-neutral core (engine.c, keeper.c, session.c).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * A protocol is a constant pmp_proto_t: its timing as tables (the
 * retransmission schedule, the renewal policy), how many requests it may
 * have on the wire, and pure functions from requests to bytes and from
 * bytes to answers.  The core never looks inside a datagram; a protocol
 * never sees a queue, a clock or a socket.  See docs/ARCHITECTURE.md.
 */
#ifndef PMP_PROTO_H
#define PMP_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "pmp.h"

/* What complete() returns when the answer says the server speaks only an
 * older protocol (PCP's request answered by a NAT-PMP server, RFC 6887
 * §9): the session falls back if it may, else the caller sees
 * PMP_EGATEWAY.  Never leaves the core. */
#define PMP_STATUS_FALLBACK (-1000)

/* The ids of the session's own datagrams, apart from the caller's (below
 * 2^31) and the keeper's: the older protocol's probe (negotiate.h) and the
 * delete of an address probe's mapping; and the UPnP-IGD probe of AUTO's
 * race (api/race.c). */
#define PMP_ID_PROBE 0xffffffffu
#define PMP_ID_CLEANUP 0xfffffffeu
#define PMP_ID_UPNP_PROBE 0xfffffffdu

/* The keeper's own operation beside the public ones (pmp_op_t): is a
 * kept mapping still there?  Only over a queue that says it can
 * (pmp_keep_queue_t.check_mappings: UPnP-IGD's GetSpecificPortMappingEntry,
 * as an IGD may drop a mapping without a word: DD-WRT).  PMP_OK: there
 * and ours; PMP_EGATEWAY: the gateway says not (result_code); anything
 * else: unknown.  Never in a caller's result. */
#define PMP_OP_CHECK ((pmp_op_t)100)

/* The largest datagram any protocol sends or reads (RFC 6887 §7: 1100;
 * NAT-PMP's are smaller; A-08). */
#define PMP_MAX_DATAGRAM 1100

/*
 * One request, protocol-neutral.  Allocated by whoever submits it (the API
 * layer, or embedded in a kept mapping), linked by the engine, handed back
 * when finished.
 */
typedef struct pmp_req {
	struct pmp_req *next;
	unsigned id;
	pmp_op_t op;
	int protocol;		/* PMP_PROTO_* or 0 */
	uint16_t private_port;
	uint16_t public_port;	/* suggested, as sent */
	uint32_t lifetime;	/* as sent */
	uint8_t nonce[12];	/* the mapping nonce for protocols that match
				 * by one (PCP, RFC 6887 §11.1): drawn from
				 * the injected random source at submission
				 * unless nonce_set (a kept mapping's renewal
				 * and delete reuse it, §11.2) */
	int nonce_set;
	/* What only some protocols can say (pmp_map_params_t): PMP_MAP_*
	 * bits, and their data.  NAT-PMP's proto refuses them. */
	unsigned flags;
	uint8_t suggest_addr[16];	/* zero: no preference */
	uint8_t third_party[16];
	uint8_t peer_addr[16];
	uint16_t peer_port;
	unsigned nfilters;
	pmp_filter_t filters[PMP_MAX_FILTERS];
	/* An address request the protocol answers with a short mapping
	 * (address_probe_lifetime): granted, so the session deletes it. */
	int leaves_mapping;
	uint64_t deadline_ms;	/* caller's absolute deadline; 0 = none */
	uint64_t valid_until_ms; /* a renewal: when the mapping it renews
				 * runs out (0: not a renewal) */
	uint64_t submitted_ms;
	uint64_t next_ms;	/* on the wire: next send, or give-up time */
	uint32_t rto_ms;	/* the wait after the last send */
	unsigned attempts;	/* 0 = still queued */
	int embedded;		/* owned by a kept mapping, not allocated on
				 * its own */
	pmp_callback cb;
	void *arg;
	pmp_result_t result;
} pmp_req_t;

/*
 * A retransmission schedule (RFC 6886 §3.1; RFC 6887 §8.1.1 names the same
 * parameters IRT, MRT, MRC, MRD).  The wait after the first send is irt_ms,
 * then doubles, capped at mrt_ms (0: no cap), each wait moved by a random
 * +-jitter_pct percent.  After mrc sends (0: no limit) and the last wait,
 * the request fails with PMP_ENOSUPPORT; with give_up_all, so does every
 * request queued behind it (the gateway is silent for them too).  mrd_ms
 * (0: none) ends it so long after its submission whatever mrc says: PCP's
 * MRC is 0, and the one-shot calls must end by themselves (§8.1.1 leaves
 * MRD to the client).
 */
typedef struct pmp_schedule {
	uint32_t irt_ms;
	uint32_t mrt_ms;
	unsigned mrc;
	uint32_t mrd_ms;
	unsigned jitter_pct;
	int give_up_all;
} pmp_schedule_t;

/* A kept mapping's timing and the protocol's rules for deleting. */
typedef struct pmp_keep_policy {
	/* Renew at lifetime * renew_num / renew_den, plus a random part of
	 * up to lifetime * renew_spread / renew_den, at most every
	 * renew_max_ms (RFC 6886 §3.3: half; RFC 6887 §11.2.1: a random
	 * point in [1/2, 5/8]; C-27: 12 h). */
	unsigned renew_num, renew_den, renew_spread;
	uint64_t renew_max_ms;
	/* Wait a random 0..restart_jitter_ms before re-creating after a
	 * gateway restart (RFC 6886 §3.7). */
	uint32_t restart_jitter_ms;
	/* A delete naming internal port 0 deletes all of this host's
	 * mappings (RFC 6886 §3.4): never send one for a single mapping. */
	int port0_deletes_all;
	/* The suggestion for a mapping of private port 0 with no wish. */
	uint16_t port0_suggestion;
	/* After an error answer, wait at least this long, or the lifetime
	 * the answer gave the error (RFC 6887 §8.3), before asking again. */
	uint32_t error_holddown_ms;
	/* A renewal's tries go halfway to the expiry each time (RFC 6887
	 * §11.2.1), instead of the retransmission schedule. */
	int renew_halfway;
} pmp_keep_policy_t;

/* §11.2.1: renewal tries at least this far apart. */
#define PMP_RENEW_MIN_GAP_MS 4000u

/* The gateway's epoch as last seen (RFC 6886 §3.6, RFC 6887 §8.5). */
typedef struct pmp_epoch {
	int valid;		/* a packet has been seen */
	uint32_t sssoe;		/* the gateway's epoch time in it */
	uint64_t at_ms;		/* our time when it arrived */
} pmp_epoch_t;

/*
 * A datagram from the gateway as the protocol parsed it.  The core reads
 * only the first two fields; body is the protocol's own decoded form
 * (PMP_REPLY_BODY bytes at most, checked where the protocol is built).
 */
#define PMP_REPLY_BODY 512
typedef struct pmp_reply {
	int has_epoch;
	uint32_t epoch;
	union {
		uint64_t align;
		unsigned char bytes[PMP_REPLY_BODY];
	} body;
} pmp_reply_t;

/* What a datagram on the announcement port meant. */
typedef enum pmp_announce_kind {
	PMP_ANNOUNCE_NONE = 0,		/* not a valid announcement: ignore */
	PMP_ANNOUNCE_ADDRESS = 1,	/* the public address, with an epoch */
	PMP_ANNOUNCE_RESTART = 2	/* the gateway restarted (RFC 6887
					 * ANNOUNCE); no epoch for this
					 * protocol */
} pmp_announce_kind_t;

typedef struct pmp_announce {
	pmp_announce_kind_t kind;
	int has_epoch;
	uint32_t epoch;
	int has_address;	/* address is not 0.0.0.0 */
	uint8_t address[16];
} pmp_announce_t;

typedef struct pmp_proto {
	pmp_method_t method;
	const char *name;
	unsigned max_in_flight;	/* requests on the wire at once */
	size_t nonce_len;	/* bytes of pmp_req_t.nonce to draw */
	pmp_schedule_t schedule;
	pmp_keep_policy_t keep;
	/* Where announcements arrive (RFC 6886 §3.2.1: 224.0.0.1:5350), and
	 * a second port that may carry copies (0: none). */
	uint16_t announce_port;
	uint16_t announce_port2;
	/* The PMP_MAP_* flags it can carry, and how many FILTERs (more:
	 * PMP_EUNSUPPORTED). */
	unsigned map_flags;
	unsigned max_filters;
	/* It has a "delete all of this host's mappings" (NAT-PMP's port 0;
	 * PCP has none: PMP_EUNSUPPORTED). */
	int unmap_all;
	/* 0 if the protocol asks for the public address itself.  Else it
	 * has no such request (PCP, RFC 6887 §11.6): the engine maps its
	 * own UDP port for this many seconds to read the address from the
	 * answer, and the session deletes that mapping at once. */
	uint32_t address_probe_lifetime;
	/* Every mapping answer names the public address (PCP, §11.4): a
	 * keeper needs no address requests of its own. */
	int map_names_address;
	/* The server may send a mapping's answer unasked when the mapping
	 * changes (PCP's mapping update, RFC 6887 §14.2): the nonce makes it
	 * the mapping's.  NAT-PMP has none, and no nonce to trust one by. */
	int mapping_updates;

	/* The request's datagram into b, from the client's address local
	 * (IPv4-mapped; PCP puts it in every request, RFC 6887 §8.1); its
	 * length, 0 if it cannot be encoded (it fails with PMP_EINVAL). */
	size_t (*encode)(const pmp_req_t *r, const uint8_t local[16],
	    uint8_t *b, size_t cap);
	/* Parse a datagram from the gateway's address and port: 0 and *m,
	 * or -1 to drop it as malformed. */
	int (*parse)(const uint8_t *b, size_t n, pmp_reply_t *m);
	/* Does m answer r (a request on the wire)? */
	int (*answers)(const pmp_req_t *r, const pmp_reply_t *m);
	/* Fill r->result from its answer m (status aside); return the
	 * status.  Set *address (and return 1 in *named) when the answer
	 * names the public address. */
	int (*complete)(pmp_req_t *r, const pmp_reply_t *m, int *named,
	    uint8_t address[16]);
	/* The epoch rule: feed epoch, received at now_ms; 1 if consistent,
	 * 0 if the gateway lost its state.  The state is updated. */
	int (*epoch_update)(pmp_epoch_t *st, uint32_t epoch, uint64_t now_ms);
	/* A datagram on the announcement port from the gateway's address,
	 * source port sport. */
	void (*announcement)(const uint8_t *b, size_t n, uint16_t sport,
	    pmp_announce_t *a);
} pmp_proto_t;

#endif
