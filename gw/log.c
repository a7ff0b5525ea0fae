/*
 * log.c - pmp-gateway's messages: fatal errors, notes, and one line (or
 * JSON object) per request.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "io/io.h"

void
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

void
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
	case GW_PEER:
		return "peer";
	}
	return "?";
}

void
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
	case GW_PEER:
		logmsg(g, "%s: %s %s private %u suggested %u lifetime %lu -> "
		    "result %u public %u lifetime %lu%s", who,
		    kind_name(ev->kind), proto, ev->private_port, ev->suggested_port,
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
