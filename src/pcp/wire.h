/*
 * wire.h - PCP message encoding and decoding (RFC 6887 §7, §11-§14).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure: no socket, clock, allocation or global.  One message type for
 * requests and responses of MAP, PEER and ANNOUNCE, with the options
 * THIRD_PARTY, PREFER_FAILURE and FILTER, so that the client and
 * pmp-gateway share one set of vectors (PROTOCOL.md §1.7-§1.11).
 */
#ifndef PMP_PCP_WIRE_H
#define PMP_PCP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define PMP_PCP_VERSION 2
#define PMP_PCP_HEADER_LEN 24
#define PMP_PCP_MAP_LEN 60		/* header + 36 */
#define PMP_PCP_PEER_LEN 80		/* header + 56 */
#define PMP_PCP_MAX_LEN 1100		/* §7 */
#define PMP_PCP_RESPONSE 0x80		/* the R bit */

/* Opcodes (§19.2). */
#define PMP_PCP_OP_ANNOUNCE 0
#define PMP_PCP_OP_MAP 1
#define PMP_PCP_OP_PEER 2

/* Options (§13). */
#define PMP_PCP_OPT_THIRD_PARTY 1
#define PMP_PCP_OPT_PREFER_FAILURE 2
#define PMP_PCP_OPT_FILTER 3
#define PMP_PCP_OPT_OPTIONAL 0x80	/* codes 128-255 may be skipped */

/* Result codes (§7.4). */
#define PMP_PCP_SUCCESS 0
#define PMP_PCP_UNSUPP_VERSION 1
#define PMP_PCP_NOT_AUTHORIZED 2
#define PMP_PCP_MALFORMED_REQUEST 3
#define PMP_PCP_UNSUPP_OPCODE 4
#define PMP_PCP_UNSUPP_OPTION 5
#define PMP_PCP_MALFORMED_OPTION 6
#define PMP_PCP_NETWORK_FAILURE 7
#define PMP_PCP_NO_RESOURCES 8
#define PMP_PCP_UNSUPP_PROTOCOL 9
#define PMP_PCP_USER_EX_QUOTA 10
#define PMP_PCP_CANNOT_PROVIDE_EXTERNAL 11
#define PMP_PCP_ADDRESS_MISMATCH 12
#define PMP_PCP_EXCESSIVE_REMOTE_PEERS 13

/* FILTER options one message carries at most (a 1100-byte MAP holds 43;
 * more than this are refused as EXCESSIVE_REMOTE_PEERS by the gateway
 * and never sent by the client). */
#define PMP_PCP_MAX_FILTERS 16

typedef struct pmp_pcp_filter {
	uint8_t prefix_len;	/* of remote_addr, 128-bit form (IPv4: 96+) */
	uint16_t remote_port;	/* 0: all ports */
	uint8_t remote_addr[16];
} pmp_pcp_filter_t;

typedef struct pmp_pcp_msg {
	uint8_t version;	/* 2; a response may propose another */
	uint8_t opcode;		/* without the R bit */
	int response;		/* the R bit */
	uint8_t result;		/* responses */
	uint32_t lifetime;	/* requested, or granted / error lifetime */
	uint32_t epoch;		/* responses: the server's epoch time */
	uint8_t client_addr[16];	/* requests: the client's source */
	/* MAP and PEER (§11.1, §12.1) */
	uint8_t nonce[12];
	uint8_t protocol;	/* IANA number; 0: all (MAP only) */
	uint16_t internal_port;
	uint16_t external_port;	/* suggested, or assigned */
	uint8_t external_addr[16];
	/* PEER */
	uint16_t peer_port;
	uint8_t peer_addr[16];
	/* options */
	int has_third_party;
	uint8_t third_party[16];
	int prefer_failure;
	unsigned nfilters;
	pmp_pcp_filter_t filters[PMP_PCP_MAX_FILTERS];
	unsigned skipped;	/* options not understood and skipped */
	uint8_t unknown_option;	/* PMP_PCP_UNKNOWN_OPTION: its code */
} pmp_pcp_msg_t;

/* What pmp_pcp_decode() made of a datagram. */
typedef enum pmp_pcp_status {
	PMP_PCP_OK = 0,
	PMP_PCP_BAD_LENGTH = 1,	/* < 24, > 1100, or not a multiple of 4 */
	PMP_PCP_BAD_VERSION = 2,	/* byte 0 is not 2 (*m has version) */
	PMP_PCP_BAD_OPCODE = 3,	/* not ANNOUNCE, MAP or PEER */
	PMP_PCP_MALFORMED = 4,	/* opcode data short, or bad fields */
	PMP_PCP_BAD_OPTION = 5,	/* option overruns, bad length, repeated,
				 * not valid for the opcode, or more FILTERs
				 * than PMP_PCP_MAX_FILTERS */
	PMP_PCP_UNKNOWN_OPTION = 6	/* a mandatory option not understood
					 * (in a request; see unknown_option) */
} pmp_pcp_status_t;

/*
 * Encode m (a request if !m->response, else a response) into b.  Returns
 * the length (a multiple of 4), or 0 if m cannot be encoded (unknown
 * opcode, too many filters, cap too small).  Reserved bytes are zero.
 */
size_t pmp_pcp_encode(const pmp_pcp_msg_t *m, uint8_t *b, size_t cap);

/*
 * Decode a PCP datagram of n bytes.  *m is filled as far as the status
 * allows (the header always, for n >= 24).  In responses, options not
 * understood are skipped whatever their range (§7.3: a client ignores
 * them); in requests an unknown mandatory option gives
 * PMP_PCP_UNKNOWN_OPTION and unknown optional ones are skipped.
 */
pmp_pcp_status_t pmp_pcp_decode(const uint8_t *b, size_t n,
    pmp_pcp_msg_t *m);

#endif
