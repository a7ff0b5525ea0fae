/*
 * cmd_probe.c - `pmp probe`: which of PCP, NAT-PMP and UPnP-IGD the
 * gateway offers, each asked at once for the public address (one client
 * per method, forced, in one event loop), with the IGD's names, service
 * and connection status: what to run first when nothing works.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmp.h"
#include "cli.h"
#include "os.h"

#define PROBES 3
#define PROBE_TIMEOUT_MS 3000u	/* per method, unless -t */

struct probe {
	pmp_method_t method;
	const char *key;	/* JSON */
	struct opts o;		/* its own: the client keeps a pointer */
	pmp_client_t *c;
	int asked;		/* a request is out (or was) */
	int done;
	pmp_result_t res;
	pmp_igd_info_t igd;
	int have_igd;
};

static void
answered(void *arg, const pmp_result_t *res)
{
	struct probe *p = arg;

	p->res = *res;
	p->done = 1;
}

/* A router's text for a terminal or JSON: control characters (an escape
 * sequence in a friendlyName) become '?'. */
static void
printable(const char *in, char *out, size_t cap)
{
	size_t i;

	for (i = 0; in[i] != '\0' && i + 1 < cap; i++) {
		unsigned char ch = (unsigned char)in[i];

		if (ch < 0x20 || ch == 0x7f)
			out[i] = '?';
		else
			out[i] = in[i];
	}
	out[i] = '\0';
}

/* Wait until every probe is answered or has failed. */
static void
run_probes(struct probe *p)
{
	for (;;) {
		struct pollfd pfd[PROBES * 8];
		pmp_fd_t fds[PROBES][8];
		int n[PROBES], k, i, j, timeout = -1, busy = 0;

		for (k = 0, i = 0; i < PROBES; i++) {
			int t;

			n[i] = 0;
			if (!p[i].asked || p[i].done)
				continue;
			busy = 1;
			n[i] = pmp_client_poll_fds(p[i].c, fds[i], 8, NULL);
			if (n[i] > 8)
				n[i] = 8;
			for (j = 0; j < n[i]; j++)
				pfd[k++] = (struct pollfd){ fds[i][j].fd,
				    (short)((fds[i][j].events & PMP_FD_READ ?
				    POLLIN : 0) | (fds[i][j].events &
				    PMP_FD_WRITE ? POLLOUT : 0)), 0 };
			t = pmp_client_timeout_ms(p[i].c);
			if (t >= 0 && (timeout < 0 || t < timeout))
				timeout = t;
		}
		if (!busy)
			return;
		(void)os_poll(pfd, (unsigned)k, timeout);
		for (k = 0, i = 0; i < PROBES; i++) {
			pmp_fd_t ready[8];

			for (j = 0; j < n[i]; j++, k++) {
				ready[j].fd = fds[i][j].fd;
				ready[j].events = (pfd[k].revents & POLLIN ?
				    PMP_FD_READ : 0) | (pfd[k].revents &
				    POLLOUT ? PMP_FD_WRITE : 0) |
				    (pfd[k].revents & (POLLERR | POLLHUP) ?
				    PMP_FD_ERROR : 0);
			}
			if (p[i].asked && !p[i].done)
				(void)pmp_client_process_fds(p[i].c, ready,
				    n[i]);
		}
	}
}

static void
print_text(const struct probe *p)
{
	char addr[ADDR_TEXT_LEN], a[130], b[130], m[130];

	printf("%-9s ", pmp_method_name(p->method));
	if (!p->asked) {
		printf("not asked: NAT-PMP is IPv4 only\n");
		return;
	}
	if (p->res.status != PMP_OK) {
		printf("no: %s\n", pmp_strerror(p->res.status));
		return;
	}
	v4_text(p->res.public_address, addr, sizeof(addr));
	printf("yes: public address %s", addr);
	if (p->method != PMP_METHOD_UPNP)
		printf(", epoch %lu s", (unsigned long)p->res.epoch);
	printf(" (%lu ms)\n", (unsigned long)p->res.elapsed_ms);
	if (!p->have_igd)
		return;
	printable(p->igd.friendly_name, a, sizeof(a));
	printable(p->igd.manufacturer, b, sizeof(b));
	printable(p->igd.model_name, m, sizeof(m));
	printf("          \"%s\" by %s, model %s\n", a, b[0] ? b : "?",
	    m[0] ? m : "?");
	printable(p->igd.service_type, a, sizeof(a));
	printable(p->igd.status, b, sizeof(b));
	printf("          %s, status %s\n", a, b[0] ? b : "unknown");
	printable(p->igd.location, a, sizeof(a));
	printf("          %s\n", a);
	printable(p->igd.reason, a, sizeof(a));
	printf("          picked: %s\n", a);
}

static void
print_json(const struct probe *p)
{
	char addr[ADDR_TEXT_LEN], t[130];
	int inner = 1;

	printf(",\"%s\":{", p->key);
	if (!p->asked) {
		printf("\"ok\":false,\"error\":\"not asked: NAT-PMP is IPv4 "
		    "only\"}");
		return;
	}
	printf("\"ok\":%s", p->res.status == PMP_OK ? "true" : "false");
	inner = 0;
	if (p->res.status != PMP_OK) {
		json_string("error", pmp_strerror(p->res.status), &inner);
		putchar('}');
		return;
	}
	v4_text(p->res.public_address, addr, sizeof(addr));
	json_string("public_address", addr, &inner);
	if (p->method != PMP_METHOD_UPNP)
		json_number("epoch", p->res.epoch, &inner);
	json_number("ms", (unsigned long)p->res.elapsed_ms, &inner);
	if (p->have_igd) {
		const char *const key[] = { "friendly_name", "manufacturer",
		    "model_name", "service", "status", "location",
		    "picked" };
		const char *const val[] = { p->igd.friendly_name,
		    p->igd.manufacturer, p->igd.model_name,
		    p->igd.service_type, p->igd.status, p->igd.location,
		    p->igd.reason };
		size_t i;

		for (i = 0; i < sizeof(key) / sizeof(key[0]); i++) {
			printable(val[i], t, sizeof(t));
			json_string(key[i], t, &inner);
		}
	}
	putchar('}');
}

int
cmd_probe(const struct opts *o)
{
	static const pmp_method_t methods[PROBES] = { PMP_METHOD_PCP,
	    PMP_METHOD_NATPMP, PMP_METHOD_UPNP };
	static const char *const keys[PROBES] = { "pcp", "natpmp", "upnp" };
	struct probe p[PROBES];
	char gw[ADDR_TEXT_LEN] = "?";
	uint8_t addr[16];
	uint16_t port;
	int i, any = 0, v6 = o->family == 6, first = 1;

	memset(p, 0, sizeof(p));
	if (o->gateway != NULL && pmp_parse_gateway(o->gateway, addr,
	    &port) == PMP_OK && !(addr[10] == 0xff && addr[0] == 0))
		v6 = 1;
	for (i = 0; i < PROBES; i++) {
		p[i].method = methods[i];
		p[i].key = keys[i];
		/* NAT-PMP is IPv4's (RFC 6886 §3); over IPv6 UPnP-IGD
		 * answers with its firewall's status */
		if (v6 && methods[i] == PMP_METHOD_NATPMP)
			continue;
		p[i].o = *o;
		p[i].o.methods = PMP_METHOD_BIT(methods[i]);
		open_client(&p[i].o, &p[i].c);
		(void)pmp_client_set_timeout_ms(p[i].c, o->timeout_ms != 0 ?
		    o->timeout_ms : PROBE_TIMEOUT_MS);
		if (pmp_request_public_address(p[i].c, answered, &p[i]) > 0)
			p[i].asked = 1;
		else
			p[i].res.status = PMP_EINVAL;
	}
	run_probes(p);
	for (i = 0; i < PROBES; i++) {
		if (p[i].c == NULL)
			continue;
		if (gw[0] == '?' && pmp_client_gateway(p[i].c, addr, &port) ==
		    PMP_OK)
			v4_text(addr, gw, sizeof(gw));
		p[i].have_igd = p[i].res.status == PMP_OK &&
		    pmp_client_igd_info(p[i].c, &p[i].igd) == PMP_OK;
		any |= p[i].res.status == PMP_OK;
	}
	if (o->json) {
		putchar('{');
		json_string("op", "probe", &first);
		json_string("gateway", gw, &first);
		for (i = 0; i < PROBES; i++)
			print_json(&p[i]);
		printf("}\n");
	} else {
		printf("gateway %s\n", gw);
		for (i = 0; i < PROBES; i++)
			print_text(&p[i]);
	}
	for (i = 0; i < PROBES; i++)
		if (p[i].c != NULL)
			pmp_client_free(p[i].c);
	return any ? EXIT_OK : EXIT_NOANSWER;
}
