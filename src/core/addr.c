/*
 * addr.c - IPv4-mapped addresses, and gateway addresses given by the user.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

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
pmp_parse_gateway(const char *text, uint8_t addr[16], uint16_t *port)
{
	char buf[INET_ADDRSTRLEN + 8];
	const char *colon;
	uint8_t v4[4];
	size_t len;

	if (text == NULL || addr == NULL || port == NULL)
		return PMP_EINVAL;
	colon = strchr(text, ':');
	len = colon != NULL ? (size_t)(colon - text) : strlen(text);
	if (len == 0 || len >= INET_ADDRSTRLEN)
		return PMP_EINVAL;
	memcpy(buf, text, len);
	buf[len] = '\0';
	/* inet_pton accepts only the dotted-quad form: no "10.1", no hex. */
	if (inet_pton(AF_INET, buf, v4) != 1)
		return PMP_EINVAL;
	*port = PMP_SERVER_PORT;
	if (colon != NULL) {
		char *end;
		unsigned long p;

		if (colon[1] < '0' || colon[1] > '9')
			return PMP_EINVAL;
		p = strtoul(colon + 1, &end, 10);
		if (*end != '\0' || p == 0 || p > 65535)
			return PMP_EINVAL;
		*port = (uint16_t)p;
	}
	pmp_addr_from_v4(addr, v4);
	return PMP_OK;
}
