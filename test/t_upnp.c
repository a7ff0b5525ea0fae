/*
 * t_upnp.c - UPnP-IGD's pure readers and writers: the XML reader (well
 * formed, hostile), an IGD description (services anywhere in the device
 * tree, IGDv1 and v2, URLBase), SSDP (the M-SEARCH's exact form, answers
 * with any header case, NOTIFY alive/byebye with BOOTID), URLs (parsed,
 * resolved), the HTTP reader (Content-Length, chunked cut at every byte,
 * to the close, the bounds) and SOAP (the envelope, answers, UPnPError).
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

#include "upnp/desc.h"
#include "upnp/http.h"
#include "upnp/search.h"
#include "upnp/soap.h"
#include "upnp/ssdp.h"
#include "upnp/url.h"
#include "upnp/xml.h"

static int
count_kind(const char *doc, pmp_xml_kind_t want, pmp_xml_kind_t *last)
{
	pmp_xml_t x;
	pmp_xml_token_t t;
	int n = 0;

	pmp_xml_init(&x, doc, strlen(doc));
	for (;;) {
		pmp_xml_kind_t k = pmp_xml_next(&x, &t);

		if (k == want)
			n++;
		if (k == PMP_XML_END_OF_DOCUMENT || k == PMP_XML_ERROR) {
			*last = k;
			return n;
		}
	}
}

static void
test_xml(void **state)
{
	pmp_xml_t x;
	pmp_xml_token_t t;
	pmp_xml_kind_t last;
	char buf[64];
	const char *doc = "<?xml version=\"1.0\"?>\n<!-- c -->"
	    "<s:a xmlns:s=\"u&gt;\" q='>'><b/><c>  x &amp; &#65;&#x42; </c>"
	    "<d><![CDATA[<&>]]></d></s:a>\n";
	char deep[PMP_XML_MAX_DEPTH * 3 + 8];
	int i;

	(void)state;
	pmp_xml_init(&x, doc, strlen(doc));
	assert_int_equal(pmp_xml_next(&x, &t), PMP_XML_START);
	assert_true(pmp_xml_is(&t, "a"));	/* the local name */
	assert_int_equal(t.depth, 1);
	assert_int_equal(pmp_xml_next(&x, &t), PMP_XML_START);
	assert_true(pmp_xml_is(&t, "b"));
	assert_int_equal(pmp_xml_next(&x, &t), PMP_XML_END);	/* <b/> */
	assert_true(pmp_xml_is(&t, "b"));
	assert_int_equal(pmp_xml_next(&x, &t), PMP_XML_START);
	assert_int_equal(pmp_xml_next(&x, &t), PMP_XML_TEXT);
	assert_int_equal(pmp_xml_text(&t, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "x & AB");
	assert_int_equal(pmp_xml_text(&t, buf, 4), -1);	/* no room */
	assert_int_equal(pmp_xml_next(&x, &t), PMP_XML_END);
	assert_int_equal(pmp_xml_next(&x, &t), PMP_XML_START);
	assert_int_equal(pmp_xml_next(&x, &t), PMP_XML_TEXT);
	assert_int_equal(pmp_xml_text(&t, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "<&>");	/* CDATA as is */
	assert_int_equal(pmp_xml_next(&x, &t), PMP_XML_END);
	assert_int_equal(pmp_xml_next(&x, &t), PMP_XML_END);
	assert_int_equal(pmp_xml_next(&x, &t), PMP_XML_END_OF_DOCUMENT);

	/* what is refused, whole */
	(void)count_kind("<a><b></a></b>", PMP_XML_START, &last);
	assert_int_equal(last, PMP_XML_ERROR);
	(void)count_kind("<a><b>", PMP_XML_START, &last);
	assert_int_equal(last, PMP_XML_ERROR);
	(void)count_kind("<a x=\"1></a>", PMP_XML_START, &last);
	assert_int_equal(last, PMP_XML_ERROR);
	(void)count_kind("junk<a/>", PMP_XML_START, &last);
	assert_int_equal(last, PMP_XML_ERROR);
	(void)count_kind("<a><!-- open </a>", PMP_XML_START, &last);
	assert_int_equal(last, PMP_XML_ERROR);
	(void)count_kind("<a:>x</a:>", PMP_XML_START, &last);
	assert_int_equal(last, PMP_XML_ERROR);
	/* nesting past the bound */
	for (i = 0; i <= PMP_XML_MAX_DEPTH; i++)
		memcpy(deep + i * 3, "<a>", 3);
	deep[(PMP_XML_MAX_DEPTH + 1) * 3] = '\0';
	assert_int_equal(count_kind(deep, PMP_XML_START, &last),
	    PMP_XML_MAX_DEPTH);
	assert_int_equal(last, PMP_XML_ERROR);
	/* references outside ASCII or unknown: refused, not guessed */
	pmp_xml_init(&x, "<a>&#233;</a>", 13);
	(void)pmp_xml_next(&x, &t);
	(void)pmp_xml_next(&x, &t);
	assert_int_equal(pmp_xml_text(&t, buf, sizeof(buf)), -1);
	pmp_xml_init(&x, "<a>&nbsp;</a>", 13);
	(void)pmp_xml_next(&x, &t);
	(void)pmp_xml_next(&x, &t);
	assert_int_equal(pmp_xml_text(&t, buf, sizeof(buf)), -1);
}

/* An IGDv2 description in miniupnpd's shape (rootDesc.xml). */
static const char igd2[] =
    "<?xml version=\"1.0\"?>\r\n"
    "<root xmlns=\"urn:schemas-upnp-org:device-1-0\" configId=\"1337\">"
    "<specVersion><major>1</major><minor>1</minor></specVersion>"
    "<device><deviceType>urn:schemas-upnp-org:device:"
    "InternetGatewayDevice:2</deviceType>"
    "<friendlyName>pmp lab router</friendlyName>"
    "<manufacturer>x</manufacturer><modelName>MiniUPnPd</modelName>"
    "<serviceList><service><serviceType>urn:schemas-upnp-org:service:"
    "Layer3Forwarding:1</serviceType><controlURL>/ctl/L3F</controlURL>"
    "</service></serviceList>"
    "<deviceList><device><deviceType>urn:schemas-upnp-org:device:"
    "WANDevice:2</deviceType><friendlyName>WANDevice</friendlyName>"
    "<serviceList><service><serviceType>urn:schemas-upnp-org:service:"
    "WANCommonInterfaceConfig:1</serviceType><controlURL>/ctl/CmnIfCfg"
    "</controlURL></service></serviceList>"
    "<deviceList><device><deviceType>urn:schemas-upnp-org:device:"
    "WANConnectionDevice:2</deviceType>"
    "<friendlyName>WANConnectionDevice</friendlyName><serviceList>"
    "<service><serviceType>urn:schemas-upnp-org:service:"
    "WANIPConnection:2</serviceType><serviceId>urn:upnp-org:serviceId:"
    "WANIPConn1</serviceId><controlURL>/ctl/IPConn</controlURL>"
    "<eventSubURL>/evt/IPConn</eventSubURL><SCPDURL>/WANIPCn.xml"
    "</SCPDURL></service>"
    "<service><serviceType>urn:schemas-upnp-org:service:"
    "WANIPv6FirewallControl:1</serviceType><controlURL>/ctl/IP6FCtl"
    "</controlURL></service></serviceList></device></deviceList>"
    "</device></deviceList>"
    "<presentationURL>http://192.168.0.1/</presentationURL>"
    "</device></root>\r\n";

static void
test_description(void **state)
{
	pmp_igd_desc_t d;
	unsigned v;
	char doc[sizeof(igd2) + 64];

	(void)state;
	assert_int_equal(pmp_igd_desc_parse(igd2, strlen(igd2), &d), 0);
	assert_int_equal(d.igd_version, 2);
	assert_string_equal(d.friendly_name, "pmp lab router");
	assert_string_equal(d.model_name, "MiniUPnPd");
	assert_string_equal(d.manufacturer, "x");
	assert_string_equal(d.url_base, "");
	assert_int_equal(d.nservices, 2);
	assert_int_equal(d.services[0].kind, PMP_IGD_WANIP);
	assert_int_equal(d.services[0].version, 2);
	assert_string_equal(d.services[0].control_url, "/ctl/IPConn");
	assert_int_equal(d.services[1].kind, PMP_IGD_FIREWALL6);
	assert_string_equal(d.services[1].control_url, "/ctl/IP6FCtl");
	/* IGDv1 with a PPP connection and URLBase (UDA 1.0) */
	strcpy(doc, "<root><URLBase>http://10.0.0.1:5000</URLBase><device>"
	    "<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1"
	    "</deviceType><deviceList><device><serviceList><service>"
	    "<serviceType>urn:schemas-upnp-org:service:WANPPPConnection:1"
	    "</serviceType><controlURL>ppp</controlURL></service>"
	    "</serviceList></device></deviceList>"
	    "<friendlyName>after the list</friendlyName></device></root>");
	assert_int_equal(pmp_igd_desc_parse(doc, strlen(doc), &d), 0);
	assert_int_equal(d.igd_version, 1);
	assert_string_equal(d.url_base, "http://10.0.0.1:5000");
	assert_int_equal(d.nservices, 1);
	assert_int_equal(d.services[0].kind, PMP_IGD_WANPPP);
	assert_string_equal(d.services[0].control_url, "ppp");
	/* the root device's name, even after its device list */
	assert_string_equal(d.friendly_name, "after the list");
	/* not well-formed, or no device: refused */
	assert_int_equal(pmp_igd_desc_parse(igd2, strlen(igd2) - 12, &d), -1);
	assert_int_equal(pmp_igd_desc_parse("<root/>", 7, &d), -1);
	/* the service types */
	assert_int_equal(pmp_igd_service_kind(
	    "urn:dslforum-org:service:WANIPConnection:1", &v), PMP_IGD_WANIP);
	assert_int_equal(v, 1);
	assert_int_equal(pmp_igd_service_kind(
	    "urn:schemas-upnp-org:service:WANIPConnection:", &v), 0);
	assert_int_equal(pmp_igd_service_kind(
	    "urn:schemas-upnp-org:service:WANIPConnection:1x", &v), 0);
}

static void
test_ssdp(void **state)
{
	char out[512];
	pmp_ssdp_msg_t m;
	size_t n;
	const char *answer = "HTTP/1.1 200 OK\r\n"
	    "cache-control: max-age=120\r\n"
	    "st: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
	    "usn: uuid:1::urn:schemas-upnp-org:device:InternetGatewayDevice:1"
	    "\r\n"
	    "EXT:\r\n"
	    "server: OpenWRT/x UPnP/1.1 MiniUPnPd/2.3.1\r\n"
	    "Location:  http://192.168.77.1:5000/rootDesc.xml \r\n"
	    "OPT: \"http://schemas.upnp.org/upnp/1/0/\"; ns=01\r\n"
	    "BOOTID.UPNP.ORG: 7\r\n\r\n";
	const char *byebye = "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900"
	    "\r\nNT: upnp:rootdevice\r\nNTS: ssdp:byebye\r\n"
	    "USN: uuid:1::upnp:rootdevice\r\nBOOTID.UPNP.ORG: 8\r\n\r\n";

	(void)state;
	n = pmp_ssdp_msearch("urn:schemas-upnp-org:device:"
	    "InternetGatewayDevice:2", "239.255.255.250:1900", 2, out,
	    sizeof(out));
	assert_int_equal(n, strlen(out));
	assert_string_equal(out, "M-SEARCH * HTTP/1.1\r\n"
	    "HOST: 239.255.255.250:1900\r\n"
	    "MAN: \"ssdp:discover\"\r\n"
	    "MX: 2\r\n"
	    "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:2\r\n\r\n");
	assert_int_equal(pmp_ssdp_msearch("x", "h", 2, out, 20), 0);
	n = pmp_ssdp_msearch("x", "h", 9, out, sizeof(out));
	assert_non_null(strstr(out, "MX: 5\r\n"));

	assert_int_equal(pmp_ssdp_parse((const uint8_t *)answer,
	    strlen(answer), &m), 0);
	assert_int_equal(m.kind, PMP_SSDP_ANSWER);
	assert_string_equal(m.location,
	    "http://192.168.77.1:5000/rootDesc.xml");
	assert_string_equal(m.st,
	    "urn:schemas-upnp-org:device:InternetGatewayDevice:1");
	assert_int_equal(m.max_age, 120);
	assert_true(m.has_bootid);
	assert_int_equal(m.bootid, 7);
	assert_non_null(strstr(m.server, "MiniUPnPd"));
	assert_int_equal(pmp_ssdp_parse((const uint8_t *)byebye,
	    strlen(byebye), &m), 0);
	assert_int_equal(m.kind, PMP_SSDP_BYEBYE);
	assert_int_equal(m.bootid, 8);
	/* an M-SEARCH (ours, echoed), a 404, no LOCATION, a cut line */
	n = pmp_ssdp_msearch("x", "h", 2, out, sizeof(out));
	assert_int_equal(pmp_ssdp_parse((const uint8_t *)out, n, &m), -1);
	assert_int_equal(pmp_ssdp_parse((const uint8_t *)
	    "HTTP/1.1 404 Not Found\r\nST: a\r\nUSN: b\r\nLOCATION: c\r\n\r\n",
	    58, &m), -1);
	assert_int_equal(pmp_ssdp_parse((const uint8_t *)
	    "HTTP/1.1 200 OK\r\nST: a\r\nUSN: b\r\n\r\n", 35, &m), -1);
	assert_int_equal(pmp_ssdp_parse((const uint8_t *)answer, 40, &m), -1);
	assert_int_equal(pmp_ssdp_parse((const uint8_t *)
	    "HTTP/1.1 200 OK\r\nST: a\r\nUSN: b\r\nLOCATION: c\r\n"
	    "BOOTID.UPNP.ORG: x\r\n\r\n", 66, &m), -1);
}

static void
test_url(void **state)
{
	pmp_url_t u, r;

	(void)state;
	assert_int_equal(pmp_url_parse("http://192.168.77.1:5000/rootDesc.xml",
	    &u), 0);
	assert_int_equal(u.port, 5000);
	assert_string_equal(u.host, "192.168.77.1:5000");
	assert_string_equal(u.path, "/rootDesc.xml");
	assert_int_equal(u.addr[10], 0xff);
	assert_int_equal(u.addr[15], 1);
	assert_int_equal(pmp_url_parse("http://10.0.0.1", &u), 0);
	assert_int_equal(u.port, 80);
	assert_string_equal(u.path, "/");
	assert_int_equal(pmp_url_parse("http://[2001:db8::1]:49152/d.xml",
	    &u), 0);
	assert_string_equal(u.host, "[2001:db8::1]:49152");
	assert_int_equal(u.addr[0], 0x20);
	/* names (no DNS here), other schemes, bad ports, spaces */
	assert_int_equal(pmp_url_parse("http://router.lan/x", &u), -1);
	assert_int_equal(pmp_url_parse("https://10.0.0.1/x", &u), -1);
	assert_int_equal(pmp_url_parse("http://10.0.0.1:0/x", &u), -1);
	assert_int_equal(pmp_url_parse("http://10.0.0.1:99999/x", &u), -1);
	assert_int_equal(pmp_url_parse("http://10.0.0.1:/x", &u), -1);
	assert_int_equal(pmp_url_parse("http://10.0.0.1/a b", &u), -1);
	/* resolving (UDA 1.1 §2.3) */
	assert_int_equal(pmp_url_parse("http://10.0.0.1:5000/igd/root.xml",
	    &u), 0);
	assert_int_equal(pmp_url_resolve(&u, "/ctl/IPConn", &r), 0);
	assert_string_equal(r.path, "/ctl/IPConn");
	assert_string_equal(r.host, "10.0.0.1:5000");
	assert_int_equal(pmp_url_resolve(&u, "ctl/IPConn", &r), 0);
	assert_string_equal(r.path, "/igd/ctl/IPConn");
	assert_int_equal(pmp_url_resolve(&u, "http://10.0.0.2:80/c", &r), 0);
	assert_string_equal(r.host, "10.0.0.2:80");
	assert_int_equal(pmp_url_resolve(&u, "", &r), -1);
}

static pmp_http_state_t
feed_all(pmp_http_reader_t *h, const char *s, size_t step)
{
	size_t i, n = strlen(s);
	pmp_http_state_t st = PMP_HTTP_MORE;

	for (i = 0; i < n && st == PMP_HTTP_MORE; i += step)
		st = pmp_http_feed(h, (const uint8_t *)s + i,
		    i + step > n ? n - i : step);
	return st;
}

static void
test_http(void **state)
{
	pmp_http_reader_t h;
	char body[256], out[512];
	const char *chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
	    "\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-T: 1\r\n\r\n";
	size_t step, n;

	(void)state;
	for (step = 1; step <= 64; step++) {
		pmp_http_reader_init(&h, body, sizeof(body));
		assert_int_equal(feed_all(&h, chunked, step), PMP_HTTP_DONE);
		assert_int_equal(h.status, 200);
		assert_int_equal(h.body_len, 12);
		assert_memory_equal(body, "hello, world", 12);
	}
	pmp_http_reader_init(&h, body, sizeof(body));
	assert_int_equal(feed_all(&h, "HTTP/1.1 500 Internal Server Error\r\n"
	    "CONTENT-LENGTH: 3\r\n\r\nabcEXTRA", 7), PMP_HTTP_DONE);
	assert_int_equal(h.status, 500);
	assert_int_equal(h.body_len, 3);
	/* to the close */
	pmp_http_reader_init(&h, body, sizeof(body));
	assert_int_equal(feed_all(&h, "HTTP/1.0 200 OK\r\n\r\nall of it", 5),
	    PMP_HTTP_MORE);
	assert_int_equal(pmp_http_closed(&h), PMP_HTTP_DONE);
	assert_int_equal(h.body_len, 9);
	/* cut short */
	pmp_http_reader_init(&h, body, sizeof(body));
	assert_int_equal(feed_all(&h, "HTTP/1.1 200 OK\r\nContent-Length: 9"
	    "\r\n\r\nabc", 4), PMP_HTTP_MORE);
	assert_int_equal(pmp_http_closed(&h), PMP_HTTP_ERROR);
	/* bounds: a body larger than the buffer, an endless header, a
	 * chunk larger than what is left, a bad status line */
	pmp_http_reader_init(&h, body, sizeof(body));
	assert_int_equal(feed_all(&h, "HTTP/1.1 200 OK\r\nContent-Length: "
	    "100000\r\n\r\n", 8), PMP_HTTP_ERROR);
	pmp_http_reader_init(&h, body, 4);
	assert_int_equal(feed_all(&h, chunked, 3), PMP_HTTP_ERROR);
	pmp_http_reader_init(&h, body, sizeof(body));
	assert_int_equal(feed_all(&h, "HTTP/1.1 200 OK\r\n", 64),
	    PMP_HTTP_MORE);
	for (n = 0; n < PMP_HTTP_MAX_HEADER / 16 + 2; n++)
		if (pmp_http_feed(&h, (const uint8_t *)"X-Pad: 123456789\n",
		    17) == PMP_HTTP_ERROR)
			break;
	assert_true(n <= PMP_HTTP_MAX_HEADER / 17 + 1);
	assert_int_equal(pmp_http_feed(&h, (const uint8_t *)"\n", 1),
	    PMP_HTTP_ERROR);
	pmp_http_reader_init(&h, body, sizeof(body));
	assert_int_equal(feed_all(&h, "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
	    "chunked\r\n\r\nzz\r\n", 3), PMP_HTTP_ERROR);
	pmp_http_reader_init(&h, body, sizeof(body));
	assert_int_equal(feed_all(&h, "HTTP/1.1 2000 OK\r\n\r\n", 3),
	    PMP_HTTP_ERROR);
	pmp_http_reader_init(&h, body, sizeof(body));
	assert_int_equal(feed_all(&h, "HTTP/1.1 200 OK\r\nContent-Length: 1"
	    "\r\nContent-Length: 2\r\n\r\n", 3), PMP_HTTP_ERROR);
	/* requests */
	n = pmp_http_get("10.0.0.1:5000", "/rootDesc.xml", out, sizeof(out));
	assert_int_equal(n, strlen(out));
	assert_string_equal(out, "GET /rootDesc.xml HTTP/1.1\r\nHost: "
	    "10.0.0.1:5000\r\nConnection: close\r\n\r\n");
	n = pmp_http_soap_post("10.0.0.1:5000", "/ctl/IPConn",
	    "urn:schemas-upnp-org:service:WANIPConnection:1",
	    "GetExternalIPAddress", "<x/>", 4, out, sizeof(out));
	assert_true(n > 0);
	out[n] = '\0';
	assert_non_null(strstr(out, "SOAPAction: \"urn:schemas-upnp-org:"
	    "service:WANIPConnection:1#GetExternalIPAddress\"\r\n"));
	assert_non_null(strstr(out, "Content-Length: 4\r\n"));
	assert_non_null(strstr(out, "\r\n\r\n<x/>"));
}

static void
test_soap(void **state)
{
	char out[1024];
	pmp_soap_answer_t a;
	const pmp_soap_arg_t args[] = { { "NewRemoteHost", "" },
	    { "NewExternalPort", "5000" }, { "NewProtocol", "UDP" },
	    { "NewPortMappingDescription", "pmp <host> & \"x\"" } };
	const char *ok = "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"x\">"
	    "<s:Body><u:GetExternalIPAddressResponse xmlns:u=\"y\">"
	    "<NewExternalIPAddress>203.0.113.7</NewExternalIPAddress>"
	    "</u:GetExternalIPAddressResponse></s:Body></s:Envelope>";
	const char *fault = "<s:Envelope xmlns:s=\"x\"><s:Body><s:Fault>"
	    "<faultcode>s:Client</faultcode><faultstring>UPnPError"
	    "</faultstring><detail><UPnPError xmlns=\"urn:schemas-upnp-org:"
	    "control-1-0\"><errorCode>725</errorCode><errorDescription>"
	    "OnlyPermanentLeasesSupported</errorDescription></UPnPError>"
	    "</detail></s:Fault></s:Body></s:Envelope>";
	size_t n;

	(void)state;
	n = pmp_soap_envelope("urn:schemas-upnp-org:service:WANIPConnection:2",
	    "AddPortMapping", args, 4, out, sizeof(out));
	assert_int_equal(n, strlen(out));
	assert_non_null(strstr(out, "<s:Body><u:AddPortMapping xmlns:u=\"urn:"
	    "schemas-upnp-org:service:WANIPConnection:2\"><NewRemoteHost>"
	    "</NewRemoteHost><NewExternalPort>5000</NewExternalPort>"));
	assert_non_null(strstr(out, "<NewPortMappingDescription>pmp &lt;host"
	    "&gt; &amp; &quot;x&quot;</NewPortMappingDescription>"
	    "</u:AddPortMapping></s:Body></s:Envelope>"));
	assert_int_equal(pmp_soap_envelope("t", "A", args, 4, out, 40), 0);

	assert_int_equal(pmp_soap_read(200, ok, strlen(ok),
	    "GetExternalIPAddress", &a), 0);
	assert_false(a.fault);
	assert_string_equal(pmp_soap_get(&a, "NewExternalIPAddress"),
	    "203.0.113.7");
	assert_null(pmp_soap_get(&a, "NewReservedPort"));
	/* the answer to another action is not this one's */
	assert_int_equal(pmp_soap_read(200, ok, strlen(ok), "AddPortMapping",
	    &a), -1);
	assert_int_equal(pmp_soap_read(500, fault, strlen(fault),
	    "AddPortMapping", &a), 0);
	assert_true(a.fault);
	assert_int_equal(a.error_code, 725);
	assert_string_equal(a.error_text, "OnlyPermanentLeasesSupported");
	assert_int_equal(pmp_soap_read(404, fault, strlen(fault), "x", &a),
	    -1);
	assert_int_equal(pmp_soap_read(500, ok, strlen(ok), "x", &a), -1);
}

static size_t
answer(char *b, size_t cap, const char *st, const char *location)
{
	int n = snprintf(b, cap, "HTTP/1.1 200 OK\r\nST: %s\r\n"
	    "USN: uuid:x::%s\r\nLocation: %s\r\n\r\n", st, st, location);

	return (size_t)n;
}

/* The search: every target unicast and multicast, three rounds a second
 * apart; answers from any port; a device answering every ST counted once;
 * the IGD on the gateway's address first, the other (CARP) after; over
 * 200 ms after the gateway's own answer. */
static void
test_search(void **state)
{
	static const uint8_t gw[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
	    0xff, 192, 168, 77, 1 };
	static const uint8_t other[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
	    0xff, 192, 168, 77, 9 };
	pmp_search_t s;
	char out[512], b[512];
	uint8_t to[16];
	uint16_t port;
	size_t n;
	int sent = 0, unicast = 0;
	const pmp_igd_candidate_t *c;

	(void)state;
	pmp_search_init(&s, gw, 0);
	while ((n = pmp_search_output(&s, 0, out, sizeof(out), to, &port)) >
	    0) {
		sent++;
		assert_int_equal(port, 1900);
		if (memcmp(to, gw, 16) == 0) {
			unicast++;
			assert_non_null(strstr(out, "HOST: 192.168.77.1:1900\r\n"));
		} else {
			assert_int_equal(to[12], 239);
			assert_non_null(strstr(out,
			    "HOST: 239.255.255.250:1900\r\n"));
		}
		assert_non_null(strstr(out, "MAN: \"ssdp:discover\"\r\nMX: 2\r\n"));
	}
	assert_int_equal(sent, 10);
	assert_int_equal(unicast, 5);
	assert_int_equal(pmp_search_deadline(&s), 1000);
	assert_int_equal(pmp_search_output(&s, 999, out, sizeof(out), to,
	    &port), 0);
	/* another device first: a CARP peer, then a Wi-Fi thing */
	n = answer(b, sizeof(b), "urn:schemas-upnp-org:device:"
	    "InternetGatewayDevice:1", "http://192.168.77.9:5000/root.xml");
	pmp_search_input(&s, (const uint8_t *)b, n, other, 1900, 300);
	n = answer(b, sizeof(b), "urn:schemas-wifialliance-org:device:"
	    "WFADevice:1", "http://192.168.77.7/wfa.xml");
	pmp_search_input(&s, (const uint8_t *)b, n, other, 1900, 310);
	assert_int_equal(s.ncand, 1);
	assert_false(pmp_search_done(&s, 900));
	/* the gateway, from port 32768, for two of the targets: an IGDv1
	 * answer waits 200 ms for better ones; its IGDv2 answer cannot be
	 * outranked, and ends the search at once */
	n = answer(b, sizeof(b), "urn:schemas-upnp-org:service:"
	    "WANIPConnection:1", "http://192.168.77.1:5000/rootDesc.xml");
	pmp_search_input(&s, (const uint8_t *)b, n, gw, 32768, 1100);
	assert_false(pmp_search_done(&s, 1200));
	assert_true(pmp_search_deadline(&s) <= 1300);
	n = answer(b, sizeof(b), "urn:schemas-upnp-org:service:"
	    "WANIPConnection:2", "http://192.168.77.1:5000/rootDesc.xml");
	pmp_search_input(&s, (const uint8_t *)b, n, gw, 32768, 1201);
	assert_int_equal(s.ncand, 2);
	assert_true(pmp_search_done(&s, 1201));
	assert_int_equal(pmp_search_output(&s, 2000, out, sizeof(out), to,
	    &port), 0);		/* no more rounds once over */
	c = pmp_search_best(&s, 0);
	assert_non_null(c);
	assert_string_equal(c->location.host, "192.168.77.1:5000");
	assert_int_equal(c->from_port, 32768);
	assert_string_equal(c->reason, "on the gateway's address, answered by "
	    "the gateway, IGDv2");
	c = pmp_search_best(&s, 1);
	assert_non_null(c);
	assert_string_equal(c->location.host, "192.168.77.9:5000");
	assert_string_equal(c->reason, "elsewhere on the LAN, answered by "
	    "another host, IGDv1");
	assert_null(pmp_search_best(&s, 2));
	/* a loopback gateway (a test one): unicast only, never multicast */
	{
		static const uint8_t lo[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		    0xff, 0xff, 127, 77, 0, 1 };

		pmp_search_init(&s, lo, 0);
		sent = 0;
		while (pmp_search_output(&s, 0, out, sizeof(out), to,
		    &port) > 0) {
			assert_memory_equal(to, lo, 16);
			sent++;
		}
		assert_int_equal(sent, 5);
		assert_int_equal(pmp_search_deadline(&s), 1000);
		assert_int_equal(pmp_search_output(&s, 1000, out, sizeof(out),
		    to, &port) > 0, 1);
		assert_memory_equal(to, lo, 16);
	}
	/* nobody on the gateway: the whole window, 2 s after round 3 */
	pmp_search_init(&s, gw, 0);
	assert_int_equal(pmp_search_done(&s, 4499), 0);
	assert_int_equal(pmp_search_done(&s, 4500), 1);
	/* the gateway naming a description on another address (a CARP
	 * pair's): taken after the grace period, ranked and said so */
	pmp_search_init(&s, gw, 0);
	n = answer(b, sizeof(b), "urn:schemas-upnp-org:service:"
	    "WANIPConnection:2", "http://192.168.77.9:5000/rootDesc.xml");
	pmp_search_input(&s, (const uint8_t *)b, n, gw, 1900, 50);
	assert_false(pmp_search_done(&s, 249));
	assert_true(pmp_search_done(&s, 250));
	c = pmp_search_best(&s, 0);
	assert_non_null(c);
	assert_string_equal(c->reason, "elsewhere on the LAN, answered by "
	    "the gateway, IGDv2");
}

/* ---- Debian's miniupnpd 2.3.1, as captured in the interop lab by
 * fuzz/capture_miniupnpd.sh (the fuzz seeds miniupnpd-*): its real bytes
 * through the same readers. */

/* A capture, without fuzz_upnp's selector byte (and, for HTTP answers,
 * without its piece framing): 1 if read. */
static int
capture(const char *name, char *out, size_t cap, size_t *n)
{
	char path[256];
	unsigned char raw[16384];
	size_t len, i = 0;
	FILE *f;

	snprintf(path, sizeof(path), "fuzz/corpus/fuzz_upnp/miniupnpd-%s",
	    name);
	f = fopen(path, "rb");
	if (f == NULL)
		return 0;
	len = fread(raw, 1, sizeof(raw), f);
	fclose(f);
	*n = 0;
	if (raw[0] != 2) {		/* SSDP, description: as they are */
		*n = len - 1;
		memcpy(out, raw + 1, *n < cap ? *n : cap);
		return *n < cap;
	}
	for (i = 2; i < len; ) {	/* HTTP: size byte, then the piece */
		size_t piece = 1 + (raw[i] & 31);

		if (*n + piece > cap || i + 1 + piece > len)
			return 0;
		memcpy(out + *n, raw + i + 1, piece);
		*n += piece;
		i += 1 + piece;
	}
	return 1;
}

static void
soap_of(const char *name, const char *action, pmp_soap_answer_t *a)
{
	static char raw[16384], body[8192];
	pmp_http_reader_t h;
	size_t n;

	assert_true(capture(name, raw, sizeof(raw), &n));
	pmp_http_reader_init(&h, body, sizeof(body));
	assert_int_equal(pmp_http_feed(&h, (const uint8_t *)raw, n),
	    PMP_HTTP_DONE);
	assert_int_equal(pmp_soap_read(h.status, body, h.body_len, action, a),
	    0);
}

static void
test_miniupnpd_captures(void **state)
{
	static char buf[16384];
	pmp_ssdp_msg_t m;
	pmp_igd_desc_t d;
	pmp_soap_answer_t a;
	size_t n;
	unsigned i;
	int byebye = 0, alive = 0;

	(void)state;
	/* its search answer: LOCATION on a random port, BOOTID (UDA 1.1) */
	assert_true(capture("ssdp-InternetGatewayDevice-0", buf, sizeof(buf),
	    &n));
	assert_int_equal(pmp_ssdp_parse((const uint8_t *)buf, n, &m), 0);
	assert_int_equal(m.kind, PMP_SSDP_ANSWER);
	assert_true(m.has_bootid);
	assert_non_null(strstr(m.location, "http://10.77.0.1:"));
	/* its NOTIFYs across a restart: byebye, then alive with a BOOTID */
	for (i = 0; i < 100; i++) {
		char name[32];

		snprintf(name, sizeof(name), "notify-%u", i);
		if (!capture(name, buf, sizeof(buf), &n))
			break;
		assert_int_equal(pmp_ssdp_parse((const uint8_t *)buf, n, &m),
		    0);
		assert_true(m.has_bootid);
		byebye += m.kind == PMP_SSDP_BYEBYE;
		alive += m.kind == PMP_SSDP_ALIVE;
	}
	assert_true(byebye > 0 && alive > 0);
	/* its description: IGDv2, WANIPConnection:2, the names pmp probe
	 * shows */
	assert_true(capture("description", buf, sizeof(buf), &n));
	assert_int_equal(pmp_igd_desc_parse(buf, n, &d), 0);
	assert_int_equal(d.igd_version, 2);
	assert_string_equal(d.friendly_name, "Debian router");
	assert_string_equal(d.manufacturer, "Debian");
	for (i = 0; i < d.nservices && d.services[i].kind != PMP_IGD_WANIP;
	    i++)
		;
	assert_true(i < d.nservices);
	assert_int_equal(d.services[i].version, 2);
	/* its answers */
	soap_of("soap-GetExternalIPAddress", "GetExternalIPAddress", &a);
	assert_false(a.fault);
	assert_non_null(pmp_soap_get(&a, "NewExternalIPAddress"));
	soap_of("soap-GetStatusInfo", "GetStatusInfo", &a);
	assert_string_equal(pmp_soap_get(&a, "NewConnectionStatus"),
	    "Connected");
	soap_of("soap-AddPortMapping", "AddPortMapping", &a);
	assert_false(a.fault);
	soap_of("soap-AddAnyPortMapping", "AddAnyPortMapping", &a);
	assert_non_null(pmp_soap_get(&a, "NewReservedPort"));
	/* secure_mode: another host's address is a conflict, 718 */
	soap_of("soap-AddPortMapping-other", "AddPortMapping", &a);
	assert_true(a.fault);
	assert_int_equal(a.error_code, 718);
	/* deleting what is not there: not 714 NoSuchEntryInArray, as the
	 * spec says, but success (miniupnpd-nftables 2.3.1): a delete's
	 * success proves nothing was left, not that something was there */
	soap_of("soap-DeletePortMapping-none", "DeletePortMapping", &a);
	assert_false(a.fault);
	soap_of("soap-GetGenericPortMappingEntry-past",
	    "GetGenericPortMappingEntry", &a);
	assert_int_equal(a.error_code, 713);	/* SpecifiedArrayIndexInvalid */
	soap_of("soap-NoSuchAction", "NoSuchAction", &a);
	assert_int_equal(a.error_code, 401);	/* Invalid Action */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml),
		cmocka_unit_test(test_description),
		cmocka_unit_test(test_ssdp),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_http),
		cmocka_unit_test(test_soap),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_miniupnpd_captures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
