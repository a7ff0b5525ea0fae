/*
 * args.c - argument checks and defaults (see args.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include "args.h"

static int
transport_ok(int protocol)
{
	return protocol == PMP_PROTO_UDP || protocol == PMP_PROTO_TCP;
}

int
pmp_args_check(pmp_op_t op, int protocol, uint16_t private_port,
    uint32_t lifetime)
{
	switch (op) {
	case PMP_OP_PUBLIC_ADDRESS:
		return PMP_OK;
	case PMP_OP_MAP:
		if (lifetime == 0)
			return PMP_EINVAL;
		/* FALLTHROUGH */
	case PMP_OP_UNMAP:
		if (private_port == 0)
			return PMP_EINVAL;
		/* FALLTHROUGH */
	case PMP_OP_UNMAP_ALL:
		return transport_ok(protocol) ? PMP_OK : PMP_EINVAL;
	}
	return PMP_EINVAL;
}

int
pmp_args_check_keep(int protocol, uint32_t lifetime)
{
	return transport_ok(protocol) && lifetime != 0 ? PMP_OK : PMP_EINVAL;
}

uint16_t
pmp_args_suggestion(uint16_t private_port, uint16_t wish,
    uint16_t port0_suggestion)
{
	if (wish != 0)
		return wish;
	return private_port != 0 ? private_port : port0_suggestion;
}
