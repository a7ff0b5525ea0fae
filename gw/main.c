/*
 * pmp-gateway - a NAT-PMP gateway (RFC 6886 §3, server side) for tests and
 * demos.  It answers like a conforming router but changes nothing in the
 * kernel: the mapping table lives in memory.  Fault options make it
 * misbehave on purpose so that clients can be tested.
 *
 * main.c: the sockets and the single-threaded ppoll() loop; the rest is in
 * the files gateway.h names.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#define _GNU_SOURCE	/* ppoll() (POSIX.1-2024; glibc asks for this) */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <net/if.h>
#include <ifaddrs.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pmp.h"
#include "gateway.h"
#include "peer.h"
#include "pinhole.h"
#include "io/io.h"

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

/* The IPv6 socket: IPv6 only, on --listen6's address and the port. */
/* The index of the interface holding a (0: none, or loopback: PCP's
 * ANNOUNCE goes to a LAN, §14.1.3). */
static unsigned
interface_of6(const struct in6_addr *a)
{
	struct ifaddrs *all, *i;
	unsigned idx = 0;

	if (getifaddrs(&all) != 0)
		return 0;
	for (i = all; i != NULL && idx == 0; i = i->ifa_next) {
		const struct sockaddr_in6 *s6 =
		    (const struct sockaddr_in6 *)(const void *)i->ifa_addr;

		if (s6 != NULL && s6->sin6_family == AF_INET6 &&
		    !(i->ifa_flags & IFF_LOOPBACK) &&
		    memcmp(&s6->sin6_addr, a, sizeof(*a)) == 0)
			idx = if_nametoindex(i->ifa_name);
	}
	freeifaddrs(all);
	return idx;
}

static int
open_socket6(struct gateway *g)
{
	int fd, one = 1;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fatal("socket: %s", strerror(errno));
	g->listen6.sin6_port = g->listen.sin_port;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) !=
	    0 || bind(fd, (struct sockaddr *)&g->listen6,
	    sizeof(g->listen6)) != 0) {
		char t[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, &g->listen6.sin6_addr, t, sizeof(t));
		fatal("bind [%s]:%u: %s", t, (unsigned)ntohs(g->listen.sin_port),
		    strerror(errno));
	}
	g->ifindex6 = interface_of6(&g->listen6.sin6_addr);
	if (g->ifindex6 != 0) {
		int hops = 1;

		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF,
		    &g->ifindex6, sizeof(g->ifindex6));
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
		    sizeof(hops));
	}
	return fd;
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
	sigset_t handled, waiting;
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
	/* The hash key: random (the library's one source, getrandom()),
	 * so that no client can pick colliding keys. */
	if (pmp_random_fill(NULL, &seed, sizeof(seed)) != PMP_OK)
		fatal("no random source: %s", strerror(errno));
	if (gw_table_init(&g.table, TABLE_CAP, 86400, seed) != 0)
		fatal("out of memory");
	g.table.max_per_client = DEFAULT_PER_CLIENT;
	g.cfg.peers = calloc(1, sizeof(*g.cfg.peers));
	g.pinholes = calloc(1, sizeof(*g.pinholes));
	if (g.cfg.peers == NULL || g.pinholes == NULL)
		fatal("out of memory");
	g.fd6 = -1;
	g.upnp.cfg.version = 2;
	g.upnp.cfg.bootid = 1;
	g.upnp.cfg.pinholes = g.pinholes;	/* IGDv2: WANIPv6FirewallControl */
	g.upnp.http_port = 5000;
	g.upnp.group_fd = -1;
	parse_args(&g, argc, argv);
	if (g.listen6.sin6_family == AF_INET6 && (g.speaks == SPEAKS_NATPMP ||
	    g.speaks == SPEAKS_NATPMP_DEAF))
		fatal("--listen6 is PCP's: not with --natpmp-only or "
		    "--pcp-silent (NAT-PMP is IPv4 only)");
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
	/* The signals are blocked but while the loop waits in ppoll(): one
	 * arriving between the loop's check of its flag and the wait would
	 * otherwise wait for the next packet or timer. */
	sigemptyset(&handled);
	sigaddset(&handled, SIGINT);
	sigaddset(&handled, SIGTERM);
	sigaddset(&handled, SIGUSR1);
	sigaddset(&handled, SIGUSR2);
	sigaddset(&handled, SIGHUP);
	sigprocmask(SIG_BLOCK, &handled, &waiting);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	g.fd = open_socket(g.listen.sin_addr.s_addr, ntohs(g.listen.sin_port),
	    1);
	setup_multicast(&g);
	if (g.listen6.sin6_family == AF_INET6)
		g.fd6 = open_socket6(&g);
	upnp_open(&g);
	upnp_notify(&g, 1);
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
	if (g.fd6 >= 0) {
		char l6[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, &g.listen6.sin6_addr, l6, sizeof(l6));
		fprintf(stderr, "pmp-gateway: listening on [%s]:%u (PCP, "
		    "pinholes)\n", l6, (unsigned)ntohs(g.listen.sin_port));
	}
	g.pcp_announce_due = 1;
	announce(&g);	/* §3.2.1: on start */

	while (!got_stop) {
		struct pollfd pfd[2 + UPNP_POLLFDS] = { { g.fd, POLLIN, 0 },
		    { g.fd6, POLLIN, 0 } };
		size_t nu = upnp_pollfds(&g, pfd + 2, UPNP_POLLFDS);
		uint64_t now = pmp_clock_ms(), d = UINT64_MAX;
		int timeout = -1;
		struct timespec ts;
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
		ts.tv_sec = timeout / 1000;
		ts.tv_nsec = (long)(timeout % 1000) * 1000000L;
		if (ppoll(pfd, 2 + nu, timeout < 0 ? NULL : &ts,
		    &waiting) < 0 &&
		    errno != EINTR)
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
		if (g.fd6 >= 0 && (pfd[1].revents & POLLIN)) {
			uint8_t b[PMP_WIRE_MAX + 1];
			struct sockaddr_in6 from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(g.fd6, b, sizeof(b), MSG_TRUNC,
			    (struct sockaddr *)&from, &fl);

			if (n >= 0)
				handle6(&g, b, (size_t)n < sizeof(b) ?
				    (size_t)n : sizeof(b), &from);
		}
		if (pfd[0].revents & POLLIN) {
			uint8_t b[PMP_WIRE_MAX + 1];
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(g.fd, b, sizeof(b), MSG_TRUNC,
			    (struct sockaddr *)&from, &fl);

			if (n >= 0)
				handle(&g, b, (size_t)n < sizeof(b) ?
				    (size_t)n : sizeof(b), &from);
		}
		upnp_handle(&g, pfd + 2, nu);
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
	upnp_notify(&g, 0);
	upnp_close(&g);
	free(g.delayed);
	gw_table_free(&g.table);
	free(g.cfg.peers);
	if (g.fd6 >= 0)
		close(g.fd6);
	free(g.pinholes);
	return 0;
}
