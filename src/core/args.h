/*
 * args.h - the one place requests' arguments are checked and their
 * defaults decided, for the public calls and the keeper alike.  Pure.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_ARGS_H
#define PMP_ARGS_H

#include <stdint.h>

#include "pmp.h"
#include "proto.h"

/*
 * A one-shot request: PMP_OK or PMP_EINVAL.  Maps and unmaps need
 * PMP_PROTO_UDP/TCP and a private port; a map needs a lifetime (0 is a
 * delete, RFC 6886 §3.4), and private port 0 names all mappings, so it is
 * only for unmap-all.
 */
int pmp_args_check(pmp_op_t op, int protocol, uint16_t private_port,
    uint32_t lifetime);

/* A kept mapping: private port 0 is allowed ("the gateway picks"). */
int pmp_args_check_keep(int protocol, uint32_t lifetime);

/*
 * The public port to suggest: wish if given, else the private port (some
 * routers, MikroTik, refuse a suggestion of 0: USERS.md 8), else (private
 * port 0) the protocol's port0_suggestion.
 */
uint16_t pmp_args_suggestion(uint16_t private_port, uint16_t wish,
    uint16_t port0_suggestion);

/*
 * A request from the caller's pmp_map_params_t into *r (zeroed first):
 * PMP_OK, or PMP_EINVAL for a size this version cannot read (smaller than
 * its own, or larger with non-zero bytes past its own: a newer field in
 * use), an unknown flag, a PEER without its peer, a delete with
 * PREFER_FAILURE or filters, a filter out of range.  lifetime 0 makes an
 * unmap.
 */
int pmp_args_from_params(const pmp_map_params_t *p, pmp_req_t *r);

#endif
