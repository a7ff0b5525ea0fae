/*
 * control.c - the UPnP-IGD control point's state machine (see control.h):
 * search, description, action, each exchange bounded in time and size.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "pmp.h"
#include "control.h"
#include "core/addr.h"

enum phase { P_IDLE, P_SEARCH, P_DESCRIBE, P_CALL, P_DONE };
enum conn { C_NONE, C_CONNECTING, C_WRITING, C_READING };

void
pmp_control_init(pmp_control_t *c, const uint8_t gateway[16])
{
	memset(c, 0, sizeof(*c));
	memcpy(c->gateway, gateway, 16);
	c->phase = P_IDLE;
}

static void
finish(pmp_control_t *c, int status)
{
	if (c->conn != C_NONE)
		c->close_owed = 1;
	c->conn = C_NONE;
	c->status = status;
	c->phase = P_DONE;
}

/* Open an exchange: req (built by the caller into c->req) to c->url. */
static void
exchange(pmp_control_t *c, uint64_t now_ms)
{
	if (c->conn != C_NONE)
		c->close_owed = 1;
	c->conn = C_NONE;	/* step() connects */
	c->req_sent = 0;
	c->conn_deadline = now_ms + PMP_CONTROL_HTTP_MS;
	pmp_http_reader_init(&c->reader, c->body, sizeof(c->body));
}

static void describe_next(pmp_control_t *c, uint64_t now_ms);

static void
call_now(pmp_control_t *c, uint64_t now_ms)
{
	pmp_soap_arg_t args[PMP_SOAP_MAX_ARGS];
	size_t i, n;

	for (i = 0; i < c->nargs; i++) {
		args[i].name = c->arg_name[i];
		args[i].value = c->arg_value[i];
	}
	c->phase = P_CALL;
	c->url = c->control;
	n = pmp_soap_envelope(c->service_type, c->action, args, c->nargs,
	    c->envelope, sizeof(c->envelope));
	c->req_len = n == 0 ? 0 : pmp_http_soap_post(c->control.host,
	    c->control.path, c->service_type, c->action, c->envelope, n,
	    c->req, sizeof(c->req));
	if (c->req_len == 0) {
		finish(c, PMP_EINVAL);
		return;
	}
	exchange(c, now_ms);
}

/* The service of a description to use: toward an IPv4 gateway, the best
 * connection service (WANIPConnection of the highest version, else
 * WANPPPConnection); toward an IPv6 one, WANIPv6FirewallControl (IGDv2:
 * IPv6 is routed, its mappings are pinholes). */
static const pmp_igd_service_t *
pick_service(const pmp_igd_desc_t *d, int v6)
{
	const pmp_igd_service_t *best = NULL;
	unsigned i;

	for (i = 0; i < d->nservices; i++) {
		const pmp_igd_service_t *s = &d->services[i];

		if ((s->kind == PMP_IGD_FIREWALL6) != v6)
			continue;
		if (best == NULL || (s->kind == PMP_IGD_WANIP &&
		    (best->kind != PMP_IGD_WANIP ||
		    s->version > best->version)))
			best = s;
	}
	return best;
}

/* A link-local address from the IGD (its LOCATION, its control URL)
 * has no interface in it: the gateway's, which it is on. */
static void
scoped(const pmp_control_t *c, uint8_t addr[16])
{
	if (pmp_addr_is_linklocal(addr) && pmp_addr_scope(addr) == 0)
		pmp_addr_set_scope(addr, pmp_addr_scope(c->gateway));
}

/* The candidate's description is in: use it, or try the next. */
static void
described(pmp_control_t *c, uint64_t now_ms)
{
	const pmp_igd_candidate_t *cand = pmp_search_best(&c->search,
	    c->candidate);
	const pmp_igd_service_t *s;
	pmp_url_t base;

	c->candidate++;
	if (c->reader.status != 200 || cand == NULL ||
	    pmp_igd_desc_parse(c->body, c->reader.body_len, &c->desc) != 0 ||
	    (s = pick_service(&c->desc, !pmp_addr_is_v4(c->gateway))) ==
	    NULL) {
		describe_next(c, now_ms);
		return;
	}
	/* UDA 1.1 §2.3: relative to URLBase, or to the description's URL */
	if (c->desc.url_base[0] == '\0' ||
	    pmp_url_parse(c->desc.url_base, &base) != 0)
		base = cand->location;
	if (pmp_url_resolve(&base, s->control_url, &c->control) != 0) {
		describe_next(c, now_ms);
		return;
	}
	scoped(c, c->control.addr);
	memcpy(c->service_type, s->type, sizeof(c->service_type));
	c->service_version = s->version;
	memcpy(c->reason, cand->reason, sizeof(c->reason));
	memcpy(c->location, cand->msg.location, sizeof(c->location));
	c->has_bootid = cand->msg.has_bootid;
	c->bootid = cand->msg.bootid;
	c->have_igd = 1;
	call_now(c, now_ms);
}

static void
describe_next(pmp_control_t *c, uint64_t now_ms)
{
	const pmp_igd_candidate_t *cand = pmp_search_best(&c->search,
	    c->candidate);

	if (cand == NULL) {
		finish(c, PMP_ENOSUPPORT);	/* no IGD we can use */
		return;
	}
	c->phase = P_DESCRIBE;
	c->url = cand->location;
	scoped(c, c->url.addr);
	c->req_len = pmp_http_get(cand->location.host, cand->location.path,
	    c->req, sizeof(c->req));
	exchange(c, now_ms);
}

int
pmp_control_call(pmp_control_t *c, const char *action,
    const pmp_soap_arg_t *args, size_t nargs, uint64_t now_ms)
{
	size_t al = strlen(action), i;

	if (c->phase != P_IDLE || al == 0 || al >= sizeof(c->action) ||
	    nargs > PMP_SOAP_MAX_ARGS)
		return PMP_EINVAL;
	for (i = 0; i < nargs; i++)
		if (strlen(args[i].name) >= PMP_SOAP_NAME ||
		    strlen(args[i].value) >= PMP_SOAP_VALUE)
			return PMP_EINVAL;
	for (i = 0; i < nargs; i++) {
		strncpy(c->arg_name[i], args[i].name, PMP_SOAP_NAME);
		strncpy(c->arg_value[i], args[i].value, PMP_SOAP_VALUE);
	}
	c->nargs = nargs;
	memcpy(c->action, action, al + 1);
	memset(&c->answer, 0, sizeof(c->answer));
	c->status = PMP_OK;
	if (c->have_igd) {
		call_now(c, now_ms);
		return PMP_OK;
	}
	c->phase = P_SEARCH;
	c->candidate = 0;
	pmp_search_init(&c->search, c->gateway, now_ms);
	return PMP_OK;
}

static void
exchange_step(pmp_control_t *c, uint64_t now_ms, pmp_control_out_t *out)
{
	if (now_ms >= c->conn_deadline) {
		if (c->phase == P_DESCRIBE) {
			c->candidate++;
			if (c->conn != C_NONE)
				c->close_owed = 1;
			c->conn = C_NONE;
			describe_next(c, now_ms);
		} else {
			c->have_igd = 0;	/* search again next time */
			finish(c, PMP_ETIMEDOUT);
		}
		return;
	}
	switch (c->conn) {
	case C_NONE:
		c->conn = C_CONNECTING;
		out->kind = PMP_CONTROL_CONNECT;
		memcpy(out->addr, c->url.addr, 16);
		out->port = c->url.port;
		return;
	case C_WRITING:
		out->kind = PMP_CONTROL_WRITE;
		out->data = c->req + c->req_sent;
		out->len = c->req_len - c->req_sent;
		return;
	default:
		return;		/* connecting, reading: wait */
	}
}

void
pmp_control_step(pmp_control_t *c, uint64_t now_ms, pmp_control_out_t *out)
{
	size_t n;

	memset(out, 0, sizeof(*out));
	if (c->close_owed) {
		c->close_owed = 0;
		out->kind = PMP_CONTROL_CLOSE;
		return;
	}
	switch (c->phase) {
	case P_SEARCH:
		if (pmp_search_done(&c->search, now_ms)) {
			describe_next(c, now_ms);
			pmp_control_step(c, now_ms, out);
			return;
		}
		n = pmp_search_output(&c->search, now_ms, c->dgram,
		    sizeof(c->dgram), out->addr, &out->port);
		if (n > 0) {
			out->kind = PMP_CONTROL_SEND_TO;
			out->data = c->dgram;
			out->len = n;
		}
		return;
	case P_DESCRIBE:
	case P_CALL:
		exchange_step(c, now_ms, out);
		/* an exchange that just ended (time out): what comes next */
		if (out->kind == PMP_CONTROL_WAIT && (c->phase == P_DONE ||
		    c->close_owed || c->conn == C_NONE))
			pmp_control_step(c, now_ms, out);
		return;
	case P_DONE:
		c->phase = P_IDLE;
		out->kind = PMP_CONTROL_DONE;
		return;
	default:
		return;
	}
}

uint64_t
pmp_control_deadline(const pmp_control_t *c)
{
	if (c->close_owed || c->phase == P_DONE)
		return 0;
	switch (c->phase) {
	case P_SEARCH:
		return pmp_search_deadline(&c->search);
	case P_DESCRIBE:
	case P_CALL:
		return c->conn == C_NONE || c->conn == C_WRITING ? 0 :
		    c->conn_deadline;
	default:
		return UINT64_MAX;
	}
}

void
pmp_control_abort(pmp_control_t *c)
{
	c->close_owed = 0;
	c->conn = C_NONE;
	c->phase = P_IDLE;
	c->status = PMP_ECANCELED;
}

void
pmp_control_forget(pmp_control_t *c)
{
	if (c->phase != P_DESCRIBE)
		c->have_igd = 0;
}

void
pmp_control_refused(pmp_control_t *c, uint64_t now_ms)
{
	if (c->phase == P_SEARCH)
		pmp_search_refused(&c->search, now_ms);
}

void
pmp_control_datagram(pmp_control_t *c, const uint8_t *b, size_t n,
    const uint8_t src[16], uint16_t sport, uint64_t now_ms)
{
	if (c->phase == P_SEARCH)
		pmp_search_input(&c->search, b, n, src, sport, now_ms);
}

/* The exchange failed before an answer (refused, reset, not HTTP). */
static void
exchange_failed(pmp_control_t *c, int status, uint64_t now_ms)
{
	c->close_owed = 1;
	c->conn = C_NONE;
	if (c->phase == P_DESCRIBE) {
		c->candidate++;
		describe_next(c, now_ms);
	} else {
		c->have_igd = 0;
		finish(c, status);
		c->close_owed = 1;
	}
}

void
pmp_control_connected(pmp_control_t *c, int ok, uint64_t now_ms)
{
	if (c->conn != C_CONNECTING)
		return;
	if (!ok) {
		exchange_failed(c, PMP_EREFUSED, now_ms);
		return;
	}
	c->conn = C_WRITING;
}

void
pmp_control_wrote(pmp_control_t *c, size_t n, uint64_t now_ms)
{
	(void)now_ms;
	if (c->conn != C_WRITING)
		return;
	c->req_sent += n < c->req_len - c->req_sent ? n :
	    c->req_len - c->req_sent;
	if (c->req_sent == c->req_len)
		c->conn = C_READING;
}

static void
answered(pmp_control_t *c, uint64_t now_ms)
{
	c->close_owed = 1;
	c->conn = C_NONE;
	if (c->phase == P_DESCRIBE) {
		described(c, now_ms);
		return;
	}
	if (pmp_soap_read(c->reader.status, c->body, c->reader.body_len,
	    c->action, &c->answer) != 0) {
		finish(c, PMP_EBADANSWER);
		return;
	}
	finish(c, c->answer.fault ? PMP_EGATEWAY : PMP_OK);
}

void
pmp_control_read(pmp_control_t *c, const uint8_t *b, size_t n,
    uint64_t now_ms)
{
	pmp_http_state_t st;

	if (c->conn != C_READING && c->conn != C_WRITING)
		return;
	st = n == 0 ? pmp_http_closed(&c->reader) :
	    pmp_http_feed(&c->reader, b, n);
	if (st == PMP_HTTP_DONE)
		answered(c, now_ms);
	else if (st == PMP_HTTP_ERROR)
		exchange_failed(c, PMP_EBADANSWER, now_ms);
}
