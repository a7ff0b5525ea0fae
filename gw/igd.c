/*
 * igd.c - pmp-gateway's UPnP-IGD (see igd.h): the description, WANIPConnection's actions (IGD 1.0 and 2.0) over the
 * gateway's mapping table, and the faults.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "igd.h"
#include "upnp/xml.h"

#define CONTROL_PATH "/ctl/IPConn"
#define MAX_ARGS 12

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

int
gw_igd_header(const char *head, size_t n, const char *name, char *out, size_t cap)
{
	const char *p = head, *end = head + n;
	size_t nl = strlen(name);

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((eol != NULL ? eol : end) - p), i;

		if (len > nl && p[nl] == ':') {
			for (i = 0; i < nl && lower((unsigned char)p[i]) ==
			    name[i]; i++)
				;
			if (i == nl) {
				const char *v = p + nl + 1, *ve = p + len;

				while (v < ve && (*v == ' ' || *v == '\t'))
					v++;
				while (ve > v && (ve[-1] == '\r' ||
				    ve[-1] == ' ' || ve[-1] == '\t'))
					ve--;
				if ((size_t)(ve - v) >= cap)
					return -1;
				memcpy(out, v, (size_t)(ve - v));
				out[ve - v] = '\0';
				return 0;
			}
		}
		if (eol == NULL)
			break;
		p = eol + 1;
	}
	return -1;
}

/* ------------------------------------------------------------- HTTP */

long
gw_igd_request_length(const char *buf, size_t n)
{
	const char *end = NULL;
	char cl[16];
	size_t i;
	unsigned long body = 0;

	for (i = 0; i + 3 < n; i++)
		if (memcmp(buf + i, "\r\n\r\n", 4) == 0) {
			end = buf + i + 4;
			break;
		}
	if (end == NULL)
		return n >= GW_IGD_MAX_REQUEST ? -1 : 0;
	if (gw_igd_header(buf, (size_t)(end - buf), "content-length", cl,
	    sizeof(cl)) == 0) {
		char *e;

		body = strtoul(cl, &e, 10);
		if (*e != '\0' || e == cl)
			return -1;
	}
	if ((size_t)(end - buf) + body > GW_IGD_MAX_REQUEST)
		return -1;
	return (size_t)(end - buf) + body <= n ?
	    (long)((size_t)(end - buf) + body) : 0;
}

/* An answer with status and body, chunked if so configured. */
static size_t
answer(const gw_igd_cfg_t *c, int status, const char *body, char *out,
    size_t cap)
{
	const char *reason = status == 200 ? "OK" : status == 500 ?
	    "Internal Server Error" : status == 404 ? "Not Found" :
	    "Bad Request";
	size_t bl = strlen(body), half = bl / 2;
	int n;

	if (c->chunked)
		n = snprintf(out, cap, "HTTP/1.1 %d %s\r\n"
		    "Content-Type: text/xml; charset=\"utf-8\"\r\n"
		    "Connection: close\r\nServer: " GW_IGD_SERVER "\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n"
		    "%zx\r\n%.*s\r\n%zx\r\n%s\r\n0\r\n\r\n", status, reason,
		    half, (int)half, body, bl - half, body + half);
	else
		n = snprintf(out, cap, "HTTP/1.1 %d %s\r\n"
		    "Content-Type: text/xml; charset=\"utf-8\"\r\n"
		    "Connection: close\r\nServer: " GW_IGD_SERVER "\r\n"
		    "Content-Length: %zu\r\n\r\n%s", status, reason, bl, body);
	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

static size_t
description(const gw_igd_cfg_t *c, char *out, size_t cap)
{
	char body[3072];
	unsigned v = c->version;

	snprintf(body, sizeof(body), "<?xml version=\"1.0\"?>\r\n"
	    "<root xmlns=\"urn:schemas-upnp-org:device-1-0\">"
	    "<specVersion><major>1</major><minor>1</minor></specVersion>"
	    "<device><deviceType>urn:schemas-upnp-org:device:"
	    "InternetGatewayDevice:%u</deviceType>"
	    "<friendlyName>pmp-gateway</friendlyName>"
	    "<manufacturer>pmp</manufacturer>"
	    "<modelName>pmp-gateway test IGD</modelName>"
	    "<UDN>" GW_IGD_UUID "</UDN><deviceList><device>"
	    "<deviceType>urn:schemas-upnp-org:device:WANDevice:%u"
	    "</deviceType><friendlyName>WANDevice</friendlyName>"
	    "<UDN>" GW_IGD_UUID "-1</UDN><deviceList><device>"
	    "<deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:%u"
	    "</deviceType><friendlyName>WANConnectionDevice</friendlyName>"
	    "<UDN>" GW_IGD_UUID "-2</UDN><serviceList><service>"
	    "<serviceType>urn:schemas-upnp-org:service:WANIPConnection:%u"
	    "</serviceType><serviceId>urn:upnp-org:serviceId:WANIPConn1"
	    "</serviceId><SCPDURL>/WANIPCn.xml</SCPDURL>"
	    "<controlURL>" CONTROL_PATH "</controlURL>"
	    "<eventSubURL>/evt/IPConn</eventSubURL></service>%s</serviceList>"
	    "</device></deviceList></device></deviceList></device></root>\r\n",
	    v, v, v, v, c->pinholes != NULL && v >= 2 ?
	    "<service><serviceType>urn:schemas-upnp-org:service:"
	    "WANIPv6FirewallControl:1</serviceType><serviceId>urn:upnp-org:"
	    "serviceId:WANIPv6Firewall1</serviceId><SCPDURL>/WANIP6FC.xml"
	    "</SCPDURL><controlURL>" GW_IGD_FIREWALL_PATH "</controlURL>"
	    "<eventSubURL>/evt/IP6FCtl</eventSubURL></service>" : "");
	return answer(c, 200, body, out, cap);
}

/* ------------------------------------------------------------- SOAP */


/* The action inside <Body> and its arguments; -1 if none. */
static int
read_action(const char *body, size_t n, gw_igd_action_t *a)
{
	pmp_xml_t x;
	pmp_xml_token_t t;
	int body_depth = 0, action_depth = 0;

	memset(a, 0, sizeof(*a));
	pmp_xml_init(&x, body, n);
	for (;;) {
		switch (pmp_xml_next(&x, &t)) {
		case PMP_XML_ERROR:
			return -1;
		case PMP_XML_END_OF_DOCUMENT:
			return a->name[0] != '\0' ? 0 : -1;
		case PMP_XML_START:
			if (pmp_xml_is(&t, "Body") && body_depth == 0) {
				body_depth = t.depth;
			} else if (body_depth != 0 && action_depth == 0 &&
			    t.depth == body_depth + 1 &&
			    t.name_len < sizeof(a->name)) {
				action_depth = t.depth;
				memcpy(a->name, t.name, t.name_len);
			} else if (action_depth != 0 &&
			    t.depth == action_depth + 1) {
				if (a->nargs == MAX_ARGS ||
				    t.name_len >= sizeof(a->arg[0]))
					return -1;
				memcpy(a->arg[a->nargs], t.name, t.name_len);
				a->nargs++;
			}
			break;
		case PMP_XML_TEXT:
			if (action_depth != 0 && t.depth == action_depth + 1 &&
			    a->nargs > 0 && pmp_xml_text(&t,
			    a->val[a->nargs - 1], sizeof(a->val[0])) < 0)
				return -1;
			break;
		case PMP_XML_END:
			break;
		}
	}
}

static size_t
fault(const gw_igd_cfg_t *c, int code, const char *text, char *out,
    size_t cap, gw_igd_event_t *ev)
{
	char body[1024];

	ev->error = code;
	snprintf(body, sizeof(body), "<?xml version=\"1.0\"?>\r\n"
	    "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\""
	    " s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">"
	    "<s:Body><s:Fault><faultcode>s:Client</faultcode>"
	    "<faultstring>UPnPError</faultstring><detail>"
	    "<UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\">"
	    "<errorCode>%d</errorCode><errorDescription>%s"
	    "</errorDescription></UPnPError></detail></s:Fault></s:Body>"
	    "</s:Envelope>\r\n", code, text);
	return answer(c, 500, body, out, cap);
}

/* A 200 answer: <actionResponse> with the out arguments (already XML),
 * in the namespace of the service (NULL: WANIPConnection:version). */
static size_t
success_of(const gw_igd_cfg_t *c, const char *service, const char *action,
    const char *args, char *out, size_t cap)
{
	char body[2048], wanip[40];
	int n;

	snprintf(wanip, sizeof(wanip), "WANIPConnection:%u", c->version);
	n = snprintf(body, sizeof(body), "<?xml version=\"1.0\"?>\r\n"
	    "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\""
	    " s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">"
	    "<s:Body><u:%sResponse xmlns:u=\"urn:schemas-upnp-org:service:"
	    "%s\">%s</u:%sResponse></s:Body></s:Envelope>\r\n",
	    action, service != NULL ? service : wanip, args, action);
	if (c->bad_xml && n > 40)
		body[n - 40] = '\0';	/* cut inside the envelope */
	return answer(c, 200, body, out, cap);
}

#define success(c, action, args, out, cap) \
	success_of(c, NULL, action, args, out, cap)

static int
parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* "TCP" or "UDP", as IGD requires (uppercase): the table's 2 or 1. */
static int
parse_proto(const char *s, uint8_t *proto)
{
	if (s != NULL && strcmp(s, "TCP") == 0)
		*proto = 2;
	else if (s != NULL && strcmp(s, "UDP") == 0)
		*proto = 1;
	else
		return -1;
	return 0;
}

/* The mapping of external port and proto, or NULL. */
static const gw_mapping_t *
by_external(const gw_table_t *t, uint16_t port, uint8_t proto)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		const gw_mapping_t *m = gw_table_at(t, i);

		if (m->public_port == port && m->proto == proto)
			return m;
	}
	return NULL;
}

static size_t
add_mapping(gw_table_t *t, const gw_igd_cfg_t *c, const gw_igd_action_t *a,
    int any, uint64_t now_ms, char *out, size_t cap, gw_igd_event_t *ev)
{
	uint16_t ext, in, granted_port;
	uint8_t proto, client[4];
	const char *lease_s = gw_igd_arg(a, "NewLeaseDuration");
	const char *ic = gw_igd_arg(a, "NewInternalClient");
	unsigned long lease = 0;
	uint32_t granted;
	const gw_mapping_t *held;
	char body[128];

	if (parse_port(gw_igd_arg(a, "NewExternalPort"), &ext) != 0 ||
	    parse_port(gw_igd_arg(a, "NewInternalPort"), &in) != 0 ||
	    in == 0 || parse_proto(gw_igd_arg(a, "NewProtocol"), &proto) != 0 ||
	    ic == NULL || inet_pton(AF_INET, ic, client) != 1)
		return fault(c, 402, "Invalid Args", out, cap, ev);
	if (lease_s != NULL) {
		char *end;

		lease = strtoul(lease_s, &end, 10);
		if (*end != '\0' || lease > 604800)
			return fault(c, 402, "Invalid Args", out, cap, ev);
	}
	ev->external_port = ext;
	ev->internal_port = in;
	ev->proto = proto;
	ev->lease = (uint32_t)lease;
	if (ext == 0)
		return fault(c, 716, "WildCardNotPermittedInExtPort", out, cap,
		    ev);
	if (lease != 0 && c->only_permanent)
		return fault(c, 725, "OnlyPermanentLeasesSupported", out, cap,
		    ev);
	if (lease != 0 && c->args_on_lease)
		return fault(c, 402, "Invalid Args", out, cap, ev);
	if (c->conflict && !any)
		return c->conflict_729 ? fault(c, 729,
		    "ConflictWithOtherMechanisms", out, cap, ev) :
		    fault(c, 718, "ConflictInMappingEntry", out, cap, ev);
	held = by_external(t, ext, proto);
	if (held != NULL && (memcmp(held->client, client, 4) != 0 ||
	    held->private_port != in)) {
		/* another host's port: AddAnyPortMapping picks another */
		if (!any)
			return fault(c, 718, "ConflictInMappingEntry", out,
			    cap, ev);
		ext = 0;
	}
	/* lease 0: permanent in IGDv1, the maximum in IGDv2 (the table
	 * caps it either way); drop_finite says yes to a finite one and
	 * keeps it one second */
	if (gw_table_map(t, client, proto, in, ext != 0 ? ext : in,
	    lease == 0 ? 604800u : c->drop_finite ? 1u : (uint32_t)lease,
	    now_ms, &granted_port,
	    &granted) != 0)
		return fault(c, 728, "NoPortMapsAvailable", out, cap, ev);
	if (!any && granted_port != ext) {
		(void)gw_table_unmap(t, client, proto, in);
		return fault(c, 718, "ConflictInMappingEntry", out, cap, ev);
	}
	ev->external_port = granted_port;
	if (!any)
		return success(c, "AddPortMapping", "", out, cap);
	snprintf(body, sizeof(body), "<NewReservedPort>%u</NewReservedPort>",
	    (unsigned)granted_port);
	return success(c, "AddAnyPortMapping", body, out, cap);
}

/* A mapping's entry: GetSpecificPortMappingEntry's out arguments, and
 * with generic, the key fields GetGenericPortMappingEntry adds. */
static size_t
entry(const gw_igd_cfg_t *c, const char *action, const gw_mapping_t *m,
    int generic, uint64_t now_ms, char *out, size_t cap, gw_igd_event_t *ev)
{
	char buf[512], addr[16];
	int n = 0;

	ev->external_port = m->public_port;
	ev->internal_port = m->private_port;
	ev->proto = m->proto;
	inet_ntop(AF_INET, m->client, addr, sizeof(addr));
	if (generic)
		n = snprintf(buf, sizeof(buf), "<NewRemoteHost></NewRemoteHost>"
		    "<NewExternalPort>%u</NewExternalPort><NewProtocol>%s"
		    "</NewProtocol>", (unsigned)m->public_port,
		    m->proto == 1 ? "UDP" : "TCP");
	snprintf(buf + n, sizeof(buf) - (size_t)n, "<NewInternalPort>%u"
	    "</NewInternalPort><NewInternalClient>%s</NewInternalClient>"
	    "<NewEnabled>1</NewEnabled>"
	    "<NewPortMappingDescription></NewPortMappingDescription>"
	    "<NewLeaseDuration>%llu</NewLeaseDuration>",
	    (unsigned)m->private_port, addr,
	    (unsigned long long)((m->expires_ms - now_ms) / 1000));
	return success(c, action, buf, out, cap);
}

static size_t
soap(gw_table_t *t, const gw_config_t *g, const gw_igd_cfg_t *c,
    const char *body, size_t n, uint64_t now_ms, char *out, size_t cap,
    gw_igd_event_t *ev)
{
	gw_igd_action_t a;
	char buf[512], addr[16];
	uint16_t port;
	uint8_t proto;
	const gw_mapping_t *m;

	if (read_action(body, n, &a) != 0)
		return fault(c, 402, "Invalid Args", out, cap, ev);
	snprintf(ev->action, sizeof(ev->action), "%s", a.name);
	gw_table_expire(t, now_ms);
	if (strcmp(a.name, "GetExternalIPAddress") == 0) {
		if (c->empty_address)
			addr[0] = '\0';
		else if (g->zero_address)
			snprintf(addr, sizeof(addr), "0.0.0.0");
		else
			inet_ntop(AF_INET, g->public_addr, addr, sizeof(addr));
		snprintf(buf, sizeof(buf), "<NewExternalIPAddress>%s"
		    "</NewExternalIPAddress>", addr);
		return success(c, a.name, buf, out, cap);
	}
	if (strcmp(a.name, "GetStatusInfo") == 0)
		return success(c, a.name, "<NewConnectionStatus>Connected"
		    "</NewConnectionStatus><NewLastConnectionError>ERROR_NONE"
		    "</NewLastConnectionError><NewUptime>1</NewUptime>", out,
		    cap);
	if (strcmp(a.name, "AddPortMapping") == 0)
		return add_mapping(t, c, &a, 0, now_ms, out, cap, ev);
	if (strcmp(a.name, "AddAnyPortMapping") == 0 && c->version >= 2 &&
	    !c->no_add_any)
		return add_mapping(t, c, &a, 1, now_ms, out, cap, ev);
	if (strcmp(a.name, "GetGenericPortMappingEntry") == 0) {
		const char *ix = gw_igd_arg(&a, "NewPortMappingIndex");
		char *end;
		unsigned long i;

		if (ix == NULL || *ix < '0' || *ix > '9')
			return fault(c, 402, "Invalid Args", out, cap, ev);
		i = strtoul(ix, &end, 10);
		if (*end != '\0' || i >= t->n)
			return fault(c, 713, "SpecifiedArrayIndexInvalid", out,
			    cap, ev);
		m = gw_table_at(t, (size_t)i);
		return entry(c, a.name, m, 1, now_ms, out, cap, ev);
	}
	if (strcmp(a.name, "DeletePortMapping") == 0 ||
	    strcmp(a.name, "GetSpecificPortMappingEntry") == 0) {
		if (parse_port(gw_igd_arg(&a, "NewExternalPort"), &port) != 0 ||
		    parse_proto(gw_igd_arg(&a, "NewProtocol"), &proto) != 0)
			return fault(c, 402, "Invalid Args", out, cap, ev);
		ev->external_port = port;
		ev->proto = proto;
		m = by_external(t, port, proto);
		if (m == NULL)
			return fault(c, 714, "NoSuchEntryInArray", out, cap,
			    ev);
		ev->internal_port = m->private_port;
		if (a.name[0] == 'D') {
			(void)gw_table_unmap(t, m->client, proto,
			    m->private_port);
			return success(c, a.name, "", out, cap);
		}
		return entry(c, a.name, m, 0, now_ms, out, cap, ev);
	}
	return fault(c, 401, "Invalid Action", out, cap, ev);
}

/* WANIPv6FirewallControl:1 (igd_pinhole.c) */
static size_t
firewall(const gw_igd_cfg_t *c, const char *body, size_t n,
    uint64_t now_ms, char *out, size_t cap, gw_igd_event_t *ev)
{
	gw_igd_action_t a;
	char args[256];
	const char *text;
	int code;

	if (read_action(body, n, &a) != 0)
		return fault(c, 402, "Invalid Args", out, cap, ev);
	snprintf(ev->action, sizeof(ev->action), "%s", a.name);
	code = gw_igd_pinhole(c->pinholes, &a, now_ms, args, sizeof(args),
	    &text);
	if (code != 0)
		return fault(c, code, text, out, cap, ev);
	return success_of(c, "WANIPv6FirewallControl:1", a.name, args, out,
	    cap);
}

size_t
gw_igd_http(gw_table_t *t, const gw_config_t *g, const gw_igd_cfg_t *c,
    const uint8_t client[4], const char *req, size_t n, uint64_t now_ms,
    char *out, size_t cap, gw_igd_event_t *ev)
{
	long len = gw_igd_request_length(req, n);
	const char *body;
	char path[128];
	int k = 0;

	(void)client;
	memset(ev, 0, sizeof(*ev));
	if (len <= 0)
		return answer(c, 400, "", out, cap);
	body = strstr(req, "\r\n\r\n") + 4;
	if (sscanf(req, "GET %127s HTTP/1.%*1[01]%n", path, &k) == 1 &&
	    k > 0) {
		snprintf(ev->action, sizeof(ev->action), "GET %.30s", path);
		if (strcmp(path, "/rootDesc.xml") == 0)
			return description(c, out, cap);
		return answer(c, 404, "", out, cap);
	}
	if (sscanf(req, "POST %127s HTTP/1.%*1[01]%n", path, &k) == 1 &&
	    k > 0) {
		if (strcmp(path, GW_IGD_FIREWALL_PATH) == 0 &&
		    c->pinholes != NULL && c->version >= 2)
			return firewall(c, body, (size_t)(req + len - body),
			    now_ms, out, cap, ev);
		if (strcmp(path, CONTROL_PATH) != 0) {
			snprintf(ev->action, sizeof(ev->action), "POST %.30s",
			    path);
			return answer(c, 404, "", out, cap);
		}
		return soap(t, g, c, body, (size_t)(req + len - body), now_ms,
		    out, cap, ev);
	}
	snprintf(ev->action, sizeof(ev->action), "bad request");
	return answer(c, 400, "", out, cap);
}
