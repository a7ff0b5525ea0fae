/*
 * pmp - ask the gateway for port mappings over NAT-PMP (RFC 6886).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Uses only the public blocking API of libpmp.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmp.h"
#include "cli.h"

#define SEED_LIFETIME 3600u	/* the seed client's default */
#define DEFAULT_HOOK_TIMEOUT_S 60	/* per --on-change run */

const char *progname = "pmp";

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: %s [options] addr\n"
	    "       %s [options] map [-u] [-l LIFETIME] PRIVATE_PORT [PUBLIC_PORT]\n"
	    "       %s [options] unmap [-u] PRIVATE_PORT\n"
	    "       %s [options] unmap --all [-u]\n"
	    "       %s [options] keep [-u|--udp --tcp] [-l LIFETIME] [--json]\n"
	    "            [--port-file PATH] [--on-change CMD [--hook-timeout S]]\n"
	    "            PRIVATE[:PUBLIC] ...\n"
	    "       %s [options] watch\n"
	    "       %s gateway\n"
	    "       %s [-u] [-l LIFETIME] [-g GATEWAY] PUBLIC_PORT PRIVATE_PORT\n"
	    "options:\n"
	    "  -g, --gateway ADDR[:PORT]  gateway to ask (default: discovered)\n"
	    "  -u, --udp                  UDP mapping (default TCP)\n"
	    "      --tcp                  TCP mapping\n"
	    "  -l, --lifetime SECONDS     lifetime asked for (map: 7200)\n"
	    "  -a, --all                  unmap: every mapping of the protocol\n"
	    "      --port-file PATH       keep: the public port(s), one per line\n"
	    "      --on-change CMD        keep: run CMD (sh -c) on each change,\n"
	    "                             with PMP_EVENT, PMP_PROTOCOL,\n"
	    "                             PMP_PRIVATE_PORT, PMP_PUBLIC_PORT,\n"
	    "                             PMP_PUBLIC_ADDRESS ... in its environment;\n"
	    "                             one run at a time, in event order\n"
	    "      --hook-timeout SECONDS keep: stop a run of CMD after this (60;\n"
	    "                             0: never)\n"
	    "  -t, --timeout SECONDS      give up sooner than the RFC's 127.75 s\n"
	    "      --json                 print one JSON object on stdout\n"
	    "  -v, --verbose              say what is sent\n"
	    "  -h, --help                 this text\n"
	    "      --version              print the version\n"
	    "exit status: 0 ok, 1 local failure, 2 usage, 3 no NAT-PMP answer,\n"
	    "             4 the gateway refused\n",
	    progname, progname, progname, progname, progname, progname,
	    progname, progname);
}

void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try '%s -h')\n", progname);
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
static uint32_t
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

/* The option getopt complains about, as the user wrote it: "--name" of a
 * long one (without "=value"), "-c" of a short one even in a group. */
static const char *
option_name(const char *arg, int optopt_char, char buf[32])
{
	size_t n;

	if (strncmp(arg, "--", 2) == 0) {
		n = strcspn(arg, "=");
		if (n > 31)
			n = 31;
		memcpy(buf, arg, n);
		buf[n] = '\0';
	} else {
		snprintf(buf, 32, "-%c", optopt_char > 32 && optopt_char < 127 ?
		    optopt_char : '?');
	}
	return buf;
}

uint16_t
parse_port(const char *s, const char *what, unsigned long min)
{
	return (uint16_t)parse_number(s, what, min, 65535);
}

void
v4_text(const uint8_t a[16], char *buf, size_t cap)
{
	if (inet_ntop(AF_INET, a + 12, buf, (socklen_t)cap) == NULL)
		snprintf(buf, cap, "?");
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
static int
report_error(const struct opts *o, const char *what, const pmp_result_t *r,
    pmp_client_t *c)
{
	char gw[INET_ADDRSTRLEN] = "?";
	uint8_t addr[16];
	uint16_t port;

	if (pmp_client_gateway(c, addr, &port) == PMP_OK)
		v4_text(addr, gw, sizeof(gw));
	if (r->status == PMP_EGATEWAY)
		fprintf(stderr, "%s: %s: gateway %s refused: result code %u, "
		    "%s\n", progname, what, gw, r->result_code,
		    pmp_result_code_str(r->result_code));
	else if (r->status == PMP_ESYS)
		fprintf(stderr, "%s: %s: %s (gateway %s)\n", progname, what,
		    strerror(pmp_client_errno(c)), gw);
	else if (r->status == PMP_ENOROUTE || r->status == PMP_ENOGWADDR)
		fprintf(stderr, "%s: %s: %s; try -g GATEWAY\n", progname, what,
		    pmp_strerror(r->status));
	else
		fprintf(stderr, "%s: %s: %s (gateway %s)\n", progname, what,
		    pmp_strerror(r->status), gw);
	if (o->json) {
		int first = 1;

		putchar('{');
		json_string("op", what, &first);
		printf(",\"ok\":false");
		json_string("error", pmp_strerror(r->status), &first);
		json_number("status", (unsigned long)-r->status, &first);
		if (r->status == PMP_EGATEWAY) {
			json_number("result_code", r->result_code, &first);
			json_string("result", pmp_result_code_str(
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
	static char gw[INET_ADDRSTRLEN];

	(void)id;
	if (attempt < 2 && !o->verbose)
		return;
	if (!o->verbose && !isatty(STDERR_FILENO))
		return;
	if (o->gateway != NULL)
		snprintf(gw, sizeof(gw), "%s", o->gateway);
	else
		snprintf(gw, sizeof(gw), "the gateway");
	if (attempt == 1)
		fprintf(stderr, "%s: sent request to %s\n", progname, gw);
	else
		fprintf(stderr, "%s: no answer from %s yet, attempt %u of %u...\n",
		    progname, gw, attempt, max);
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
	char text[INET_ADDRSTRLEN];
	const uint8_t *v = src + 12;

	if (have_gw) {
		struct sockaddr_in sin, me;
		socklen_t len = sizeof(me);
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons(PMP_SERVER_PORT);
		memcpy(&sin.sin_addr, gw + 12, 4);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sin,
		    sizeof(sin)) != 0 || getsockname(fd, (struct sockaddr *)&me,
		    &len) != 0) {
			if (fd >= 0)
				close(fd);
			return;		/* the request will say what is wrong */
		}
		close(fd);
		src[10] = src[11] = 0xff;
		memcpy(src + 12, &me.sin_addr, 4);
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
	    "a NAT (RFC 6886 section 3); asking anyway\n", progname, text);
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
		usage_error("gateway '%s' is not an IPv4 address "
		    "(a.b.c.d or a.b.c.d:port)", o->gateway);
	rc = pmp_client_new(&c);
	if (rc != PMP_OK) {
		fprintf(stderr, "%s: %s\n", progname, pmp_strerror(rc));
		exit(EXIT_LOCAL);
	}
	if (o->gateway != NULL)
		(void)pmp_client_set_gateway(c, addr, port);
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
	char text[INET_ADDRSTRLEN];

	if (kind == NULL)
		return;
	v4_text(a, text, sizeof(text));
	fprintf(stderr, "%s: warning: the public address %s is %s address: "
	    "there is another NAT in front of this gateway, so the mapping is "
	    "reachable only from that network\n", progname, text, kind);
}

static int
cmd_addr(const struct opts *o)
{
	pmp_client_t *c;
	pmp_result_t r;
	char text[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];
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

static int
cmd_map(const struct opts *o, uint16_t private_port, uint16_t public_port,
    uint32_t lifetime)
{
	int proto = o->udp ? PMP_PROTO_UDP : PMP_PROTO_TCP;
	pmp_client_t *c;
	pmp_result_t r;
	char text[INET_ADDRSTRLEN] = "", gw[INET_ADDRSTRLEN];
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
		    "address to give out is unknown\n", progname);
	v4_text(r.gateway, gw, sizeof(gw));
	if (o->json) {
		int first = 1;

		putchar('{');
		json_string("op", "map", &first);
		printf(",\"ok\":true");
		json_string("protocol", proto_name(proto), &first);
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
	pmp_client_free(c);
	return EXIT_OK;
}

static int
cmd_unmap(const struct opts *o, uint16_t private_port)
{
	int proto = o->udp ? PMP_PROTO_UDP : PMP_PROTO_TCP;
	pmp_client_t *c;
	pmp_result_t r;
	char gw[INET_ADDRSTRLEN];
	int rc;

	open_client(o, &c);
	if (o->all)
		rc = pmp_unmap_all(c, proto, &r);
	else
		rc = pmp_unmap(c, proto, private_port, &r);
	if (rc != PMP_OK) {
		rc = report_error(o, "unmap", &r, c);
		pmp_client_free(c);
		return rc;
	}
	v4_text(r.gateway, gw, sizeof(gw));
	if (o->json) {
		int first = 1;

		putchar('{');
		json_string("op", "unmap", &first);
		printf(",\"ok\":true");
		json_string("protocol", proto_name(proto), &first);
		if (o->all)
			printf(",\"all\":true");
		else
			json_number("private_port", private_port, &first);
		json_string("gateway", gw, &first);
		json_number("epoch", r.epoch, &first);
		printf("}\n");
	} else if (o->all) {
		printf("unmapped all %s mappings\n", proto_name(proto));
	} else {
		printf("unmapped %s private port %u\n", proto_name(proto),
		    (unsigned)private_port);
	}
	pmp_client_free(c);
	return EXIT_OK;
}

static const char *
method_name(pmp_gw_method_t m)
{
	switch (m) {
	case PMP_GW_NETLINK:
		return "rtnetlink route lookup";
	case PMP_GW_PROC_ROUTE:
		return "/proc/net/route";
	case PMP_GW_ROUTE_SOCKET:
		return "routing socket";
	}
	return "?";
}

static int
cmd_gateway(const struct opts *o)
{
	pmp_gateway_info_t gi;
	char gw[INET_ADDRSTRLEN], src[INET_ADDRSTRLEN] = "";
	int rc = pmp_discover_gateway(&gi);

	if (rc == PMP_ENOGWADDR) {
		fprintf(stderr, "%s: the route to the outside leaves through "
		    "%s, a point-to-point link with no gateway address: pass "
		    "the gateway with -g (a VPN provider documents it, e.g. "
		    "ProtonVPN: -g 10.2.0.1)\n", progname,
		    gi.ifname[0] ? gi.ifname : "an interface");
	} else if (rc != PMP_OK) {
		fprintf(stderr, "%s: %s%s%s\n", progname, pmp_strerror(rc),
		    rc == PMP_ESYS ? ": " : "",
		    rc == PMP_ESYS ? strerror(errno) : "");
	}
	if (rc != PMP_OK) {
		if (o->json) {
			int first = 1;

			putchar('{');
			json_string("op", "gateway", &first);
			printf(",\"ok\":false");
			json_string("error", pmp_strerror(rc), &first);
			if (gi.ifname[0])
				json_string("interface", gi.ifname, &first);
			printf("}\n");
		}
		return EXIT_LOCAL;
	}
	v4_text(gi.gateway, gw, sizeof(gw));
	if (gi.source[10] == 0xff)
		v4_text(gi.source, src, sizeof(src));
	if (o->json) {
		int first = 1;

		putchar('{');
		json_string("op", "gateway", &first);
		printf(",\"ok\":true");
		json_string("gateway", gw, &first);
		json_string("interface", gi.ifname, &first);
		if (src[0])
			json_string("source", src, &first);
		json_string("method", method_name(gi.method), &first);
		printf("}\n");
	} else {
		printf("gateway %s via %s%s%s (%s)\n", gw,
		    gi.ifname[0] ? gi.ifname : "?", src[0] ? " from " : "",
		    src, method_name(gi.method));
	}
	return EXIT_OK;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "gateway", required_argument, NULL, 'g' },
		{ "udp", no_argument, NULL, 'u' },
		{ "tcp", no_argument, NULL, 'T' },
		{ "lifetime", required_argument, NULL, 'l' },
		{ "all", no_argument, NULL, 'a' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'J' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "port-file", required_argument, NULL, 'F' },
		{ "on-change", required_argument, NULL, 'C' },
		{ "hook-timeout", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o;
	const char *cmd;
	char **pos, opt[32];
	int ch, npos, have_hook_timeout = 0;

	memset(&o, 0, sizeof(o));
	o.hook_timeout_ms = DEFAULT_HOOK_TIMEOUT_S * 1000u;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":g:ul:at:vh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'g':
			o.gateway = optarg;
			break;
		case 'u':
			o.udp = 1;
			break;
		case 'T':
			o.tcp = 1;
			break;
		case 'l':
			o.lifetime = (uint32_t)parse_number(optarg, "lifetime",
			    1, UINT32_MAX);
			o.have_lifetime = 1;
			break;
		case 'a':
			o.all = 1;
			break;
		case 't':
			o.timeout_ms = parse_seconds(optarg);
			break;
		case 'J':
			o.json = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("pmp %s\n", pmp_version_str());
			return EXIT_OK;
		case 'F':
			o.port_file = optarg;
			break;
		case 'C':
			o.on_change = optarg;
			break;
		case 'H':
			o.hook_timeout_ms = (uint32_t)parse_number(optarg,
			    "hook timeout", 0, 86400) * 1000u;
			have_hook_timeout = 1;
			break;
		case ':':
			usage_error("option '%s' needs a value",
			    option_name(argv[optind - 1], optopt, opt));
		default:
			/* GNU getopt: optopt is the option's value for a
			 * known long option given a value it takes none of,
			 * 0 for an unknown long option. */
			if (strncmp(argv[optind - 1], "--", 2) == 0 &&
			    optopt != 0)
				usage_error("option '%s' takes no value",
				    option_name(argv[optind - 1], optopt,
				    opt));
			usage_error("unknown option '%s'",
			    option_name(argv[optind - 1], optopt, opt));
		}
	}
	pos = argv + optind;
	npos = argc - optind;
	if (npos == 0)
		usage_error("no command given");
	cmd = pos[0];
	if (strcmp(cmd, "keep") != 0 && (o.port_file || o.on_change ||
	    have_hook_timeout))
		usage_error("--port-file, --on-change and --hook-timeout apply "
		    "only to keep");
	if (have_hook_timeout && o.on_change == NULL)
		usage_error("--hook-timeout applies to --on-change");

	if (strcmp(cmd, "keep") == 0) {
		/* -u alone: UDP; --udp --tcp: both; neither: TCP */
		if (npos < 2)
			usage_error("keep takes PRIVATE[:PUBLIC] ...");
		if (o.all)
			usage_error("--all applies only to unmap");
		return cmd_keep(&o, pos + 1, npos - 1);
	}
	if (strcmp(cmd, "watch") == 0) {
		if (npos != 1)
			usage_error("watch takes no argument");
		if (o.udp || o.tcp || o.have_lifetime || o.all)
			usage_error("watch takes none of -u, --tcp, -l, --all");
		return cmd_watch(&o);
	}
	if (o.udp && o.tcp)
		usage_error("-u and --tcp exclude each other (except in keep)");

	if (strcmp(cmd, "addr") == 0) {
		if (npos != 1)
			usage_error("addr takes no argument");
		if (o.udp || o.tcp || o.have_lifetime || o.all)
			usage_error("addr takes none of -u, --tcp, -l, --all");
		return cmd_addr(&o);
	}
	if (strcmp(cmd, "map") == 0) {
		uint16_t priv, pub = 0;

		if (npos < 2 || npos > 3)
			usage_error("map takes PRIVATE_PORT [PUBLIC_PORT]");
		if (o.all)
			usage_error("--all applies only to unmap");
		priv = parse_port(pos[1], "private port", 1);
		if (npos == 3)
			pub = parse_port(pos[2], "public port", 0);
		return cmd_map(&o, priv, pub, o.have_lifetime ? o.lifetime :
		    PMP_DEFAULT_LIFETIME);
	}
	if (strcmp(cmd, "unmap") == 0) {
		if (o.have_lifetime)
			usage_error("-l does not apply to unmap");
		if (o.all) {
			if (npos != 1)
				usage_error("unmap --all takes no port");
			return cmd_unmap(&o, 0);
		}
		if (npos != 2)
			usage_error("unmap takes PRIVATE_PORT (or --all)");
		return cmd_unmap(&o, parse_port(pos[1], "private port", 1));
	}
	if (strcmp(cmd, "gateway") == 0) {
		if (npos != 1)
			usage_error("gateway takes no argument");
		if (o.gateway != NULL || o.udp || o.tcp || o.have_lifetime ||
		    o.all)
			usage_error("gateway only looks the gateway up; it "
			    "takes no other option");
		return cmd_gateway(&o);
	}
	/* The seed's form: PUBLIC_PORT PRIVATE_PORT, TCP, 3600 s. */
	if (cmd[0] >= '0' && cmd[0] <= '9') {
		uint16_t pub, priv;

		if (npos != 2)
			usage_error("expected PUBLIC_PORT PRIVATE_PORT");
		if (o.all)
			usage_error("--all applies only to unmap");
		pub = parse_port(pos[0], "public port", 0);
		priv = parse_port(pos[1], "private port", 1);
		return cmd_map(&o, priv, pub, o.have_lifetime ? o.lifetime :
		    SEED_LIFETIME);
	}
	usage_error("unknown command '%s'", cmd);
}
