/*
 * example.c - built against an installed libpmp through pkg-config by
 * `make check-install`: proves the header, the .pc file and the shared
 * library work together outside the source tree.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <string.h>

#include <pmp.h>

int
main(void)
{
	pmp_client_t *c;
	uint8_t a[16];
	uint16_t port;

	if (pmp_version() != PMP_VERSION ||
	    strcmp(pmp_version_str(), "0.2.0") != 0)
		return 1;
	if (pmp_client_new(&c) != PMP_OK)
		return 1;
	if (pmp_parse_gateway("127.0.0.1:5351", a, &port) != PMP_OK ||
	    pmp_client_set_gateway(c, a, port) != PMP_OK)
		return 1;
	pmp_client_free(c);
	printf("libpmp %s: %s\n", pmp_version_str(),
	    pmp_strerror(PMP_ENOSUPPORT));
	return 0;
}
