/*
 * cmd_map.c - `pmp map` (and the seed client's PUBLIC PRIVATE form): one
 * mapping, asked once.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmp.h"
#include "cli.h"

/* A PCP mapping is deleted only with its nonce (RFC 6887 §15): record
 * it for a later `pmp unmap`.  A failure costs only that. */
static void
remember_nonce(pmp_client_t *c, int proto, const pmp_result_t *r)
{
	char gw[INET6_ADDRSTRLEN], err[600];
	uint8_t addr[16];
	uint16_t port;

	if (pmp_client_gateway(c, addr, &port) != PMP_OK)
		return;
	v4_text(addr, gw, sizeof(gw));
	if (nonce_put(gw, port, proto, r->private_port, r->nonce, r->lifetime,
	    err, sizeof(err)) < 0)
		fprintf(stderr, "%s: warning: the mapping's nonce is not "
		    "recorded (%s): only this lifetime or `pmp keep` ends "
		    "it, not `pmp unmap`\n", PROGNAME, err);
}

int
cmd_map(const struct opts *o, uint16_t private_port, uint16_t public_port,
    uint32_t lifetime)
{
	int proto = o->udp ? PMP_PROTO_UDP : PMP_PROTO_TCP;
	pmp_client_t *c;
	pmp_result_t r;
	char text[INET6_ADDRSTRLEN] = "", gw[INET6_ADDRSTRLEN];
	int have_addr;

	open_client(o, &c);
	/* pmp_map() asks for the public address first (the mapping answer
	 * carries none, §3.3), once, within the same -t. */
	if (pmp_map(c, proto, private_port, public_port, lifetime, &r) !=
	    PMP_OK) {
		int rc = report_error(o, "map", &r, c);

		pmp_client_free(c);
		return rc;
	}
	have_addr = r.public_address[10] == 0xff;
	if (have_addr)
		v4_text(r.public_address, text, sizeof(text));
	else
		fprintf(stderr, "%s: warning: the gateway reported no public "
		    "address (an error or 0.0.0.0): the mapping is made, the "
		    "address to give out is unknown\n", PROGNAME);
	v4_text(r.gateway, gw, sizeof(gw));
	if (o->json) {
		int first = 1;

		putchar('{');
		json_string("op", "map", &first);
		printf(",\"ok\":true");
		json_method(r.method, &first);
		json_string("transport", proto_name(proto), &first);
		if (have_addr)
			json_string("public_address", text, &first);
		json_number("public_port", r.public_port, &first);
		json_number("private_port", r.private_port, &first);
		json_number("lifetime", r.lifetime, &first);
		json_number("requested_lifetime", lifetime, &first);
		json_string("gateway", gw, &first);
		json_number("epoch", r.epoch, &first);
		printf("}\n");
	} else {
		printf("mapped %s %s:%u -> private port %u, lifetime %lu s\n",
		    proto_name(proto), have_addr ? text : "?",
		    (unsigned)r.public_port, (unsigned)r.private_port,
		    (unsigned long)r.lifetime);
		if (o->verbose)
			printf("gateway %s, epoch %lu s, asked for public port "
			    "%u and %lu s\n", gw, (unsigned long)r.epoch,
			    (unsigned)(public_port ? public_port :
			    private_port), (unsigned long)lifetime);
	}
	if (have_addr)
		warn_double_nat(r.public_address);
	if (r.method == PMP_METHOD_PCP)
		remember_nonce(c, proto, &r);
	pmp_client_free(c);
	return EXIT_OK;
}
