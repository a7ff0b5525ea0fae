/*
 * answer.c - NAT-PMP answers as they leave: respond.c decides each one,
 * fault.c the drops and forgeries; here they are delayed, duplicated,
 * truncated and sent from the right (or a wrong) socket.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "pcp/wire.h"
#include "pcp_respond.h"
#include "io/io.h"

uint32_t
sssoe(const struct gateway *g)
{
	/* §3.6: seconds since the table was (re)initialised, from the
	 * monotonic clock so wall-clock steps do not move it. */
	return (uint32_t)((pmp_clock_ms() - g->epoch_start_ms) / 1000);
}

void
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

void
send_later(struct gateway *g, const struct sockaddr_in *to,
    const uint8_t *b, size_t n, uint64_t due_ms, int update)
{
	struct delayed *d;

	if (g->ndelayed == MAX_DELAYED) {
		logmsg(g, "delay queue full, answer dropped");
		return;
	}
	d = &g->delayed[g->ndelayed++];
	d->due_ms = due_ms;
	d->update = update;
	d->to = *to;
	d->len = n < sizeof(d->b) ? n : sizeof(d->b);
	memcpy(d->b, b, d->len);
}

static void
queue_or_send(struct gateway *g, const struct sockaddr_in *to,
    const uint8_t *b, size_t n)
{
	if (g->f.delay_ms == 0)
		send_to(g, answer_fd(g), to, b, n);
	else
		send_later(g, to, b, n, pmp_clock_ms() + g->f.delay_ms, 0);
}

/* RFC 6887 §14.2: "Once the PCP server has received a refreshed state for
 * that mapping, [it] SHOULD cease those retransmissions": a request from
 * the same client and port with the same nonce (bytes 24-35 of a MAP or
 * PEER) cancels the updates still queued for it. */
static void
cancel_updates(struct gateway *g, const uint8_t *b, size_t n,
    const struct sockaddr_in *from)
{
	size_t i = 0;

	if (n < 36 || b[0] != PMP_PCP_VERSION)
		return;
	while (i < g->ndelayed) {
		struct delayed *d = &g->delayed[i];

		if (d->update && d->len >= 36 &&
		    d->to.sin_addr.s_addr == from->sin_addr.s_addr &&
		    d->to.sin_port == from->sin_port &&
		    memcmp(d->b + 24, b + 24, 12) == 0) {
			memmove(d, d + 1, (g->ndelayed - i - 1) * sizeof(*d));
			g->ndelayed--;
		} else {
			i++;
		}
	}
}

/* Where a PCP mapping's update would go: the port its answer went to. */
static void
note_client_port(struct gateway *g, const struct sockaddr_in *from,
    const gw_event_t *ev)
{
	gw_mapping_t *m = gw_table_lookup(&g->table,
	    (const uint8_t *)&from->sin_addr, ev->opcode, ev->private_port);

	if (m != NULL && m->has_nonce)
		m->client_port = ntohs(from->sin_port);
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

/* The answer of the protocol the request is in: RFC 6887 App. A, a
 * server of both tells them apart by the version byte.  Version 2 is
 * PCP's; any other gets NAT-PMP's "unsupported version, I speak 0" (D-1),
 * unless this gateway speaks only PCP. */
static size_t
respond(struct gateway *g, const uint8_t *b, size_t n,
    const struct sockaddr_in *from, uint8_t *out, size_t cap,
    gw_event_t *ev)
{
	const uint8_t *client = (const uint8_t *)&from->sin_addr;

	if (b[0] == 2 && g->speaks == SPEAKS_NATPMP_DEAF) {
		/* as routers whose NAT-PMP drops what it cannot read */
		gw_describe(b, n, ev);
		return 0;
	}
	if (b[0] == 2 && g->speaks != SPEAKS_NATPMP)
		return gw_pcp_respond(&g->table, &g->cfg, sssoe(g), client, b,
		    n, pmp_clock_ms(), out, cap, ev);
	if (g->speaks == SPEAKS_PCP)
		return gw_pcp_refuse_version(&g->cfg, sssoe(g), client, b, n,
		    out, cap, ev);
	/* NAT-PMP; any other version gets its 8-byte result 1 (§3.5) */
	return gw_respond(&g->table, &g->cfg, sssoe(g), client, b, n,
	    pmp_clock_ms(), out, cap, ev);
}

void
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
	len = respond(g, b, n, from, out, sizeof(out), &ev);
	if (b[0] == PMP_PCP_VERSION && ev.kind == GW_MAP &&
	    ev.result == PMP_PCP_SUCCESS) {
		note_client_port(g, from, &ev);
		cancel_updates(g, b, n, from);
	}
	if (g->log == 2)
		fate = len ? "sent" : "none";
	log_event(g, who, n, &ev, fate);
	if (len != 0)
		answer(g, from, out, len);
}

void
send_due(struct gateway *g, uint64_t now)
{
	size_t i = 0;

	while (i < g->ndelayed) {
		if (g->delayed[i].due_ms <= now) {
			if (g->delayed[i].update) {
				/* §14.2: "an appropriate Epoch Time value
				 * in each" (header bytes 8-11) */
				uint32_t e = sssoe(g);
				uint8_t *p = g->delayed[i].b + 8;

				p[0] = (uint8_t)(e >> 24);
				p[1] = (uint8_t)(e >> 16);
				p[2] = (uint8_t)(e >> 8);
				p[3] = (uint8_t)e;
			}
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

void
handle6(struct gateway *g, const uint8_t *b, size_t n,
    const struct sockaddr_in6 *from)
{
	uint8_t out[PMP_WIRE_MAX];
	char who[INET6_ADDRSTRLEN + 10];
	gw_event_t ev;
	size_t len = 0;

	who[0] = '[';
	inet_ntop(AF_INET6, &from->sin6_addr, who + 1, INET6_ADDRSTRLEN);
	snprintf(who + strlen(who), 10, "]:%u", ntohs(from->sin6_port));
	memset(&ev, 0, sizeof(ev));
	ev.kind = GW_DROPPED;
	if (n >= 2 && b[0] != 2) {
		/* NAT-PMP is IPv4's (RFC 6886 §3): nothing to answer */
		logmsg(g, "%s: version %u on IPv6 dropped (PCP only)", who,
		    b[0]);
		return;
	}
	if (n >= 2 && !(b[1] & PMP_WIRE_RESPONSE)) {
		g->requests++;
		if (gw_fault_drops(&g->f.drop, g->requests)) {
			logmsg(g, "%s: dropped (fault)", who);
			return;
		}
	}
	len = gw_pcp_respond6(g->pinholes, &g->cfg, sssoe(g),
	    (const uint8_t *)&from->sin6_addr, b, n, pmp_clock_ms(), out,
	    sizeof(out), &ev);
	log_event(g, who, n, &ev, g->log == 2 ? (len ? "sent" : "none") : "");
	if (len != 0 && sendto(g->fd6, out, len, 0,
	    (const struct sockaddr *)from, sizeof(*from)) < 0)
		logmsg(g, "sendto: %s", strerror(errno));
}
