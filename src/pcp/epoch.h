/*
 * epoch.h - PCP's epoch rule (RFC 6887 §8.5): two-sided, unlike
 * NAT-PMP's.  Pure; given to the core as pmp_proto_t.epoch_update.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_PCP_EPOCH_H
#define PMP_PCP_EPOCH_H

#include <stdint.h>

#include "core/proto.h"

/*
 * Feed the epoch time of a PCP response or ANNOUNCE received at now_ms.
 * Returns 1 if consistent with the last one, 0 if the server lost its
 * state (the first is always consistent).  The state is updated either
 * way.
 */
int pmp_pcp_epoch_update(pmp_epoch_t *st, uint32_t epoch, uint64_t now_ms);

#endif
