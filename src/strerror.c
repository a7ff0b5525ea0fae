/*
 * strerror.c - text for status codes, result codes and the version.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include "pmp.h"

const char *
pmp_strerror(int status)
{
	switch (status) {
	case PMP_OK:
		return "success";
	case PMP_EAGAIN:
		return "not finished yet";
	case PMP_EINVAL:
		return "invalid argument";
	case PMP_ENOMEM:
		return "out of memory";
	case PMP_ESYS:
		return "system call failed";
	case PMP_ETIMEDOUT:
		return "no answer from the gateway before the deadline";
	case PMP_ENOSUPPORT:
		return "no answer from the gateway after 9 attempts: "
		    "it does not speak NAT-PMP";
	case PMP_EREFUSED:
		return "the gateway refused the connection: "
		    "no NAT-PMP service there (ICMP port unreachable)";
	case PMP_EGATEWAY:
		return "the gateway refused the request";
	case PMP_ENOADDR:
		return "the gateway has no public address (0.0.0.0)";
	case PMP_ENOTGRANTED:
		return "the gateway answered success but created no mapping";
	case PMP_ENOROUTE:
		return "no route to the outside: cannot find a gateway";
	case PMP_ENOGWADDR:
		return "the route to the outside has no gateway address "
		    "(point-to-point link); give the gateway explicitly";
	case PMP_ECANCELED:
		return "request canceled";
	case PMP_EUNSUPPORTED:
		return "not supported on this system";
	case PMP_ENODELETE:
		return "not deleted, left to expire: a delete of private "
		    "port 0 would delete every mapping of this host";
	}
	return "unknown error";
}

/* RFC 6886 §3.5. */
const char *
pmp_result_code_str(unsigned result_code)
{
	switch (result_code) {
	case PMP_RC_SUCCESS:
		return "success";
	case PMP_RC_UNSUPPORTED_VERSION:
		return "unsupported version";
	case PMP_RC_NOT_AUTHORIZED:
		return "not authorized or refused "
		    "(NAT-PMP disabled, or a manual mapping)";
	case PMP_RC_NETWORK_FAILURE:
		return "network failure (the gateway has no public address "
		    "yet)";
	case PMP_RC_OUT_OF_RESOURCES:
		return "out of resources (no free port or mapping)";
	case PMP_RC_UNSUPPORTED_OPCODE:
		return "unsupported opcode";
	}
	return "unknown result code";
}

#define PMP_STR2(x) #x
#define PMP_STR(x) PMP_STR2(x)

unsigned
pmp_version(void)
{
	return PMP_VERSION;
}

const char *
pmp_version_str(void)
{
	return PMP_STR(PMP_VERSION_MAJOR) "." PMP_STR(PMP_VERSION_MINOR) "."
	    PMP_STR(PMP_VERSION_PATCH);
}
