/*
 * util.c - what the subcommands share: argument parsing, output, exit
 * status, and opening a client.  Calls nothing of the subcommands'.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmp.h"
#include "cli.h"
#include "os.h"

void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", PROGNAME);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try '%s -h')\n", PROGNAME);
	exit(EXIT_USAGE);
}

unsigned long
parse_number(const char *s, const char *what, unsigned long min,
    unsigned long max)
{
	unsigned long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		usage_error("%s '%s' is not a number from %lu to %lu", what, s,
		    min, max);
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < min || v > max)
		usage_error("%s '%s' is not a number from %lu to %lu", what, s,
		    min, max);
	return v;
}

/* -t: decimal seconds, digits with an optional fraction, from 0.001 to
 * 86400; nothing strtod() would also take (" 5", "0x10", "1e2", "inf"). */
uint32_t
parse_seconds(const char *s)
{
	unsigned long whole = 0, frac_ms = 0, scale = 100;
	const char *p = s;

	if (*p < '0' || *p > '9')
		goto bad;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (unsigned long)(*p - '0');
		if (whole > 86400)
			goto bad;
	}
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9')
			goto bad;
		for (p++; *p >= '0' && *p <= '9'; p++) {
			frac_ms += (unsigned long)(*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p != '\0' || whole * 1000 + frac_ms < 1 ||
	    whole * 1000 + frac_ms > 86400000ul)
		goto bad;
	return (uint32_t)(whole * 1000 + frac_ms);
bad:
	usage_error("timeout '%s' is not a number of seconds from 0.001 to "
	    "86400", s);
}

uint16_t
parse_port(const char *s, const char *what, unsigned long min)
{
	return (uint16_t)parse_number(s, what, min, 65535);
}

void
v4_text(const uint8_t a[16], char *buf, size_t cap)
{
	static const uint8_t v4_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	uint8_t b[16];
	unsigned scope = 0;
	const char *ok;

	memcpy(b, a, 16);
	/* a link-local address carries its interface in bytes 2-3: shown
	 * as "fe80::1%eth0", the form -g takes */
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) {
		scope = (unsigned)b[2] << 8 | b[3];
		b[2] = b[3] = 0;
	}
	ok = memcmp(b, v4_prefix, 12) == 0 ?
	    inet_ntop(AF_INET, b + 12, buf, (unsigned)cap) :
	    inet_ntop(AF_INET6, b, buf, (unsigned)cap);
	if (ok == NULL) {
		snprintf(buf, cap, "?");
	} else if (scope != 0) {
		char name[64];
		size_t n = strlen(buf);

		if (os_if_name(scope, name, sizeof(name)) == 0)
			snprintf(buf + n, cap - n, "%%%s", name);
		else
			snprintf(buf + n, cap - n, "%%%u", scope);
	}
}

int
address_known(const uint8_t a[16])
{
	static const uint8_t zero[16];
	static const uint8_t any4[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
	    0xff };

	return memcmp(a, zero, 16) != 0 && memcmp(a, any4, 16) != 0;
}

const char *
event_name(pmp_event_type_t t)
{
	switch (t) {
	case PMP_EV_MAPPED:
		return "mapped";
	case PMP_EV_RENEWED:
		return "renewed";
	case PMP_EV_PORT_CHANGED:
		return "port-changed";
	case PMP_EV_ADDRESS_CHANGED:
		return "address-changed";
	case PMP_EV_GATEWAY_RESTARTED:
		return "gateway-restarted";
	case PMP_EV_LOST:
		return "lost";
	case PMP_EV_RESTORED:
		return "restored";
	case PMP_EV_RETRYING:
		return "retrying";
	case PMP_EV_DELETED:
		return "deleted";
	case PMP_EV_ANNOUNCEMENT:
		return "announcement";
	}
	return "?";
}

const char *
proto_name(int p)
{
	return p == PMP_PROTO_UDP ? "udp" : "tcp";
}

/* RFC 1918 private space or RFC 6598 shared (CGN) space. */
static const char *
address_kind(const uint8_t a[16])
{
	const uint8_t *v = a + 12;

	if (v[0] == 10 || (v[0] == 172 && (v[1] & 0xf0) == 16) ||
	    (v[0] == 192 && v[1] == 168))
		return "a private (RFC 1918)";
	if (v[0] == 100 && (v[1] & 0xc0) == 64)
		return "a shared carrier-grade NAT (RFC 6598)";
	return NULL;
}

int
exit_for(int status)
{
	switch (status) {
	case PMP_OK:
		return EXIT_OK;
	case PMP_ETIMEDOUT:
	case PMP_ENOSUPPORT:
	case PMP_EREFUSED:
	case PMP_EBADANSWER:
		return EXIT_NOANSWER;
	case PMP_EGATEWAY:
	case PMP_ENOADDR:
	case PMP_ENOTGRANTED:
		return EXIT_REFUSED;
	default:
		return EXIT_LOCAL;
	}
}

void
json_string(const char *key, const char *val, int *first)
{
	const char *p;

	printf("%s\"%s\":\"", *first ? "" : ",", key);
	for (p = val; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if ((unsigned char)*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
	*first = 0;
}

void
json_number(const char *key, unsigned long val, int *first)
{
	printf("%s\"%s\":%lu", *first ? "" : ",", key, val);
	*first = 0;
}

/* Describe a failed request on stderr (and in JSON on stdout). */
/* "protocol": "natpmp", "pcp" or "upnp": which protocol answered. */
void
json_method(pmp_method_t m, int *first)
{
	json_string("protocol", m == PMP_METHOD_PCP ? "pcp" :
	    m == PMP_METHOD_UPNP ? "upnp" : "natpmp", first);
}

int
report_error(const struct opts *o, const char *what, const pmp_result_t *r,
    pmp_client_t *c)
{
	char gw[ADDR_TEXT_LEN] = "?";
	uint8_t addr[16];
	uint16_t port;

	if (pmp_client_gateway(c, addr, &port) == PMP_OK)
		v4_text(addr, gw, sizeof(gw));
	if (r->status == PMP_EGATEWAY)
		fprintf(stderr, "%s: %s: gateway %s refused%s%s%s: result code "
		    "%u, %s\n", PROGNAME, what, gw,
		    r->method == PMP_METHOD_PCP ? " (" : "",
		    r->method == PMP_METHOD_PCP ? pmp_method_name(r->method) : "",
		    r->method == PMP_METHOD_PCP ? ")" : "", r->result_code,
		    pmp_result_code_text(r->method, r->result_code));
	else if (r->status == PMP_ESYS)
		fprintf(stderr, "%s: %s: %s (gateway %s)\n", PROGNAME, what,
		    strerror(pmp_client_errno(c)), gw);
	else if (r->status == PMP_ENOROUTE || r->status == PMP_ENOGWADDR)
		fprintf(stderr, "%s: %s: %s; try -g GATEWAY\n", PROGNAME, what,
		    pmp_strerror(r->status));
	else
		fprintf(stderr, "%s: %s: %s (gateway %s)\n", PROGNAME, what,
		    pmp_strerror(r->status), gw);
	if (o->json) {
		int first = 1;

		putchar('{');
		json_string("op", what, &first);
		printf(",\"ok\":false");
		json_string("error", pmp_strerror(r->status), &first);
		json_number("status", (unsigned long)-r->status, &first);
		if (r->method != PMP_METHOD_NONE)
			json_method(r->method, &first);
		if (r->status == PMP_EGATEWAY) {
			json_number("result_code", r->result_code, &first);
			json_string("result", pmp_result_code_text(r->method,
			    r->result_code), &first);
		}
		json_string("gateway", gw, &first);
		printf("}\n");
	}
	return exit_for(r->status);
}

static void
on_attempt(void *arg, unsigned id, unsigned attempt, unsigned max)
{
	const struct opts *o = arg;
	static char gw[ADDR_TEXT_LEN];

	(void)id;
	if (attempt < 2 && !o->verbose)
		return;
	if (!o->verbose && !os_stderr_is_tty())
		return;
	if (o->gateway != NULL)
		snprintf(gw, sizeof(gw), "%s", o->gateway);
	else
		snprintf(gw, sizeof(gw), "the gateway");
	if (attempt == 1)
		fprintf(stderr, "%s: sent request to %s\n", PROGNAME, gw);
	else if (max == 0)	/* PCP: no limit of its own (RFC 6887 §8.1.1) */
		fprintf(stderr, "%s: no answer from %s yet, attempt %u...\n",
		    PROGNAME, gw, attempt);
	else
		fprintf(stderr, "%s: no answer from %s yet, attempt %u of %u...\n",
		    PROGNAME, gw, attempt, max);
}

/*
 * RFC 6886 §3: NAT-PMP is for hosts behind a NAT, with a private address
 * toward the gateway.  If this host's address toward it is public, say so
 * once; never refuse (a VPN or a carrier-grade NAT can be set up so).
 * Loopback and link-local count as private: tests, odd LANs.  Finding the
 * address sends nothing: a UDP connect() only picks the route.
 */
static void
warn_public_source(const uint8_t gw[16], int have_gw)
{
	uint8_t src[16] = { 0 };
	char text[ADDR_TEXT_LEN];
	const uint8_t *v = src + 12;

	if (have_gw) {
		if (os_source_toward(gw, src) != 0)
			return;		/* the request will say what is wrong */
	} else {
		pmp_gateway_info_t gi;

		if (pmp_discover_gateway(&gi) != PMP_OK ||
		    gi.source[10] != 0xff)
			return;
		memcpy(src, gi.source, 16);
	}
	if (address_kind(src) != NULL || v[0] == 127 ||
	    (v[0] == 169 && v[1] == 254) || v[0] == 0)
		return;
	v4_text(src, text, sizeof(text));
	fprintf(stderr, "%s: warning: this host's address toward the gateway, "
	    "%s, is not a private address: NAT-PMP is meant for hosts behind "
	    "a NAT (RFC 6886 section 3); asking anyway\n", PROGNAME, text);
}

int
open_client(const struct opts *o, pmp_client_t **cp)
{
	pmp_client_t *c;
	uint8_t addr[16] = { 0 };
	uint16_t port;
	int rc;

	if (o->gateway != NULL &&
	    pmp_parse_gateway(o->gateway, addr, &port) != PMP_OK)
		usage_error("gateway '%s' is not an address (a.b.c.d, "
		    "a.b.c.d:port, an IPv6 address with %%interface if "
		    "link-local, [IPv6]:port)", o->gateway);
	if (o->gateway != NULL && o->family != 0 &&
	    (o->family == 4) != (addr[10] == 0xff && addr[0] == 0))
		usage_error("gateway '%s' is not an IPv%d address",
		    o->gateway, o->family);
	if (o->methods == PMP_METHOD_BIT(PMP_METHOD_NATPMP) &&
	    (o->family == 6 || (o->gateway != NULL && addr[10] != 0xff)))
		usage_error("NAT-PMP is IPv4 only (RFC 6886): IPv6 takes PCP");
	rc = pmp_client_new(&c);
	if (rc != PMP_OK) {
		fprintf(stderr, "%s: %s\n", PROGNAME, pmp_strerror(rc));
		exit(EXIT_LOCAL);
	}
	if (o->gateway == NULL && o->family == 6) {
		/* IPv6: the default router, asked now (the library
		 * discovers IPv4's by itself) */
		pmp_gateway_info_t gi;

		rc = pmp_discover_gateway6(&gi);
		if (rc != PMP_OK) {
			fprintf(stderr, "%s: IPv6: %s; try -g GATEWAY\n",
			    PROGNAME, pmp_strerror(rc));
			exit(EXIT_LOCAL);
		}
		memcpy(addr, gi.gateway, 16);
		port = 0;
	}
	if (o->gateway != NULL || o->family == 6)
		(void)pmp_client_set_gateway(c, addr, port);
	if (o->methods != 0 && pmp_client_set_methods(c, o->methods) !=
	    PMP_OK) {
		fprintf(stderr, "%s: --protocol: %s\n", PROGNAME,
		    pmp_strerror(PMP_EUNSUPPORTED));
		exit(EXIT_LOCAL);
	}
	/* (PCP also serves firewalls and IPv6: NAT-PMP's rule only) */
	if (o->methods == PMP_METHOD_BIT(PMP_METHOD_NATPMP) &&
	    (o->gateway == NULL || addr[10] == 0xff))
		warn_public_source(addr, o->gateway != NULL);
	if (o->timeout_ms != 0)
		(void)pmp_client_set_timeout_ms(c, o->timeout_ms);
	pmp_client_set_attempt_callback(c, on_attempt, (void *)(uintptr_t)o);
	*cp = c;
	return 0;
}

void
warn_double_nat(const uint8_t a[16])
{
	const char *kind = address_kind(a);
	char text[ADDR_TEXT_LEN];

	if (kind == NULL)
		return;
	v4_text(a, text, sizeof(text));
	fprintf(stderr, "%s: warning: the public address %s is %s address: "
	    "there is another NAT in front of this gateway, so the mapping is "
	    "reachable only from that network\n", PROGNAME, text, kind);
}

/* addr (no brackets, no port) into 16 bytes: 0, or -1. */
static int
text_address(const char *s, uint8_t addr[16])
{
	uint8_t v4[4];

	memset(addr, 0, 16);
	if (inet_pton(AF_INET, s, v4) == 1) {
		addr[10] = addr[11] = 0xff;
		memcpy(addr + 12, v4, 4);
		return 0;
	}
	return inet_pton(AF_INET6, s, addr) == 1 ? 0 : -1;
}

/* Split "[v6]rest", "v4rest" or a bare v6: the address text into buf and
 * what follows it (a "/len" or ":port" part) in *rest. */
static int
split_address(const char *s, char *buf, size_t cap, const char **rest)
{
	const char *end;
	size_t n;

	if (*s == '[') {
		end = strchr(s, ']');
		if (end == NULL)
			return -1;
		n = (size_t)(end - s - 1);
		*rest = end + 1;
		s++;
	} else if (strchr(s, ':') != strrchr(s, ':')) {
		/* two colons or more: a bare IPv6 address, maybe /len */
		n = strcspn(s, "/");
		*rest = s + n;
	} else {
		n = strcspn(s, ":/");
		*rest = s + n;
	}
	if (n == 0 || n >= cap)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

void
parse_endpoint(const char *s, const char *what, int need_port,
    uint8_t addr[16], uint16_t *port)
{
	char buf[64];
	const char *rest;

	*port = 0;
	if (split_address(s, buf, sizeof(buf), &rest) != 0 ||
	    text_address(buf, addr) != 0 || (*rest != '\0' && *rest != ':'))
		usage_error("%s '%s' is not an address (a.b.c.d, an IPv6 "
		    "address, [IPV6]:PORT)", what, s);
	if (*rest == ':')
		*port = parse_port(rest + 1, what, 1);
	else if (need_port)
		usage_error("%s '%s' needs a port (ADDRESS:PORT, "
		    "[IPV6]:PORT)", what, s);
}

void
parse_filter(const char *arg, pmp_filter_t *f)
{
	char buf[64], norm[128];
	const char *rest, *s = arg, *slash = strchr(arg, '/'),
	    *close = strchr(arg, ']');
	int v4;

	memset(f, 0, sizeof(*f));
	/* "[V6/LEN]:PORT" as "[V6]/LEN:PORT" */
	if (*s == '[' && slash != NULL && close != NULL && slash < close &&
	    strlen(arg) < sizeof(norm)) {
		snprintf(norm, sizeof(norm), "%.*s]%.*s%s",
		    (int)(slash - arg), arg, (int)(close - slash), slash,
		    close + 1);
		s = norm;
	}
	if (split_address(s, buf, sizeof(buf), &rest) != 0 ||
	    text_address(buf, f->address) != 0)
		usage_error("--filter '%s' is not PREFIX[/LEN][:PORT]", arg);
	v4 = f->address[10] == 0xff && f->address[0] == 0;
	f->prefix_len = 128;
	if (*rest == '/') {
		unsigned long len;
		char *end;

		len = strtoul(rest + 1, &end, 10);
		if (end == rest + 1 || len > (v4 ? 32ul : 128ul))
			usage_error("--filter '%s': prefix length 0-%u", arg,
			    v4 ? 32 : 128);
		f->prefix_len = (uint8_t)(v4 ? 96 + len : len);
		rest = end;
	}
	if (*rest == ':')
		f->port = parse_port(rest + 1, "--filter port", 1);
	else if (*rest != '\0')
		usage_error("--filter '%s' is not PREFIX[/LEN][:PORT]", arg);
}
