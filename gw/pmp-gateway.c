/*
 * pmp-gateway - a NAT-PMP gateway (RFC 6886 §3, server side) for tests and
 * demos.  It answers like a conforming router but changes nothing in the
 * kernel: the mapping table lives in memory.  Fault options make it
 * misbehave on purpose so that clients can be tested.
 * SPDX-License-Identifier: BSD-2-Clause
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

#include "sys.h"
#include "table.h"
#include "wire.h"

#define MAX_DELAYED 1024

struct fault {
	unsigned long drop_first;	/* ignore the first N requests */
	int silent;			/* never answer */
	unsigned delay_ms;		/* answer this much later */
	int duplicate;			/* answer twice */
	int force_result;		/* -1, or the result code for all */
	long grant_lifetime;		/* -1, or the lifetime in answers */
	int garbage;			/* malformed packets before answers */
	int spoof;			/* forged answers from elsewhere */
	int zero_address;		/* report 0.0.0.0 */
	int version_form;		/* unsupported-version opcode: 128,
					 * 0, or -1 for 128 + request op */
	int echo_opcode_reply;		/* rc 5 as the echoed request */
};

struct delayed {
	uint64_t due_ms;
	struct sockaddr_in to;
	size_t len;
	uint8_t b[PMP_WIRE_MAX];
};

struct gateway {
	int fd;
	int spoof_fd[2];		/* another address; another port */
	struct sockaddr_in listen;
	uint8_t public_addr[4];
	uint32_t net, mask;		/* served subnet, network order */
	uint64_t epoch_start_ms;
	unsigned long requests;
	int log;
	gw_table_t table;
	struct fault f;
	struct delayed *delayed;
	size_t ndelayed;
};

static volatile sig_atomic_t got_stop, got_dump;

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_dump = 1;
	else
		got_stop = 1;
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

static void __attribute__((format(printf, 2, 3)))
logmsg(const struct gateway *g, const char *fmt, ...)
{
	va_list ap;
	uint64_t t;

	if (!g->log)
		return;
	t = pmp_clock_ms() - g->epoch_start_ms;
	fprintf(stderr, "pmp-gateway: %llu.%03llu ", (unsigned long long)(t /
	    1000), (unsigned long long)(t % 1000));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static uint32_t
sssoe(const struct gateway *g)
{
	/* §3.6: seconds since the table was (re)initialised, from the
	 * monotonic clock so wall-clock steps do not move it. */
	return (uint32_t)((pmp_clock_ms() - g->epoch_start_ms) / 1000);
}

static void
send_to(struct gateway *g, int fd, const struct sockaddr_in *to,
    const uint8_t *b, size_t n)
{
	if (sendto(fd, b, n, 0, (const struct sockaddr *)to, sizeof(*to)) < 0)
		logmsg(g, "sendto: %s", strerror(errno));
}

static void
queue_or_send(struct gateway *g, const struct sockaddr_in *to,
    const uint8_t *b, size_t n)
{
	struct delayed *d;

	if (g->f.delay_ms == 0) {
		send_to(g, g->fd, to, b, n);
		return;
	}
	if (g->ndelayed == MAX_DELAYED) {
		logmsg(g, "delay queue full, answer dropped");
		return;
	}
	d = &g->delayed[g->ndelayed++];
	d->due_ms = pmp_clock_ms() + g->f.delay_ms;
	d->to = *to;
	d->len = n;
	memcpy(d->b, b, n);
}

/* Malformed answers from the right address and port (PROTOCOL.md §5):
 * a client must ignore every one of them. */
static void
send_garbage(struct gateway *g, const struct sockaddr_in *to,
    const uint8_t *answer, size_t n)
{
	static uint8_t big[1500];
	uint8_t b[32] = { 0 };

	send_to(g, g->fd, to, b, 0);				/* */
	send_to(g, g->fd, to, (const uint8_t *)"\x00\x80\x00", 3); /* */
	memcpy(b, answer, n);
	b[0] = 2;						/* */
	send_to(g, g->fd, to, b, n);
	memcpy(b, answer, n);
	b[1] = (uint8_t)(b[1] ^ 0x03);				/* */
	send_to(g, g->fd, to, b, n);
	memcpy(b, answer, n);
	b[1] = (uint8_t)(b[1] & 0x7f);				/* */
	send_to(g, g->fd, to, b, n);
	send_to(g, g->fd, to, answer, n - 1);			/* A-04/05 */
	memcpy(b, answer, n);
	b[n] = 0;
	send_to(g, g->fd, to, b, n + 1);			/* */
	memcpy(big, answer, n);
	send_to(g, g->fd, to, big, sizeof(big));		/* */
	if (n == PMP_WIRE_MAP_RESP_LEN) {
		memcpy(b, answer, n);
		b[9] = (uint8_t)(b[9] + 1);			/* */
		send_to(g, g->fd, to, b, n);
	}
}

/* The same answer with another public port, from a wrong address and
 * from the right address but a wrong port (C-11). */
static void
send_spoofs(struct gateway *g, const struct sockaddr_in *to,
    const uint8_t *answer, size_t n)
{
	uint8_t b[PMP_WIRE_MAP_RESP_LEN];
	int i;

	memcpy(b, answer, n);
	if (n == PMP_WIRE_MAP_RESP_LEN) {
		b[10] = 0x1a;	/* port 6666 */
		b[11] = 0x0a;
	} else if (n == PMP_WIRE_ADDR_RESP_LEN) {
		b[8] = 6;	/* 6.6.6.6 */
		b[9] = b[10] = b[11] = 6;
	}
	for (i = 0; i < 2; i++)
		if (g->spoof_fd[i] >= 0)
			send_to(g, g->spoof_fd[i], to, b, n);
}

static void
answer(struct gateway *g, const struct sockaddr_in *to, const uint8_t *b,
    size_t n)
{
	int copies = g->f.duplicate ? 2 : 1;

	if (g->f.spoof)
		send_spoofs(g, to, b, n);
	if (g->f.garbage && n <= 16)
		send_garbage(g, to, b, n);
	while (copies-- > 0)
		queue_or_send(g, to, b, n);
}

static int
in_served_subnet(const struct gateway *g, const struct sockaddr_in *from)
{
	return (from->sin_addr.s_addr & g->mask) == g->net;
}

static void
handle(struct gateway *g, const uint8_t *b, size_t n,
    const struct sockaddr_in *from)
{
	pmp_wire_req_t req;
	pmp_wire_resp_t resp;
	pmp_wire_req_status_t st;
	uint8_t out[PMP_WIRE_MAX];
	char who[INET_ADDRSTRLEN + 8];
	const uint8_t *client = (const uint8_t *)&from->sin_addr;
	size_t len;
	uint64_t now = pmp_clock_ms();

	inet_ntop(AF_INET, &from->sin_addr, who, INET_ADDRSTRLEN);
	snprintf(who + strlen(who), 8, ":%u", ntohs(from->sin_port));
	st = pmp_wire_decode_request(b, n, &req);
	if (st == PMP_REQ_DROP) {
		logmsg(g, "%s: %zu bytes dropped (not a request)", who, n);
		return;
	}
	g->requests++;
	if (g->requests <= g->f.drop_first || g->f.silent) {
		logmsg(g, "%s: request %lu op %u dropped (fault)", who,
		    g->requests, req.opcode);
		return;
	}
	memset(&resp, 0, sizeof(resp));
	resp.epoch = sssoe(g);
	resp.form = PMP_FORM_FULL;

	if (st == PMP_REQ_BAD_VERSION) {
		/* §3 + EID 3618: "Unsupported Version" carrying the version
		 * we speak (0), 8 bytes; opcode per D-1. */
		resp.form = PMP_FORM_SHORT;
		resp.result = 1;
		resp.opcode = g->f.version_form == -1 ?
		    (uint8_t)(PMP_WIRE_RESPONSE | b[1]) :
		    (uint8_t)g->f.version_form;
		len = pmp_wire_encode_response(&resp, out, sizeof(out));
		logmsg(g, "%s: version %u -> result 1", who, b[0]);
		answer(g, from, out, len);
		return;
	}
	if (st == PMP_REQ_BAD_OPCODE) {
		/* §3.5: result 5; the echo form or miniupnpd's 8 bytes (D-2) */
		if (g->f.echo_opcode_reply) {
			len = n < sizeof(out) ? n : sizeof(out);
			memcpy(out, b, len);
			if (len >= 4) {
				out[1] = (uint8_t)(out[1] | PMP_WIRE_RESPONSE);
				out[2] = 0;
				out[3] = 5;
			}
		} else {
			resp.form = PMP_FORM_SHORT;
			resp.result = 5;
			resp.opcode = (uint8_t)(PMP_WIRE_RESPONSE | b[1]);
			len = pmp_wire_encode_response(&resp, out, sizeof(out));
		}
		logmsg(g, "%s: opcode %u -> result 5", who, b[1]);
		answer(g, from, out, len);
		return;
	}

	resp.opcode = (uint8_t)(PMP_WIRE_RESPONSE | req.opcode);
	if (!in_served_subnet(g, from)) {
		/* S-01: only clients of the LAN side may map. */
		resp.result = 2;
	} else if (g->f.force_result >= 0) {
		resp.result = (uint16_t)g->f.force_result;
	}
	if (req.opcode == PMP_WIRE_OP_ADDR) {
		if (!g->f.zero_address)
			memcpy(resp.public_addr, g->public_addr, 4);
		len = pmp_wire_encode_response(&resp, out, sizeof(out));
		logmsg(g, "%s: address -> result %u", who, resp.result);
		answer(g, from, out, len);
		return;
	}
	resp.private_port = req.private_port;
	if (resp.result == 0) {
		if (req.lifetime == 0) {
			/* §3.4: delete; internal port 0 deletes them all. */
			resp.result = (uint16_t)gw_table_unmap(&g->table,
			    client, req.opcode, req.private_port);
		} else {
			resp.result = (uint16_t)gw_table_map(&g->table,
			    client, req.opcode, req.private_port,
			    req.public_port, req.lifetime, now,
			    &resp.public_port, &resp.lifetime);
			if (resp.result == 0 && g->f.grant_lifetime >= 0)
				resp.lifetime = (uint32_t)g->f.grant_lifetime;
		}
	}
	len = pmp_wire_encode_response(&resp, out, sizeof(out));
	if (req.lifetime == 0)
		logmsg(g, "%s: %s %s private %u suggested %u -> result %u", who,
		    req.private_port == 0 ? "unmap-all" : "unmap",
		    req.opcode == PMP_WIRE_OP_UDP ? "udp" : "tcp",
		    (unsigned)req.private_port, (unsigned)req.public_port,
		    resp.result);
	else
		logmsg(g, "%s: map %s private %u suggested %u lifetime %lu -> "
		    "result %u public %u lifetime %lu", who,
		    req.opcode == PMP_WIRE_OP_UDP ? "udp" : "tcp",
		    (unsigned)req.private_port, (unsigned)req.public_port,
		    (unsigned long)req.lifetime, resp.result,
		    (unsigned)resp.public_port, (unsigned long)resp.lifetime);
	answer(g, from, out, len);
}

static void
dump_table(struct gateway *g)
{
	size_t i;
	uint64_t now = pmp_clock_ms();

	gw_table_expire(&g->table, now);
	for (i = 0; i < g->table.n; i++) {
		const gw_mapping_t *m = &g->table.m[i];
		char c[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, m->client, c, sizeof(c));
		printf("{\"client\":\"%s\",\"protocol\":\"%s\","
		    "\"private_port\":%u,\"public_port\":%u,"
		    "\"expires_in\":%llu}\n", c, m->proto == 1 ? "udp" : "tcp",
		    (unsigned)m->private_port, (unsigned)m->public_port,
		    (unsigned long long)((m->expires_ms - now + 999) / 1000));
	}
	printf("{\"mappings\":%zu,\"requests\":%lu,\"epoch\":%lu}\n",
	    g->table.n, g->requests, (unsigned long)sssoe(g));
	fflush(stdout);
}

static void
served_subnet(struct gateway *g)
{
	struct ifaddrs *ifa, *i;
	uint32_t a = g->listen.sin_addr.s_addr;

	/* On loopback every 127/8 address is ours: serve them all. */
	if ((ntohl(a) >> 24) == 127) {
		g->mask = htonl(0xff000000u);
		g->net = a & g->mask;
		return;
	}
	g->mask = htonl(0xffffffffu);
	g->net = a;
	if (getifaddrs(&ifa) != 0)
		return;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		const struct sockaddr_in *sa = (void *)i->ifa_addr;
		const struct sockaddr_in *nm = (void *)i->ifa_netmask;

		if (sa == NULL || nm == NULL || sa->sin_family != AF_INET ||
		    sa->sin_addr.s_addr != a)
			continue;
		g->mask = nm->sin_addr.s_addr;
		g->net = a & g->mask;
		break;
	}
	freeifaddrs(ifa);
}

static int
open_socket(uint32_t addr, uint16_t port, int fatal_on_error)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fatal("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
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
	    "  -v, --log                log every request and answer to stderr\n"
	    "faults:\n"
	    "      --drop-first N       ignore the first N requests\n"
	    "      --silent             never answer\n"
	    "      --delay MS           answer MS milliseconds late\n"
	    "      --duplicate          answer every request twice\n"
	    "      --result CODE        answer every request with CODE\n"
	    "      --grant-lifetime S   put S in every mapping answer\n"
	    "      --port-offset N      assign suggested port + N\n"
	    "      --zero-address       report public address 0.0.0.0\n"
	    "      --garbage            send malformed answers first\n"
	    "      --spoof              send forged answers from elsewhere first\n"
	    "      --version-reply 128|0|op   opcode of unsupported-version\n"
	    "      --opcode-reply short|echo  form of unsupported-opcode\n"
	    "signals: SIGUSR1 dumps the table as JSON lines on stdout;\n"
	    "         SIGINT and SIGTERM stop it.\n");
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
parse_args(struct gateway *g, int argc, char **argv, uint32_t *max_life)
{
	enum { O_MAXLIFE = 256, O_DROP, O_SILENT, O_DELAY, O_DUP, O_RESULT,
	    O_GRANT, O_OFFSET, O_ZERO, O_GARBAGE, O_SPOOF, O_VFORM, O_OFORM };
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "public", required_argument, NULL, 'P' },
		{ "max-lifetime", required_argument, NULL, O_MAXLIFE },
		{ "log", no_argument, NULL, 'v' },
		{ "drop-first", required_argument, NULL, O_DROP },
		{ "silent", no_argument, NULL, O_SILENT },
		{ "delay", required_argument, NULL, O_DELAY },
		{ "duplicate", no_argument, NULL, O_DUP },
		{ "result", required_argument, NULL, O_RESULT },
		{ "grant-lifetime", required_argument, NULL, O_GRANT },
		{ "port-offset", required_argument, NULL, O_OFFSET },
		{ "zero-address", no_argument, NULL, O_ZERO },
		{ "garbage", no_argument, NULL, O_GARBAGE },
		{ "spoof", no_argument, NULL, O_SPOOF },
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
			if (inet_pton(AF_INET, optarg, &g->listen.sin_addr) !=
			    1)
				fatal("--listen '%s' is not an IPv4 address",
				    optarg);
			break;
		case 'p':
			g->listen.sin_port = htons((uint16_t)num(optarg,
			    "--port", 1, 65535));
			break;
		case 'P':
			if (inet_pton(AF_INET, optarg, g->public_addr) != 1)
				fatal("--public '%s' is not an IPv4 address",
				    optarg);
			break;
		case O_MAXLIFE:
			*max_life = (uint32_t)num(optarg, "--max-lifetime", 1,
			    0x7fffffffL);
			break;
		case 'v':
			g->log = 1;
			break;
		case O_DROP:
			g->f.drop_first = (unsigned long)num(optarg,
			    "--drop-first", 0, 0x7fffffffL);
			break;
		case O_SILENT:
			g->f.silent = 1;
			break;
		case O_DELAY:
			g->f.delay_ms = (unsigned)num(optarg, "--delay", 0,
			    600000);
			break;
		case O_DUP:
			g->f.duplicate = 1;
			break;
		case O_RESULT:
			g->f.force_result = (int)num(optarg, "--result", 0,
			    65535);
			break;
		case O_GRANT:
			g->f.grant_lifetime = num(optarg, "--grant-lifetime",
			    0, 0xffffffffL);
			break;
		case O_OFFSET:
			g->table.port_shift = (int)num(optarg, "--port-offset",
			    -65535, 65535);
			break;
		case O_ZERO:
			g->f.zero_address = 1;
			break;
		case O_GARBAGE:
			g->f.garbage = 1;
			break;
		case O_SPOOF:
			g->f.spoof = 1;
			break;
		case O_VFORM:
			if (strcmp(optarg, "op") == 0)
				g->f.version_form = -1;
			else if (strcmp(optarg, "0") == 0 ||
			    strcmp(optarg, "128") == 0)
				g->f.version_form = atoi(optarg);
			else
				fatal("--version-reply takes 128, 0 or op");
			break;
		case O_OFORM:
			if (strcmp(optarg, "echo") == 0)
				g->f.echo_opcode_reply = 1;
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
}

static void
send_due(struct gateway *g, uint64_t now)
{
	size_t i = 0;

	while (i < g->ndelayed) {
		if (g->delayed[i].due_ms <= now) {
			send_to(g, g->fd, &g->delayed[i].to, g->delayed[i].b,
			    g->delayed[i].len);
			memmove(&g->delayed[i], &g->delayed[i + 1],
			    (g->ndelayed - i - 1) * sizeof(g->delayed[0]));
			g->ndelayed--;
		} else {
			i++;
		}
	}
}

int
main(int argc, char **argv)
{
	struct gateway g;
	struct sigaction sa;
	uint32_t max_life = 86400;
	char la[INET_ADDRSTRLEN], pa[INET_ADDRSTRLEN];

	memset(&g, 0, sizeof(g));
	g.listen.sin_family = AF_INET;
	g.listen.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g.listen.sin_port = htons(PMP_WIRE_SERVER_PORT);
	memcpy(g.public_addr, "\xcb\x00\x71\x07", 4);	/* 203.0.113.7 */
	g.f.force_result = -1;
	g.f.grant_lifetime = -1;
	g.f.version_form = PMP_WIRE_RESPONSE;
	g.spoof_fd[0] = g.spoof_fd[1] = -1;
	if (gw_table_init(&g.table, 65536, max_life) != 0)
		fatal("out of memory");
	parse_args(&g, argc, argv, &max_life);
	g.table.max_lifetime = max_life;
	g.delayed = calloc(MAX_DELAYED, sizeof(*g.delayed));
	if (g.delayed == NULL)
		fatal("out of memory");
	served_subnet(&g);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	g.fd = open_socket(g.listen.sin_addr.s_addr, ntohs(g.listen.sin_port),
	    1);
	if (g.f.spoof) {
		/* A neighbour address (on loopback any 127/8 is ours) and
		 * the gateway's address with another port. */
		uint32_t other = htonl(ntohl(g.listen.sin_addr.s_addr) + 1);

		g.spoof_fd[0] = open_socket(other, ntohs(g.listen.sin_port),
		    0);
		g.spoof_fd[1] = open_socket(g.listen.sin_addr.s_addr, 0, 1);
	}
	g.epoch_start_ms = pmp_clock_ms();
	inet_ntop(AF_INET, &g.listen.sin_addr, la, sizeof(la));
	inet_ntop(AF_INET, g.public_addr, pa, sizeof(pa));
	fprintf(stderr, "pmp-gateway: listening on %s:%u, public address %s\n",
	    la, (unsigned)ntohs(g.listen.sin_port), pa);

	while (!got_stop) {
		struct pollfd pfd = { g.fd, POLLIN, 0 };
		int timeout = -1;
		uint64_t now = pmp_clock_ms();
		size_t i;

		for (i = 0; i < g.ndelayed; i++) {
			uint64_t d = g.delayed[i].due_ms;
			int t = d <= now ? 0 : (int)(d - now);

			if (timeout < 0 || t < timeout)
				timeout = t;
		}
		if (poll(&pfd, 1, timeout) < 0 && errno != EINTR)
			fatal("poll: %s", strerror(errno));
		if (got_dump) {
			got_dump = 0;
			dump_table(&g);
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
		send_due(&g, pmp_clock_ms());
	}
	logmsg(&g, "stopping after %lu requests", g.requests);
	close(g.fd);
	if (g.spoof_fd[0] >= 0)
		close(g.spoof_fd[0]);
	if (g.spoof_fd[1] >= 0)
		close(g.spoof_fd[1]);
	free(g.delayed);
	gw_table_free(&g.table);
	return 0;
}
