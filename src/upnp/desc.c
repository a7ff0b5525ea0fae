/*
 * desc.c - an IGD's device description (see desc.h): the root device's
 * names, URLBase, and every WANIPConnection, WANPPPConnection and
 * WANIPv6FirewallControl service with its controlURL, wherever it sits in
 * the device tree (InternetGatewayDevice > WANDevice >
 * WANConnectionDevice > service, IGD 1.0 §2.1, 2.0 §2.1).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc.h"
#include "xml.h"

static unsigned
version_after(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	unsigned long v;
	char *end;

	if (strncmp(s, prefix, n) != 0 || s[n] < '1' || s[n] > '9')
		return 0;
	v = strtoul(s + n, &end, 10);
	return *end == '\0' && v <= 99 ? (unsigned)v : 0;
}

pmp_igd_service_kind_t
pmp_igd_service_kind(const char *type, unsigned *version)
{
	static const struct {
		const char *prefix;
		pmp_igd_service_kind_t kind;
	} known[] = {
		{ "urn:schemas-upnp-org:service:WANIPConnection:",
		    PMP_IGD_WANIP },
		{ "urn:schemas-upnp-org:service:WANPPPConnection:",
		    PMP_IGD_WANPPP },
		{ "urn:schemas-upnp-org:service:WANIPv6FirewallControl:",
		    PMP_IGD_FIREWALL6 },
		/* the Broadband Forum's names (TR-064), seen on some CPE */
		{ "urn:dslforum-org:service:WANIPConnection:", PMP_IGD_WANIP },
		{ "urn:dslforum-org:service:WANPPPConnection:",
		    PMP_IGD_WANPPP },
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		unsigned v = version_after(type, known[i].prefix);

		if (v != 0) {
			*version = v;
			return known[i].kind;
		}
	}
	*version = 0;
	return 0;
}

/* Where the reader is: which element's text goes where. */
enum field { F_NONE, F_URLBASE, F_DEVICE_TYPE, F_FRIENDLY, F_MODEL, F_MAKER,
	F_SERVICE_TYPE, F_CONTROL_URL };

struct walk {
	pmp_igd_desc_t *d;
	int device_depth;	/* depth of the innermost <device>; 0 none */
	int root_device;	/* that device is the root one */
	int root_depth;
	int devices_seen;
	int in_service;
	char svc_type[PMP_DESC_TEXT];
	char svc_url[PMP_DESC_URL];
	int svc_bad;		/* a value did not fit */
	enum field field;
};

static void
end_service(struct walk *w)
{
	pmp_igd_desc_t *d = w->d;
	pmp_igd_service_t *s;
	unsigned version;
	pmp_igd_service_kind_t kind;

	w->in_service = 0;
	kind = pmp_igd_service_kind(w->svc_type, &version);
	if (w->svc_bad || kind == 0 || w->svc_url[0] == '\0' ||
	    d->nservices == PMP_DESC_MAX_SERVICES)
		return;
	s = &d->services[d->nservices++];
	s->kind = kind;
	s->version = version;
	memcpy(s->type, w->svc_type, sizeof(s->type));
	memcpy(s->control_url, w->svc_url, sizeof(s->control_url));
}

/* Put a text token in its field. */
static void
text(struct walk *w, const pmp_xml_token_t *t)
{
	char buf[PMP_DESC_URL];
	int n = pmp_xml_text(t, buf, sizeof(buf));
	pmp_igd_desc_t *d = w->d;

	switch (w->field) {
	case F_NONE:
		break;
	case F_URLBASE:
		if (n > 0)
			memcpy(d->url_base, buf, (size_t)n + 1);
		break;
	case F_DEVICE_TYPE:
		if (n > 0 && w->root_device)
			d->igd_version = version_after(buf,
			    "urn:schemas-upnp-org:device:InternetGatewayDevice:");
		break;
	case F_FRIENDLY:
	case F_MODEL:
	case F_MAKER:
		if (n > 0 && n < PMP_DESC_TEXT && w->root_device)
			memcpy(w->field == F_FRIENDLY ? d->friendly_name :
			    w->field == F_MODEL ? d->model_name :
			    d->manufacturer, buf, (size_t)n + 1);
		break;
	case F_SERVICE_TYPE:
		if (n < 0 || n >= PMP_DESC_TEXT)
			w->svc_bad = 1;
		else
			memcpy(w->svc_type, buf, (size_t)n + 1);
		break;
	case F_CONTROL_URL:
		if (n < 0)
			w->svc_bad = 1;
		else
			memcpy(w->svc_url, buf, (size_t)n + 1);
		break;
	}
}

static void
start(struct walk *w, const pmp_xml_token_t *t)
{
	w->field = F_NONE;
	if (pmp_xml_is(t, "device")) {
		w->device_depth = t->depth;
		w->root_device = w->devices_seen++ == 0;
		if (w->root_device)
			w->root_depth = t->depth;
	} else if (pmp_xml_is(t, "service") && w->device_depth != 0) {
		w->in_service = 1;
		w->svc_bad = 0;
		w->svc_type[0] = w->svc_url[0] = '\0';
	} else if (pmp_xml_is(t, "URLBase") && t->depth == 2) {
		w->field = F_URLBASE;
	} else if (w->in_service) {
		if (pmp_xml_is(t, "serviceType"))
			w->field = F_SERVICE_TYPE;
		else if (pmp_xml_is(t, "controlURL"))
			w->field = F_CONTROL_URL;
	} else if (w->device_depth != 0 && t->depth == w->device_depth + 1) {
		if (pmp_xml_is(t, "deviceType"))
			w->field = F_DEVICE_TYPE;
		else if (pmp_xml_is(t, "friendlyName"))
			w->field = F_FRIENDLY;
		else if (pmp_xml_is(t, "modelName"))
			w->field = F_MODEL;
		else if (pmp_xml_is(t, "manufacturer"))
			w->field = F_MAKER;
	}
}

int
pmp_igd_desc_parse(const char *doc, size_t n, pmp_igd_desc_t *d)
{
	struct walk w;
	pmp_xml_t x;
	pmp_xml_token_t t;
	int dev_stack[PMP_XML_MAX_DEPTH], ndev = 0;

	memset(d, 0, sizeof(*d));
	memset(&w, 0, sizeof(w));
	w.d = d;
	pmp_xml_init(&x, doc, n);
	for (;;) {
		switch (pmp_xml_next(&x, &t)) {
		case PMP_XML_ERROR:
			return -1;
		case PMP_XML_END_OF_DOCUMENT:
			return w.devices_seen > 0 ? 0 : -1;
		case PMP_XML_START:
			if (pmp_xml_is(&t, "device") && ndev < PMP_XML_MAX_DEPTH)
				dev_stack[ndev++] = w.device_depth;
			start(&w, &t);
			break;
		case PMP_XML_TEXT:
			text(&w, &t);
			break;
		case PMP_XML_END:
			w.field = F_NONE;
			if (pmp_xml_is(&t, "service") && w.in_service)
				end_service(&w);
			else if (pmp_xml_is(&t, "device") && ndev > 0) {
				/* back to the enclosing device */
				w.device_depth = dev_stack[--ndev];
				w.root_device = w.device_depth != 0 &&
				    w.device_depth == w.root_depth;
			}
			break;
		}
	}
}
