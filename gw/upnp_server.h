/*
 * upnp_server.h - pmp-gateway's UPnP-IGD sockets (upnp_server.c) and their
 * state, part of struct gateway.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_GW_UPNP_SERVER_H
#define PMP_GW_UPNP_SERVER_H

#include <netinet/in.h>
#include <poll.h>

#include <stddef.h>

#include "igd.h"

#define PMP_GW_SSDP_PORT 1900
#define UPNP_MAX_CONN 8
#define UPNP_POLLFDS (3 + UPNP_MAX_CONN)

struct upnp_conn {
	int fd;			/* -1: free */
	struct sockaddr_in from;
	char in[GW_IGD_MAX_REQUEST + 1];
	size_t len;
	char out[GW_IGD_MAX_ANSWER];
	size_t out_len, sent;
	size_t streamed;	/* hostile: bytes sent so far */
	int stalled;		/* hostile stall: half sent, no more */
};

/* Transport faults (--upnp-fault): what a hostile router does to HTTP. */
enum upnp_hostile {
	HOSTILE_NONE,
	HOSTILE_HUGE_HEADERS,	/* actions: header lines without end */
	HOSTILE_ENDLESS_BODY,	/* actions: chunks without end */
	HOSTILE_STALL,		/* actions: half an answer, then silence */
	HOSTILE_REDIRECT	/* the description: 301 to itself */
};
#define UPNP_HOSTILE_MAX (1u << 20)	/* bytes streamed before giving up */

/* Discovery faults (--upnp-fault), as routers in the field (UPNP.md §3,
 * §6): answers only to the multicast group's searches; answers from a
 * port other than 1900; the description on another address than the
 * one searched (a CARP pair's). */
struct upnp_ssdp_faults {
	int multicast_only, other_port, elsewhere;
};

struct upnp_server {
	int enabled;
	uint16_t http_port;
	gw_igd_cfg_t cfg;
	enum upnp_hostile hostile;
	struct upnp_ssdp_faults ssdp;
	int ssdp_fd, group_fd, http_fd;
	int answer_fd;		/* other_port: the answers' socket, or -1 */
	struct upnp_conn conn[UPNP_MAX_CONN];
};

struct gateway;
void upnp_open(struct gateway *g);
void upnp_close(struct gateway *g);
/* The descriptors to wait for, into pfd (UPNP_POLLFDS of them, some
 * -1); 0 when --upnp is off. */
size_t upnp_pollfds(struct gateway *g, struct pollfd *pfd, size_t max);
/* Announce the IGD to 239.255.255.250:1900 (with multicast on): alive
 * (start, reboot: its BOOTID) or byebye (stop). */
void upnp_notify(struct gateway *g, int alive);
/* After poll: serve what is ready (pfd as upnp_pollfds filled it). */
void upnp_handle(struct gateway *g, const struct pollfd *pfd, size_t n);

#endif
