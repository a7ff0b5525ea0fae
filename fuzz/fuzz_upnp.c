/*
 * fuzz_upnp.c - UPnP-IGD's readers on hostile bytes: the first byte
 * picks one.  SSDP datagrams; device descriptions; HTTP answers fed in
 * pieces of fuzzed sizes, then read as SOAP; the XML reader alone; URLs
 * parsed and resolved.  Properties: no read past the input (ASan), every
 * string NUL-terminated within its field, the HTTP body never beyond its
 * buffer, a document's tokens consistent (depth never negative, END
 * matching START), a service's control URL resolved only to an
 * address and path that parse, and a search's candidates bounded, each
 * with a parsed LOCATION, ranked best first.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "upnp/desc.h"
#include "upnp/http.h"
#include "upnp/search.h"
#include "upnp/soap.h"
#include "upnp/ssdp.h"
#include "upnp/url.h"
#include "upnp/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
terminated(const char *s, size_t cap)
{
	if (memchr(s, '\0', cap) == NULL)
		abort();
}

static void
ssdp(const uint8_t *b, size_t n)
{
	pmp_ssdp_msg_t m;

	if (pmp_ssdp_parse(b, n, &m) != 0)
		return;
	terminated(m.location, sizeof(m.location));
	terminated(m.st, sizeof(m.st));
	terminated(m.usn, sizeof(m.usn));
	terminated(m.server, sizeof(m.server));
	if (m.st[0] == '\0' || m.usn[0] == '\0' ||
	    (m.kind != PMP_SSDP_BYEBYE && m.location[0] == '\0'))
		abort();
}

static void
description(const uint8_t *b, size_t n)
{
	pmp_igd_desc_t d;
	pmp_url_t base, u;
	unsigned i;

	if (pmp_igd_desc_parse((const char *)b, n, &d) != 0)
		return;
	if (d.nservices > PMP_DESC_MAX_SERVICES)
		abort();
	terminated(d.friendly_name, sizeof(d.friendly_name));
	terminated(d.model_name, sizeof(d.model_name));
	terminated(d.manufacturer, sizeof(d.manufacturer));
	terminated(d.url_base, sizeof(d.url_base));
	(void)pmp_url_parse("http://192.168.0.1:5000/desc/root.xml", &base);
	for (i = 0; i < d.nservices; i++) {
		terminated(d.services[i].control_url,
		    sizeof(d.services[i].control_url));
		if (d.services[i].kind == 0 || d.services[i].version == 0)
			abort();
		if (pmp_url_resolve(&base, d.services[i].control_url, &u) == 0 &&
		    (u.path[0] != '/' || u.port == 0))
			abort();
	}
}

static void
http(const uint8_t *b, size_t n)
{
	static char body[4096];
	pmp_http_reader_t h;
	pmp_soap_answer_t a;
	pmp_http_state_t st = PMP_HTTP_MORE;
	size_t i = 0, cap;

	if (n < 2)
		return;
	cap = (size_t)b[0] * 16;	/* the buffer's size, fuzzed */
	b++;
	n--;
	pmp_http_reader_init(&h, body, cap);
	while (i < n && st == PMP_HTTP_MORE) {
		/* pieces of 1 to 32 bytes, sizes from the input */
		size_t piece = 1 + (b[i] & 31);

		i++;
		if (piece > n - i)
			piece = n - i;
		st = pmp_http_feed(&h, b + i, piece);
		i += piece;
		if (h.body_len > cap || h.body_len > sizeof(body))
			abort();
	}
	if (st == PMP_HTTP_MORE)
		st = pmp_http_closed(&h);
	if (st != PMP_HTTP_DONE)
		return;
	if (h.status < 100 || h.status > 599)
		abort();
	if (pmp_soap_read(h.status, body, h.body_len, "AddAnyPortMapping",
	    &a) == 0) {
		if (a.nargs > PMP_SOAP_MAX_ARGS)
			abort();
		for (i = 0; i < a.nargs; i++) {
			terminated(a.name[i], sizeof(a.name[i]));
			terminated(a.value[i], sizeof(a.value[i]));
		}
		terminated(a.error_text, sizeof(a.error_text));
	}
}

static void
xml(const uint8_t *b, size_t n)
{
	pmp_xml_t x;
	pmp_xml_token_t t;
	char text[64];
	int depth = 0;

	pmp_xml_init(&x, (const char *)b, n);
	for (;;) {
		switch (pmp_xml_next(&x, &t)) {
		case PMP_XML_START:
			if (t.depth != ++depth || t.name_len == 0 ||
			    t.name_len > PMP_XML_MAX_NAME)
				abort();
			break;
		case PMP_XML_END:
			if (t.depth != depth-- || depth < 0)
				abort();
			break;
		case PMP_XML_TEXT:
			if (t.text < (const char *)b ||
			    t.text + t.text_len > (const char *)b + n)
				abort();
			if (pmp_xml_text(&t, text, sizeof(text)) >= 0)
				terminated(text, sizeof(text));
			break;
		case PMP_XML_END_OF_DOCUMENT:
			if (depth != 0)
				abort();
			return;
		case PMP_XML_ERROR:
			return;
		}
	}
}

static void
url(const uint8_t *b, size_t n)
{
	char text[PMP_URL_MAX + 8];
	pmp_url_t u, r;
	size_t half;

	if (n >= sizeof(text))
		n = sizeof(text) - 1;
	memcpy(text, b, n);
	text[n] = '\0';
	half = strlen(text) / 2;
	if (pmp_url_parse(text, &u) == 0) {
		terminated(u.host, sizeof(u.host));
		terminated(u.path, sizeof(u.path));
		if (u.path[0] != '/' || u.port == 0)
			abort();
		if (pmp_url_resolve(&u, text + half, &r) == 0)
			terminated(r.path, sizeof(r.path));
	}
}

/* Datagrams (split at 0xff bytes) into a search, from the gateway or
 * a neighbour as the byte before each says. */
static void
search(const uint8_t *b, size_t n)
{
	static const uint8_t gw[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
	    0xff, 192, 168, 1, 1 };
	static const uint8_t nb[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
	    0xff, 192, 168, 1, 7 };
	pmp_search_t s;
	const pmp_igd_candidate_t *c, *prev = NULL;
	uint64_t now = 0;
	unsigned i;

	pmp_search_init(&s, gw, 0);
	while (n > 1) {
		const uint8_t *end = memchr(b + 1, 0xff, n - 1);
		size_t len = end == NULL ? n - 1 : (size_t)(end - b - 1);

		now += b[0] & 0x3f;
		pmp_search_input(&s, b + 1, len, (b[0] & 0x40) ? gw : nb,
		    (b[0] & 0x80) ? 1900 : 40000, now * 10);
		b += 1 + len;
		n -= 1 + len;
	}
	if (s.ncand > PMP_SEARCH_MAX_CANDIDATES)
		abort();
	for (i = 0; (c = pmp_search_best(&s, i)) != NULL; i++) {
		if (c->location.port == 0 || c->location.path[0] != '/')
			abort();
		if (prev != NULL && c->score > prev->score)
			abort();
		terminated(c->reason, sizeof(c->reason));
		prev = c;
	}
	if (i != s.ncand)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] % 6) {
	case 0:
		ssdp(data + 1, size - 1);
		break;
	case 1:
		description(data + 1, size - 1);
		break;
	case 2:
		http(data + 1, size - 1);
		break;
	case 3:
		xml(data + 1, size - 1);
		break;
	case 4:
		url(data + 1, size - 1);
		break;
	default:
		search(data + 1, size - 1);
		break;
	}
	return 0;
}
