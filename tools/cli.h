/*
 * cli.h - what the pmp command's files share: main.c dispatches to the
 * cmd_*.c files, which use util.c (and run.c for keep and watch).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_CLI_H
#define PMP_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "pmp.h"

/* Exit status, documented in pmp(1). */
enum {
	EXIT_OK = 0,
	EXIT_LOCAL = 1,		/* local failure: socket, routing table */
	EXIT_USAGE = 2,		/* bad command line; nothing was sent */
	EXIT_NOANSWER = 3,	/* no NAT-PMP answer: timeout, port unreachable */
	EXIT_REFUSED = 4	/* the gateway answered with an error */
};

struct opts {
	int udp;
	int tcp;
	int all;
	int json;
	int verbose;
	int have_lifetime;
	uint32_t lifetime;
	const char *gateway;
	unsigned methods;	/* --protocol: PMP_METHOD_BIT()s, 0 default */
	int family;		/* -4, -6: 4 or 6; 0 for either (IPv4 first) */
	uint32_t timeout_ms;
	const char *port_file;	/* keep */
	const char *on_change;	/* keep */
	uint32_t hook_timeout_ms; /* keep: per --on-change run, 0: none */
	/* map, PCP only: what pmp_map_params_t says beyond the basics */
	unsigned map_flags;	/* PMP_MAP_PEER, _THIRD_PARTY, _PREFER_FAILURE */
	uint8_t peer[16];
	uint16_t peer_port;
	uint8_t third_party[16];
	unsigned nfilters;
	pmp_filter_t filters[PMP_MAX_FILTERS];
};

/* An address as text: IPv6 with "%interface" (v4_text()). */
#define ADDR_TEXT_LEN 64

/* Every message starts with it. */
#define PROGNAME "pmp"

void usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
unsigned long parse_number(const char *s, const char *what, unsigned long min,
    unsigned long max);
uint16_t parse_port(const char *s, const char *what, unsigned long min);
void v4_text(const uint8_t a[16], char *buf, size_t cap);
/* The address is neither zero nor ::ffff:0.0.0.0. */
int address_known(const uint8_t a[16]);
const char *proto_name(int p);
int exit_for(int status);
void json_string(const char *key, const char *val, int *first);
void json_number(const char *key, unsigned long val, int *first);
void json_method(pmp_method_t m, int *first);
int open_client(const struct opts *o, pmp_client_t **cp);
const char *event_name(pmp_event_type_t t);
void warn_double_nat(const uint8_t a[16]);

/* portfile.c: replace path with the ports, one per line, in mode; 0, or
 * -1 with errno. */
int port_file_write(const char *path, const uint16_t *ports, int n,
    unsigned mode);

/* -t: decimal seconds into milliseconds; exits on bad input. */
uint32_t parse_seconds(const char *s);
/* "a.b.c.d", "IPV6", "a.b.c.d:PORT" or "[IPV6]:PORT" (port 0 if none and
 * need_port is 0), as a 16-byte address; usage error if not. */
void parse_endpoint(const char *s, const char *what, int need_port,
    uint8_t addr[16], uint16_t *port);
/* "ADDR[/LEN]" or "ADDR[/LEN]:PORT" ("[IPV6][/LEN]:PORT") as a filter. */
void parse_filter(const char *s, pmp_filter_t *f);
/* Print a failed request's error (JSON with --json); returns the exit
 * status for it. */
int report_error(const struct opts *o, const char *what, const pmp_result_t *r,
    pmp_client_t *c);

/* One file per subcommand; each returns the exit status. */
/* nonces.c: the PCP nonce record (see there), at most this many lines. */
#define NONCE_RECORDS_MAX 4096
/* nonces.c: the PCP nonce record (see there).  1 done/found, 0 nothing
 * matched, -1 with the reason in err.  *private_port 0 asks for any. */
int nonce_put(const char *gw, unsigned port, int proto, unsigned private_port,
    const uint8_t nonce[12], uint32_t lifetime, char *err, size_t errcap);
int nonce_get(const char *gw, unsigned port, int proto, unsigned *private_port,
    uint8_t nonce[12], char *err, size_t errcap);
int nonce_del(const char *gw, unsigned port, int proto, unsigned private_port,
    char *err, size_t errcap);

int cmd_addr(const struct opts *o);
int cmd_map(const struct opts *o, uint16_t private_port, uint16_t public_port,
    uint32_t lifetime);
int cmd_unmap(const struct opts *o, uint16_t private_port);
int cmd_gateway(const struct opts *o);
int cmd_probe(const struct opts *o);
int cmd_keep(const struct opts *o, char **specs, int nspecs);
int cmd_watch(const struct opts *o);

#endif
