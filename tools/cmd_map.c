/*
 * cmd_map.c - `pmp map` (and the seed client's PUBLIC PRIVATE form): one
 * mapping, asked once.
 * SPDX-License-Identifier: BSD-2-Clause
 */
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
	char gw[ADDR_TEXT_LEN], err[600];
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

/* What only PCP says (RFC 6887 §12, §13): through pmp_map_params_t. */
static int
map_pcp_options(pmp_client_t *c, const struct opts *o, int proto,
    uint16_t private_port, uint16_t public_port, uint32_t lifetime,
    pmp_result_t *r)
{
	pmp_map_params_t p;

	pmp_map_params_init(&p);
	p.protocol = proto;
	p.private_port = private_port;
	p.public_port = public_port;
	p.lifetime = lifetime;
	p.flags = o->map_flags;
	memcpy(p.peer_address, o->peer, 16);
	p.peer_port = o->peer_port;
	memcpy(p.third_party, o->third_party, 16);
	p.nfilters = o->nfilters;
	memcpy(p.filters, o->filters, sizeof(p.filters));
	return pmp_map_with(c, &p, r);
}

int
cmd_map(const struct opts *o, uint16_t private_port, uint16_t public_port,
    uint32_t lifetime)
{
	int proto = o->udp ? PMP_PROTO_UDP : PMP_PROTO_TCP;
	pmp_client_t *c;
	pmp_result_t r;
	char text[ADDR_TEXT_LEN] = "", gw[ADDR_TEXT_LEN];
	char peer[ADDR_TEXT_LEN + 8] = "";
	int have_addr, rc, v6, pinhole;

	open_client(o, &c);
	/* pmp_map() asks NAT-PMP for the public address first (its mapping
	 * answer carries none, §3.3), once, within the same -t. */
	if (o->map_flags == 0 && o->nfilters == 0)
		rc = pmp_map(c, proto, private_port, public_port, lifetime, &r);
	else
		rc = map_pcp_options(c, o, proto, private_port, public_port,
		    lifetime, &r);
	if (rc != PMP_OK) {
		rc = report_error(o, "map", &r, c);
		pmp_client_free(c);
		return rc;
	}
	have_addr = address_known(r.public_address);
	v6 = have_addr && r.public_address[10] != 0xff;
	pinhole = v6 && r.public_port == r.private_port &&
	    memcmp(r.public_address, r.private_address, 16) == 0;
	if (have_addr)
		v4_text(r.public_address, text, sizeof(text));
	else
		fprintf(stderr, "%s: warning: the gateway reported no public "
		    "address (an error or 0.0.0.0): the mapping is made, the "
		    "address to give out is unknown\n", PROGNAME);
	v4_text(r.gateway, gw, sizeof(gw));
	if (o->map_flags & PMP_MAP_PEER) {
		char a[ADDR_TEXT_LEN];
		int peer6 = o->peer[10] != 0xff;

		v4_text(o->peer, a, sizeof(a));
		snprintf(peer, sizeof(peer), "%s%s%s:%u", peer6 ? "[" : "", a,
		    peer6 ? "]" : "", (unsigned)o->peer_port);
	}
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
		if (peer[0])
			json_string("peer", peer, &first);
		if (pinhole)
			printf(",\"pinhole\":true");
		json_string("gateway", gw, &first);
		json_number("epoch", r.epoch, &first);
		printf("}\n");
	} else if (peer[0]) {
		printf("peer %s %s%s%s:%u -> private port %u, to %s, lifetime "
		    "%lu s\n", proto_name(proto), v6 ? "[" : "",
		    have_addr ? text : "?", v6 ? "]" : "",
		    (unsigned)r.public_port, (unsigned)r.private_port, peer,
		    (unsigned long)r.lifetime);
	} else if (pinhole) {
		/* IPv6 without translation: a firewall opening, RFC 6887
		 * §1 ("PCP can also be used to open a firewall pinhole") */
		printf("opened %s [%s]:%u (firewall pinhole, no translation), "
		    "lifetime %lu s\n", proto_name(proto), text,
		    (unsigned)r.public_port, (unsigned long)r.lifetime);
	} else if (r.method == PMP_METHOD_UPNP && r.lifetime == 0) {
		/* a router that takes only permanent leases (725, 402):
		 * the mapping stays until deleted */
		printf("mapped %s %s:%u -> private port %u, permanent (the "
		    "router refused a lease): delete it with pmp unmap\n",
		    proto_name(proto), have_addr ? text : "?",
		    (unsigned)r.public_port, (unsigned)r.private_port);
	} else {
		printf("mapped %s %s%s%s:%u -> private port %u, lifetime "
		    "%lu s\n", proto_name(proto), v6 ? "[" : "",
		    have_addr ? text : "?", v6 ? "]" : "",
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
	/* (a PEER flow ends with its lifetime: nothing to unmap) */
	if (r.method == PMP_METHOD_PCP && !(o->map_flags & PMP_MAP_PEER))
		remember_nonce(c, proto, &r);
	pmp_client_free(c);
	return EXIT_OK;
}
