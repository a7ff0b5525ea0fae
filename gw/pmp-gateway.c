/*
 * pmp-gateway - a NAT-PMP gateway (RFC 6886 §3, server side) for tests and
 * demos.  It answers like a conforming router but changes nothing in the
 * kernel: the mapping table lives in memory.  Fault options make it
 * misbehave on purpose so that clients can be tested.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * This file is the I/O around the pure parts: respond.c decides each
 * answer, table.c keeps the mappings, the announcement schedule is in
 * respond.c too.  Single-threaded poll() loop.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <ifaddrs.h>

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"
#include "respond.h"
#include "io/io.h"
#include "table.h"
#include "natpmp/wire.h"

#define MAX_DELAYED 1024
#define MAX_TARGETS 8
#define TABLE_CAP 65536		/* mappings in all */
#define DEFAULT_PER_CLIENT 1024	/* mappings per client (--max-per-client) */

/* Faults applied around respond.c's answers; fault.c decides drops and
 * builds the forged datagrams. */
struct fault {
	gw_fault_t drop;		/* which requests go unanswered */
	unsigned delay_ms;		/* answer this much later */
	int duplicate;			/* answer twice */
	int garbage;			/* malformed packets before answers */
	int spoof;			/* forged answers before answers */
	int wrong_source;		/* 1: answer only from another address,
					 * 2: only from another port */
	size_t truncate;		/* cut answers to this length (0: no) */
	int64_t reboot_after_ms;	/* -1, or reboot this long after start */
	int64_t change_after_ms;	/* -1, or change address then */
};

struct delayed {
	uint64_t due_ms;
	struct sockaddr_in to;
	size_t len;
	uint8_t b[PMP_WIRE_MAX];
};

struct gateway {
	int fd;
	int alt_fd[2];			/* another address; another port */
	struct sockaddr_in listen;
	uint8_t next_public[4];		/* the address a change switches to */
	int have_next_public;
	uint64_t start_ms;		/* process start */
	uint64_t epoch_start_ms;	/* table (re)initialised (§3.6) */
	unsigned long requests;
	int log;			/* 0 none, 1 text, 2 JSON lines */
	gw_table_t table;
	gw_config_t cfg;
	struct fault f;
	struct delayed *delayed;
	size_t ndelayed;
	gw_announce_t ann;
	unsigned announce_count;
	int announce_multicast;
	int announce_legacy;		/* also to 224.0.0.1:5351 (miniupnpd) */
	struct sockaddr_in targets[MAX_TARGETS];	/* unicast copies */
	size_t ntargets;
};

static volatile sig_atomic_t got_stop, got_dump, got_reboot, got_change;

static void
on_signal(int sig)
{
	switch (sig) {
	case SIGUSR1:
		got_dump = 1;
		break;
	case SIGHUP:
		got_reboot = 1;
		break;
	case SIGUSR2:
		got_change = 1;
		break;
	default:
		got_stop = 1;
		break;
	}
}

static void __attribute__((noreturn, format(printf, 1, 2)))
fatal(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "pmp-gateway: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double
elapsed_s(const struct gateway *g)
{
	return (double)(pmp_clock_ms() - g->start_ms) / 1000.0;
}

static void __attribute__((format(printf, 2, 3)))
logmsg(const struct gateway *g, const char *fmt, ...)
{
	va_list ap;

	if (g->log == 0)
		return;
	if (g->log == 2) {
		fprintf(stderr, "{\"t\":%.3f,\"event\":\"note\",\"text\":\"",
		    elapsed_s(g));
	} else {
		fprintf(stderr, "pmp-gateway: %.3f ", elapsed_s(g));
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(g->log == 2 ? "\"}\n" : "\n", stderr);
}

static const char *
kind_name(gw_kind_t k)
{
	switch (k) {
	case GW_DROPPED:
		return "dropped";
	case GW_OUTSIDE:
		return "outside";
	case GW_BAD_VERSION:
		return "bad-version";
	case GW_BAD_OPCODE:
		return "bad-opcode";
	case GW_ADDRESS:
		return "address";
	case GW_MAP:
		return "map";
	case GW_UNMAP:
		return "unmap";
	case GW_UNMAP_ALL:
		return "unmap-all";
	}
	return "?";
}

static void
log_event(const struct gateway *g, const char *who, size_t n,
    const gw_event_t *ev, const char *fate)
{
	const char *proto = ev->opcode == 1 ? "udp" : "tcp";

	if (g->log == 2) {
		fprintf(stderr, "{\"t\":%.3f,\"event\":\"%s\",\"from\":\"%s\","
		    "\"bytes\":%zu,\"version\":%u,\"opcode\":%u,"
		    "\"private_port\":%u,\"suggested_port\":%u,"
		    "\"lifetime\":%lu,\"result\":%u,\"public_port\":%u,"
		    "\"granted\":%lu,\"answer\":\"%s\"}\n", elapsed_s(g),
		    kind_name(ev->kind), who, n, ev->version, ev->opcode,
		    ev->private_port, ev->suggested_port,
		    (unsigned long)ev->lifetime, ev->result, ev->public_port,
		    (unsigned long)ev->granted, fate);
		return;
	}
	if (g->log == 0)
		return;
	switch (ev->kind) {
	case GW_DROPPED:
		logmsg(g, "%s: %zu bytes dropped (not a request)", who, n);
		break;
	case GW_OUTSIDE:
		logmsg(g, "%s: %zu bytes dropped (outside the served subnet)",
		    who, n);
		break;
	case GW_BAD_VERSION:
		logmsg(g, "%s: version %u -> result 1%s", who, ev->version,
		    fate);
		break;
	case GW_BAD_OPCODE:
		logmsg(g, "%s: opcode %u -> result 5%s", who, ev->opcode, fate);
		break;
	case GW_ADDRESS:
		logmsg(g, "%s: address -> result %u%s", who, ev->result, fate);
		break;
	case GW_MAP:
		logmsg(g, "%s: map %s private %u suggested %u lifetime %lu -> "
		    "result %u public %u lifetime %lu%s", who, proto,
		    ev->private_port, ev->suggested_port,
		    (unsigned long)ev->lifetime, ev->result, ev->public_port,
		    (unsigned long)ev->granted, fate);
		break;
	case GW_UNMAP:
	case GW_UNMAP_ALL:
		logmsg(g, "%s: %s %s private %u suggested %u -> result %u%s",
		    who, kind_name(ev->kind), proto, ev->private_port,
		    ev->suggested_port, ev->result, fate);
		break;
	}
}

static uint32_t
sssoe(const struct gateway *g)
{
	/* §3.6: seconds since the table was (re)initialised, from the
	 * monotonic clock so wall-clock steps do not move it. */
	return (uint32_t)((pmp_clock_ms() - g->epoch_start_ms) / 1000);
}

static void
send_to(const struct gateway *g, int fd, const struct sockaddr_in *to,
    const uint8_t *b, size_t n)
{
	if (sendto(fd, b, n, 0, (const struct sockaddr *)to, sizeof(*to)) < 0)
		logmsg(g, "sendto: %s", strerror(errno));
}

/* The socket answers leave from: the right one unless --wrong-source. */
static int
answer_fd(const struct gateway *g)
{
	if (g->f.wrong_source == 1 && g->alt_fd[0] >= 0)
		return g->alt_fd[0];
	if (g->f.wrong_source == 2)
		return g->alt_fd[1];
	return g->fd;
}

static void
queue_or_send(struct gateway *g, const struct sockaddr_in *to,
    const uint8_t *b, size_t n)
{
	struct delayed *d;

	if (g->f.delay_ms == 0) {
		send_to(g, answer_fd(g), to, b, n);
		return;
	}
	if (g->ndelayed == MAX_DELAYED) {
		logmsg(g, "delay queue full, answer dropped");
		return;
	}
	d = &g->delayed[g->ndelayed++];
	d->due_ms = pmp_clock_ms() + g->f.delay_ms;
	d->to = *to;
	d->len = n < sizeof(d->b) ? n : sizeof(d->b);
	memcpy(d->b, b, d->len);
}

/* fault.c's malformed answers (from the right address and port) and
 * forged ones (from elsewhere), each built into a buffer of its own size
 * whatever the answer's length. */
static void
send_forged(const struct gateway *g, const struct sockaddr_in *to,
    const uint8_t *answer, size_t n)
{
	uint8_t b[GW_FORGE_MAX];
	gw_forge_source_t from;
	gw_forge_step_t step;
	size_t len;
	unsigned i;

	for (i = 0; g->f.spoof && (step = gw_forge_spoof(i, answer, n, b,
	    sizeof(b), &len, &from)) != GW_FORGE_END; i++) {
		int fd = g->alt_fd[from == GW_FROM_OTHER_ADDRESS ? 0 : 1];

		if (step == GW_FORGE_SEND && fd >= 0)
			send_to(g, fd, to, b, len);
	}
	for (i = 0; g->f.garbage && (step = gw_forge_garbage(i, answer, n, b,
	    sizeof(b), &len)) != GW_FORGE_END; i++)
		if (step == GW_FORGE_SEND)
			send_to(g, g->fd, to, b, len);
}

static void
answer(struct gateway *g, const struct sockaddr_in *to, const uint8_t *b,
    size_t n)
{
	int copies = g->f.duplicate ? 2 : 1;

	send_forged(g, to, b, n);
	if (g->f.truncate != 0 && g->f.truncate < n)
		n = g->f.truncate;
	while (copies-- > 0)
		queue_or_send(g, to, b, n);
}

static void
handle(struct gateway *g, const uint8_t *b, size_t n,
    const struct sockaddr_in *from)
{
	uint8_t out[PMP_WIRE_MAX];
	char who[INET_ADDRSTRLEN + 8];
	gw_event_t ev;
	size_t len;
	const char *fate = "";

	inet_ntop(AF_INET, &from->sin_addr, who, INET_ADDRSTRLEN);
	snprintf(who + strlen(who), 8, ":%u", ntohs(from->sin_port));
	if (n < 2 || n > PMP_WIRE_MAX || b[1] >= PMP_WIRE_RESPONSE) {
		/* not a request: never counted, never answered (§3.5) */
		gw_respond(&g->table, &g->cfg, sssoe(g),
		    (const uint8_t *)&from->sin_addr, b, n, pmp_clock_ms(),
		    out, sizeof(out), &ev);
		log_event(g, who, n, &ev, "");
		return;
	}
	g->requests++;
	if (gw_fault_drops(&g->f.drop, g->requests)) {
		gw_describe(b, n, &ev);	/* the table is not touched */
		log_event(g, who, n, &ev, g->log == 2 ? "dropped" :
		    " (dropped: fault)");
		return;
	}
	len = gw_respond(&g->table, &g->cfg, sssoe(g),
	    (const uint8_t *)&from->sin_addr, b, n, pmp_clock_ms(), out,
	    sizeof(out), &ev);
	if (g->log == 2)
		fate = len ? "sent" : "none";
	log_event(g, who, n, &ev, fate);
	if (len != 0)
		answer(g, from, out, len);
}

static void
send_announcement(struct gateway *g)
{
	struct sockaddr_in to;
	uint8_t b[PMP_WIRE_ADDR_RESP_LEN];
	size_t n = gw_announcement(&g->cfg, sssoe(g), b, sizeof(b)), i;
	char pa[INET_ADDRSTRLEN];

	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_addr.s_addr = htonl(0xe0000001u);	/* 224.0.0.1 */
	if (g->announce_multicast) {
		to.sin_port = htons(PMP_WIRE_CLIENT_PORT);
		send_to(g, g->fd, &to, b, n);
		if (g->announce_legacy) {
			to.sin_port = htons(PMP_WIRE_SERVER_PORT);
			send_to(g, g->fd, &to, b, n);
		}
	}
	for (i = 0; i < g->ntargets; i++)
		send_to(g, g->fd, &g->targets[i], b, n);
	inet_ntop(AF_INET, g->cfg.public_addr, pa, sizeof(pa));
	logmsg(g, "announce %s epoch %lu (%u left)", pa,
	    (unsigned long)sssoe(g), g->ann.remaining);
}

static void
announce(struct gateway *g)
{
	if (!g->announce_multicast && g->ntargets == 0)
		return;		/* nowhere to send them */
	if (g->announce_count != 0)
		gw_announce_start(&g->ann, g->announce_count, pmp_clock_ms());
}

/* §3.7: a reboot loses every mapping and resets the epoch; the gateway
 * then announces (§3.2.1). */
static void
reboot(struct gateway *g)
{
	gw_table_clear(&g->table);
	g->epoch_start_ms = pmp_clock_ms();
	logmsg(g, "reboot: table cleared, epoch reset");
	announce(g);
}

static void
change_address(struct gateway *g)
{
	char pa[INET_ADDRSTRLEN];
	uint8_t old[4];

	memcpy(old, g->cfg.public_addr, 4);
	if (g->have_next_public) {
		memcpy(g->cfg.public_addr, g->next_public, 4);
		memcpy(g->next_public, old, 4);	/* the next change goes back */
	} else {
		g->cfg.public_addr[3] = (uint8_t)(g->cfg.public_addr[3] + 1);
	}
	inet_ntop(AF_INET, g->cfg.public_addr, pa, sizeof(pa));
	logmsg(g, "public address changed to %s", pa);
	announce(g);
}

static void
dump_table(struct gateway *g)
{
	size_t i;
	uint64_t now = pmp_clock_ms();
	char pa[INET_ADDRSTRLEN];

	gw_table_expire(&g->table, now);
	for (i = 0; i < g->table.n; i++) {
		const gw_mapping_t *m = gw_table_at(&g->table, i);
		char c[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, m->client, c, sizeof(c));
		printf("{\"client\":\"%s\",\"protocol\":\"%s\","
		    "\"private_port\":%u,\"public_port\":%u,"
		    "\"expires_in\":%llu}\n", c, m->proto == 1 ? "udp" : "tcp",
		    (unsigned)m->private_port, (unsigned)m->public_port,
		    (unsigned long long)((m->expires_ms - now + 999) / 1000));
	}
	inet_ntop(AF_INET, g->cfg.public_addr, pa, sizeof(pa));
	printf("{\"mappings\":%zu,\"requests\":%lu,\"epoch\":%lu,"
	    "\"public_address\":\"%s\"}\n", g->table.n, g->requests,
	    (unsigned long)sssoe(g), pa);
	fflush(stdout);
}

static void
served_subnet(struct gateway *g)
{
	struct ifaddrs *ifa, *i;
	uint32_t a = g->listen.sin_addr.s_addr;

	/* On loopback every 127/8 address is ours: serve them all. */
	if ((ntohl(a) >> 24) == 127) {
		g->cfg.mask = htonl(0xff000000u);
		g->cfg.net = a & g->cfg.mask;
		return;
	}
	g->cfg.mask = htonl(0xffffffffu);
	g->cfg.net = a;
	if (getifaddrs(&ifa) != 0)
		return;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		const struct sockaddr_in *sa = (const void *)i->ifa_addr;
		const struct sockaddr_in *nm = (const void *)i->ifa_netmask;

		if (sa == NULL || nm == NULL || sa->sin_family != AF_INET ||
		    sa->sin_addr.s_addr != a)
			continue;
		g->cfg.mask = nm->sin_addr.s_addr;
		g->cfg.net = a & g->cfg.mask;
		break;
	}
	freeifaddrs(ifa);
}

static int
open_socket(uint32_t addr, uint16_t port, int fatal_on_error)
{
	struct sockaddr_in sin;
	int fd;

	/* No SO_REUSEADDR: on Linux it would let a second gateway bind the
	 * same address and port and take some of the requests. */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fatal("socket: %s", strerror(errno));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = addr;
	sin.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		if (fatal_on_error) {
			char t[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &sin.sin_addr, t, sizeof(t));
			fatal("bind %s:%u: %s", t, (unsigned)port,
			    strerror(errno));
		}
		close(fd);
		return -1;
	}
	return fd;
}

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
	    "      --announce-legacy    also to 224.0.0.1:5351, as miniupnpd\n"
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

static void
parse_args(struct gateway *g, int argc, char **argv)
{
	enum { O_MAXLIFE = 256, O_PERCLIENT, O_DROP, O_RATE, O_SEED, O_SILENT,
	    O_SAFTER, O_DELAY, O_DUP, O_RESULT, O_GRANT, O_OFFSET, O_ZERO, O_TRUNC,
	    O_GARBAGE, O_SPOOF, O_WRONG, O_REBOOT, O_CHANGE, O_NEXT, O_VFORM,
	    O_OFORM, O_VPN, O_JSON, O_ACOUNT, O_ATO, O_NOMC, O_LEGACY, O_EVERY };
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
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
		{ "announce-legacy", no_argument, NULL, O_LEGACY },
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

static void
send_due(struct gateway *g, uint64_t now)
{
	size_t i = 0;

	while (i < g->ndelayed) {
		if (g->delayed[i].due_ms <= now) {
			send_to(g, answer_fd(g), &g->delayed[i].to,
			    g->delayed[i].b, g->delayed[i].len);
			memmove(&g->delayed[i], &g->delayed[i + 1],
			    (g->ndelayed - i - 1) * sizeof(g->delayed[0]));
			g->ndelayed--;
		} else {
			i++;
		}
	}
}

static void
min_deadline(uint64_t *d, uint64_t t)
{
	if (t < *d)
		*d = t;
}

static void
setup_multicast(struct gateway *g)
{
	unsigned char loop = 1, ttl = 1;

	/* §3.2.1: announcements go out on the LAN interface, from the
	 * gateway's own address and port 5351. */
	if (setsockopt(g->fd, IPPROTO_IP, IP_MULTICAST_IF,
	    &g->listen.sin_addr, sizeof(g->listen.sin_addr)) != 0)
		logmsg(g, "IP_MULTICAST_IF: %s", strerror(errno));
	setsockopt(g->fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop));
	setsockopt(g->fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl));
}

int
main(int argc, char **argv)
{
	struct gateway g;
	struct sigaction sa;
	char la[INET_ADDRSTRLEN], pa[INET_ADDRSTRLEN];
	uint64_t seed;

	memset(&g, 0, sizeof(g));
	g.listen.sin_family = AF_INET;
	g.listen.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g.listen.sin_port = htons(PMP_WIRE_SERVER_PORT);
	memcpy(g.cfg.public_addr, "\xcb\x00\x71\x07", 4); /* 203.0.113.7 */
	g.cfg.force_result = -1;
	g.cfg.grant_lifetime = -1;
	g.cfg.version_form = PMP_WIRE_RESPONSE;
	g.f.drop.rng = 1;
	g.f.reboot_after_ms = -1;
	g.f.change_after_ms = -1;
	g.announce_count = 10;		/* §3.2.1: "SHOULD ... ten times" */
	g.announce_multicast = -1;	/* auto: see below */
	g.alt_fd[0] = g.alt_fd[1] = -1;
	/* The hash key: random, so that no client can pick colliding keys
	 * (a fixed one if the system has no entropy to give). */
	if (getentropy(&seed, sizeof(seed)) != 0)
		seed = 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
	if (gw_table_init(&g.table, TABLE_CAP, 86400, seed) != 0)
		fatal("out of memory");
	g.table.max_per_client = DEFAULT_PER_CLIENT;
	parse_args(&g, argc, argv);
	g.delayed = calloc(MAX_DELAYED, sizeof(*g.delayed));
	if (g.delayed == NULL)
		fatal("out of memory");
	served_subnet(&g);
	/* On a loopback address, announce only to --announce-to targets:
	 * multicast is for a real (or namespaced) LAN interface. */
	if (g.announce_multicast == -1)
		g.announce_multicast =
		    (ntohl(g.listen.sin_addr.s_addr) >> 24) != 127;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	g.fd = open_socket(g.listen.sin_addr.s_addr, ntohs(g.listen.sin_port),
	    1);
	setup_multicast(&g);
	if (g.f.spoof || g.f.wrong_source) {
		/* A neighbour address (on loopback any 127/8 is ours) and
		 * the gateway's address with another port. */
		uint32_t other = htonl(ntohl(g.listen.sin_addr.s_addr) + 1);

		g.alt_fd[0] = open_socket(other, ntohs(g.listen.sin_port), 0);
		g.alt_fd[1] = open_socket(g.listen.sin_addr.s_addr, 0, 1);
		if (g.f.wrong_source == 1 && g.alt_fd[0] < 0)
			fatal("--wrong-source address: cannot bind the next "
			    "address");
	}
	g.start_ms = g.epoch_start_ms = pmp_clock_ms();
	inet_ntop(AF_INET, &g.listen.sin_addr, la, sizeof(la));
	inet_ntop(AF_INET, g.cfg.public_addr, pa, sizeof(pa));
	fprintf(stderr, "pmp-gateway: listening on %s:%u, public address %s\n",
	    la, (unsigned)ntohs(g.listen.sin_port), pa);
	announce(&g);	/* §3.2.1: on start */

	while (!got_stop) {
		struct pollfd pfd = { g.fd, POLLIN, 0 };
		uint64_t now = pmp_clock_ms(), d = UINT64_MAX;
		int timeout = -1;
		size_t i;

		for (i = 0; i < g.ndelayed; i++)
			min_deadline(&d, g.delayed[i].due_ms);
		min_deadline(&d, gw_announce_deadline(&g.ann));
		if (g.f.reboot_after_ms >= 0)
			min_deadline(&d, g.start_ms +
			    (uint64_t)g.f.reboot_after_ms);
		if (g.f.change_after_ms >= 0)
			min_deadline(&d, g.start_ms +
			    (uint64_t)g.f.change_after_ms);
		if (d != UINT64_MAX)
			timeout = d <= now ? 0 : (int)(d - now);
		if (poll(&pfd, 1, timeout) < 0 && errno != EINTR)
			fatal("poll: %s", strerror(errno));
		now = pmp_clock_ms();
		if (got_dump) {
			got_dump = 0;
			dump_table(&g);
		}
		if (got_reboot || (g.f.reboot_after_ms >= 0 &&
		    now >= g.start_ms + (uint64_t)g.f.reboot_after_ms)) {
			got_reboot = 0;
			g.f.reboot_after_ms = -1;
			reboot(&g);
		}
		if (got_change || (g.f.change_after_ms >= 0 &&
		    now >= g.start_ms + (uint64_t)g.f.change_after_ms)) {
			got_change = 0;
			g.f.change_after_ms = -1;
			change_address(&g);
		}
		if (pfd.revents & POLLIN) {
			uint8_t b[PMP_WIRE_MAX + 1];
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(g.fd, b, sizeof(b), MSG_TRUNC,
			    (struct sockaddr *)&from, &fl);

			if (n >= 0)
				handle(&g, b, (size_t)n < sizeof(b) ?
				    (size_t)n : sizeof(b), &from);
		}
		now = pmp_clock_ms();
		send_due(&g, now);
		while (gw_announce_due(&g.ann, now))
			send_announcement(&g);
	}
	logmsg(&g, "stopping after %lu requests", g.requests);
	close(g.fd);
	if (g.alt_fd[0] >= 0)
		close(g.alt_fd[0]);
	if (g.alt_fd[1] >= 0)
		close(g.alt_fd[1]);
	free(g.delayed);
	gw_table_free(&g.table);
	return 0;
}
