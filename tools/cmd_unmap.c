/*
 * cmd_unmap.c - `pmp unmap`: delete one mapping, or all of a protocol.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * PCP deletes a mapping only with the nonce that made it (RFC 6887 §15),
 * and has no "delete all": the nonces `pmp map` recorded (nonces.c) are
 * used, one delete per recorded mapping.  NAT-PMP needs none of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmp.h"
#include "cli.h"

struct target {
	char gw[ADDR_TEXT_LEN];
	uint16_t port;
};

/* The gateway the deletes go to, chosen now (as the first request would)
 * so that the record can be looked up before anything is sent. */
static int
choose_gateway(pmp_client_t *c, struct target *t, pmp_result_t *r)
{
	uint8_t addr[16];

	memset(r, 0, sizeof(*r));
	if (pmp_client_gateway(c, addr, &t->port) != PMP_OK) {
		pmp_gateway_info_t gi;
		int rc = pmp_discover_gateway(&gi);

		if (rc != PMP_OK) {
			r->status = rc;
			return rc;
		}
		memcpy(addr, gi.gateway, 16);
		t->port = PMP_SERVER_PORT;
		(void)pmp_client_set_gateway(c, addr, 0);
	}
	v4_text(addr, t->gw, sizeof(t->gw));
	return PMP_OK;
}

/* One delete: with the recorded nonce if there is one. */
static int
delete_one(pmp_client_t *c, const struct target *t, int proto,
    unsigned private_port, int *recorded, pmp_result_t *r)
{
	pmp_map_params_t p;
	char err[600];
	int rc;

	pmp_map_params_init(&p);
	p.protocol = proto;
	p.private_port = (uint16_t)private_port;
	p.lifetime = 0;
	rc = nonce_get(t->gw, t->port, proto, &private_port, p.nonce, err,
	    sizeof(err));
	if (rc < 0)
		fprintf(stderr, "%s: warning: %s\n", PROGNAME, err);
	*recorded = rc == 1;
	if (rc == 1)
		p.flags |= PMP_MAP_NONCE;
	rc = pmp_map_with(c, &p, r);
	/* gone, or the gateway no longer knows it: the record is done */
	if (*recorded && (rc == PMP_OK || (rc == PMP_EGATEWAY &&
	    r->method == PMP_METHOD_PCP && r->result_code != 2)))
		(void)nonce_del(t->gw, t->port, proto, private_port, err,
		    sizeof(err));
	return rc;
}

/* Every recorded mapping of this gateway and protocol; then, if none was
 * recorded, NAT-PMP's own delete-all where the gateway speaks it. */
static int
delete_all(const struct opts *o, pmp_client_t *c, const struct target *t,
    int proto, unsigned *count, pmp_result_t *r)
{
	uint8_t nonce[12];
	char err[600];
	unsigned port = 0;
	int rc = PMP_OK, recorded;

	*count = 0;
	/* NAT-PMP asked for: its own delete-all, which takes every mapping
	 * of the host (on a dual gateway the PCP ones too): the records of
	 * this gateway's go with it */
	if (o->methods == PMP_METHOD_BIT(PMP_METHOD_NATPMP)) {
		rc = pmp_unmap_all(c, proto, r);
		if (rc == PMP_OK)
			(void)nonce_del(t->gw, t->port, proto, 0, err,
			    sizeof(err));
		return rc;
	}
	/* (bounded by the record's size: a record that cannot be rewritten
	 * would otherwise be found again and again) */
	while (*count < NONCE_RECORDS_MAX && nonce_get(t->gw, t->port, proto,
	    &port, nonce, err, sizeof(err)) == 1) {
		rc = delete_one(c, t, proto, port, &recorded, r);
		if (rc != PMP_OK)
			return rc;
		(*count)++;
		port = 0;
	}
	if (*count > 0)
		return PMP_OK;
	/* Nothing recorded: NAT-PMP's port-0 delete, once the gateway is
	 * known to speak it (AUTO asks PCP first, and falls back). */
	if (pmp_client_method(c) == PMP_METHOD_PCP && o->methods == 0)
		(void)pmp_get_public_address(c, r);
	if (pmp_client_method(c) != PMP_METHOD_PCP)
		return pmp_unmap_all(c, proto, r);
	fprintf(stderr, "%s: unmap: PCP has no delete-all, and no PCP mapping "
	    "of gateway %s is recorded by `pmp map`; each is deleted with "
	    "the nonce that made it (RFC 6887 section 15)\n", PROGNAME, t->gw);
	memset(r, 0, sizeof(*r));
	r->status = PMP_EUNSUPPORTED;
	return PMP_EUNSUPPORTED;
}

int
cmd_unmap(const struct opts *o, uint16_t private_port)
{
	int proto = o->udp ? PMP_PROTO_UDP : PMP_PROTO_TCP;
	pmp_client_t *c;
	pmp_result_t r;
	struct target t;
	unsigned count = 0;
	int rc, recorded = 0;

	open_client(o, &c);
	rc = choose_gateway(c, &t, &r);
	if (rc == PMP_OK && o->all)
		rc = delete_all(o, c, &t, proto, &count, &r);
	else if (rc == PMP_OK)
		rc = delete_one(c, &t, proto, private_port, &recorded, &r);
	if (rc != PMP_OK) {
		if (rc == PMP_EGATEWAY && r.method == PMP_METHOD_PCP &&
		    r.result_code == 2 && !recorded)
			fprintf(stderr, "%s: unmap: no nonce of this mapping is "
			    "recorded: it was made by another program (or "
			    "`pmp keep`, which deletes its own)\n", PROGNAME);
		rc = r.status == PMP_EUNSUPPORTED ? EXIT_LOCAL :
		    report_error(o, "unmap", &r, c);
		pmp_client_free(c);
		return rc;
	}
	if (o->json) {
		int first = 1;

		putchar('{');
		json_string("op", "unmap", &first);
		printf(",\"ok\":true");
		json_method(r.method, &first);
		json_string("transport", proto_name(proto), &first);
		if (o->all) {
			printf(",\"all\":true");
			if (r.method == PMP_METHOD_PCP)
				json_number("deleted", count, &first);
		} else {
			json_number("private_port", private_port, &first);
		}
		json_string("gateway", t.gw, &first);
		json_number("epoch", r.epoch, &first);
		printf("}\n");
	} else if (o->all) {
		if (r.method == PMP_METHOD_PCP)
			printf("unmapped %u recorded %s mappings\n", count,
			    proto_name(proto));
		else
			printf("unmapped all %s mappings\n", proto_name(proto));
	} else {
		printf("unmapped %s private port %u\n", proto_name(proto),
		    (unsigned)private_port);
	}
	pmp_client_free(c);
	return EXIT_OK;
}
