/*
 * t_pcp_respond.c - pmp-gateway's PCP answers (RFC 6887, server side):
 * MAP with the external address, nonce ownership (§11.3), delete, the
 * error codes a request earns, PREFER_FAILURE, PEER flows (§12.3), and
 * the PCP-only answer to NAT-PMP.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "pcp_respond.h"
#include "peer.h"
#include "pinhole.h"
#include "pcp/wire.h"

static const uint8_t ME[4] = { 192, 168, 77, 2 };
static const uint8_t OTHER[4] = { 192, 168, 77, 5 };

struct fx {
	gw_table_t t;
	gw_config_t cfg;
	uint8_t out[1100];
	pmp_pcp_msg_t a;
	gw_event_t ev;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_int_equal(gw_table_init(&f->t, 64, 7200, 1), 0);
	memcpy(f->cfg.public_addr, "\xcb\x00\x71\x07", 4);
	f->cfg.net = htonl(0xc0a84d00u);
	f->cfg.mask = htonl(0xffffff00u);
	f->cfg.force_result = -1;
	f->cfg.grant_lifetime = -1;
	f->cfg.peers = calloc(1, sizeof(*f->cfg.peers));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	gw_table_free(&f->t);
	free(f->cfg.peers);
	free(f);
	return 0;
}

static void
map_req(pmp_pcp_msg_t *m, const uint8_t client[4], uint8_t nonce,
    uint16_t port, uint32_t life)
{
	memset(m, 0, sizeof(*m));
	m->opcode = PMP_PCP_OP_MAP;
	m->lifetime = life;
	m->client_addr[10] = m->client_addr[11] = 0xff;
	memcpy(m->client_addr + 12, client, 4);
	memset(m->nonce, nonce, 12);
	m->protocol = 17;
	m->internal_port = port;
	m->external_port = port;
	m->external_addr[10] = m->external_addr[11] = 0xff;
}

/* Send m from client; decode the answer into f->a; its result. */
static int
ask(struct fx *f, const pmp_pcp_msg_t *m, const uint8_t client[4])
{
	uint8_t b[1100];
	size_t n = pmp_pcp_encode(m, b, sizeof(b)), len;

	assert_true(n > 0);
	len = gw_pcp_respond(&f->t, &f->cfg, 77, client, b, n, 1000, f->out,
	    sizeof(f->out), &f->ev);
	if (len == 0)
		return -1;
	assert_int_equal(pmp_pcp_decode(f->out, len, &f->a), PMP_PCP_OK);
	assert_true(f->a.response);
	assert_int_equal(f->a.epoch, 77);
	return f->a.result;
}

static void
test_map_nonce_delete(void **state)
{
	struct fx *f = *state;
	pmp_pcp_msg_t m;

	map_req(&m, ME, 1, 5000, 3600);
	assert_int_equal(ask(f, &m, ME), PMP_PCP_SUCCESS);
	assert_int_equal(f->a.external_port, 5000);
	assert_int_equal(f->a.lifetime, 3600);
	assert_memory_equal(f->a.external_addr + 12, "\xcb\x00\x71\x07", 4);
	assert_memory_equal(f->a.nonce, m.nonce, 12);
	/* another nonce may neither renew nor delete it (§11.3) */
	map_req(&m, ME, 2, 5000, 3600);
	assert_int_equal(ask(f, &m, ME), PMP_PCP_NOT_AUTHORIZED);
	assert_int_equal(f->a.lifetime, 1800);	/* a long error (§7.4) */
	map_req(&m, ME, 2, 5000, 0);
	assert_int_equal(ask(f, &m, ME), PMP_PCP_NOT_AUTHORIZED);
	assert_non_null(gw_table_find(&f->t, ME, 1, 5000));
	/* the owner renews and deletes */
	map_req(&m, ME, 1, 5000, 60);
	assert_int_equal(ask(f, &m, ME), PMP_PCP_SUCCESS);
	assert_int_equal(f->a.lifetime, 60);
	map_req(&m, ME, 1, 5000, 0);
	assert_int_equal(ask(f, &m, ME), PMP_PCP_SUCCESS);
	assert_int_equal(f->a.lifetime, 0);
	assert_null(gw_table_find(&f->t, ME, 1, 5000));
}

/* RFC 6887 §14.2: after an address change, the mapping's answer as it
 * would be now, unasked: its nonce, ports, the new address, what is left
 * of its lifetime; none for a NAT-PMP mapping (no nonce). */
static void
test_mapping_update(void **state)
{
	struct fx *f = *state;
	pmp_pcp_msg_t m, u;
	const gw_mapping_t *g;
	uint8_t b[1100];
	size_t n;

	map_req(&m, ME, 9, 5100, 3600);
	assert_int_equal(ask(f, &m, ME), PMP_PCP_SUCCESS);	/* at 1 s */
	g = gw_table_find(&f->t, ME, 1, 5100);
	assert_non_null(g);
	memcpy(f->cfg.public_addr, "\xcb\x00\x71\x08", 4);
	n = gw_pcp_mapping_update(&f->cfg, 90, g, 601000, b, sizeof(b));
	assert_int_equal(n, 60);
	assert_int_equal(pmp_pcp_decode(b, n, &u), PMP_PCP_OK);
	assert_true(u.response);
	assert_int_equal(u.opcode, PMP_PCP_OP_MAP);
	assert_int_equal(u.result, PMP_PCP_SUCCESS);
	assert_int_equal(u.epoch, 90);
	assert_int_equal(u.lifetime, 3000);
	assert_memory_equal(u.nonce, m.nonce, 12);
	assert_int_equal(u.protocol, 17);
	assert_int_equal(u.internal_port, 5100);
	assert_int_equal(u.external_port, 5100);
	assert_memory_equal(u.external_addr + 12, "\xcb\x00\x71\x08", 4);
	/* run out: nothing */
	assert_int_equal(gw_pcp_mapping_update(&f->cfg, 90, g, 3601000, b,
	    sizeof(b)), 0);
	{
		gw_mapping_t natpmp = *g;

		natpmp.has_nonce = 0;
		assert_int_equal(gw_pcp_mapping_update(&f->cfg, 90, &natpmp,
		    601000, b, sizeof(b)), 0);
	}
}

static void
test_errors(void **state)
{
	struct fx *f = *state;
	pmp_pcp_msg_t m;
	uint8_t b[64];
	size_t n;

	/* the client's address field is not the packet's source (§8.3) */
	map_req(&m, OTHER, 1, 5000, 60);
	assert_int_equal(ask(f, &m, ME), PMP_PCP_ADDRESS_MISMATCH);
	/* THIRD_PARTY is not allowed here; SCTP is not mapped */
	map_req(&m, ME, 1, 5000, 60);
	m.has_third_party = 1;
	assert_int_equal(ask(f, &m, ME), PMP_PCP_UNSUPP_OPTION);
	map_req(&m, ME, 1, 5000, 60);
	m.protocol = 132;
	assert_int_equal(ask(f, &m, ME), PMP_PCP_UNSUPP_PROTOCOL);
	/* PREFER_FAILURE: the suggested port or nothing */
	map_req(&m, OTHER, 3, 6000, 60);
	assert_int_equal(ask(f, &m, OTHER), PMP_PCP_SUCCESS);
	map_req(&m, ME, 4, 6001, 60);
	m.external_port = 6000;
	m.prefer_failure = 1;
	assert_int_equal(ask(f, &m, ME), PMP_PCP_CANNOT_PROVIDE_EXTERNAL);
	assert_null(gw_table_find(&f->t, ME, 1, 6001));
	/* version 1 or 3: UNSUPP_VERSION, proposing 2 (§9) */
	map_req(&m, ME, 1, 5000, 60);
	n = pmp_pcp_encode(&m, b, sizeof(b));
	b[0] = 3;
	assert_true(gw_pcp_respond(&f->t, &f->cfg, 77, ME, b, n, 0, f->out,
	    sizeof(f->out), &f->ev) >= 24);
	assert_int_equal(f->out[0], 2);
	assert_int_equal(f->out[1], 0x81);
	assert_int_equal(f->out[3], PMP_PCP_UNSUPP_VERSION);
	/* an unknown opcode: UNSUPP_OPCODE in a bare header */
	b[0] = 2;
	b[1] = 5;
	assert_int_equal(gw_pcp_respond(&f->t, &f->cfg, 77, ME, b, n, 0,
	    f->out, sizeof(f->out), &f->ev), 24);
	assert_int_equal(f->out[1], 0x85);
	assert_int_equal(f->out[3], PMP_PCP_UNSUPP_OPCODE);
	/* responses, runts, and strangers get nothing */
	b[1] = 0x81;
	assert_int_equal(gw_pcp_respond(&f->t, &f->cfg, 77, ME, b, n, 0,
	    f->out, sizeof(f->out), &f->ev), 0);
	b[1] = 0x01;
	assert_int_equal(gw_pcp_respond(&f->t, &f->cfg, 77, ME, b, 20, 0,
	    f->out, sizeof(f->out), &f->ev), 0);
	assert_int_equal(gw_pcp_respond(&f->t, &f->cfg, 77,
	    (const uint8_t *)"\x08\x08\x08\x08", b, n, 0, f->out,
	    sizeof(f->out), &f->ev), 0);
	assert_int_equal(f->ev.kind, GW_OUTSIDE);
}

static void
peer_req(pmp_pcp_msg_t *m, uint8_t nonce, uint16_t port, uint32_t life,
    const char *peer4, uint16_t peer_port)
{
	map_req(m, ME, nonce, port, life);
	m->opcode = PMP_PCP_OP_PEER;
	m->external_port = 0;
	m->peer_addr[10] = m->peer_addr[11] = 0xff;
	memcpy(m->peer_addr + 12, peer4, 4);
	m->peer_port = peer_port;
}

/* §12.3: a PEER creates the flow's mapping (or finds it), remembers its
 * nonce, leaves from the MAP mapping's port when there is one, refuses
 * what a NAT would not open, and ends with lifetime 0. */
static void
test_peer(void **state)
{
	struct fx *f = *state;
	pmp_pcp_msg_t m;

	peer_req(&m, 7, 5000, 600, "\xc6\x33\x64\x14", 6881);
	assert_int_equal(ask(f, &m, ME), PMP_PCP_SUCCESS);
	assert_int_equal(f->ev.kind, GW_PEER);
	assert_int_equal(f->a.opcode, PMP_PCP_OP_PEER);
	assert_int_equal(f->a.external_port, 5000);
	assert_int_equal(f->a.lifetime, 600);
	assert_int_equal(f->a.peer_port, 6881);
	assert_memory_equal(f->a.peer_addr + 12, "\xc6\x33\x64\x14", 4);
	assert_memory_equal(f->a.external_addr + 12, "\xcb\x00\x71\x07", 4);
	assert_int_equal(gw_peers_count(f->cfg.peers, 1000), 1);
	/* renewed with its nonce; another nonce is not authorised */
	peer_req(&m, 7, 5000, 900, "\xc6\x33\x64\x14", 6881);
	assert_int_equal(ask(f, &m, ME), PMP_PCP_SUCCESS);
	assert_int_equal(f->a.lifetime, 900);
	peer_req(&m, 8, 5000, 900, "\xc6\x33\x64\x14", 6881);
	assert_int_equal(ask(f, &m, ME), PMP_PCP_NOT_AUTHORIZED);
	/* another peer is another flow; a MAP's port is the flow's too */
	map_req(&m, ME, 9, 5100, 600);
	m.external_port = 7100;
	assert_int_equal(ask(f, &m, ME), PMP_PCP_SUCCESS);
	peer_req(&m, 10, 5100, 600, "\xc6\x33\x64\x15", 443);
	assert_int_equal(ask(f, &m, ME), PMP_PCP_SUCCESS);
	assert_int_equal(f->a.external_port, 7100);
	/* a suggestion that cannot be honoured creates nothing */
	peer_req(&m, 11, 5200, 600, "\xc6\x33\x64\x15", 443);
	m.external_port = 9999;
	assert_int_equal(ask(f, &m, ME), PMP_PCP_CANNOT_PROVIDE_EXTERNAL);
	/* loopback and multicast peers are not flows a NAT opens */
	peer_req(&m, 12, 5300, 600, "\x7f\x00\x00\x01", 80);
	assert_int_equal(ask(f, &m, ME), PMP_PCP_MALFORMED_REQUEST);
	peer_req(&m, 12, 5300, 600, "\xe0\x00\x00\x01", 80);
	assert_int_equal(ask(f, &m, ME), PMP_PCP_MALFORMED_REQUEST);
	peer_req(&m, 12, 5300, 600, "\xc6\x33\x64\x15", 80);
	m.has_third_party = 1;
	assert_int_equal(ask(f, &m, ME), PMP_PCP_UNSUPP_OPTION);
	assert_int_equal(gw_peers_count(f->cfg.peers, 1000), 2);
	/* lifetime 0 ends it; expiry ends the others */
	peer_req(&m, 7, 5000, 0, "\xc6\x33\x64\x14", 6881);
	assert_int_equal(ask(f, &m, ME), PMP_PCP_SUCCESS);
	assert_int_equal(f->a.lifetime, 0);
	assert_int_equal(gw_peers_count(f->cfg.peers, 1000), 1);
	assert_int_equal(gw_peers_count(f->cfg.peers, 1000 + 601000), 0);
	/* without a flow table, PEER is an unsupported opcode */
	free(f->cfg.peers);
	f->cfg.peers = NULL;
	peer_req(&m, 7, 5000, 60, "\xc6\x33\x64\x14", 6881);
	assert_int_equal(ask(f, &m, ME), PMP_PCP_UNSUPP_OPCODE);
}

/* The IPv6 side: MAP opens a pinhole (the client's own address and
 * port, no translation), owned by its nonce; the client address must be
 * the packet's source; PREFER_FAILURE with another port fails. */
static void
test_ipv6_pinholes(void **state)
{
	static const uint8_t ME6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x77, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 2 };
	struct fx *f = *state;
	gw_pinholes_t *ph = calloc(1, sizeof(*ph));
	pmp_pcp_msg_t m;
	uint8_t b[1100];
	size_t n, len;

	map_req(&m, ME, 1, 5000, 600);
	memcpy(m.client_addr, ME6, 16);
	memset(m.external_addr, 0, 16);
	m.external_port = 6000;		/* cannot be honoured: ignored */
	n = pmp_pcp_encode(&m, b, sizeof(b));
	len = gw_pcp_respond6(ph, &f->cfg, 77, ME6, b, n, 1000, f->out,
	    sizeof(f->out), &f->ev);
	assert_true(len > 0);
	assert_int_equal(pmp_pcp_decode(f->out, len, &f->a), PMP_PCP_OK);
	assert_int_equal(f->a.result, PMP_PCP_SUCCESS);
	assert_int_equal(f->a.external_port, 5000);
	assert_memory_equal(f->a.external_addr, ME6, 16);
	assert_int_equal(f->a.lifetime, 600);
	assert_int_equal(gw_pinholes_count(ph, 1000), 1);
	/* another nonce may not close it; its own may */
	m.nonce[0] ^= 1;
	m.lifetime = 0;
	n = pmp_pcp_encode(&m, b, sizeof(b));
	len = gw_pcp_respond6(ph, &f->cfg, 77, ME6, b, n, 1000, f->out,
	    sizeof(f->out), &f->ev);
	assert_int_equal(pmp_pcp_decode(f->out, len, &f->a), PMP_PCP_OK);
	assert_int_equal(f->a.result, PMP_PCP_NOT_AUTHORIZED);
	m.nonce[0] ^= 1;
	n = pmp_pcp_encode(&m, b, sizeof(b));
	len = gw_pcp_respond6(ph, &f->cfg, 77, ME6, b, n, 1000, f->out,
	    sizeof(f->out), &f->ev);
	assert_int_equal(pmp_pcp_decode(f->out, len, &f->a), PMP_PCP_OK);
	assert_int_equal(f->a.result, PMP_PCP_SUCCESS);
	assert_int_equal(gw_pinholes_count(ph, 1000), 0);
	/* PREFER_FAILURE with another port: no translation, so no */
	m.lifetime = 600;
	m.prefer_failure = 1;
	n = pmp_pcp_encode(&m, b, sizeof(b));
	len = gw_pcp_respond6(ph, &f->cfg, 77, ME6, b, n, 1000, f->out,
	    sizeof(f->out), &f->ev);
	assert_int_equal(pmp_pcp_decode(f->out, len, &f->a), PMP_PCP_OK);
	assert_int_equal(f->a.result, PMP_PCP_CANNOT_PROVIDE_EXTERNAL);
	/* the client field must be the source (§8.3) */
	m.prefer_failure = 0;
	m.client_addr[15] = 9;
	n = pmp_pcp_encode(&m, b, sizeof(b));
	len = gw_pcp_respond6(ph, &f->cfg, 77, ME6, b, n, 1000, f->out,
	    sizeof(f->out), &f->ev);
	assert_int_equal(pmp_pcp_decode(f->out, len, &f->a), PMP_PCP_OK);
	assert_int_equal(f->a.result, PMP_PCP_ADDRESS_MISMATCH);
	assert_int_equal(gw_pinholes_count(ph, 1000), 0);
	free(ph);
}

static void
test_announce_and_pcp_only(void **state)
{
	struct fx *f = *state;
	pmp_pcp_msg_t m;
	size_t n;

	memset(&m, 0, sizeof(m));
	m.opcode = PMP_PCP_OP_ANNOUNCE;
	m.client_addr[10] = m.client_addr[11] = 0xff;
	memcpy(m.client_addr + 12, ME, 4);
	assert_int_equal(ask(f, &m, ME), PMP_PCP_SUCCESS);
	assert_int_equal(f->a.opcode, PMP_PCP_OP_ANNOUNCE);
	n = gw_pcp_announcement(9, f->out, sizeof(f->out));
	assert_int_equal(n, 24);
	assert_int_equal(pmp_pcp_decode(f->out, n, &m), PMP_PCP_OK);
	assert_int_equal(m.epoch, 9);
	/* a PCP-only server's answer to NAT-PMP's address request */
	n = gw_pcp_refuse_version(&f->cfg, 77, ME,
	    (const uint8_t *)"\x00\x00", 2, f->out, sizeof(f->out), &f->ev);
	assert_int_equal(n, 24);
	assert_memory_equal(f->out, "\x02\x80\x00\x01", 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_map_nonce_delete, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mapping_update, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_pinholes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_announce_and_pcp_only,
		    setup, teardown),
	};

	return cmocka_run_group_tests_name("pcp_respond", tests, NULL, NULL);
}
