/*
 * strerror.c - text for status codes, methods, each method's result
 * codes, and the version.
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
		return "no answer from the gateway to any attempt: "
		    "it does not speak the protocol";
	case PMP_EREFUSED:
		return "the gateway refused the connection: "
		    "no port mapping service there (ICMP port unreachable)";
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
		return "not supported here (by this system, or over this protocol)";
	case PMP_ENODELETE:
		return "not deleted, left to expire: a delete of private "
		    "port 0 would delete every mapping of this host";
	case PMP_EBADANSWER:
		return "the gateway's answer could not be read (not HTTP or "
		    "SOAP, or too large)";
	}
	return "unknown error";
}

const char *
pmp_method_name(pmp_method_t method)
{
	switch (method) {
	case PMP_METHOD_NONE:
		return "none";
	case PMP_METHOD_NATPMP:
		return "NAT-PMP";
	case PMP_METHOD_PCP:
		return "PCP";
	case PMP_METHOD_UPNP:
		return "UPnP-IGD";
	}
	return "unknown method";
}

/* RFC 6886 §3.5. */
static const char *
natpmp_code(unsigned code)
{
	switch (code) {
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
	return NULL;
}

/* RFC 6887 §7.4. */
static const char *
pcp_code(unsigned code)
{
	static const char *const text[] = {
		"success",
		"unsupported version",
		"not authorized",
		"malformed request",
		"unsupported opcode",
		"unsupported option",
		"malformed option",
		"network failure (the gateway has no public address yet)",
		"no resources (no free port or mapping)",
		"unsupported transport protocol",
		"user exceeded quota",
		"cannot provide the suggested external address or port",
		"address mismatch (the request came through another NAT)",
		"excessive remote peers",
	};

	return code < sizeof(text) / sizeof(text[0]) ? text[code] : NULL;
}

/* UPnP Device Architecture and WANIPConnection errors (shared/UPNP.md). */
static const char *
upnp_code(unsigned code)
{
	switch (code) {
	case 401: return "invalid action";
	case 402: return "invalid arguments";
	case 501: return "action failed";
	case 606: return "not authorized";
	case 713: return "array index invalid";
	case 714: return "no such entry";
	case 715: return "wildcard not permitted in source address";
	case 716: return "wildcard not permitted in external port";
	case 718: return "conflict: the port is mapped to another host";
	case 724: return "external and internal port must be the same";
	case 725: return "only permanent leases supported";
	case 726: return "remote host must be a wildcard";
	case 727: return "external port must be a wildcard";
	case 728: return "no port maps available";
	case 729: return "conflict with other mechanisms";
	case 730: return "port mapping not found";
	case 731: return "read-only";
	case 732: return "wildcard not permitted in internal port";
	case 733: return "inconsistent parameters";
	/* WANIPv6FirewallControl:1 */
	case 701: return "pinhole space exhausted";
	case 702: return "firewall disabled";
	case 703: return "inbound pinholes not allowed";
	case 704: return "no such pinhole";
	case 705: return "protocol not supported";
	case 706: return "wildcard not permitted in internal port";
	case 707: return "wildcard not permitted in protocol";
	case 708: return "wildcard not permitted in source address";
	}
	return NULL;
}

const char *
pmp_result_code_text(pmp_method_t method, unsigned result_code)
{
	const char *t = NULL;

	switch (method) {
	case PMP_METHOD_NATPMP:
		t = natpmp_code(result_code);
		break;
	case PMP_METHOD_PCP:
		t = pcp_code(result_code);
		break;
	case PMP_METHOD_UPNP:
		t = upnp_code(result_code);
		break;
	case PMP_METHOD_NONE:
		break;
	}
	return t != NULL ? t : "unknown result code";
}

const char *
pmp_result_code_str(unsigned result_code)
{
	return pmp_result_code_text(PMP_METHOD_NATPMP, result_code);
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
