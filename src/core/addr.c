/*
 * addr.c - IPv4-mapped addresses, and gateway addresses given by the user.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdlib.h>
#include <string.h>

#include "inet.h"
#include "pmp.h"
#include "addr.h"

static const uint8_t v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0xff, 0xff };

int
pmp_addr_is_v4(const uint8_t addr[16])
{
	return memcmp(addr, v4mapped_prefix, 12) == 0;
}

void
pmp_addr_from_v4(uint8_t addr[16], const uint8_t v4[4])
{
	memcpy(addr, v4mapped_prefix, 12);
	memcpy(addr + 12, v4, 4);
}

int
pmp_addr_usable(const uint8_t a[16])
{
	static const uint8_t zero[16];

	if (pmp_addr_is_v4(a))
		return a[12] != 0;
	return memcmp(a, zero, 16) != 0 && a[0] != 0xff &&
	    (!pmp_addr_is_linklocal(a) || pmp_addr_scope(a) != 0);
}

int
pmp_addr_is_linklocal(const uint8_t a[16])
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

unsigned
pmp_addr_scope(const uint8_t a[16])
{
	return pmp_addr_is_linklocal(a) ? (unsigned)a[2] << 8 | a[3] : 0;
}

void
pmp_addr_set_scope(uint8_t a[16], unsigned scope)
{
	if (!pmp_addr_is_linklocal(a))
		return;
	a[2] = (uint8_t)(scope >> 8);
	a[3] = (uint8_t)scope;
}

/* The port after the address: ":N" with N 1-65535. */
static int
parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long p;

	if (*s == '\0')
		return 0;
	if (s[0] != ':' || s[1] < '0' || s[1] > '9')
		return -1;
	p = strtoul(s + 1, &end, 10);
	if (*end != '\0' || p == 0 || p > 65535)
		return -1;
	*port = (uint16_t)p;
	return 0;
}

int
pmp_addr_parse_endpoint(const char *text, uint8_t addr[16], uint16_t *port,
    char *scope, size_t scope_cap)
{
	char buf[INET6_ADDRSTRLEN + 1];
	const char *rest, *pct;
	uint8_t v4[4];
	size_t len;
	int bracketed = text[0] == '[';

	*port = PMP_SERVER_PORT;
	scope[0] = '\0';
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (close == NULL)
			return PMP_EINVAL;
		len = (size_t)(close - text - 1);
		text++;
		rest = close + 1;
	} else if (strchr(text, ':') != strrchr(text, ':')) {
		len = strlen(text);	/* a bare IPv6 address: no port */
		rest = text + len;
	} else {
		len = strcspn(text, ":");
		rest = text + len;
	}
	if (len == 0)
		return PMP_EINVAL;
	/* "fe80::1%eth0": the zone, resolved by the caller */
	pct = memchr(text, '%', len);
	if (pct != NULL) {
		size_t zl = len - (size_t)(pct - text) - 1;

		if (zl == 0 || zl >= scope_cap)
			return PMP_EINVAL;
		memcpy(scope, pct + 1, zl);
		scope[zl] = '\0';
		len = (size_t)(pct - text);
	}
	if (len == 0 || len >= sizeof(buf))
		return PMP_EINVAL;
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (parse_port(rest, port) != 0)
		return PMP_EINVAL;
	/* inet_pton accepts only the dotted-quad form: no "10.1", no hex. */
	if (inet_pton(AF_INET, buf, v4) == 1 && scope[0] == '\0' &&
	    !bracketed) {
		pmp_addr_from_v4(addr, v4);
		return PMP_OK;
	}
	if (inet_pton(AF_INET6, buf, addr) != 1 || pmp_addr_is_v4(addr))
		return PMP_EINVAL;
	/* a zone only on a link-local address, whose bytes 2-3 must be 0 */
	if (pmp_addr_is_linklocal(addr) ? addr[2] != 0 || addr[3] != 0 :
	    scope[0] != '\0')
		return PMP_EINVAL;
	return PMP_OK;
}
