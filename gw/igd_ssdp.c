/*
 * igd_ssdp.c - pmp-gateway's UPnP-IGD on SSDP (see igd.h): which search
 * targets it answers, the answers (UDA 1.1 §1.3.3), its NOTIFYs (§1.2).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "igd.h"


/* The types this IGD is, in the order ssdp:all lists them. */
static const char *const kinds[] = {
	"urn:schemas-upnp-org:device:InternetGatewayDevice:",
	"urn:schemas-upnp-org:device:WANDevice:",
	"urn:schemas-upnp-org:device:WANConnectionDevice:",
	"urn:schemas-upnp-org:service:WANIPConnection:",
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* The i-th search target that st matches, into out; -1 past the last. */
static int
matching_target(const gw_igd_cfg_t *c, const char *st, unsigned i,
    char *out, size_t cap)
{
	size_t k;

	if (strcmp(st, "ssdp:all") == 0) {
		if (i == 0) {
			snprintf(out, cap, "upnp:rootdevice");
			return 0;
		}
		if (i - 1 >= NKINDS)
			return -1;
		snprintf(out, cap, "%s%u", kinds[i - 1], c->version);
		return 0;
	}
	if (i != 0)
		return -1;
	if (strcmp(st, "upnp:rootdevice") == 0) {
		snprintf(out, cap, "%s", st);
		return 0;
	}
	for (k = 0; k < NKINDS; k++) {
		size_t pl = strlen(kinds[k]);
		unsigned long v;
		char *end;

		if (strncmp(st, kinds[k], pl) != 0)
			continue;
		v = strtoul(st + pl, &end, 10);
		/* a device answers for its version and the ones before */
		if (*end != '\0' || v < 1 || v > c->version)
			return -1;
		snprintf(out, cap, "%s", st);
		return 0;
	}
	return -1;
}

size_t
gw_igd_ssdp(const gw_igd_cfg_t *c, const uint8_t *req, size_t n,
    unsigned i, char *out, size_t cap)
{
	char st[160], man[32], target[160];
	int len;

	if (n < 20 || memcmp(req, "M-SEARCH * HTTP/1.1\r\n", 21) != 0 ||
	    gw_igd_header((const char *)req, n, "st", st, sizeof(st)) != 0 ||
	    gw_igd_header((const char *)req, n, "man", man, sizeof(man)) != 0 ||
	    strcmp(man, "\"ssdp:discover\"") != 0 ||
	    matching_target(c, st, i, target, sizeof(target)) != 0)
		return 0;
	len = snprintf(out, cap, "HTTP/1.1 200 OK\r\n"
	    "CACHE-CONTROL: max-age=120\r\n"
	    "ST: %s\r\n"
	    "USN: " GW_IGD_UUID "::%s\r\n"
	    "EXT:\r\n"
	    "SERVER: " GW_IGD_SERVER "\r\n"
	    "LOCATION: %s\r\n"
	    "BOOTID.UPNP.ORG: %lu\r\n"
	    "CONFIGID.UPNP.ORG: 1\r\n"
	    "\r\n", target, target, c->location, (unsigned long)c->bootid);
	return len < 0 || (size_t)len >= cap ? 0 : (size_t)len;
}


size_t
gw_igd_notify(const gw_igd_cfg_t *c, int alive, unsigned i, char *out,
    size_t cap)
{
	char nt[160];
	int len;

	if (matching_target(c, "ssdp:all", i, nt, sizeof(nt)) != 0)
		return 0;
	if (alive)
		len = snprintf(out, cap, "NOTIFY * HTTP/1.1\r\n"
		    "HOST: 239.255.255.250:1900\r\n"
		    "CACHE-CONTROL: max-age=120\r\n"
		    "LOCATION: %s\r\n"
		    "NT: %s\r\n"
		    "NTS: ssdp:alive\r\n"
		    "SERVER: " GW_IGD_SERVER "\r\n"
		    "USN: " GW_IGD_UUID "::%s\r\n"
		    "BOOTID.UPNP.ORG: %lu\r\n"
		    "CONFIGID.UPNP.ORG: 1\r\n"
		    "\r\n", c->location, nt, nt, (unsigned long)c->bootid);
	else
		len = snprintf(out, cap, "NOTIFY * HTTP/1.1\r\n"
		    "HOST: 239.255.255.250:1900\r\n"
		    "NT: %s\r\n"
		    "NTS: ssdp:byebye\r\n"
		    "USN: " GW_IGD_UUID "::%s\r\n"
		    "BOOTID.UPNP.ORG: %lu\r\n"
		    "CONFIGID.UPNP.ORG: 1\r\n"
		    "\r\n", nt, nt, (unsigned long)c->bootid);
	return len < 0 || (size_t)len >= cap ? 0 : (size_t)len;
}
