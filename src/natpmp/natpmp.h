/*
 * natpmp.h - NAT-PMP (RFC 6886) as a protocol of the core (core/proto.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_NATPMP_H
#define PMP_NATPMP_H

#include "core/proto.h"

/* The constant description of NAT-PMP: tables and pure functions. */
const pmp_proto_t *pmp_natpmp_proto(void);

#endif
