/*
 * gateway.h - pmp-gateway's state and what its files share: log.c
 * (messages), options.c (the command line), answer.c (NAT-PMP answers and
 * the faults around them), events.c (reboots, address changes,
 * announcements, the table dump) and main.c (sockets and the loop).  The
 * pure parts are table.c, respond.c and fault.c.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_GATEWAY_H
#define PMP_GATEWAY_H

#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fault.h"
#include "respond.h"
#include "pcp_respond.h"
#include "table.h"
#include "upnp_server.h"
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
	int update;		/* a PCP mapping update (RFC 6887 §14.2) */
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
	int announce_pcp;		/* also a PCP ANNOUNCE (RFC 6887 §14.1) */
	int pcp_announce_due;		/* this cycle is a start or reboot */
	enum { SPEAKS_BOTH, SPEAKS_NATPMP, SPEAKS_PCP,
	    SPEAKS_NATPMP_DEAF } speaks;	/* DEAF: PCP unanswered */
	struct sockaddr_in targets[MAX_TARGETS];	/* unicast copies */
	size_t ntargets;
	/* IPv6 (--listen6): PCP only, MAP as pinholes (pinhole.h) */
	int fd6;			/* -1: none */
	struct sockaddr_in6 listen6;
	unsigned ifindex6;		/* its interface: ff02::1 goes there */
	struct gw_pinholes *pinholes;
	struct upnp_server upnp;	/* --upnp: UPnP-IGD (upnp_server.h) */
};

/* log.c */
void fatal(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
void logmsg(const struct gateway *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_event(const struct gateway *g, const char *who, size_t n,
    const gw_event_t *ev, const char *fate);

/* options.c: fill g from the command line; exits on bad input. */
void parse_args(struct gateway *g, int argc, char **argv);

/* answer.c */
uint32_t sssoe(const struct gateway *g);	/* RFC 6886 §3.6 */
void send_to(const struct gateway *g, int fd, const struct sockaddr_in *to,
    const uint8_t *b, size_t n);
/* A datagram that arrived on the gateway's socket. */
void handle(struct gateway *g, const uint8_t *b, size_t n,
    const struct sockaddr_in *from);
/* One on the IPv6 socket: PCP only (NAT-PMP is IPv4's), answered at once
 * (the delay and forgery faults are IPv4's). */
void handle6(struct gateway *g, const uint8_t *b, size_t n,
    const struct sockaddr_in6 *from);
/* Send the delayed answers now due. */
void send_due(struct gateway *g, uint64_t now);
/* Queue b to go to `to` at due_ms; update: a PCP mapping update, whose
 * epoch is set when it leaves and which an answer to the same client and
 * nonce cancels. */
void send_later(struct gateway *g, const struct sockaddr_in *to,
    const uint8_t *b, size_t n, uint64_t due_ms, int update);

/* events.c */
void send_announcement(struct gateway *g);
void announce(struct gateway *g);
void reboot(struct gateway *g);
void change_address(struct gateway *g);
void dump_table(struct gateway *g);

#endif
