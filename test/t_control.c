/*
 * t_control.c - the UPnP-IGD control point (src/upnp/control.c) on
 * virtual time, against pmp-gateway's test IGD (gw/igd.c) in the same
 * process as its network: the first call finds the IGD (SSDP, ranking,
 * description) and then acts; later calls go straight to the control URL;
 * a UPnPError is PMP_EGATEWAY with its code; no IGD is PMP_ENOSUPPORT
 * once the search window is over; a silent or refusing IGD ends the call
 * within its bound and is searched for again next time.  And the mapping
 * policy over it (upnp/mapper.c): the address checked first, 725 and 402
 * answered with a permanent lease, conflicts with AddAnyPortMapping
 * (IGDv2) or a bounded number of other ports (IGDv1), no address refused,
 * a private one flagged double NAT, a delete of nothing done.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "igd.h"
#include "pmp.h"
#include "upnp/control.h"
#include "upnp/mapper.h"
#include "test_rng.h"

static const uint8_t GW[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    192, 168, 77, 1 };
static const uint8_t ME[4] = { 192, 168, 77, 2 };
static const uint8_t GW6[16] = { 0xfd, 0, 0, 0x77, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 1 };

struct net {
	pmp_control_t c;
	gw_table_t t;
	gw_config_t g;
	gw_igd_cfg_t igd;
	int ssdp_deaf;		/* the IGD ignores M-SEARCH */
	int http_silent;	/* accepts, never answers */
	int refuse;		/* connections refused */
	char req[8192];
	size_t req_len;
	uint64_t now;
	unsigned datagrams, connects;
	const uint8_t *gw;	/* GW, or GW6 */
};

static int
setup(void **state)
{
	struct net *n = calloc(1, sizeof(*n));

	assert_int_equal(gw_table_init(&n->t, 64, 86400, 1), 0);
	memcpy(n->g.public_addr, "\xcb\x00\x71\x07", 4);
	n->g.force_result = -1;
	n->g.grant_lifetime = -1;
	n->igd.version = 2;
	n->igd.bootid = 1;
	strcpy(n->igd.location, "http://192.168.77.1:5000/rootDesc.xml");
	pmp_control_init(&n->c, GW);
	n->gw = GW;
	n->now = 1000;
	*state = n;
	return 0;
}

static int
teardown(void **state)
{
	struct net *n = *state;

	gw_table_free(&n->t);
	free(n);
	return 0;
}

/* The IGD's side of one step's output. */
static void
deliver(struct net *n, const pmp_control_out_t *o)
{
	char ans[GW_IGD_MAX_ANSWER];
	size_t len, i;
	unsigned k;
	long whole;
	gw_igd_event_t ev;

	switch (o->kind) {
	case PMP_CONTROL_SEND_TO:
		n->datagrams++;
		assert_int_equal(o->port, 1900);
		if (n->ssdp_deaf)
			return;
		for (k = 0; (len = gw_igd_ssdp(&n->igd, o->data, o->len, k,
		    ans, sizeof(ans))) > 0; k++)
			pmp_control_datagram(&n->c, (const uint8_t *)ans, len,
			    n->gw, 1900, n->now + 5);
		return;
	case PMP_CONTROL_CONNECT:
		n->connects++;
		assert_memory_equal(o->addr, n->gw, 16);
		assert_int_equal(o->port, 5000);
		n->req_len = 0;
		pmp_control_connected(&n->c, !n->refuse, n->now + 1);
		return;
	case PMP_CONTROL_WRITE:
		/* in two pieces, as a socket may take it */
		i = o->len > 10 ? o->len / 2 : o->len;
		assert_true(n->req_len + i < sizeof(n->req));
		memcpy(n->req + n->req_len, o->data, i);
		n->req_len += i;
		n->req[n->req_len] = '\0';
		pmp_control_wrote(&n->c, i, n->now);
		whole = gw_igd_request_length(n->req, n->req_len);
		if (whole <= 0 || n->http_silent)
			return;
		len = gw_igd_http(&n->t, &n->g, &n->igd, ME, n->req,
		    (size_t)whole, n->now, ans, sizeof(ans), &ev);
		/* the answer in small pieces, then the close */
		for (i = 0; i < len; i += 7)
			pmp_control_read(&n->c, (const uint8_t *)ans + i,
			    len - i < 7 ? len - i : 7, n->now + 2);
		pmp_control_read(&n->c, NULL, 0, n->now + 2);
		return;
	default:
		return;
	}
}

/* Run the call to its end; its status. */
static int
run(struct net *n, const char *action, const pmp_soap_arg_t *args,
    size_t nargs)
{
	pmp_control_out_t o;
	int guard = 0;

	assert_int_equal(pmp_control_call(&n->c, action, args, nargs, n->now),
	    PMP_OK);
	for (;;) {
		assert_true(++guard < 10000);
		pmp_control_step(&n->c, n->now, &o);
		if (o.kind == PMP_CONTROL_DONE)
			return n->c.status;
		if (o.kind == PMP_CONTROL_WAIT) {
			uint64_t d = pmp_control_deadline(&n->c);

			assert_true(d != UINT64_MAX);
			assert_true(d > n->now);
			n->now = d;
			continue;
		}
		deliver(n, &o);
	}
}

static const pmp_soap_arg_t add_args[] = { { "NewRemoteHost", "" },
    { "NewExternalPort", "6000" }, { "NewProtocol", "UDP" },
    { "NewInternalPort", "6000" }, { "NewInternalClient", "192.168.77.2" },
    { "NewEnabled", "1" }, { "NewPortMappingDescription", "pmp test" },
    { "NewLeaseDuration", "3600" } };

static void
test_first_call_finds_the_igd(void **state)
{
	struct net *n = *state;
	uint64_t t0 = n->now;

	assert_int_equal(run(n, "GetExternalIPAddress", NULL, 0), PMP_OK);
	assert_string_equal(pmp_soap_get(&n->c.answer,
	    "NewExternalIPAddress"), "203.0.113.7");
	assert_true(n->c.have_igd);
	assert_string_equal(n->c.control.path, "/ctl/IPConn");
	assert_string_equal(n->c.service_type,
	    "urn:schemas-upnp-org:service:WANIPConnection:2");
	assert_string_equal(n->c.desc.friendly_name, "pmp-gateway");
	assert_non_null(strstr(n->c.reason, "on the gateway's address"));
	/* one M-SEARCH: the gateway's own IGDv2 answered the first (for
	 * InternetGatewayDevice:2), which nothing can outrank */
	assert_int_equal(n->datagrams, 1);
	assert_true(n->now - t0 < 100);
	assert_int_equal(n->connects, 2);	/* description, action */
	/* the next call: straight to the control URL */
	assert_int_equal(run(n, "AddPortMapping", add_args, 8), PMP_OK);
	assert_int_equal(n->datagrams, 1);
	assert_int_equal(n->connects, 3);
	assert_int_equal(n->t.n, 1);
	/* a refusal: its UPnPError */
	n->igd.only_permanent = 1;
	assert_int_equal(run(n, "AddPortMapping", add_args, 8), PMP_EGATEWAY);
	assert_int_equal(n->c.answer.error_code, 725);
	assert_true(n->c.have_igd);
	/* chunked answers read the same */
	n->igd.chunked = 1;
	assert_int_equal(run(n, "GetStatusInfo", NULL, 0), PMP_OK);
	assert_string_equal(pmp_soap_get(&n->c.answer, "NewConnectionStatus"),
	    "Connected");
	/* a cut envelope: not an answer */
	n->igd.bad_xml = 1;
	assert_int_equal(run(n, "GetStatusInfo", NULL, 0), PMP_EBADANSWER);
}

static void
test_no_igd(void **state)
{
	struct net *n = *state;
	uint64_t t0 = n->now;

	n->ssdp_deaf = 1;
	assert_int_equal(run(n, "GetExternalIPAddress", NULL, 0),
	    PMP_ENOSUPPORT);
	/* three rounds, then MX: 4.5 s in all */
	assert_int_equal(n->datagrams, 30);
	assert_int_equal(n->now - t0, 4500);
	assert_int_equal(n->connects, 0);
}

static void
test_silent_and_refusing(void **state)
{
	struct net *n = *state;
	uint64_t t0;

	assert_int_equal(run(n, "GetExternalIPAddress", NULL, 0), PMP_OK);
	n->http_silent = 1;
	t0 = n->now;
	assert_int_equal(run(n, "GetStatusInfo", NULL, 0), PMP_ETIMEDOUT);
	assert_int_equal(n->now - t0, PMP_CONTROL_HTTP_MS);
	assert_false(n->c.have_igd);	/* found again next time */
	n->http_silent = 0;
	assert_int_equal(run(n, "GetStatusInfo", NULL, 0), PMP_OK);
	assert_int_equal(n->datagrams, 2);	/* searched again */
	n->refuse = 1;
	assert_int_equal(run(n, "GetStatusInfo", NULL, 0), PMP_EREFUSED);
	/* a call given up (the caller's deadline): idle again, the IGD kept */
	n->refuse = 0;
	assert_int_equal(run(n, "GetStatusInfo", NULL, 0), PMP_OK);
	n->http_silent = 1;
	{
		pmp_control_out_t o;
		unsigned before = n->datagrams;

		assert_int_equal(pmp_control_call(&n->c, "GetStatusInfo",
		    NULL, 0, n->now), PMP_OK);
		do {
			pmp_control_step(&n->c, n->now, &o);
			deliver(n, &o);
		} while (o.kind != PMP_CONTROL_WAIT);
		pmp_control_abort(&n->c);
		assert_true(n->c.have_igd);
		n->http_silent = 0;
		assert_int_equal(run(n, "GetStatusInfo", NULL, 0), PMP_OK);
		assert_int_equal(n->datagrams, before);	/* no new search */
	}
	/* one call at a time */
	assert_int_equal(pmp_control_call(&n->c, "GetStatusInfo", NULL, 0,
	    n->now), PMP_OK);
	assert_int_equal(pmp_control_call(&n->c, "GetStatusInfo", NULL, 0,
	    n->now), PMP_EINVAL);
}

/* Run a mapper request to its end through the control point. */
/* Start m (filled in) and run it to its end against the IGD. */
static pmp_mapper_t *
mapper_run(struct net *n, pmp_mapper_t *m)
{
	pmp_control_out_t o;
	int guard = 0;

	assert_int_equal(pmp_mapper_start(m, &n->c, &test_rng, n->now),
	    PMP_OK);
	while (!m->done) {
		assert_true(++guard < 10000);
		pmp_control_step(&n->c, n->now, &o);
		if (o.kind == PMP_CONTROL_DONE)
			pmp_mapper_advance(m, &n->c, n->now);
		else if (o.kind == PMP_CONTROL_WAIT)
			n->now = pmp_control_deadline(&n->c);
		else
			deliver(n, &o);
	}
	return m;
}

/* Run op for the client at 192.168.77.2; flags: OP_FIND (a delete of a
 * mapping not made here), OP_PERMANENT (lease 0 from the start). */
#define OP_FIND 1
#define OP_PERMANENT 2
static pmp_mapper_t *
op_run(struct net *n, pmp_mapper_op_t op, uint16_t port, uint16_t external,
    uint32_t lease, int flags)
{
	static pmp_mapper_t m;

	memset(&m, 0, sizeof(m));
	m.op = op;
	m.udp = 1;
	m.internal_port = port;
	m.external_port = external;
	m.lease = lease;
	m.find = (flags & OP_FIND) != 0;
	m.permanent = (flags & OP_PERMANENT) != 0;
	strcpy(m.client, "192.168.77.2");
	strcpy(m.description, "pmp t_control");
	return mapper_run(n, &m);
}

static pmp_mapper_t *
map_run(struct net *n, pmp_mapper_op_t op, uint16_t port, uint32_t lease)
{
	return op_run(n, op, port, 0, lease, 0);
}

static void
test_mapping_policy(void **state)
{
	struct net *n = *state;
	pmp_mapper_t *m;
	const gw_mapping_t *held;

	m = map_run(n, PMP_MAPPER_MAP, 6000, 3600);
	assert_int_equal(m->status, PMP_OK);
	assert_string_equal(m->address, "203.0.113.7");
	assert_false(m->double_nat);
	assert_int_equal(m->granted_port, 6000);
	assert_int_equal(m->granted_lease, 3600);
	assert_int_equal(m->adds, 1);
	/* only permanent leases (725), or 402 to any lease: lease 0 */
	n->igd.only_permanent = 1;
	m = map_run(n, PMP_MAPPER_MAP, 6001, 3600);
	assert_int_equal(m->status, PMP_OK);
	assert_true(m->permanent);
	assert_int_equal(m->granted_lease, 0);
	assert_int_equal(m->adds, 2);
	n->igd.only_permanent = 0;
	n->igd.args_on_lease = 1;
	m = map_run(n, PMP_MAPPER_MAP, 6002, 3600);
	assert_int_equal(m->status, PMP_OK);
	assert_true(m->permanent);
	n->igd.args_on_lease = 0;
	/* the port held by another host: IGDv2 picks one */
	held = gw_table_find(&n->t, ME, 1, 6000);
	assert_non_null(held);
	{
		static const uint8_t other[4] = { 192, 168, 77, 9 };
		uint16_t p;
		uint32_t g;

		assert_int_equal(gw_table_map(&n->t, other, 1, 7000, 7000, 600,
		    n->now, &p, &g), 0);
	}
	m = map_run(n, PMP_MAPPER_MAP, 7000, 600);
	assert_int_equal(m->status, PMP_OK);
	assert_true(m->granted_port != 7000);
	assert_int_equal(m->adds, 2);		/* AddPortMapping, AddAny */
	/* an IGDv2 without AddAnyPortMapping (401): another port itself,
	 * and AddAnyPortMapping not asked again */
	{
		static const uint8_t other[4] = { 192, 168, 77, 9 };
		uint16_t p;
		uint32_t g;

		assert_int_equal(gw_table_map(&n->t, other, 1, 7001, 7001, 600,
		    n->now, &p, &g), 0);
	}
	n->igd.no_add_any = 1;
	m = map_run(n, PMP_MAPPER_MAP, 7001, 600);
	assert_int_equal(m->status, PMP_OK);
	assert_true(m->granted_port >= 1024 && m->granted_port != 7001);
	assert_int_equal(m->adds, 3);	/* AddPortMapping, AddAny, another */
	n->igd.no_add_any = 0;
	/* every AddPortMapping a conflict on an IGDv1: a few random ports,
	 * then the refusal stands */
	n->igd.conflict = 1;
	n->igd.version = 1;
	pmp_control_init(&n->c, GW);		/* find the v1 IGD */
	n->datagrams = 0;
	{
		uint64_t t0 = n->now;

		m = map_run(n, PMP_MAPPER_MAP, 6003, 600);
		/* an IGDv1 could be outranked by a v2 answer: the round's
		 * ten M-SEARCHes, and 200 ms of grace */
		assert_int_equal(n->datagrams, 10);
		assert_true(n->now - t0 >= 200);
	}
	assert_int_equal(m->status, PMP_EGATEWAY);
	assert_int_equal(m->upnp_error, 718);
	assert_int_equal(m->adds, PMP_MAPPER_TRIES);
	/* 729 (ConflictWithOtherMechanisms) is a conflict the same way */
	n->igd.conflict_729 = 1;
	m = map_run(n, PMP_MAPPER_MAP, 6003, 600);
	assert_int_equal(m->status, PMP_EGATEWAY);
	assert_int_equal(m->upnp_error, 729);
	assert_int_equal(m->adds, PMP_MAPPER_TRIES);
	n->igd.conflict_729 = 0;
	n->igd.conflict = 0;
	/* no address: refused before any mapping */
	n->igd.empty_address = 1;
	m = map_run(n, PMP_MAPPER_MAP, 6004, 600);
	assert_int_equal(m->status, PMP_ENOADDR);
	assert_int_equal(m->adds, 0);
	n->igd.empty_address = 0;
	/* a private external address: double NAT, said, still mapped */
	memcpy(n->g.public_addr, "\x64\x40\x00\x05", 4);	/* 100.64.0.5 */
	m = map_run(n, PMP_MAPPER_MAP, 6005, 600);
	assert_int_equal(m->status, PMP_OK);
	assert_true(m->double_nat);
	/* deletes: one there, one not (714 is done) */
	m = map_run(n, PMP_MAPPER_UNMAP, 6005, 0);
	assert_int_equal(m->status, PMP_OK);
	m = map_run(n, PMP_MAPPER_UNMAP, 6005, 0);
	assert_int_equal(m->status, PMP_OK);
	assert_null(gw_table_find(&n->t, ME, 1, 6005));
	m = map_run(n, PMP_MAPPER_ADDRESS, 0, 0);
	assert_string_equal(m->address, "100.64.0.5");
}

static void
other_host_maps(struct net *n, uint16_t port)
{
	static const uint8_t other[4] = { 192, 168, 77, 9 };
	uint16_t p;
	uint32_t g;

	assert_int_equal(gw_table_map(&n->t, other, 1, port, port, 600,
	    n->now, &p, &g), 0);
}

/* A kept mapping's check (GetSpecificPortMappingEntry): ours, gone (714),
 * another's (718), an IGD that drops finite leases (DD-WRT) found out and
 * then asked lease 0; a delete of a mapping this client did not make
 * finds ours, at its port or down the list, and never deletes another
 * host's. */
static void
test_check_and_find(void **state)
{
	static const uint8_t other[4] = { 192, 168, 77, 9 };
	struct net *n = *state;
	pmp_mapper_t *m;

	m = map_run(n, PMP_MAPPER_MAP, 6100, 600);
	assert_int_equal(m->status, PMP_OK);
	m = op_run(n, PMP_MAPPER_CHECK, 6100, 6100, 600, 0);
	assert_int_equal(m->status, PMP_OK);
	m = op_run(n, PMP_MAPPER_CHECK, 6101, 6101, 600, 0);
	assert_int_equal(m->status, PMP_EGATEWAY);
	assert_int_equal(m->upnp_error, 714);
	other_host_maps(n, 7100);
	m = op_run(n, PMP_MAPPER_CHECK, 7100, 7100, 600, 0);
	assert_int_equal(m->status, PMP_EGATEWAY);
	assert_int_equal(m->upnp_error, 718);
	/* DD-WRT: the finite lease granted, gone a second later */
	n->igd.drop_finite = 1;
	m = map_run(n, PMP_MAPPER_MAP, 6102, 600);
	assert_int_equal(m->status, PMP_OK);
	assert_int_equal(m->granted_lease, 600);
	n->now += 1001;
	m = op_run(n, PMP_MAPPER_CHECK, 6102, 6102, 600, 0);
	assert_int_equal(m->upnp_error, 714);
	/* lease 0 from the start */
	m = op_run(n, PMP_MAPPER_MAP, 6102, 0, 600, OP_PERMANENT);
	assert_int_equal(m->status, PMP_OK);
	assert_int_equal(m->adds, 1);
	assert_int_equal(m->granted_lease, 0);
	n->now += 5000;
	m = op_run(n, PMP_MAPPER_CHECK, 6102, 6102, 600, 0);
	assert_int_equal(m->status, PMP_OK);
	n->igd.drop_finite = 0;
	/* a delete not made here: another host's mapping on the port is
	 * left alone, and nothing of ours there is done */
	other_host_maps(n, 7200);
	m = op_run(n, PMP_MAPPER_UNMAP, 7200, 0, 0, OP_FIND);
	assert_int_equal(m->status, PMP_OK);
	assert_non_null(gw_table_find(&n->t, other, 1, 7200));
	/* ours moved by AddAnyPortMapping: found down the list, deleted */
	other_host_maps(n, 7201);
	m = map_run(n, PMP_MAPPER_MAP, 7201, 600);
	assert_int_equal(m->status, PMP_OK);
	assert_true(m->granted_port != 7201);
	m = op_run(n, PMP_MAPPER_UNMAP, 7201, 0, 0, OP_FIND);
	assert_int_equal(m->status, PMP_OK);
	assert_true(m->walked > 0);
	assert_null(gw_table_find(&n->t, ME, 1, 7201));
	assert_non_null(gw_table_find(&n->t, other, 1, 7201));
	/* ours at its own port: found at once */
	m = op_run(n, PMP_MAPPER_UNMAP, 6100, 0, 0, OP_FIND);
	assert_int_equal(m->status, PMP_OK);
	assert_int_equal(m->walked, 0);
	assert_null(gw_table_find(&n->t, ME, 1, 6100));
}

/* A pinhole operation of the client at fd00:77::2 (mapper.h, IPv6). */
static pmp_mapper_t *
pin_run(struct net *n, pmp_mapper_op_t op, uint16_t port, uint32_t lease,
    const pmp_mapper_t *before)
{
	static pmp_mapper_t m;

	memset(&m, 0, sizeof(m));
	m.op = op;
	m.udp = 1;
	m.internal_port = port;
	m.lease = lease;
	m.pinhole = 1;
	if (before != NULL && before->has_id) {
		m.has_id = 1;
		m.unique_id = before->unique_id;
	}
	strcpy(m.client, "fd00:77::2");
	return mapper_run(n, &m);
}

/* IPv6 through an IGDv2: WANIPv6FirewallControl's pinholes against the
 * test IGD's (gw/igd_pinhole.c), found over IPv6 (LOCATION a bracketed
 * literal). */
static void
test_pinholes(void **state)
{
	struct net *n = *state;
	static gw_pinholes_t ph;
	pmp_mapper_t *m, kept;
	uint32_t first_id;

	memset(&ph, 0, sizeof(ph));
	n->igd.pinholes = &ph;
	n->gw = GW6;
	strcpy(n->igd.location, "http://[fd00:77::1]:5000/rootDesc.xml");
	pmp_control_init(&n->c, GW6);
	/* the address: GetFirewallStatus; ours, as nothing translates */
	m = pin_run(n, PMP_MAPPER_ADDRESS, 0, 0, NULL);
	assert_int_equal(m->status, PMP_OK);
	assert_string_equal(m->address, "fd00:77::2");
	assert_string_equal(n->c.service_type,
	    "urn:schemas-upnp-org:service:WANIPv6FirewallControl:1");
	/* a pinhole: AddPinhole, its lease within 1..86400 */
	m = pin_run(n, PMP_MAPPER_MAP, 4000, 100000, NULL);
	assert_int_equal(m->status, PMP_OK);
	assert_true(m->has_id);
	assert_int_equal(m->granted_port, 4000);
	assert_int_equal(m->granted_lease, 86400);
	assert_int_equal(gw_pinholes_count(&ph, n->now), 1);
	assert_int_equal(ph.p[0].port, 4000);
	assert_int_equal(ph.p[0].protocol, 17);
	kept = *m;
	first_id = m->unique_id;
	/* renewed: UpdatePinhole of its UniqueID, the same pinhole */
	m = pin_run(n, PMP_MAPPER_MAP, 4000, 600, &kept);
	assert_int_equal(m->status, PMP_OK);
	assert_int_equal(m->unique_id, first_id);
	assert_int_equal(m->granted_lease, 600);
	assert_int_equal(gw_pinholes_count(&ph, n->now), 1);
	assert_true(ph.p[0].expires_ms <= n->now + 600000);
	/* the IGD restarted, its pinholes gone: 704, then added again */
	gw_pinholes_clear(&ph);
	m = pin_run(n, PMP_MAPPER_MAP, 4000, 600, &kept);
	assert_int_equal(m->status, PMP_OK);
	assert_true(m->has_id);
	assert_int_equal(gw_pinholes_count(&ph, n->now), 1);
	kept = *m;
	/* deleted by its UniqueID; deleting it again counts as done */
	m = pin_run(n, PMP_MAPPER_UNMAP, 4000, 0, &kept);
	assert_int_equal(m->status, PMP_OK);
	assert_int_equal(gw_pinholes_count(&ph, n->now), 0);
	m = pin_run(n, PMP_MAPPER_UNMAP, 4000, 0, &kept);
	assert_int_equal(m->status, PMP_OK);
	/* without its UniqueID, nothing names it: said, nothing sent */
	n->connects = 0;
	m = pin_run(n, PMP_MAPPER_UNMAP, 4001, 0, NULL);
	assert_int_equal(m->status, PMP_EUNSUPPORTED);
	assert_int_equal(n->connects, 0);
	/* an IGDv1 has no firewall service: no IGD to use over IPv6 */
	n->igd.version = 1;
	pmp_control_init(&n->c, GW6);
	m = pin_run(n, PMP_MAPPER_MAP, 4000, 600, NULL);
	assert_int_equal(m->status, PMP_ENOSUPPORT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_call_finds_the_igd,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_igd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silent_and_refusing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_pinholes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_check_and_find, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mapping_policy, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
