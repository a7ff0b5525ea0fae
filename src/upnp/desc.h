/*
 * desc.h - what an IGD's device description says (UPnP Device
 * Architecture 1.1 §2.3; IGD 1.0/2.0): its name and model, and the
 * services port mapping can use, with their control URLs.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure.  The description is read with xml.h; URLs are left as written
 * (url.h resolves them against URLBase or the LOCATION).
 */
#ifndef PMP_UPNP_DESC_H
#define PMP_UPNP_DESC_H

#include <stddef.h>

#define PMP_DESC_MAX_SERVICES 8
#define PMP_DESC_TEXT 128	/* serviceType, names */
#define PMP_DESC_URL 256

typedef enum pmp_igd_service_kind {
	PMP_IGD_WANIP = 1,	/* WANIPConnection */
	PMP_IGD_WANPPP = 2,	/* WANPPPConnection */
	PMP_IGD_FIREWALL6 = 3	/* WANIPv6FirewallControl */
} pmp_igd_service_kind_t;

typedef struct pmp_igd_service {
	pmp_igd_service_kind_t kind;
	unsigned version;	/* the type's ":N" */
	char type[PMP_DESC_TEXT];	/* serviceType as written */
	char control_url[PMP_DESC_URL];	/* as written */
} pmp_igd_service_t;

typedef struct pmp_igd_desc {
	unsigned igd_version;	/* the root InternetGatewayDevice's :N; 0
				 * if the root is another device */
	char friendly_name[PMP_DESC_TEXT];	/* the root device's */
	char model_name[PMP_DESC_TEXT];
	char manufacturer[PMP_DESC_TEXT];
	char url_base[PMP_DESC_URL];	/* "" if none (UDA 1.0 only) */
	unsigned nservices;
	pmp_igd_service_t services[PMP_DESC_MAX_SERVICES];
} pmp_igd_desc_t;

/*
 * Read the n-byte description.  Returns 0 with *d filled (services in
 * document order, those of the kinds above; others, and any beyond
 * PMP_DESC_MAX_SERVICES, skipped), or -1 for a document that is not
 * well-formed or has no root device.  Values too long for their field
 * make the service (or name) be skipped, never cut.
 */
int pmp_igd_desc_parse(const char *doc, size_t n, pmp_igd_desc_t *d);

/* The kind and version of a service type such as
 * "urn:schemas-upnp-org:service:WANIPConnection:2" (also dslforum-org's
 * legacy names); 0 if it is none of ours. */
pmp_igd_service_kind_t pmp_igd_service_kind(const char *type,
    unsigned *version);

#endif
