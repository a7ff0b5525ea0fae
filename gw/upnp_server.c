/*
 * upnp_server.c - the sockets of pmp-gateway's UPnP-IGD (--upnp): SSDP on
 * UDP port 1900 of the listening address (and the multicast group on a
 * LAN interface), HTTP on a TCP port of the same address, a few
 * connections at a time, each one request and Connection: close.  What
 * is answered is igd.c's.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gateway.h"
#include "igd.h"
#include "io/io.h"
#include "upnp_server.h"

static int
bound(int type, in_addr_t addr, uint16_t port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), one = 1;

	if (fd < 0)
		fatal("socket: %s", strerror(errno));
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = addr;
	sa.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &sa.sin_addr, a, sizeof(a));
		fatal("--upnp: bind %s:%u: %s", a, (unsigned)port,
		    strerror(errno));
	}
	return fd;
}

void
upnp_open(struct gateway *g)
{
	struct upnp_server *u = &g->upnp;
	char a[INET_ADDRSTRLEN], h[INET_ADDRSTRLEN];
	struct in_addr http_addr;
	size_t i;

	if (!u->enabled)
		return;
	u->ssdp_fd = bound(SOCK_DGRAM, g->listen.sin_addr.s_addr,
	    PMP_GW_SSDP_PORT);
	if (g->announce_multicast) {
		/* the group, on the LAN interface (UDA 1.1 §1.3.2) */
		struct ip_mreq mr;
		int mfd = bound(SOCK_DGRAM, htonl(0xeffffffau),
		    PMP_GW_SSDP_PORT);

		memset(&mr, 0, sizeof(mr));
		mr.imr_multiaddr.s_addr = htonl(0xeffffffau);
		mr.imr_interface = g->listen.sin_addr;
		if (setsockopt(mfd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
		    sizeof(mr)) != 0)
			logmsg(g, "--upnp: IP_ADD_MEMBERSHIP: %s",
			    strerror(errno));
		u->group_fd = mfd;
	}
	if (u->ssdp.multicast_only && u->group_fd < 0)
		fatal("--upnp-fault multicast-only: the group is joined only "
		    "with multicast on (--multicast)");
	/* other-port: answers from an ephemeral port of the same address */
	u->answer_fd = u->ssdp.other_port ? bound(SOCK_DGRAM,
	    g->listen.sin_addr.s_addr, 0) : -1;
	/* elsewhere: the description on the next address (127/8 has it;
	 * on a LAN it must be the host's) */
	http_addr = g->listen.sin_addr;
	if (u->ssdp.elsewhere)
		http_addr.s_addr = htonl(ntohl(http_addr.s_addr) + 1);
	u->http_fd = bound(SOCK_STREAM, http_addr.s_addr, u->http_port);
	if (listen(u->http_fd, 8) != 0)
		fatal("--upnp: listen: %s", strerror(errno));
	for (i = 0; i < UPNP_MAX_CONN; i++)
		u->conn[i].fd = -1;
	inet_ntop(AF_INET, &http_addr, h, sizeof(h));
	snprintf(u->cfg.location, sizeof(u->cfg.location),
	    "http://%s:%u/rootDesc.xml", h, (unsigned)u->http_port);
	inet_ntop(AF_INET, &g->listen.sin_addr, a, sizeof(a));
	fprintf(stderr, "pmp-gateway: UPnP-IGD:%u at %s (SSDP on %s:%u)\n",
	    u->cfg.version, u->cfg.location, a, (unsigned)PMP_GW_SSDP_PORT);
}

void
upnp_notify(struct gateway *g, int alive)
{
	struct upnp_server *u = &g->upnp;
	struct sockaddr_in to;
	char b[600];
	unsigned i;
	size_t n;

	if (!u->enabled || !g->announce_multicast)
		return;
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(PMP_GW_SSDP_PORT);
	to.sin_addr.s_addr = htonl(0xeffffffau);
	/* from the LAN address, on its interface, TTL 2 (UDA 1.1 §1.1.2) */
	{
		unsigned char ttl = 2;

		(void)setsockopt(u->ssdp_fd, IPPROTO_IP, IP_MULTICAST_IF,
		    &g->listen.sin_addr, sizeof(g->listen.sin_addr));
		(void)setsockopt(u->ssdp_fd, IPPROTO_IP, IP_MULTICAST_TTL,
		    &ttl, sizeof(ttl));
	}
	for (i = 0; (n = gw_igd_notify(&u->cfg, alive, i, b, sizeof(b))) > 0;
	    i++)
		(void)sendto(u->ssdp_fd, b, n, 0, (struct sockaddr *)&to,
		    sizeof(to));
	logmsg(g, "upnp: NOTIFY ssdp:%s, BOOTID %lu", alive ? "alive" :
	    "byebye", (unsigned long)u->cfg.bootid);
}

void
upnp_close(struct gateway *g)
{
	struct upnp_server *u = &g->upnp;
	size_t i;

	if (!u->enabled)
		return;
	close(u->ssdp_fd);
	if (u->group_fd >= 0)
		close(u->group_fd);
	if (u->answer_fd >= 0)
		close(u->answer_fd);
	close(u->http_fd);
	for (i = 0; i < UPNP_MAX_CONN; i++)
		if (u->conn[i].fd >= 0)
			close(u->conn[i].fd);
}

size_t
upnp_pollfds(struct gateway *g, struct pollfd *pfd, size_t max)
{
	struct upnp_server *u = &g->upnp;
	size_t n = 0, i;

	if (!u->enabled || max < 3 + UPNP_MAX_CONN)
		return 0;
	pfd[n++] = (struct pollfd){ u->ssdp_fd, POLLIN, 0 };
	pfd[n++] = (struct pollfd){ u->group_fd, POLLIN, 0 };	/* -1: none */
	pfd[n++] = (struct pollfd){ u->http_fd, POLLIN, 0 };
	for (i = 0; i < UPNP_MAX_CONN; i++)
		pfd[n++] = (struct pollfd){ u->conn[i].fd,
		    u->conn[i].out_len > 0 ? POLLOUT : POLLIN, 0 };
	/* (a stalled one waits with POLLIN for the client to give up) */
	return n;
}

/* Answer an M-SEARCH: one datagram per matching target, from port 1900
 * of the listening address (other-port: another), to the asker;
 * multicast-only: only those that came to the group. */
static void
ssdp(struct gateway *g, int fd)
{
	struct upnp_server *u = &g->upnp;
	uint8_t b[1501];
	char out[1024];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(fd, b, sizeof(b) - 1, 0,
	    (struct sockaddr *)&from, &fl);
	unsigned i;
	size_t len;
	char who[INET_ADDRSTRLEN];

	/* only searches (its own NOTIFYs come back on the group socket) */
	if (n < 8 || memcmp(b, "M-SEARCH", 8) != 0)
		return;
	inet_ntop(AF_INET, &from.sin_addr, who, sizeof(who));
	if (u->ssdp.multicast_only && fd != u->group_fd) {
		if (g->log)
			logmsg(g, "%s:%u: M-SEARCH unicast -> ignored "
			    "(multicast-only)", who,
			    (unsigned)ntohs(from.sin_port));
		return;
	}
	for (i = 0; (len = gw_igd_ssdp(&u->cfg, b, (size_t)n, i, out,
	    sizeof(out))) > 0; i++)
		if (sendto(u->answer_fd >= 0 ? u->answer_fd : u->ssdp_fd,
		    out, len, 0, (struct sockaddr *)&from,
		    sizeof(from)) < 0)
			logmsg(g, "ssdp sendto: %s", strerror(errno));
	if (g->log)
		logmsg(g, "%s:%u: M-SEARCH -> %u answers", who,
		    (unsigned)ntohs(from.sin_port), i);
}

static void
drop(struct upnp_conn *c)
{
	close(c->fd);
	c->fd = -1;
	c->len = c->out_len = c->sent = 0;
}

static void
accept_one(struct gateway *g)
{
	struct upnp_server *u = &g->upnp;
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	int fd = accept(u->http_fd, (struct sockaddr *)&from, &fl);
	size_t i;

	if (fd < 0)
		return;
	(void)fcntl(fd, F_SETFL, O_NONBLOCK);
	for (i = 0; i < UPNP_MAX_CONN && u->conn[i].fd >= 0; i++)
		;
	if (i == UPNP_MAX_CONN) {
		close(fd);	/* busy: the client retries */
		return;
	}
	u->conn[i].fd = fd;
	u->conn[i].from = from;
	u->conn[i].len = u->conn[i].out_len = u->conn[i].sent = 0;
	u->conn[i].streamed = 0;
	u->conn[i].stalled = 0;
}

/* The next piece of an endless answer: more header lines, or more
 * chunks. */
static void
hostile_more(const struct upnp_server *u, struct upnp_conn *c)
{
	size_t n = 0;

	while (n + 1100 < sizeof(c->out)) {
		if (u->hostile == HOSTILE_HUGE_HEADERS) {
			memcpy(c->out + n, "X-Padding: ", 11);
			memset(c->out + n + 11, 'x', 1000);
			memcpy(c->out + n + 1011, "\r\n", 2);
			n += 1013;
		} else {
			memcpy(c->out + n, "400\r\n", 5);
			memset(c->out + n + 5, 'x', 1024);
			memcpy(c->out + n + 1029, "\r\n", 2);
			n += 1031;
		}
	}
	c->out_len = n;
	c->sent = 0;
}

/*
 * The faults of a hostile router, on the answer just made: a SOAP
 * action's answer replaced by one without end (headers or chunks), or cut
 * in half and never finished (the client's time limit must end it); the
 * description answered with a redirect to itself.
 */
static void
hostile_answer(const struct upnp_server *u, struct upnp_conn *c)
{
	int post = c->in[0] == 'P', n;

	c->streamed = 0;
	c->stalled = 0;
	if (c->out_len == 0)
		return;
	switch (u->hostile) {
	case HOSTILE_HUGE_HEADERS:
	case HOSTILE_ENDLESS_BODY:
		if (!post)
			return;
		n = snprintf(c->out, sizeof(c->out), "HTTP/1.1 200 OK\r\n%s",
		    u->hostile == HOSTILE_ENDLESS_BODY ?
		    "Transfer-Encoding: chunked\r\n\r\n" : "");
		c->out_len = n > 0 ? (size_t)n : 0;
		c->streamed = 1;	/* more follows (serve) */
		break;
	case HOSTILE_STALL:
		if (!post)
			return;
		c->out_len /= 2;
		c->stalled = 1;
		break;
	case HOSTILE_REDIRECT:
		if (post)
			return;
		n = snprintf(c->out, sizeof(c->out), "HTTP/1.1 301 Moved "
		    "Permanently\r\nLocation: %s\r\nContent-Length: 0\r\n"
		    "Connection: close\r\n\r\n", u->cfg.location);
		c->out_len = n > 0 ? (size_t)n : 0;
		break;
	default:
		break;
	}
}

static void
serve(struct gateway *g, struct upnp_conn *c)
{
	struct upnp_server *u = &g->upnp;
	ssize_t n;
	long whole;
	gw_igd_event_t ev;
	char who[INET_ADDRSTRLEN];

	if (c->out_len > 0) {
		n = send(c->fd, c->out + c->sent, c->out_len - c->sent,
		    MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN)
			drop(c);
		else if (n > 0 && (c->sent += (size_t)n) == c->out_len) {
			c->streamed += c->out_len;
			if (c->stalled)
				c->out_len = 0;	/* wait for the close */
			else if (c->streamed > 0 && (u->hostile ==
			    HOSTILE_HUGE_HEADERS || u->hostile ==
			    HOSTILE_ENDLESS_BODY) && c->in[0] == 'P' &&
			    c->streamed < UPNP_HOSTILE_MAX)
				hostile_more(u, c);
			else
				drop(c);	/* Connection: close */
		}
		return;
	}
	n = recv(c->fd, c->in + c->len, GW_IGD_MAX_REQUEST - c->len, 0);
	if (n <= 0) {
		if (n == 0 || errno != EAGAIN)
			drop(c);
		return;
	}
	c->len += (size_t)n;
	c->in[c->len] = '\0';
	whole = gw_igd_request_length(c->in, c->len);
	if (whole == 0)
		return;
	g->requests++;
	c->out_len = gw_igd_http(&g->table, &g->cfg, &u->cfg,
	    (const uint8_t *)&c->from.sin_addr, c->in,
	    whole < 0 ? c->len : (size_t)whole, pmp_clock_ms(), c->out,
	    sizeof(c->out), &ev);
	c->sent = 0;
	hostile_answer(u, c);
	inet_ntop(AF_INET, &c->from.sin_addr, who, sizeof(who));
	if (g->log)
		logmsg(g, "%s: upnp %s%s%d ext %u int %u %s lease %lu", who,
		    ev.action, ev.error ? " -> error " : " -> ok ",
		    ev.error, (unsigned)ev.external_port,
		    (unsigned)ev.internal_port, ev.proto == 1 ? "udp" : "tcp",
		    (unsigned long)ev.lease);
	if (c->out_len == 0)
		drop(c);
}

void
upnp_handle(struct gateway *g, const struct pollfd *pfd, size_t n)
{
	struct upnp_server *u = &g->upnp;
	size_t i;

	if (!u->enabled || n < 3 + UPNP_MAX_CONN)
		return;
	if (pfd[0].revents & POLLIN)
		ssdp(g, u->ssdp_fd);
	if (u->group_fd >= 0 && (pfd[1].revents & POLLIN))
		ssdp(g, u->group_fd);
	for (i = 0; i < UPNP_MAX_CONN; i++)
		if (u->conn[i].fd >= 0 && pfd[3 + i].fd == u->conn[i].fd &&
		    (pfd[3 + i].revents & (POLLIN | POLLOUT | POLLERR |
		    POLLHUP)))
			serve(g, &u->conn[i]);
	if (pfd[2].revents & POLLIN)
		accept_one(g);
}
