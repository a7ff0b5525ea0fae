/*
 * wire.h - NAT-PMP message encoding and decoding (RFC 6886 §3).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure: no socket, clock, allocation or global.  Shared by the client and
 * pmp-gateway so one set of vectors tests both sides.
 */
#ifndef PMP_WIRE_H
#define PMP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define PMP_WIRE_VERSION 0
#define PMP_WIRE_SERVER_PORT 5351	/* gateway listens here (§3) */
#define PMP_WIRE_CLIENT_PORT 5350	/* announcements go here (§3.2.1) */
/* Request opcodes; responses add 128 (RFC 6886 §3). */
#define PMP_WIRE_OP_ADDR 0
#define PMP_WIRE_OP_UDP 1
#define PMP_WIRE_OP_TCP 2
#define PMP_WIRE_RESPONSE 128
/* The largest datagram we ever look at (RFC 6887 §7 limit; A-08). */
#define PMP_WIRE_MAX 1100

#define PMP_WIRE_ADDR_REQ_LEN 2
#define PMP_WIRE_MAP_REQ_LEN 12
#define PMP_WIRE_ADDR_RESP_LEN 12
#define PMP_WIRE_MAP_RESP_LEN 16
#define PMP_WIRE_SHORT_ERR_LEN 8

/* A request as the client sends it. */
typedef struct pmp_wire_req {
	uint8_t opcode;		/* PMP_WIRE_OP_* */
	uint16_t private_port;
	uint16_t public_port;	/* suggested */
	uint32_t lifetime;
} pmp_wire_req_t;

/* How a response was laid out; see PROTOCOL.md D-1, D-2, D-4. */
typedef enum pmp_wire_form {
	PMP_FORM_FULL = 0,	/* the 12-byte address or 16-byte mapping form */
	PMP_FORM_SHORT = 1,	/* 8 bytes: version, op, result, SSSoE */
	PMP_FORM_ECHO = 2	/* request echoed with result 5 (RFC 6886 §3.5) */
} pmp_wire_form_t;

typedef struct pmp_wire_resp {
	uint8_t opcode;		/* as received, 128 + request op normally */
	uint16_t result;
	pmp_wire_form_t form;
	int has_epoch;		/* bytes 4-7 really are SSSoE */
	uint32_t epoch;
	uint8_t public_addr[4];	/* address responses */
	uint16_t private_port;	/* mapping responses */
	uint16_t public_port;
	uint32_t lifetime;
} pmp_wire_resp_t;

/*
 * Encode a request into b.  Returns its length (2 or 12), or 0 if the
 * opcode is unknown or cap is too small.  Reserved bytes are zero (§3.3).
 */
size_t pmp_wire_encode_request(const pmp_wire_req_t *r, uint8_t *b,
    size_t cap);

/*
 * Decode a datagram that claims to come from a NAT-PMP gateway.  Returns 0
 * and fills *m for a response or announcement of an exact, known length;
 * -1 for anything else (wrong version, request opcode, bad length).
 * Accepted forms: 12-byte address response (op 128), 16-byte mapping
 * response (op 129/130), 8-byte error with result 1 (any opcode, D-1) or
 * result 5 (op >= 128, D-2), 12-byte echo of a mapping request with
 * result 5 (D-2; has_epoch = 0).
 */
int pmp_wire_decode_response(const uint8_t *b, size_t n, pmp_wire_resp_t *m);

/* Gateway side. */
typedef enum pmp_wire_req_status {
	PMP_REQ_OK = 0,
	PMP_REQ_DROP = 1,		/* silently ignore (short, a response) */
	PMP_REQ_BAD_VERSION = 2,	/* answer result 1 */
	PMP_REQ_BAD_OPCODE = 3		/* answer result 5 */
} pmp_wire_req_status_t;

/*
 * Decode a request as a gateway sees it (RFC 6886 §3, §3.5): shorter than
 * 2 bytes or longer than PMP_WIRE_MAX, or opcode >= 128: DROP; version not
 * 0: BAD_VERSION; opcode not 0/1/2: BAD_OPCODE; a mapping request shorter
 * than 12 bytes: DROP.  Trailing bytes are ignored.  *r is filled for OK
 * (and its opcode for BAD_OPCODE).
 */
pmp_wire_req_status_t pmp_wire_decode_request(const uint8_t *b, size_t n,
    pmp_wire_req_t *r);

/*
 * Encode a response: FULL form for opcode 128 (12 bytes) and 129/130 (16
 * bytes), SHORT form (8 bytes) for any opcode.  ECHO form is built by the
 * gateway from the request bytes.  Returns the length or 0.
 */
size_t pmp_wire_encode_response(const pmp_wire_resp_t *m, uint8_t *b,
    size_t cap);

#endif
