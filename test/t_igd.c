/*
 * t_igd.c - pmp-gateway's test IGD (gw/igd.c) against the client's own
 * readers and writers (src/upnp/): its SSDP answers parse, its
 * description gives the WANIPConnection control URL, SOAP requests built
 * by soap.c and http.c are answered and read back: the actions over the
 * table, lease rules (0 is permanent / the maximum), conflicts, the
 * faults, chunked answers.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "igd.h"
#include "upnp/desc.h"
#include "upnp/http.h"
#include "upnp/soap.h"
#include "upnp/ssdp.h"

static const uint8_t ME[4] = { 192, 168, 77, 2 };

struct fx {
	gw_table_t t;
	gw_config_t g;
	gw_igd_cfg_t c;
	char out[GW_IGD_MAX_ANSWER];
	char body[PMP_HTTP_MAX_BODY];
	pmp_soap_answer_t a;
	gw_igd_event_t ev;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_int_equal(gw_table_init(&f->t, 64, 86400, 1), 0);
	memcpy(f->g.public_addr, "\xcb\x00\x71\x07", 4);
	f->g.force_result = -1;
	f->g.grant_lifetime = -1;
	f->c.version = 2;
	f->c.bootid = 1;
	strcpy(f->c.location, "http://192.168.77.1:5000/rootDesc.xml");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	gw_table_free(&f->t);
	free(f);
	return 0;
}

/* Send req (NUL-terminated) and read the answer as the client would:
 * the HTTP status, the body in f->body. */
static int
exchange(struct fx *f, const char *req, size_t *body_len)
{
	pmp_http_reader_t h;
	size_t n = gw_igd_http(&f->t, &f->g, &f->c, ME, req, strlen(req),
	    1000, f->out, sizeof(f->out), &f->ev);

	assert_true(n > 0);
	pmp_http_reader_init(&h, f->body, sizeof(f->body));
	assert_int_equal(pmp_http_feed(&h, (const uint8_t *)f->out, n),
	    PMP_HTTP_DONE);
	*body_len = h.body_len;
	return h.status;
}

/* Call action with args; the SOAP answer in f->a; returns the UPnPError
 * code, or 0. */
static int
call(struct fx *f, const char *action, const pmp_soap_arg_t *args,
    size_t nargs)
{
	char env[2048], req[4096];
	const char *type = f->c.version == 2 ?
	    "urn:schemas-upnp-org:service:WANIPConnection:2" :
	    "urn:schemas-upnp-org:service:WANIPConnection:1";
	size_t en = pmp_soap_envelope(type, action, args, nargs, env,
	    sizeof(env)), n, bl;
	int status;

	assert_true(en > 0);
	n = pmp_http_soap_post("192.168.77.1:5000", "/ctl/IPConn", type,
	    action, env, en, req, sizeof(req) - 1);
	assert_true(n > 0);
	req[n] = '\0';
	status = exchange(f, req, &bl);
	assert_int_equal(pmp_soap_read(status, f->body, bl, action, &f->a),
	    0);
	return f->a.fault ? f->a.error_code : 0;
}

static int
add(struct fx *f, const char *action, const char *ext, const char *proto,
    const char *in, const char *lease)
{
	const pmp_soap_arg_t args[] = { { "NewRemoteHost", "" },
	    { "NewExternalPort", ext }, { "NewProtocol", proto },
	    { "NewInternalPort", in }, { "NewInternalClient", "192.168.77.2" },
	    { "NewEnabled", "1" }, { "NewPortMappingDescription", "t <x>" },
	    { "NewLeaseDuration", lease } };

	return call(f, action, args, 8);
}

static void
test_ssdp_and_description(void **state)
{
	struct fx *f = *state;
	char out[1024], req[256];
	pmp_ssdp_msg_t m;
	pmp_igd_desc_t d;
	size_t n, bl;

	n = pmp_ssdp_msearch("urn:schemas-upnp-org:service:WANIPConnection:1",
	    "239.255.255.250:1900", 2, req, sizeof(req));
	n = gw_igd_ssdp(&f->c, (const uint8_t *)req, n, 0, out, sizeof(out));
	assert_true(n > 0);
	assert_int_equal(pmp_ssdp_parse((const uint8_t *)out, n, &m), 0);
	assert_string_equal(m.location, f->c.location);
	assert_string_equal(m.st,
	    "urn:schemas-upnp-org:service:WANIPConnection:1");
	assert_int_equal(m.bootid, 1);
	n = pmp_ssdp_msearch("urn:schemas-upnp-org:service:WANIPConnection:3",
	    "h", 2, req, sizeof(req));
	assert_int_equal(gw_igd_ssdp(&f->c, (const uint8_t *)req, n, 0, out,
	    sizeof(out)), 0);
	n = pmp_http_get("192.168.77.1:5000", "/rootDesc.xml", req,
	    sizeof(req) - 1);
	req[n] = '\0';
	assert_int_equal(exchange(f, req, &bl), 200);
	assert_int_equal(pmp_igd_desc_parse(f->body, bl, &d), 0);
	assert_int_equal(d.igd_version, 2);
	assert_int_equal(d.nservices, 1);
	assert_string_equal(d.services[0].control_url, "/ctl/IPConn");
	n = pmp_http_get("h", "/other.xml", req, sizeof(req) - 1);
	req[n] = '\0';
	assert_int_equal(exchange(f, req, &bl), 404);
	/* a request not yet whole, one too big */
	assert_int_equal(gw_igd_request_length("GET / HTTP/1.1\r\n", 16), 0);
	assert_int_equal(gw_igd_request_length("POST / HTTP/1.1\r\n"
	    "Content-Length: 99999\r\n\r\n", 42), -1);
}

static void
test_actions(void **state)
{
	struct fx *f = *state;
	const pmp_soap_arg_t key[] = { { "NewRemoteHost", "" },
	    { "NewExternalPort", "6000" }, { "NewProtocol", "UDP" } };

	assert_int_equal(call(f, "GetExternalIPAddress", NULL, 0), 0);
	assert_string_equal(pmp_soap_get(&f->a, "NewExternalIPAddress"),
	    "203.0.113.7");
	assert_int_equal(call(f, "GetStatusInfo", NULL, 0), 0);
	assert_string_equal(pmp_soap_get(&f->a, "NewConnectionStatus"),
	    "Connected");
	assert_int_equal(add(f, "AddPortMapping", "6000", "UDP", "6000",
	    "3600"), 0);
	assert_int_equal(call(f, "GetSpecificPortMappingEntry", key, 3), 0);
	assert_string_equal(pmp_soap_get(&f->a, "NewInternalClient"),
	    "192.168.77.2");
	assert_string_equal(pmp_soap_get(&f->a, "NewLeaseDuration"), "3600");
	/* the same again renews; another internal port on it: 718 */
	assert_int_equal(add(f, "AddPortMapping", "6000", "UDP", "6000",
	    "3600"), 0);
	assert_int_equal(add(f, "AddPortMapping", "6000", "UDP", "6001",
	    "3600"), 718);
	/* AddAnyPortMapping: another port, said in NewReservedPort */
	assert_int_equal(add(f, "AddAnyPortMapping", "6000", "UDP", "6001",
	    "600"), 0);
	assert_string_equal(pmp_soap_get(&f->a, "NewReservedPort"), "6001");
	/* lowercase protocol, port 0, a lease past IGDv2's week: refused */
	assert_int_equal(add(f, "AddPortMapping", "6002", "udp", "6002", "0"),
	    402);
	assert_int_equal(add(f, "AddPortMapping", "0", "UDP", "6002", "0"),
	    716);
	assert_int_equal(add(f, "AddPortMapping", "6002", "UDP", "6002",
	    "604801"), 402);
	/* lease 0: the table's maximum */
	assert_int_equal(add(f, "AddPortMapping", "6003", "TCP", "6003", "0"),
	    0);
	assert_int_equal(f->t.n, 3);
	assert_int_equal(call(f, "DeletePortMapping", key, 3), 0);
	assert_int_equal(call(f, "DeletePortMapping", key, 3), 714);
	assert_int_equal(call(f, "GetSpecificPortMappingEntry", key, 3), 714);
	assert_int_equal(call(f, "SetConnectionType", NULL, 0), 401);
	assert_int_equal(f->t.n, 2);
}

static void
test_faults(void **state)
{
	struct fx *f = *state;

	f->c.only_permanent = 1;
	f->c.chunked = 1;
	assert_int_equal(add(f, "AddPortMapping", "7000", "TCP", "7000",
	    "3600"), 725);
	assert_int_equal(add(f, "AddPortMapping", "7000", "TCP", "7000", "0"),
	    0);
	f->c.only_permanent = 0;
	f->c.args_on_lease = 1;
	assert_int_equal(add(f, "AddPortMapping", "7001", "TCP", "7001",
	    "60"), 402);
	f->c.args_on_lease = 0;
	f->c.conflict = 1;
	assert_int_equal(add(f, "AddPortMapping", "7002", "TCP", "7002",
	    "60"), 718);
	f->c.conflict = 0;
	f->c.version = 1;	/* IGDv1: no AddAnyPortMapping */
	assert_int_equal(add(f, "AddAnyPortMapping", "7003", "TCP", "7003",
	    "60"), 401);
	f->c.empty_address = 1;
	assert_int_equal(call(f, "GetExternalIPAddress", NULL, 0), 0);
	assert_string_equal(pmp_soap_get(&f->a, "NewExternalIPAddress"), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ssdp_and_description,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_actions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
