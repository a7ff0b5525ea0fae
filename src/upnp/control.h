/*
 * control.h - a UPnP-IGD control point for one gateway, as a pure state
 * machine: find the IGD (search.h), read its description (desc.h), then
 * call its actions (soap.h) one at a time, each over its own HTTP
 * connection (http.h; "Connection: close", as UDA 1.1 §3.2.1 allows).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure and non-blocking: the caller owns the sockets and the clock.  It
 * asks pmp_control_step() what to do next — send a datagram, connect,
 * write bytes, close, or wait until pmp_control_deadline() — and reports
 * what happened (datagrams received, connected, bytes read, closed).  A
 * call ends with a status: PMP_OK (the action's out arguments in
 * c->answer), PMP_EGATEWAY (its UPnPError in c->answer.error_code),
 * PMP_ENOSUPPORT (no IGD answered, none of the candidates' descriptions
 * has a WANIPConnection or WANPPPConnection), PMP_ETIMEDOUT (an exchange
 * outlived PMP_CONTROL_HTTP_MS), PMP_EREFUSED (the connection was
 * refused) or PMP_EBADANSWER (an answer that is not HTTP or not SOAP, or
 * over its size limit).
 *
 * Not thread-safe: the caller serializes.
 */
#ifndef PMP_UPNP_CONTROL_H
#define PMP_UPNP_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#include "desc.h"
#include "http.h"
#include "search.h"
#include "soap.h"
#include "url.h"

#define PMP_CONTROL_HTTP_MS 3000u	/* connect, send, answer: each call */
#define PMP_CONTROL_REQUEST 4096
#define PMP_CONTROL_BODY 16384	/* a description or an answer */

typedef enum pmp_control_io {
	PMP_CONTROL_WAIT = 0,	/* nothing to do before the deadline */
	PMP_CONTROL_SEND_TO,	/* io.data to io.addr:io.port over UDP */
	PMP_CONTROL_CONNECT,	/* a TCP connection to io.addr:io.port */
	PMP_CONTROL_WRITE,	/* io.data on it; report pmp_control_wrote() */
	PMP_CONTROL_CLOSE,	/* close it */
	PMP_CONTROL_DONE	/* the call finished: c->status */
} pmp_control_io_t;

typedef struct pmp_control_out {
	pmp_control_io_t kind;
	uint8_t addr[16];
	uint16_t port;
	const void *data;
	size_t len;
} pmp_control_out_t;

typedef struct pmp_control {
	/* what the caller reads */
	int status;			/* of the last call */
	pmp_soap_answer_t answer;	/* its answer */
	int have_igd;			/* the IGD below is known */
	pmp_url_t control;		/* its control URL */
	char service_type[PMP_DESC_TEXT];
	unsigned service_version;	/* WANIPConnection:N (PPP: 1) */
	pmp_igd_desc_t desc;		/* names, for pmp gateway/probe */
	char reason[96];		/* why that candidate (search.h) */
	char location[PMP_SSDP_URL];	/* its description's URL */
	int has_bootid;			/* its answer's BOOTID.UPNP.ORG */
	uint32_t bootid;
	/* control.c's own */
	uint8_t gateway[16];
	int phase;
	pmp_search_t search;
	unsigned candidate;		/* the one being described */
	char action[40];
	size_t nargs;			/* the call's in arguments, kept until
					 * the service type is known */
	char arg_name[PMP_SOAP_MAX_ARGS][PMP_SOAP_NAME];
	char arg_value[PMP_SOAP_MAX_ARGS][PMP_SOAP_VALUE];
	char envelope[PMP_CONTROL_REQUEST];
	/* the exchange in progress */
	int conn;			/* none, connecting, writing, reading */
	int close_owed;
	pmp_url_t url;
	char req[PMP_CONTROL_REQUEST + 512];
	size_t req_len, req_sent;
	uint64_t conn_deadline;
	pmp_http_reader_t reader;
	char body[PMP_CONTROL_BODY];
	char dgram[512];
} pmp_control_t;

void pmp_control_init(pmp_control_t *c, const uint8_t gateway[16]);

/*
 * Start calling action with its in arguments (copied); the IGD is found
 * first if it is not known yet.  PMP_OK, PMP_EINVAL (another call is in
 * progress, too many arguments or one too long).
 */
int pmp_control_call(pmp_control_t *c, const char *action,
    const pmp_soap_arg_t *args, size_t nargs, uint64_t now_ms);

/* What to do now; call again after doing it, until WAIT or DONE. */
void pmp_control_step(pmp_control_t *c, uint64_t now_ms,
    pmp_control_out_t *out);

/* When pmp_control_step() has something new to say (WAIT's end). */
uint64_t pmp_control_deadline(const pmp_control_t *c);

/* Give the call in progress up (the caller's deadline, a cancel): idle
 * again, with the IGD still known if it was; the caller closes its
 * connection, if any. */
void pmp_control_abort(pmp_control_t *c);

/* The IGD restarted (a new BOOTID): find it again before the next call
 * (its HTTP port may have moved); a call in progress goes on. */
void pmp_control_forget(pmp_control_t *c);

/* The gateway refused the unicast search (search.h). */
void pmp_control_refused(pmp_control_t *c, uint64_t now_ms);

/* A datagram on the search socket. */
void pmp_control_datagram(pmp_control_t *c, const uint8_t *b, size_t n,
    const uint8_t src[16], uint16_t sport, uint64_t now_ms);

/* The connection is up (ok) or failed (refused, unreachable). */
void pmp_control_connected(pmp_control_t *c, int ok, uint64_t now_ms);

/* n bytes of WRITE's data were written. */
void pmp_control_wrote(pmp_control_t *c, size_t n, uint64_t now_ms);

/* Bytes read from the connection; n 0: the peer closed it. */
void pmp_control_read(pmp_control_t *c, const uint8_t *b, size_t n,
    uint64_t now_ms);

#endif
