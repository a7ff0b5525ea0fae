/*
 * cmd_unmap.c - `pmp unmap`: delete one mapping, or all of a protocol.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmp.h"
#include "cli.h"

int
cmd_unmap(const struct opts *o, uint16_t private_port)
{
	int proto = o->udp ? PMP_PROTO_UDP : PMP_PROTO_TCP;
	pmp_client_t *c;
	pmp_result_t r;
	char gw[INET_ADDRSTRLEN];
	int rc;

	open_client(o, &c);
	if (o->all)
		rc = pmp_unmap_all(c, proto, &r);
	else
		rc = pmp_unmap(c, proto, private_port, &r);
	if (rc != PMP_OK) {
		rc = report_error(o, "unmap", &r, c);
		pmp_client_free(c);
		return rc;
	}
	v4_text(r.gateway, gw, sizeof(gw));
	if (o->json) {
		int first = 1;

		putchar('{');
		json_string("op", "unmap", &first);
		printf(",\"ok\":true");
		json_method(r.method, &first);
		json_string("protocol", proto_name(proto), &first);
		if (o->all)
			printf(",\"all\":true");
		else
			json_number("private_port", private_port, &first);
		json_string("gateway", gw, &first);
		json_number("epoch", r.epoch, &first);
		printf("}\n");
	} else if (o->all) {
		printf("unmapped all %s mappings\n", proto_name(proto));
	} else {
		printf("unmapped %s private port %u\n", proto_name(proto),
		    (unsigned)private_port);
	}
	pmp_client_free(c);
	return EXIT_OK;
}
