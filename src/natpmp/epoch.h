/*
 * epoch.h - gateway state-loss detection from SSSoE (RFC 6886 §3.6).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure: the caller passes its monotonic time in milliseconds.  NAT-PMP's
 * epoch rule, given to the core as pmp_proto_t.epoch_update.
 */
#ifndef PMP_EPOCH_H
#define PMP_EPOCH_H

#include <stdint.h>

#include "core/proto.h"	/* pmp_epoch_t: the core keeps it, the rule is ours */

/*
 * Feed the SSSoE of a packet from the gateway received at now_ms.  Returns
 * 1 if it is consistent with the last one, 0 if the gateway lost its state
 * (the first packet is always consistent).  The state is updated either way.
 */
int pmp_epoch_update(pmp_epoch_t *st, uint32_t sssoe, uint64_t now_ms);

#endif
