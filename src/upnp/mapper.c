/*
 * mapper.c - the UPnP-IGD mapping policy (see mapper.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/inet.h"
#include "pmp.h"
#include "mapper.h"

enum step { S_STATUS, S_ADDRESS, S_ADD, S_ADD_ANY, S_DELETE, S_CHECK,
    S_FIND, S_WALK, S_FIREWALL, S_PIN_ADD, S_PIN_UPDATE, S_PIN_DELETE };

#define PIN_MAX_LEASE 86400u	/* WANIPv6FirewallControl:1 LeaseTime */

static void
done(pmp_mapper_t *m, int status, int upnp_error)
{
	m->done = 1;
	m->status = status;
	m->upnp_error = upnp_error;
}

/* RFC 1918, CGN (RFC 6598), and other addresses no one reaches us at. */
static int
not_public(const uint8_t a[4])
{
	return a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
	    (a[0] == 192 && a[1] == 168) || (a[0] == 100 &&
	    (a[1] & 0xc0) == 64) || (a[0] == 169 && a[1] == 254);
}

/* The answer's argument name as a number in min..65535 (ports, a
 * pinhole's UniqueID): 0 and *v, or -1. */
static int
answer_number(const pmp_control_t *c, const char *name, unsigned long min,
    uint16_t *v)
{
	const char *text = pmp_soap_get(&c->answer, name);
	unsigned long n;
	char *end;

	if (text == NULL || *text < '0' || *text > '9')
		return -1;
	n = strtoul(text, &end, 10);
	if (*end != '\0' || n < min || n > 65535)
		return -1;
	*v = (uint16_t)n;
	return 0;
}

static int
call_add(pmp_mapper_t *m, pmp_control_t *c, int any, uint32_t lease,
    uint64_t now_ms)
{
	char ext[8], in[8], lease_s[12];
	const pmp_soap_arg_t args[] = { { "NewRemoteHost", "" },
	    { "NewExternalPort", ext },
	    { "NewProtocol", m->udp ? "UDP" : "TCP" },	/* uppercase */
	    { "NewInternalPort", in }, { "NewInternalClient", m->client },
	    { "NewEnabled", "1" },
	    { "NewPortMappingDescription", m->description },
	    { "NewLeaseDuration", lease_s } };

	snprintf(ext, sizeof(ext), "%u", (unsigned)m->trying_port);
	snprintf(in, sizeof(in), "%u", (unsigned)m->internal_port);
	snprintf(lease_s, sizeof(lease_s), "%lu", (unsigned long)lease);
	m->step = any ? S_ADD_ANY : S_ADD;
	m->adds++;
	return pmp_control_call(c, any ? "AddAnyPortMapping" :
	    "AddPortMapping", args, 8, now_ms);
}

/* GetSpecificPortMappingEntry of trying_port, or (S_WALK)
 * GetGenericPortMappingEntry of index walked. */
static int
ask_entry(pmp_mapper_t *m, pmp_control_t *c, int step, uint64_t now_ms)
{
	char ext[8], ix[12];
	const pmp_soap_arg_t key[] = { { "NewRemoteHost", "" },
	    { "NewExternalPort", ext },
	    { "NewProtocol", m->udp ? "UDP" : "TCP" } };
	const pmp_soap_arg_t index[] = { { "NewPortMappingIndex", ix } };

	snprintf(ext, sizeof(ext), "%u", (unsigned)m->trying_port);
	snprintf(ix, sizeof(ix), "%u", m->walked);
	m->step = step;
	if (step == S_WALK)
		return pmp_control_call(c, "GetGenericPortMappingEntry", index,
		    1, now_ms);
	return pmp_control_call(c, "GetSpecificPortMappingEntry", key, 3,
	    now_ms);
}

/* Is the entry c's answer holds ours: our address and internal port
 * (and, for a generic entry, our protocol)? */
static int
entry_ours(const pmp_mapper_t *m, const pmp_control_t *c)
{
	const char *client = pmp_soap_get(&c->answer, "NewInternalClient");
	const char *port = pmp_soap_get(&c->answer, "NewInternalPort");
	const char *proto = pmp_soap_get(&c->answer, "NewProtocol");
	char in[8];

	snprintf(in, sizeof(in), "%u", (unsigned)m->internal_port);
	if (m->step == S_WALK && (proto == NULL ||
	    strcasecmp(proto, m->udp ? "UDP" : "TCP") != 0))
		return 0;
	return client != NULL && port != NULL &&
	    strcmp(client, m->client) == 0 && strcmp(port, in) == 0;
}

static int
call_delete(pmp_mapper_t *m, pmp_control_t *c, uint64_t now_ms)
{
	char ext[8];
	const pmp_soap_arg_t key[] = { { "NewRemoteHost", "" },
	    { "NewExternalPort", ext },
	    { "NewProtocol", m->udp ? "UDP" : "TCP" } };

	snprintf(ext, sizeof(ext), "%u", (unsigned)m->trying_port);
	m->step = S_DELETE;
	return pmp_control_call(c, "DeletePortMapping", key, 3, now_ms);
}

/*
 * A delete of a mapping not made by this client (another process, or
 * before a restart of ours): only our own is deleted, never another
 * host's on that port (routers that do not check, as pmp-gateway):
 * GetSpecificPortMappingEntry of the internal port first, then the list
 * (GetGenericPortMappingEntry) for ours elsewhere (AddAnyPortMapping's
 * port), PMP_MAPPER_WALK entries at most.  None of ours: nothing to do.
 */
static void
found(pmp_mapper_t *m, pmp_control_t *c, uint64_t now_ms)
{
	if (c->status == PMP_OK && entry_ours(m, c)) {
		if (m->step == S_WALK && answer_number(c, "NewExternalPort", 1,
		    &m->trying_port) != 0) {
			done(m, PMP_EBADANSWER, 0);
			return;
		}
		if (call_delete(m, c, now_ms) != PMP_OK)
			done(m, PMP_EINVAL, 0);
		return;
	}
	if (c->status == PMP_OK && m->step == S_WALK &&
	    ++m->walked < PMP_MAPPER_WALK) {
		(void)ask_entry(m, c, S_WALK, now_ms);
		return;
	}
	if (c->status == PMP_OK && m->step == S_FIND) {
		(void)ask_entry(m, c, S_WALK, now_ms);	/* walked: 0 */
		return;
	}
	if (c->status == PMP_EGATEWAY && m->step == S_FIND &&
	    c->answer.error_code == 714) {
		(void)ask_entry(m, c, S_WALK, now_ms);
		return;
	}
	/* past the list's end (713; 714, 402 by some IGDs) or its first
	 * PMP_MAPPER_WALK: none of ours */
	if (c->status == PMP_OK || c->status == PMP_EGATEWAY)
		done(m, PMP_OK, 0);
	else
		done(m, c->status, 0);
}

static uint32_t
pin_lease(const pmp_mapper_t *m)
{
	return m->lease < 1 ? 1 : m->lease > PIN_MAX_LEASE ? PIN_MAX_LEASE :
	    m->lease;
}

static int
pin_add(pmp_mapper_t *m, pmp_control_t *c, uint64_t now_ms)
{
	char port[8], lease[12];
	const pmp_soap_arg_t args[] = { { "RemoteHost", "" },
	    { "RemotePort", "0" }, { "InternalClient", m->client },
	    { "InternalPort", port }, { "Protocol", m->udp ? "17" : "6" },
	    { "LeaseTime", lease } };

	snprintf(port, sizeof(port), "%u", (unsigned)m->internal_port);
	snprintf(lease, sizeof(lease), "%lu", (unsigned long)pin_lease(m));
	m->step = S_PIN_ADD;
	return pmp_control_call(c, "AddPinhole", args, 6, now_ms);
}

static int
pin_update(pmp_mapper_t *m, pmp_control_t *c, int delete, uint64_t now_ms)
{
	char id[12], lease[12];
	const pmp_soap_arg_t args[] = { { "UniqueID", id },
	    { "NewLeaseTime", lease } };

	snprintf(id, sizeof(id), "%lu", (unsigned long)m->unique_id);
	snprintf(lease, sizeof(lease), "%lu", (unsigned long)pin_lease(m));
	m->step = delete ? S_PIN_DELETE : S_PIN_UPDATE;
	return pmp_control_call(c, delete ? "DeletePinhole" : "UpdatePinhole",
	    args, delete ? 1 : 2, now_ms);
}

static int
pinhole_start(pmp_mapper_t *m, pmp_control_t *c, uint64_t now_ms)
{
	switch (m->op) {
	case PMP_MAPPER_ADDRESS:
		m->step = S_FIREWALL;
		return pmp_control_call(c, "GetFirewallStatus", NULL, 0,
		    now_ms);
	case PMP_MAPPER_MAP:
		return m->has_id ? pin_update(m, c, 0, now_ms) :
		    pin_add(m, c, now_ms);
	case PMP_MAPPER_CHECK:
		/* not asked: UpdatePinhole's 704 at each renewal says it */
		done(m, PMP_EUNSUPPORTED, 0);
		return PMP_OK;
	default:
		if (!m->has_id) {
			/* only its AddPinhole's UniqueID names a pinhole */
			done(m, PMP_EUNSUPPORTED, 0);
			return PMP_OK;
		}
		return pin_update(m, c, 1, now_ms);
	}
}

/* A pinhole call ended. */
static void
pinhole_advance(pmp_mapper_t *m, pmp_control_t *c, uint64_t now_ms)
{
	const char *v;
	uint16_t id;

	if (m->step == S_PIN_UPDATE && c->status == PMP_EGATEWAY &&
	    c->answer.error_code == 704) {
		m->has_id = 0;	/* gone (a restart): open it again */
		if (pin_add(m, c, now_ms) != PMP_OK)
			done(m, PMP_EINVAL, 0);
		return;
	}
	if (m->step == S_PIN_DELETE && c->status == PMP_EGATEWAY &&
	    c->answer.error_code == 704) {
		done(m, PMP_OK, 0);	/* nothing there: deleted */
		return;
	}
	if (c->status != PMP_OK) {
		done(m, c->status, c->answer.error_code);
		return;
	}
	/* the address is our own: nothing translates */
	memcpy(m->address, m->client, sizeof(m->address));
	switch (m->step) {
	case S_FIREWALL:
		v = pmp_soap_get(&c->answer, "InboundPinholeAllowed");
		if (v != NULL && strcmp(v, "0") == 0)
			done(m, PMP_EGATEWAY, 703);	/* not allowed */
		else
			done(m, PMP_OK, 0);
		return;
	case S_PIN_ADD:
		if (answer_number(c, "UniqueID", 0, &id) != 0) {
			done(m, PMP_EBADANSWER, 0);
			return;
		}
		m->unique_id = id;
		m->has_id = 1;
		/* FALLTHROUGH */
	case S_PIN_UPDATE:
		m->granted_port = m->internal_port;
		m->granted_lease = pin_lease(m);
		done(m, PMP_OK, 0);
		return;
	default:
		done(m, PMP_OK, 0);	/* deleted */
	}
}

int
pmp_mapper_start(pmp_mapper_t *m, pmp_control_t *c, const pmp_rng_t *rng,
    uint64_t now_ms)
{
	m->rng = rng;
	m->done = 0;
	m->adds = 0;
	m->walked = 0;
	m->no_add_any = 0;
	if (m->pinhole)
		return pinhole_start(m, c, now_ms);
	m->trying_port = m->external_port != 0 ? m->external_port :
	    m->internal_port;
	if (m->op == PMP_MAPPER_CHECK)
		return ask_entry(m, c, S_CHECK, now_ms);
	if (m->op == PMP_MAPPER_UNMAP)
		return m->find ? ask_entry(m, c, S_FIND, now_ms) :
		    call_delete(m, c, now_ms);
	m->step = m->want_status ? S_STATUS : S_ADDRESS;
	return pmp_control_call(c, m->want_status ? "GetStatusInfo" :
	    "GetExternalIPAddress", NULL, 0, now_ms);
}

/* Another port for a conflict on an IGDv1: random, >= 1024. */
static uint16_t
other_port(const pmp_mapper_t *m)
{
	return (uint16_t)(1024 + pmp_rng_upto(m->rng, 65535 - 1024));
}

static void
added(pmp_mapper_t *m, pmp_control_t *c, uint64_t now_ms)
{
	if (c->status == PMP_OK) {
		m->granted_port = m->trying_port;
		if (m->step == S_ADD_ANY && answer_number(c, "NewReservedPort",
		    1, &m->granted_port) != 0) {
			done(m, PMP_EBADANSWER, 0);
			return;
		}
		m->granted_lease = m->permanent ? 0 : m->lease;
		done(m, PMP_OK, 0);
		return;
	}
	if (c->status != PMP_EGATEWAY || m->adds >= PMP_MAPPER_TRIES) {
		done(m, c->status, c->answer.error_code);
		return;
	}
	if (m->step == S_ADD_ANY && (c->answer.error_code == 401 ||
	    c->answer.error_code == 602)) {
		/* an IGD that says WANIPConnection:2 without AddAnyPortMapping
		 * (Invalid Action, Optional Action Not Implemented): another
		 * port, as on IGDv1 */
		m->no_add_any = 1;
		m->trying_port = other_port(m);
		(void)call_add(m, c, 0, m->permanent ? 0 : m->lease, now_ms);
		return;
	}
	switch (c->answer.error_code) {
	case 725:
	case 402:
		/* a router that takes only permanent leases (or says 402 to
		 * any lease): the address was checked first (step 1) */
		if (m->permanent || m->step == S_ADD_ANY)
			break;
		m->permanent = 1;
		(void)call_add(m, c, 0, 0, now_ms);
		return;
	case 718:
	case 729:
		if (c->service_version >= 2 && m->step != S_ADD_ANY &&
		    !m->no_add_any) {
			(void)call_add(m, c, 1, m->permanent ? 0 : m->lease,
			    now_ms);
			return;
		}
		m->trying_port = other_port(m);
		(void)call_add(m, c, 0, m->permanent ? 0 : m->lease, now_ms);
		return;
	default:
		break;
	}
	done(m, PMP_EGATEWAY, c->answer.error_code);
}

void
pmp_mapper_advance(pmp_mapper_t *m, pmp_control_t *c, uint64_t now_ms)
{
	const char *addr;
	uint8_t a[4];

	if (m->step >= S_FIREWALL) {
		pinhole_advance(m, c, now_ms);
		return;
	}
	switch (m->step) {
	case S_STATUS:
		addr = c->status == PMP_OK ? pmp_soap_get(&c->answer,
		    "NewConnectionStatus") : NULL;
		if (addr != NULL && strlen(addr) < sizeof(m->connection))
			memcpy(m->connection, addr, strlen(addr) + 1);
		/* an IGD that cannot be reached fails the next call too */
		if (c->status != PMP_OK && c->status != PMP_EGATEWAY) {
			done(m, c->status, 0);
			return;
		}
		m->step = S_ADDRESS;
		if (pmp_control_call(c, "GetExternalIPAddress", NULL, 0,
		    now_ms) != PMP_OK)
			done(m, PMP_EINVAL, 0);
		return;
	case S_ADDRESS:
		if (c->status != PMP_OK) {
			done(m, c->status, c->answer.error_code);
			return;
		}
		addr = pmp_soap_get(&c->answer, "NewExternalIPAddress");
		/* empty (IGDv2 §2.3.13), 0.0.0.0, loopback: no address */
		if (addr == NULL || strlen(addr) >= sizeof(m->address) ||
		    inet_pton(AF_INET, addr, a) != 1 || a[0] == 0 ||
		    a[0] == 127) {
			done(m, PMP_ENOADDR, 0);
			return;
		}
		memcpy(m->address, addr, strlen(addr) + 1);
		m->double_nat = not_public(a);
		if (m->op == PMP_MAPPER_ADDRESS) {
			done(m, PMP_OK, 0);
			return;
		}
		(void)call_add(m, c, 0, m->permanent ? 0 : m->lease, now_ms);
		return;
	case S_ADD:
	case S_ADD_ANY:
		added(m, c, now_ms);
		return;
	case S_DELETE:
		if (c->status == PMP_EGATEWAY && c->answer.error_code == 714)
			done(m, PMP_OK, 0);	/* nothing there: deleted */
		else
			done(m, c->status, c->answer.error_code);
		return;
	case S_CHECK:
		if (c->status == PMP_OK)	/* there: ours, or 718 */
			done(m, entry_ours(m, c) ? PMP_OK : PMP_EGATEWAY, 718);
		else if (c->status == PMP_EGATEWAY &&
		    c->answer.error_code == 714)
			done(m, PMP_EGATEWAY, 714);	/* gone */
		else	/* the IGD cannot say (401...) or did not answer */
			done(m, c->status == PMP_EGATEWAY ? PMP_EUNSUPPORTED :
			    c->status, 0);
		return;
	case S_FIND:
	case S_WALK:
		found(m, c, now_ms);
		return;
	default:
		done(m, PMP_EINVAL, 0);
	}
}
