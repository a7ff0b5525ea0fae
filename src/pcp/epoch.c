/*
 * epoch.c - PCP's epoch rule (see epoch.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include "epoch.h"

/*
 * RFC 6887 §8.5: invalid if the server's epoch went back more than one
 * second, or if the client's and the server's elapsed times disagree by
 * more than 2 s plus 1/16 of either ("client_delta + 2 < server_delta -
 * server_delta/16", and the other way round).  Computed signed, in whole
 * seconds of the client's clock as the RFC does: an allowed one-second
 * step back must not wrap to 2^32 - 1 (PROTOCOL.md P-11's pitfall).
 */
int
pmp_pcp_epoch_update(pmp_epoch_t *st, uint32_t epoch, uint64_t now_ms)
{
	int consistent = 1;

	if (st->valid) {
		int64_t server_delta = (int64_t)epoch - (int64_t)st->sssoe;
		int64_t client_delta = now_ms >= st->at_ms ?
		    (int64_t)((now_ms - st->at_ms) / 1000) : 0;

		if (server_delta < -1)
			consistent = 0;
		else if (client_delta + 2 < server_delta - server_delta / 16 ||
		    server_delta + 2 < client_delta - client_delta / 16)
			consistent = 0;
	}
	st->valid = 1;
	st->sssoe = epoch;
	st->at_ms = now_ms;
	return consistent;
}
