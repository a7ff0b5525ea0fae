/*
 * url.h - the http URLs UPnP-IGD hands out (LOCATION, URLBase,
 * controlURL): parsed, and resolved against a base (UDA 1.1 §2.3: a
 * relative controlURL is relative to URLBase, or to the description's
 * URL when there is none).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure.  Only "http://" with an IP literal host (a.b.c.d or [v6]) is
 * taken: IGDs name themselves by address, and a name would need a DNS
 * lookup this library does not make (nor let a LAN device make it do).
 */
#ifndef PMP_UPNP_URL_H
#define PMP_UPNP_URL_H

#include <stddef.h>
#include <stdint.h>

#define PMP_URL_MAX 256

typedef struct pmp_url {
	uint8_t addr[16];	/* IPv4-mapped for IPv4 */
	uint16_t port;		/* 80 if none */
	char host[64];		/* as the Host header writes it: a.b.c.d:port
				 * or [v6]:port */
	char path[PMP_URL_MAX];	/* "/" at least, query included */
} pmp_url_t;

/* Parse an absolute http URL: 0, or -1 (another scheme, a host name, a
 * bad port, too long, control characters or spaces). */
int pmp_url_parse(const char *text, pmp_url_t *u);

/* ref (absolute, "/path" or "relative") against base: 0, or -1. */
int pmp_url_resolve(const pmp_url_t *base, const char *ref, pmp_url_t *out);

#endif
