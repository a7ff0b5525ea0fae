/*
 * epoch.h - gateway state-loss detection from SSSoE (RFC 6886 §3.6).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure: the caller passes its monotonic time in milliseconds.
 */
#ifndef PMP_EPOCH_H
#define PMP_EPOCH_H

#include <stdint.h>

typedef struct pmp_epoch {
	int valid;		/* a packet has been seen */
	uint32_t sssoe;		/* the gateway's SSSoE in it */
	uint64_t at_ms;		/* our time when it arrived */
} pmp_epoch_t;

/*
 * Feed the SSSoE of a packet from the gateway received at now_ms.  Returns
 * 1 if it is consistent with the last one, 0 if the gateway lost its state
 * (the first packet is always consistent).  The state is updated either way.
 */
int pmp_epoch_update(pmp_epoch_t *st, uint32_t sssoe, uint64_t now_ms);

#endif
