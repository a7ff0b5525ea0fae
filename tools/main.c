/*
 * main.c - pmp: port mappings from the command line.  Options, and the
 * dispatch to one file per subcommand (cmd_*.c).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmp.h"
#include "cli.h"
#include "os.h"

#define SEED_LIFETIME 3600u	/* the seed client's default */
#define DEFAULT_HOOK_TIMEOUT_S 60	/* per --on-change run */

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
	    "       %s [-g GATEWAY] [-t SECONDS] [--json] probe\n"
	    "       %s [-u] [-l LIFETIME] [-g GATEWAY] PUBLIC_PORT PRIVATE_PORT\n"
	    "options:\n"
	    "  -g, --gateway ADDR[:PORT]  gateway to ask (default: discovered);\n"
	    "                             IPv6: ADDR, ADDR%%IFACE, [ADDR]:PORT\n"
	    "  -4, -6                     IPv4 (the default) or IPv6: PCP at the\n"
	    "                             IPv6 default router, mapping (opening)\n"
	    "                             this host's IPv6 address\n"
	    "      --protocol auto|pcp|natpmp|upnp\n"
	    "                             auto (default): PCP, or NAT-PMP when\n"
	    "                             the gateway speaks only that, with a\n"
	    "                             UPnP-IGD probe beside them (used when\n"
	    "                             only it answers); upnp: UPnP-IGD\n"
	    "  -u, --udp                  UDP mapping (default TCP)\n"
	    "      --tcp                  TCP mapping\n"
	    "  -l, --lifetime SECONDS     lifetime asked for (map: 7200)\n"
	    "  -a, --all                  unmap: every mapping of the protocol\n"
	    "      --peer ADDR:PORT       map (PCP): the outbound flow to this\n"
	    "                             peer (PEER), not an inbound mapping\n"
	    "      --third-party ADDR     map (PCP): for this host (THIRD_PARTY)\n"
	    "      --prefer-failure       map (PCP): this public port or none\n"
	    "      --filter PREFIX[/LEN][:PORT]\n"
	    "                             map (PCP): only these peers may reach\n"
	    "                             it (FILTER; repeatable)\n"
	    "      --port-file PATH       keep: the public port(s), one per line\n"
	    "      --on-change CMD        keep: run CMD (sh -c) on each change,\n"
	    "                             with PMP_EVENT, PMP_PROTOCOL,\n"
	    "                             PMP_PRIVATE_PORT, PMP_PUBLIC_PORT,\n"
	    "                             PMP_PUBLIC_ADDRESS ... in its environment;\n"
	    "                             one run at a time, in event order\n"
	    "      --hook-timeout SECONDS keep: stop a run of CMD after this (60;\n"
	    "                             0: never)\n"
	    "  -t, --timeout SECONDS      give up sooner than 127.75 s\n"
	    "      --json                 print one JSON object on stdout\n"
	    "  -v, --verbose              say what is sent\n"
	    "  -h, --help                 this text\n"
	    "      --version              print the version\n"
	    "exit status: 0 ok, 1 local failure, 2 usage, 3 no answer,\n"
	    "             4 the gateway refused\n",
	    PROGNAME, PROGNAME, PROGNAME, PROGNAME, PROGNAME, PROGNAME,
	    PROGNAME, PROGNAME, PROGNAME);
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
		{ "protocol", required_argument, NULL, 'P' },
		{ "peer", required_argument, NULL, 'E' },
		{ "third-party", required_argument, NULL, '3' },
		{ "prefer-failure", no_argument, NULL, 'R' },
		{ "filter", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o;
	const char *cmd;
	char **pos, opt[32];
	int ch, npos, have_hook_timeout = 0;

	os_start();
	memset(&o, 0, sizeof(o));
	o.hook_timeout_ms = DEFAULT_HOOK_TIMEOUT_S * 1000u;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":g:ul:at:vh46", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'g':
			o.gateway = optarg;
			break;
		case 'u':
			o.udp = 1;
			break;
		case '4':
		case '6':
			if (o.family != 0 && o.family != ch - '0')
				usage_error("-4 and -6 exclude each other");
			o.family = ch - '0';
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
		case 'P':
			if (strcmp(optarg, "natpmp") == 0)
				o.methods = PMP_METHOD_BIT(PMP_METHOD_NATPMP);
			else if (strcmp(optarg, "pcp") == 0)
				o.methods = PMP_METHOD_BIT(PMP_METHOD_PCP);
			else if (strcmp(optarg, "upnp") == 0)
				o.methods = PMP_METHOD_BIT(PMP_METHOD_UPNP);
			else if (strcmp(optarg, "auto") == 0)
				o.methods = PMP_METHOD_BIT(PMP_METHOD_PCP) |
				    PMP_METHOD_BIT(PMP_METHOD_NATPMP);
			else
				usage_error("--protocol is natpmp, pcp, upnp or "
				    "auto, not '%s'", optarg);
			break;
		case 'E':
			parse_endpoint(optarg, "--peer", 1, o.peer,
			    &o.peer_port);
			o.map_flags |= PMP_MAP_PEER;
			break;
		case '3': {
			uint16_t none;

			parse_endpoint(optarg, "--third-party", 0,
			    o.third_party, &none);
			if (none != 0)
				usage_error("--third-party takes an address, "
				    "no port");
			o.map_flags |= PMP_MAP_THIRD_PARTY;
			break;
		}
		case 'R':
			o.map_flags |= PMP_MAP_PREFER_FAILURE;
			break;
		case 'f':
			if (o.nfilters == PMP_MAX_FILTERS)
				usage_error("at most %d --filter",
				    PMP_MAX_FILTERS);
			parse_filter(optarg, &o.filters[o.nfilters++]);
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
	if ((o.map_flags != 0 || o.nfilters != 0) && strcmp(cmd, "map") != 0)
		usage_error("--peer, --third-party, --prefer-failure and "
		    "--filter apply only to map");
	if ((o.map_flags & PMP_MAP_PEER) && ((o.map_flags &
	    PMP_MAP_PREFER_FAILURE) || o.nfilters != 0))
		usage_error("--peer takes neither --prefer-failure nor "
		    "--filter (RFC 6887 section 13)");
	if ((o.map_flags != 0 || o.nfilters != 0) &&
	    o.methods == PMP_METHOD_BIT(PMP_METHOD_NATPMP))
		usage_error("--peer, --third-party, --prefer-failure and "
		    "--filter are PCP's: not with --protocol natpmp");

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
	if (strcmp(cmd, "probe") == 0) {
		if (npos != 1)
			usage_error("probe takes no argument");
		if (o.udp || o.tcp || o.have_lifetime || o.all ||
		    o.methods != 0)
			usage_error("probe asks every method for the address; "
			    "it takes -g, -4/-6, -t and --json");
		return cmd_probe(&o);
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
