/*
 * http.h - the HTTP/1.1 a UPnP control point needs (RFC 9112): a GET and a
 * POST written out, and an answer read incrementally from a stream, with
 * its body delimited by Content-Length, chunked transfer coding (some
 * routers always send it) or the connection's close.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure, bounded: the header block at most PMP_HTTP_MAX_HEADER bytes, the
 * body at most the caller's buffer, chunk-size lines and trailers
 * bounded; anything beyond, or malformed, is PMP_HTTP_ERROR at once, so
 * a hostile device costs at most those bytes and the caller's deadline.
 */
#ifndef PMP_UPNP_HTTP_H
#define PMP_UPNP_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define PMP_HTTP_MAX_HEADER 8192
#define PMP_HTTP_MAX_BODY 65536	/* descriptions and SOAP answers fit */

typedef enum pmp_http_state {
	PMP_HTTP_MORE = 0,	/* feed more */
	PMP_HTTP_DONE = 1,	/* status and body complete */
	PMP_HTTP_ERROR = -1	/* malformed or too large: give up */
} pmp_http_state_t;

typedef struct pmp_http_reader {
	/* what was read */
	int status;		/* 200, 500, ... */
	char *body;		/* the caller's buffer */
	size_t body_len, body_cap;
	/* reader.c's own */
	int phase;		/* header, body, chunk size, chunk data,
				 * chunk end, trailer, done, error */
	char line[PMP_HTTP_MAX_HEADER];
	size_t line_len, header_bytes;
	int chunked, have_length, status_seen;
	uint64_t length;	/* Content-Length, or the chunk's left */
} pmp_http_reader_t;

/* Start reading an answer into body (cap bytes; at most
 * PMP_HTTP_MAX_BODY are used). */
void pmp_http_reader_init(pmp_http_reader_t *h, char *body, size_t cap);

/* The next n bytes from the connection. */
pmp_http_state_t pmp_http_feed(pmp_http_reader_t *h, const uint8_t *b,
    size_t n);

/* The connection was closed: DONE if the body is delimited by the close
 * (no Content-Length, not chunked), else ERROR (cut short). */
pmp_http_state_t pmp_http_closed(pmp_http_reader_t *h);

/* "GET path HTTP/1.1" for host ("a.b.c.d:port"), Connection: close.
 * Returns the length, 0 if it does not fit in cap. */
size_t pmp_http_get(const char *host, const char *path, char *out,
    size_t cap);

/* A SOAP POST (UDA 1.1 §3.2.1): the body, its Content-Length, the
 * quoted SOAPAction "type#action". */
size_t pmp_http_soap_post(const char *host, const char *path,
    const char *service_type, const char *action, const char *body,
    size_t body_len, char *out, size_t cap);

#endif
