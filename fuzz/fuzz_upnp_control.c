/*
 * fuzz_upnp_control.c - the UPnP-IGD control point and mapping policy
 * (upnp/control.c, upnp/mapper.c) driven by a hostile network: SSDP
 * answers, connection results, and every byte the "IGD" sends come from
 * the input, as does time.  Properties: every call ends (DONE) within its
 * bounds of time — the search window, 3 s per exchange — whatever is
 * sent; a mapping request makes at most PMP_MAPPER_TRIES adds, a delete
 * looks at most PMP_MAPPER_WALK entries of the IGD's list; outputs
 * stay within their buffers; nothing is read past the input (ASan).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pmp.h"
#include "upnp/control.h"
#include "upnp/mapper.h"
#include "../test/test_rng.h"
#include "cursor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t GW[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    192, 168, 1, 1 };
static const uint8_t GW6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 1 };

/* A valid SSDP answer pointing at the gateway, so that the fuzzed bytes
 * reach the description and the actions. */
static const char answer[] = "HTTP/1.1 200 OK\r\n"
    "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
    "USN: uuid:x::urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
    "LOCATION: http://192.168.1.1:5000/d.xml\r\n\r\n";
static const char answer6[] = "HTTP/1.1 200 OK\r\n"
    "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:2\r\n"
    "USN: uuid:x::urn:schemas-upnp-org:device:InternetGatewayDevice:2\r\n"
    "LOCATION: http://[fd00::1]:5000/d.xml\r\n\r\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor cur = { data, size };
	static pmp_control_t c;
	pmp_mapper_t m;
	pmp_control_out_t o;
	uint64_t now = 1000, start;
	int steps = 0, calls = 0, flags;

	memset(&m, 0, sizeof(m));
	m.op = (pmp_mapper_op_t)(1 + take(&cur) % 4);
	m.udp = take(&cur) & 1;
	m.internal_port = (uint16_t)(1 + take(&cur));
	m.lease = take(&cur) * 60u;
	/* GetStatusInfo first; IPv6 pinholes (with a UniqueID known) */
	flags = take(&cur);
	m.want_status = flags & 1;
	m.pinhole = (flags & 2) != 0;
	m.has_id = (flags & 4) != 0;
	/* a delete looking for ours; a map asked permanent at once */
	m.find = (flags & 8) != 0;
	m.permanent = (flags & 16) != 0;
	m.unique_id = (uint32_t)take(&cur);
	pmp_control_init(&c, m.pinhole ? GW6 : GW);
	strcpy(m.client, m.pinhole ? "fd00::2" : "192.168.1.2");
	strcpy(m.description, "fuzz");
	test_rng_state = 3;
	if (pmp_mapper_start(&m, &c, &test_rng, now) != PMP_OK)
		abort();
	start = now;
	while (!m.done) {
		if (++steps > 100000)
			abort();	/* a call that never ends */
		pmp_control_step(&c, now, &o);
		switch (o.kind) {
		case PMP_CONTROL_DONE:
			calls++;
			pmp_mapper_advance(&m, &c, now);
			break;
		case PMP_CONTROL_WAIT: {
			uint64_t d = pmp_control_deadline(&c);

			if (d == UINT64_MAX || d <= now)
				abort();	/* waiting for nothing */
			now = d;
			break;
		}
		case PMP_CONTROL_SEND_TO:
			if (o.len == 0 || o.len > sizeof(c.dgram))
				abort();
			if ((take(&cur) & 1) == 0)
				break;
			if (m.pinhole)
				pmp_control_datagram(&c,
				    (const uint8_t *)answer6,
				    sizeof(answer6) - 1, GW6, 1900, now);
			else
				pmp_control_datagram(&c,
				    (const uint8_t *)answer, sizeof(answer) - 1,
				    GW, 1900, now);
			break;
		case PMP_CONTROL_CONNECT:
			pmp_control_connected(&c, (take(&cur) & 7) != 0, now);
			break;
		case PMP_CONTROL_WRITE: {
			uint8_t chunk[64];
			size_t n, i, len = take(&cur);

			if (o.len == 0 || o.len > sizeof(c.req))
				abort();
			pmp_control_wrote(&c, o.len, now);
			/* the "IGD" answers with input bytes, in pieces,
			 * possibly late, possibly closing */
			while (cur.n > 0 && len-- > 0) {
				n = 1 + take(&cur) % sizeof(chunk);
				for (i = 0; i < n && cur.n > 0; i++)
					chunk[i] = (uint8_t)take(&cur);
				now += take(&cur) & 0x3f;
				pmp_control_read(&c, chunk, i, now);
			}
			if (take(&cur) & 1)
				pmp_control_read(&c, NULL, 0, now);
			break;
		}
		default:
			break;
		}
	}
	if (m.adds > PMP_MAPPER_TRIES)
		abort();
	/* (the status, the address, the adds; a pinhole: update, add; a
	 * delete that looks: its port, the list, the delete) */
	if (calls > (m.find ? PMP_MAPPER_WALK + 2 : PMP_MAPPER_TRIES + 2))
		abort();
	/* the search (4.5 s) and at most a few exchanges of 3 s each */
	if (now - start > 4500 + (uint64_t)(calls + 8) *
	    (PMP_CONTROL_HTTP_MS + 64 * 255))
		abort();
	return 0;
}
