/*
 * http.c - HTTP/1.1 requests out, answers in, incrementally (see http.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <string.h>

#include "http.h"

enum { P_HEADER, P_BODY, P_CHUNK_SIZE, P_CHUNK_DATA, P_CHUNK_END,
	P_TRAILER, P_DONE, P_ERROR };

/* Bounds on what a chunked body's framing may spend. */
#define MAX_CHUNK_LINE 64
#define MAX_TRAILER 1024

void
pmp_http_reader_init(pmp_http_reader_t *h, char *body, size_t cap)
{
	memset(h, 0, sizeof(*h));
	h->body = body;
	h->body_cap = cap < PMP_HTTP_MAX_BODY ? cap : PMP_HTTP_MAX_BODY;
	h->phase = P_HEADER;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int
name_is(const char *line, size_t n, const char *s)
{
	size_t i, len = strlen(s);

	if (n < len + 1 || line[len] != ':')
		return 0;
	for (i = 0; i < len; i++)
		if (lower((unsigned char)line[i]) != s[i])
			return 0;
	return 1;
}

static const char *
value(const char *line, size_t n, size_t *vl)
{
	const char *v = (const char *)memchr(line, ':', n) + 1;
	const char *end = line + n;

	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*vl = (size_t)(end - v);
	return v;
}

static pmp_http_state_t
error(pmp_http_reader_t *h)
{
	h->phase = P_ERROR;
	return PMP_HTTP_ERROR;
}

/* A status line or header line (without CRLF). */
static int
header_line(pmp_http_reader_t *h, const char *line, size_t n)
{
	size_t vl, i;
	const char *v;

	if (!h->status_seen) {
		/* "HTTP/1.x NNN reason" */
		if (n < 12 || memcmp(line, "HTTP/1.", 7) != 0 ||
		    (line[7] != '0' && line[7] != '1') || line[8] != ' ' ||
		    line[9] < '1' || line[9] > '5' || line[10] < '0' ||
		    line[10] > '9' || line[11] < '0' || line[11] > '9' ||
		    (n > 12 && line[12] != ' '))
			return -1;
		h->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 +
		    (line[11] - '0');
		h->status_seen = 1;
		return 0;
	}
	if (memchr(line, ':', n) == NULL)
		return -1;
	if (name_is(line, n, "content-length")) {
		uint64_t len = 0;

		v = value(line, n, &vl);
		if (vl == 0 || vl > 10 || h->have_length)
			return -1;
		for (i = 0; i < vl; i++) {
			if (v[i] < '0' || v[i] > '9')
				return -1;
			len = len * 10 + (uint64_t)(v[i] - '0');
		}
		h->have_length = 1;
		h->length = len;
	} else if (name_is(line, n, "transfer-encoding")) {
		v = value(line, n, &vl);
		/* chunked is the only coding a UPnP device uses */
		if (vl == 7 && strncmp(v, "chunked", 7) == 0)
			h->chunked = 1;
		else if (vl == 7 && strncmp(v, "Chunked", 7) == 0)
			h->chunked = 1;
		else
			return -1;
	}
	return 0;
}

/* The headers are in: how the body is delimited (RFC 9112 §6.3). */
static pmp_http_state_t
headers_done(pmp_http_reader_t *h)
{
	if (h->status / 100 == 1)
		return error(h);	/* no 1xx from an IGD: refuse */
	if (h->chunked) {
		h->phase = P_CHUNK_SIZE;
		h->have_length = 0;
	} else if (h->have_length) {
		if (h->length > h->body_cap)
			return error(h);
		h->phase = h->length == 0 ? P_DONE : P_BODY;
	} else {
		h->phase = P_BODY;	/* to the close */
	}
	return h->phase == P_DONE ? PMP_HTTP_DONE : PMP_HTTP_MORE;
}

static int
append(pmp_http_reader_t *h, const uint8_t *b, size_t n)
{
	if (n > h->body_cap - h->body_len)
		return -1;
	memcpy(h->body + h->body_len, b, n);
	h->body_len += n;
	return 0;
}

/* A chunk-size line: hex digits, optional extensions after ';'. */
static int
chunk_size(pmp_http_reader_t *h)
{
	uint64_t v = 0;
	size_t i, digits = 0;

	for (i = 0; i < h->line_len; i++) {
		char c = h->line[i];
		int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			break;
		if (++digits > 8)
			return -1;
		v = v * 16 + (uint64_t)d;
	}
	if (digits == 0 || (i < h->line_len && h->line[i] != ';' &&
	    h->line[i] != ' ' && h->line[i] != '\t'))
		return -1;
	if (v > h->body_cap - h->body_len)
		return -1;
	h->length = v;
	return 0;
}

pmp_http_state_t
pmp_http_feed(pmp_http_reader_t *h, const uint8_t *b, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = b[i];

		switch (h->phase) {
		case P_DONE:
			return PMP_HTTP_DONE;	/* extra bytes: ignored */
		case P_ERROR:
			return PMP_HTTP_ERROR;
		case P_BODY: {
			size_t take = n - i;

			if (h->have_length && take > h->length - h->body_len)
				take = (size_t)(h->length - h->body_len);
			if (append(h, b + i, take) != 0)
				return error(h);
			i += take;
			if (h->have_length && h->body_len == h->length)
				h->phase = P_DONE;
			continue;
		}
		case P_CHUNK_DATA: {
			size_t take = n - i;

			if (take > h->length)
				take = (size_t)h->length;
			if (append(h, b + i, take) != 0)
				return error(h);
			i += take;
			h->length -= take;
			if (h->length == 0)
				h->phase = P_CHUNK_END;
			continue;
		}
		default:
			break;
		}
		/* the line-oriented phases */
		i++;
		if (h->phase == P_HEADER && ++h->header_bytes >
		    PMP_HTTP_MAX_HEADER)
			return error(h);
		if (c != '\n') {
			size_t limit = h->phase == P_HEADER ?
			    sizeof(h->line) : h->phase == P_TRAILER ?
			    MAX_TRAILER : MAX_CHUNK_LINE;

			if (h->line_len >= limit || c == '\0')
				return error(h);
			h->line[h->line_len++] = (char)c;
			continue;
		}
		if (h->line_len > 0 && h->line[h->line_len - 1] == '\r')
			h->line_len--;
		switch (h->phase) {
		case P_HEADER:
			if (h->line_len == 0 && h->status_seen) {
				if (headers_done(h) == PMP_HTTP_ERROR)
					return PMP_HTTP_ERROR;
			} else if (header_line(h, h->line, h->line_len) != 0) {
				return error(h);
			}
			break;
		case P_CHUNK_SIZE:
			if (chunk_size(h) != 0)
				return error(h);
			h->phase = h->length == 0 ? P_TRAILER : P_CHUNK_DATA;
			break;
		case P_CHUNK_END:
			if (h->line_len != 0)
				return error(h);
			h->phase = P_CHUNK_SIZE;
			break;
		case P_TRAILER:
			if (h->line_len == 0)
				h->phase = P_DONE;
			break;
		}
		h->line_len = 0;
	}
	return h->phase == P_DONE ? PMP_HTTP_DONE : h->phase == P_ERROR ?
	    PMP_HTTP_ERROR : PMP_HTTP_MORE;
}

pmp_http_state_t
pmp_http_closed(pmp_http_reader_t *h)
{
	if (h->phase == P_DONE)
		return PMP_HTTP_DONE;
	if (h->phase == P_BODY && !h->have_length && !h->chunked) {
		h->phase = P_DONE;
		return PMP_HTTP_DONE;
	}
	return error(h);
}

size_t
pmp_http_get(const char *host, const char *path, char *out, size_t cap)
{
	int n = snprintf(out, cap, "GET %s HTTP/1.1\r\n"
	    "Host: %s\r\n"
	    "Connection: close\r\n"
	    "\r\n", path, host);

	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

size_t
pmp_http_soap_post(const char *host, const char *path,
    const char *service_type, const char *action, const char *body,
    size_t body_len, char *out, size_t cap)
{
	int n = snprintf(out, cap, "POST %s HTTP/1.1\r\n"
	    "Host: %s\r\n"
	    "Content-Type: text/xml; charset=\"utf-8\"\r\n"
	    "SOAPAction: \"%s#%s\"\r\n"
	    "Content-Length: %zu\r\n"
	    "Connection: close\r\n"
	    "\r\n", path, host, service_type, action, body_len);

	if (n < 0 || (size_t)n >= cap || body_len > cap - (size_t)n)
		return 0;
	memcpy(out + n, body, body_len);
	return (size_t)n + body_len;
}
