/*
 * cmd_addr.c - `pmp addr`: the gateway's public address.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmp.h"
#include "cli.h"

int
cmd_addr(const struct opts *o)
{
	pmp_client_t *c;
	pmp_result_t r;
	char text[ADDR_TEXT_LEN], gw[ADDR_TEXT_LEN];
	int rc;

	open_client(o, &c);
	if (pmp_get_public_address(c, &r) != PMP_OK) {
		rc = report_error(o, "addr", &r, c);
		pmp_client_free(c);
		return rc;
	}
	v4_text(r.public_address, text, sizeof(text));
	v4_text(r.gateway, gw, sizeof(gw));
	if (o->json) {
		int first = 1;

		putchar('{');
		json_string("op", "addr", &first);
		printf(",\"ok\":true");
		json_method(r.method, &first);
		json_string("public_address", text, &first);
		json_string("gateway", gw, &first);
		json_number("epoch", r.epoch, &first);
		printf("}\n");
	} else {
		printf("public address %s\n", text);
		if (o->verbose)
			printf("gateway %s, epoch %lu s\n", gw,
			    (unsigned long)r.epoch);
	}
	warn_double_nat(r.public_address);
	pmp_client_free(c);
	return EXIT_OK;
}
