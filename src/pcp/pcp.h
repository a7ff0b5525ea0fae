/*
 * pcp.h - PCP (RFC 6887) as a protocol of the core (core/proto.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_PCP_H
#define PMP_PCP_H

#include "core/proto.h"

/* The constant description of PCP: tables and pure functions. */
const pmp_proto_t *pmp_pcp_proto(void);

#endif
