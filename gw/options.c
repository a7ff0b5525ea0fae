/*
 * options.c - pmp-gateway's command line.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <getopt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: pmp-gateway [-l ADDR] [-p PORT] [-P PUBLIC] [options]\n"
	    "  -l, --listen ADDR        address to serve on (127.0.0.1)\n"
	    "  -p, --port PORT          port (5351)\n"
	    "  -P, --public ADDR        public address to report (203.0.113.7)\n"
	    "      --max-lifetime S     cap granted lifetimes (86400)\n"
	    "      --max-per-client N   mappings one client may hold (1024;\n"
	    "                           more: result 4); 65536 in all\n"
	    "      --vpn                VPN-provider mode: lifetimes capped at\n"
	    "                           60 s, private port 0 gets a port chosen\n"
	    "                           by the gateway (same for UDP and TCP)\n"
	    "  -v, --log                log requests and answers to stderr\n"
	    "      --log-json           the same as JSON lines\n"
	    "announcements (224.0.0.1:5350, at start, reboot, address change):\n"
	    "      --announce-count N   copies per event (10; 0: none)\n"
	    "      --announce-to A[:P]  also send them to this unicast address\n"
	    "                           (port 5350 by default; repeatable)\n"
	    "      --no-multicast       only to the --announce-to addresses\n"
	    "                           (always so on a loopback address)\n"
	    "      --multicast          multicast even on loopback (in a\n"
	    "                           network namespace of one's own)\n"
	    "      --announce-legacy    also to 224.0.0.1:5351, as miniupnpd\n"
	    "      --announce-pcp       also PCP ANNOUNCEs (start, reboot, address\n"
	    "                           change; ff02::1 too with --listen6)\n"
	    "UPnP-IGD (answers SSDP on port 1900 and HTTP, over the same table):\n"
	    "      --upnp               serve an IGD (WANIPConnection)\n"
	    "      --upnp-version 1|2   InternetGatewayDevice:1 or :2 (2)\n"
	    "      --upnp-port N        its HTTP port (5000)\n"
	    "      --upnp-fault F       725 or 402 (a finite lease refused),\n"
	    "                           718 or 729 (every AddPortMapping),\n"
	    "                           no-add-any (401 to it on v2),\n"
	    "                           drop-finite (DD-WRT: a finite lease\n"
	    "                           gone in 1 s), chunked, empty-address,\n"
	    "                           bad-xml; discovery: multicast-only,\n"
	    "                           other-port (answers not from 1900),\n"
	    "                           elsewhere (HTTP on the next address);\n"
	    "                           hostile: huge-headers, endless-body,\n"
	    "                           stall (actions), redirect (description)\n"
	    "protocols (both by default; version 2 is PCP, the rest NAT-PMP):\n"
	    "      --natpmp-only        answer PCP with NAT-PMP's 8-byte\n"
	    "                           unsupported version (version 0)\n"
	    "      --pcp-only           answer NAT-PMP with PCP's unsupported\n"
	    "                           version (version 2)\n"
	    "      --pcp-silent         speak NAT-PMP only and never answer PCP\n"
	    "      --listen6 ADDR       also serve PCP on this IPv6 address\n"
	    "                           (MAP opens pinholes: no translation)\n"
	    "faults:\n"
	    "      --drop-first N       ignore the first N requests\n"
	    "      --drop-rate F        ignore this fraction of requests\n"
	    "      --seed N             seed for --drop-rate (1)\n"
	    "      --silent             never answer\n"
	    "      --silent-after N     answer only the first N requests\n"
	    "      --answer-every N     answer only every Nth request\n"
	    "      --delay MS           answer MS milliseconds late\n"
	    "      --duplicate          answer every request twice\n"
	    "      --result CODE        answer every request with CODE\n"
	    "      --grant-lifetime S   put S in every mapping answer\n"
	    "      --port-offset N      assign suggested port + N\n"
	    "      --zero-address       report public address 0.0.0.0\n"
	    "      --truncate N         cut every answer to N bytes\n"
	    "      --garbage            send malformed answers first\n"
	    "      --spoof              send forged answers from elsewhere first\n"
	    "      --wrong-source address|port  answer only from another\n"
	    "                           address (the next one) or port\n"
	    "      --reboot-after S     reboot S seconds after start\n"
	    "      --change-address-after S   change the public address then\n"
	    "      --next-public ADDR   the address a change switches to\n"
	    "      --version-reply 128|0|op   opcode of unsupported-version\n"
	    "      --opcode-reply short|echo  form of unsupported-opcode\n"
	    "signals: SIGUSR1 dumps the table as JSON lines on stdout; SIGHUP\n"
	    "         reboots; SIGUSR2 changes the public address; SIGINT and\n"
	    "         SIGTERM stop it.\n");
}

static long
num(const char *s, const char *what, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		fatal("%s '%s' must be a number from %ld to %ld", what, s, min,
		    max);
	return v;
}

static void
parse_addr(const char *s, const char *what, void *out)
{
	if (inet_pton(AF_INET, s, out) != 1)
		fatal("%s '%s' is not an IPv4 address", what, s);
}

static void
parse_target(struct gateway *g, const char *s)
{
	char buf[INET_ADDRSTRLEN + 8];
	struct sockaddr_in *t;
	char *colon;

	if (g->ntargets == MAX_TARGETS)
		fatal("at most %d --announce-to addresses", MAX_TARGETS);
	size_t len = strlen(s);

	if (len >= sizeof(buf))
		fatal("--announce-to '%s' is not ADDR[:PORT]", s);
	memcpy(buf, s, len + 1);
	t = &g->targets[g->ntargets++];
	memset(t, 0, sizeof(*t));
	t->sin_family = AF_INET;
	t->sin_port = htons(PMP_WIRE_CLIENT_PORT);
	colon = strchr(buf, ':');
	if (colon != NULL) {
		*colon = '\0';
		t->sin_port = htons((uint16_t)num(colon + 1, "--announce-to port",
		    1, 65535));
	}
	parse_addr(buf, "--announce-to", &t->sin_addr);
}

/* --upnp-fault NAME (igd.h's faults) */
static void
upnp_fault(struct gateway *g, const char *s)
{
	gw_igd_cfg_t *c = &g->upnp.cfg;

	if (strcmp(s, "725") == 0)
		c->only_permanent = 1;
	else if (strcmp(s, "402") == 0)
		c->args_on_lease = 1;
	else if (strcmp(s, "718") == 0)
		c->conflict = 1;
	else if (strcmp(s, "729") == 0)
		c->conflict = c->conflict_729 = 1;
	else if (strcmp(s, "no-add-any") == 0)
		c->no_add_any = 1;
	else if (strcmp(s, "chunked") == 0)
		c->chunked = 1;
	else if (strcmp(s, "empty-address") == 0)
		c->empty_address = 1;
	else if (strcmp(s, "bad-xml") == 0)
		c->bad_xml = 1;
	else if (strcmp(s, "huge-headers") == 0)
		g->upnp.hostile = HOSTILE_HUGE_HEADERS;
	else if (strcmp(s, "endless-body") == 0)
		g->upnp.hostile = HOSTILE_ENDLESS_BODY;
	else if (strcmp(s, "stall") == 0)
		g->upnp.hostile = HOSTILE_STALL;
	else if (strcmp(s, "redirect") == 0)
		g->upnp.hostile = HOSTILE_REDIRECT;
	else if (strcmp(s, "multicast-only") == 0)
		g->upnp.ssdp.multicast_only = 1;
	else if (strcmp(s, "other-port") == 0)
		g->upnp.ssdp.other_port = 1;
	else if (strcmp(s, "elsewhere") == 0)
		g->upnp.ssdp.elsewhere = 1;
	else if (strcmp(s, "drop-finite") == 0)
		c->drop_finite = 1;
	else
		fatal("--upnp-fault '%s': 725, 402, 718, 729, no-add-any, "
		    "drop-finite, chunked, empty-address, bad-xml, "
		    "multicast-only, other-port, elsewhere, huge-headers, "
		    "endless-body, stall or redirect", s);
}

void
parse_args(struct gateway *g, int argc, char **argv)
{
	enum { O_MAXLIFE = 256, O_PERCLIENT, O_DROP, O_RATE, O_SEED, O_SILENT,
	    O_SAFTER, O_DELAY, O_DUP, O_RESULT, O_GRANT, O_OFFSET, O_ZERO, O_TRUNC,
	    O_GARBAGE, O_SPOOF, O_WRONG, O_REBOOT, O_CHANGE, O_NEXT, O_VFORM,
	    O_OFORM, O_VPN, O_JSON, O_ACOUNT, O_ATO, O_NOMC, O_MC, O_LEGACY, O_EVERY,
	    O_NATPMP_ONLY, O_PCP_ONLY, O_APCP, O_PCP_SILENT, O_LISTEN6, O_UPNP,
	    O_UPNP_VERSION, O_UPNP_PORT, O_UPNP_FAULT };
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "listen6", required_argument, NULL, O_LISTEN6 },
		{ "upnp", no_argument, NULL, O_UPNP },
		{ "upnp-version", required_argument, NULL, O_UPNP_VERSION },
		{ "upnp-port", required_argument, NULL, O_UPNP_PORT },
		{ "upnp-fault", required_argument, NULL, O_UPNP_FAULT },
		{ "port", required_argument, NULL, 'p' },
		{ "public", required_argument, NULL, 'P' },
		{ "max-lifetime", required_argument, NULL, O_MAXLIFE },
		{ "max-per-client", required_argument, NULL, O_PERCLIENT },
		{ "vpn", no_argument, NULL, O_VPN },
		{ "log", no_argument, NULL, 'v' },
		{ "log-json", no_argument, NULL, O_JSON },
		{ "announce-count", required_argument, NULL, O_ACOUNT },
		{ "announce-to", required_argument, NULL, O_ATO },
		{ "no-multicast", no_argument, NULL, O_NOMC },
		{ "multicast", no_argument, NULL, O_MC },
		{ "announce-legacy", no_argument, NULL, O_LEGACY },
		{ "announce-pcp", no_argument, NULL, O_APCP },
		{ "natpmp-only", no_argument, NULL, O_NATPMP_ONLY },
		{ "pcp-only", no_argument, NULL, O_PCP_ONLY },
		{ "pcp-silent", no_argument, NULL, O_PCP_SILENT },
		{ "drop-first", required_argument, NULL, O_DROP },
		{ "drop-rate", required_argument, NULL, O_RATE },
		{ "seed", required_argument, NULL, O_SEED },
		{ "silent", no_argument, NULL, O_SILENT },
		{ "silent-after", required_argument, NULL, O_SAFTER },
		{ "answer-every", required_argument, NULL, O_EVERY },
		{ "delay", required_argument, NULL, O_DELAY },
		{ "duplicate", no_argument, NULL, O_DUP },
		{ "result", required_argument, NULL, O_RESULT },
		{ "grant-lifetime", required_argument, NULL, O_GRANT },
		{ "port-offset", required_argument, NULL, O_OFFSET },
		{ "zero-address", no_argument, NULL, O_ZERO },
		{ "truncate", required_argument, NULL, O_TRUNC },
		{ "garbage", no_argument, NULL, O_GARBAGE },
		{ "spoof", no_argument, NULL, O_SPOOF },
		{ "wrong-source", required_argument, NULL, O_WRONG },
		{ "reboot-after", required_argument, NULL, O_REBOOT },
		{ "change-address-after", required_argument, NULL, O_CHANGE },
		{ "next-public", required_argument, NULL, O_NEXT },
		{ "version-reply", required_argument, NULL, O_VFORM },
		{ "opcode-reply", required_argument, NULL, O_OFORM },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "l:p:P:vh", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'l':
			parse_addr(optarg, "--listen", &g->listen.sin_addr);
			break;
		case 'p':
			g->listen.sin_port = htons((uint16_t)num(optarg,
			    "--port", 1, 65535));
			break;
		case 'P':
			parse_addr(optarg, "--public", g->cfg.public_addr);
			break;
		case O_MAXLIFE:
			g->table.max_lifetime = (uint32_t)num(optarg,
			    "--max-lifetime", 1, 0x7fffffffL);
			break;
		case O_PERCLIENT:
			g->table.max_per_client = (uint32_t)num(optarg,
			    "--max-per-client", 1, TABLE_CAP);
			break;
		case O_VPN:
			g->cfg.vpn = 1;
			break;
		case O_UPNP:
			g->upnp.enabled = 1;
			break;
		case O_UPNP_VERSION:
			g->upnp.cfg.version = (unsigned)num(optarg,
			    "--upnp-version", 1, 2);
			break;
		case O_UPNP_PORT:
			g->upnp.http_port = (uint16_t)num(optarg,
			    "--upnp-port", 1, 65535);
			break;
		case O_UPNP_FAULT:
			upnp_fault(g, optarg);
			break;
		case 'v':
			g->log = 1;
			break;
		case O_JSON:
			g->log = 2;
			break;
		case O_ACOUNT:
			g->announce_count = (unsigned)num(optarg,
			    "--announce-count", 0, 100);
			break;
		case O_ATO:
			parse_target(g, optarg);
			break;
		case O_NOMC:
			g->announce_multicast = 0;
			break;
		case O_MC:
			g->announce_multicast = 1;
			break;
		case O_NATPMP_ONLY:
			g->speaks = SPEAKS_NATPMP;
			break;
		case O_PCP_ONLY:
			g->speaks = SPEAKS_PCP;
			break;
		case O_PCP_SILENT:
			g->speaks = SPEAKS_NATPMP_DEAF;
			break;
		case O_LISTEN6:
			if (inet_pton(AF_INET6, optarg,
			    &g->listen6.sin6_addr) != 1 ||
			    IN6_IS_ADDR_V4MAPPED(&g->listen6.sin6_addr) ||
			    IN6_IS_ADDR_LINKLOCAL(&g->listen6.sin6_addr))
				fatal("--listen6 takes an IPv6 address "
				    "(not link-local): '%s'", optarg);
			g->listen6.sin6_family = AF_INET6;
			break;
		case O_APCP:
			g->announce_pcp = 1;
			break;
		case O_LEGACY:
			g->announce_legacy = 1;
			break;
		case O_DROP:
			g->f.drop.drop_first = (unsigned long)num(optarg,
			    "--drop-first", 0, 0x7fffffffL);
			break;
		case O_RATE: {
			char *end;

			g->f.drop.drop_rate = strtod(optarg, &end);
			if (*end != '\0' || !(g->f.drop.drop_rate >= 0.0) ||
			    g->f.drop.drop_rate > 1.0)
				fatal("--drop-rate '%s' must be from 0 to 1",
				    optarg);
			break;
		}
		case O_SEED:
			g->f.drop.rng = (uint64_t)num(optarg, "--seed", 1,
			    0x7fffffffL);
			break;
		case O_SILENT:
			g->f.drop.silent = 1;
			break;
		case O_SAFTER:
			g->f.drop.silent_after = (unsigned long)num(optarg,
			    "--silent-after", 1, 0x7fffffffL);
			break;
		case O_EVERY:
			g->f.drop.answer_every = (unsigned long)num(optarg,
			    "--answer-every", 1, 1000);
			break;
		case O_DELAY:
			g->f.delay_ms = (unsigned)num(optarg, "--delay", 0,
			    600000);
			break;
		case O_DUP:
			g->f.duplicate = 1;
			break;
		case O_RESULT:
			g->cfg.force_result = (int)num(optarg, "--result", 0,
			    65535);
			break;
		case O_GRANT:
			g->cfg.grant_lifetime = num(optarg, "--grant-lifetime",
			    0, 0xffffffffL);
			break;
		case O_OFFSET:
			g->table.port_shift = (int)num(optarg, "--port-offset",
			    -65535, 65535);
			break;
		case O_ZERO:
			g->cfg.zero_address = 1;
			break;
		case O_TRUNC:
			g->f.truncate = (size_t)num(optarg, "--truncate", 1,
			    PMP_WIRE_MAX);
			break;
		case O_GARBAGE:
			g->f.garbage = 1;
			break;
		case O_SPOOF:
			g->f.spoof = 1;
			break;
		case O_WRONG:
			if (strcmp(optarg, "address") == 0)
				g->f.wrong_source = 1;
			else if (strcmp(optarg, "port") == 0)
				g->f.wrong_source = 2;
			else
				fatal("--wrong-source takes address or port");
			break;
		case O_REBOOT:
			g->f.reboot_after_ms = num(optarg, "--reboot-after", 0,
			    86400) * 1000;
			break;
		case O_CHANGE:
			g->f.change_after_ms = num(optarg,
			    "--change-address-after", 0, 86400) * 1000;
			break;
		case O_NEXT:
			parse_addr(optarg, "--next-public", g->next_public);
			g->have_next_public = 1;
			break;
		case O_VFORM:
			if (strcmp(optarg, "op") == 0)
				g->cfg.version_form = -1;
			else if (strcmp(optarg, "0") == 0 ||
			    strcmp(optarg, "128") == 0)
				g->cfg.version_form = atoi(optarg);
			else
				fatal("--version-reply takes 128, 0 or op");
			break;
		case O_OFORM:
			if (strcmp(optarg, "echo") == 0)
				g->cfg.echo_opcode_reply = 1;
			else if (strcmp(optarg, "short") != 0)
				fatal("--opcode-reply takes short or echo");
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind != argc)
		fatal("unexpected argument '%s'", argv[optind]);
	/* ProtonVPN grants 60 s whatever is asked (USERS.md 6). */
	if (g->cfg.vpn && g->table.max_lifetime > 60)
		g->table.max_lifetime = 60;
}
