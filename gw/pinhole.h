/*
 * pinhole.h - pmp-gateway's IPv6 side: PCP MAP for IPv6 clients opens a
 * firewall pinhole (RFC 6887 §1, §11: no translation, the external
 * address and port are the client's own), keyed by { client, protocol,
 * port }, each owned by the nonce that made it (§11.3).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure: times come in; no firewall is touched.  A fixed number of
 * pinholes, found by a scan.  Not thread-safe.
 */
#ifndef PMP_GW_PINHOLE_H
#define PMP_GW_PINHOLE_H

#include <stddef.h>
#include <stdint.h>

#define GW_MAX_PINHOLES 256

typedef struct gw_pinhole {
	uint8_t client[16];
	uint8_t protocol;	/* IANA: 6 or 17 */
	uint16_t port;
	uint8_t nonce[12];
	uint64_t expires_ms;
} gw_pinhole_t;

typedef struct gw_pinholes {
	size_t n;
	gw_pinhole_t p[GW_MAX_PINHOLES];
} gw_pinholes_t;

void gw_pinholes_clear(gw_pinholes_t *ph);
size_t gw_pinholes_count(gw_pinholes_t *ph, uint64_t now_ms);

/*
 * A MAP for client's port at now_ms: open, renew or (lifetime 0) close
 * the pinhole.  A suggested port other than the internal one cannot be
 * honoured (no translation): with prefer_failure that is
 * CANNOT_PROVIDE_EXTERNAL, else it is ignored.  Returns a PCP result
 * code; on success *granted (capped at max_lifetime).
 */
uint8_t gw_pinhole_map(gw_pinholes_t *ph, const uint8_t client[16],
    uint8_t protocol, uint16_t port, uint16_t suggested, int prefer_failure,
    const uint8_t nonce[12], uint32_t lifetime, uint32_t max_lifetime,
    uint64_t now_ms, uint32_t *granted);

#endif
