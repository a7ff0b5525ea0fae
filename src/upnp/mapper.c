/*
 * mapper.c - the UPnP-IGD mapping policy (see mapper.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmp.h"
#include "mapper.h"

enum step { S_STATUS, S_ADDRESS, S_ADD, S_ADD_ANY, S_DELETE, S_FIREWALL,
    S_PIN_ADD, S_PIN_UPDATE, S_PIN_DELETE };

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
	unsigned long id;
	char *end;

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
		v = pmp_soap_get(&c->answer, "UniqueID");
		id = v != NULL && *v >= '0' && *v <= '9' ? strtoul(v, &end,
		    10) : 0;
		if (v == NULL || *v < '0' || *v > '9' || *end != '\0' ||
		    id > 65535) {
			done(m, PMP_EBADANSWER, 0);
			return;
		}
		m->unique_id = (uint32_t)id;
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
	char ext[8];
	const pmp_soap_arg_t key[] = { { "NewRemoteHost", "" },
	    { "NewExternalPort", ext },
	    { "NewProtocol", m->udp ? "UDP" : "TCP" } };

	m->rng = rng;
	m->done = 0;
	m->adds = 0;
	m->no_add_any = 0;
	if (m->pinhole)
		return pinhole_start(m, c, now_ms);
	m->trying_port = m->external_port != 0 ? m->external_port :
	    m->internal_port;
	if (m->op == PMP_MAPPER_UNMAP) {
		snprintf(ext, sizeof(ext), "%u", (unsigned)m->trying_port);
		m->step = S_DELETE;
		return pmp_control_call(c, "DeletePortMapping", key, 3, now_ms);
	}
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
	const char *reserved;
	unsigned long v;
	char *end;

	if (c->status == PMP_OK) {
		m->granted_port = m->trying_port;
		if (m->step == S_ADD_ANY) {
			reserved = pmp_soap_get(&c->answer, "NewReservedPort");
			v = reserved != NULL ? strtoul(reserved, &end, 10) : 0;
			if (reserved == NULL || *end != '\0' || v == 0 ||
			    v > 65535) {
				done(m, PMP_EBADANSWER, 0);
				return;
			}
			m->granted_port = (uint16_t)v;
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
		(void)call_add(m, c, 0, m->lease, now_ms);
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
	default:
		done(m, PMP_EINVAL, 0);
	}
}
