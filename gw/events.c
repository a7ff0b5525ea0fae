/*
 * events.c - what happens to the gateway besides requests: reboots (RFC
 * 6886 §3.7), address changes, the announcements they cause (§3.2.1),
 * and the table dump.
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
#include "peer.h"
#include "pinhole.h"
#include "io/io.h"
#include "pcp/wire.h"

/* §14.1.3: "to the link-scoped all-nodes multicast address (ff02::1)",
 * port 5350, on the interface of the IPv6 listening address. */
static void
send_announcement6(const struct gateway *g, const uint8_t *p, size_t n)
{
	struct sockaddr_in6 to;

	memset(&to, 0, sizeof(to));
	to.sin6_family = AF_INET6;
	to.sin6_port = htons(PMP_WIRE_CLIENT_PORT);
	to.sin6_addr.s6_addr[0] = 0xff;
	to.sin6_addr.s6_addr[1] = 0x02;
	to.sin6_addr.s6_addr[15] = 0x01;
	to.sin6_scope_id = g->ifindex6;
	if (sendto(g->fd6, p, n, 0, (const struct sockaddr *)&to,
	    sizeof(to)) < 0)
		logmsg(g, "sendto [ff02::1]:%u: %s",
		    (unsigned)PMP_WIRE_CLIENT_PORT, strerror(errno));
}

void
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
	if (g->announce_pcp && g->pcp_announce_due) {
		/* RFC 6887 §14.1.3: the same epoch, to the same group */
		uint8_t p[PMP_PCP_HEADER_LEN];
		size_t pn = gw_pcp_announcement(sssoe(g), p, sizeof(p));

		if (g->announce_multicast) {
			to.sin_port = htons(PMP_WIRE_CLIENT_PORT);
			send_to(g, g->fd, &to, p, pn);
		}
		for (i = 0; i < g->ntargets; i++)
			send_to(g, g->fd, &g->targets[i], p, pn);
		if (g->announce_multicast && g->fd6 >= 0 && g->ifindex6 != 0)
			send_announcement6(g, p, pn);
	}
	inet_ntop(AF_INET, g->cfg.public_addr, pa, sizeof(pa));
	logmsg(g, "announce %s epoch %lu (%u left)", pa,
	    (unsigned long)sssoe(g), g->ann.remaining);
}

void
announce(struct gateway *g)
{
	if (!g->announce_multicast && g->ntargets == 0)
		return;		/* nowhere to send them */
	if (g->announce_count != 0)
		gw_announce_start(&g->ann, g->announce_count, pmp_clock_ms());
}

/* §3.7: a reboot loses every mapping and resets the epoch; the gateway
 * then announces (§3.2.1). */
void
reboot(struct gateway *g)
{
	gw_table_clear(&g->table);
	gw_peers_clear(g->cfg.peers);
	gw_pinholes_clear(g->pinholes);
	g->epoch_start_ms = pmp_clock_ms();
	g->upnp.cfg.bootid++;	/* UDA 1.1 §1.2: a new BOOTID.UPNP.ORG */
	logmsg(g, "reboot: table cleared, epoch reset");
	upnp_notify(g, 1);
	g->pcp_announce_due = 1;
	announce(g);
}

/*
 * RFC 6887 §14.2: the gateway kept its mappings but their address moved:
 * each PCP mapping's client gets its MAP answer unasked, three times (at
 * once, 250 ms and 750 ms later), to the port its last answer went to.
 */
static void
send_mapping_updates(struct gateway *g)
{
	static const unsigned after_ms[3] = { 0, 250, 750 };
	uint64_t now = pmp_clock_ms();
	size_t i, sent = 0;

	gw_table_expire(&g->table, now);
	for (i = 0; i < g->table.n; i++) {
		const gw_mapping_t *m = gw_table_at(&g->table, i);
		uint8_t b[PMP_WIRE_MAX];
		struct sockaddr_in to;
		size_t n;
		unsigned k;

		if (m->client_port == 0)
			continue;
		n = gw_pcp_mapping_update(&g->cfg, sssoe(g), m, now, b,
		    sizeof(b));
		if (n == 0)
			continue;
		memset(&to, 0, sizeof(to));
		to.sin_family = AF_INET;
		memcpy(&to.sin_addr, m->client, 4);
		to.sin_port = htons(m->client_port);
		for (k = 0; k < 3; k++)
			send_later(g, &to, b, n, now + after_ms[k], 1);
		sent++;
	}
	if (sent != 0)
		logmsg(g, "mapping updates for %zu PCP mappings", sent);
}

void
change_address(struct gateway *g)
{
	char pa[INET_ADDRSTRLEN];
	uint8_t old[4];

	memcpy(old, g->cfg.public_addr, 4);
	/* PCP's ANNOUNCE too (with --announce-pcp): its epoch is not reset,
	 * so it only says the server is there; the mapping updates say
	 * what changed. */
	g->pcp_announce_due = 1;
	if (g->have_next_public) {
		memcpy(g->cfg.public_addr, g->next_public, 4);
		memcpy(g->next_public, old, 4);	/* the next change goes back */
	} else {
		g->cfg.public_addr[3] = (uint8_t)(g->cfg.public_addr[3] + 1);
	}
	inet_ntop(AF_INET, g->cfg.public_addr, pa, sizeof(pa));
	logmsg(g, "public address changed to %s", pa);
	send_mapping_updates(g);
	announce(g);
}

void
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
	for (i = 0; i < gw_pinholes_count(g->pinholes, now); i++) {
		const gw_pinhole_t *h = &g->pinholes->p[i];
		char c[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, h->client, c, sizeof(c));
		printf("{\"pinhole\":\"%s\",\"protocol\":\"%s\","
		    "\"port\":%u,\"expires_in\":%llu}\n", c,
		    h->protocol == 17 ? "udp" : "tcp", (unsigned)h->port,
		    (unsigned long long)((h->expires_ms - now + 999) / 1000));
	}
	printf("{\"mappings\":%zu,\"peers\":%zu,\"pinholes\":%zu,"
	    "\"requests\":%lu,\"epoch\":%lu,\"public_address\":\"%s\"}\n",
	    g->table.n, gw_peers_count(g->cfg.peers, now),
	    gw_pinholes_count(g->pinholes, now), g->requests,
	    (unsigned long)sssoe(g), pa);
	fflush(stdout);
}
