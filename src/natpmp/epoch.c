/*
 * epoch.c - gateway state-loss detection from SSSoE (RFC 6886 §3.6).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include "epoch.h"

/*
 * RFC 6886 §3.6: "the client computes its own conservative estimate of the
 * expected SSSoE value by taking the SSSoE value in the previous packet and
 * adding 7/8 (87.5%) of the time elapsed according to the client's local
 * clock ... If the SSSoE in the newly received packet is less than the
 * client's conservative estimate by more than 2 seconds, then the client
 * concludes that the NAT gateway has undergone a reboot or other loss of
 * port mapping state".  The rule is one-sided: a gateway clock that runs
 * fast or jumps forward is not a reboot (PROTOCOL.md C-23).  Computed in
 * milliseconds in 64 bits so neither a 32-bit SSSoE nor long uptimes wrap.
 */
int
pmp_epoch_update(pmp_epoch_t *st, uint32_t sssoe, uint64_t now_ms)
{
	int consistent = 1;

	if (st->valid) {
		uint64_t elapsed = now_ms >= st->at_ms ? now_ms - st->at_ms : 0;
		uint64_t expected = (uint64_t)st->sssoe * 1000 +
		    elapsed * 7 / 8;

		if ((uint64_t)sssoe * 1000 + 2000 < expected)
			consistent = 0;
	}
	st->valid = 1;
	st->sssoe = sssoe;
	st->at_ms = now_ms;
	return consistent;
}
