/*
 * soap.h - UPnP control (UDA 1.1 §3.2): an action's SOAP envelope, and
 * what the answer says: its out arguments, or the UPnPError's code and
 * description.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure.  Argument values are escaped on the way out; answers are read
 * with xml.h, bounded.
 */
#ifndef PMP_UPNP_SOAP_H
#define PMP_UPNP_SOAP_H

#include <stddef.h>

#define PMP_SOAP_MAX_ARGS 12
#define PMP_SOAP_NAME 40
#define PMP_SOAP_VALUE 128

typedef struct pmp_soap_arg {
	const char *name;
	const char *value;
} pmp_soap_arg_t;

/*
 * The envelope of action of service_type with its in arguments, in
 * order (IGD's actions take them in the order their SCPD lists).
 * Returns its length in out, 0 if it does not fit in cap.
 */
size_t pmp_soap_envelope(const char *service_type, const char *action,
    const pmp_soap_arg_t *args, size_t nargs, char *out, size_t cap);

typedef struct pmp_soap_answer {
	int fault;		/* a UPnPError */
	int error_code;		/* its errorCode (401, 402, 718, 725 ...) */
	char error_text[PMP_SOAP_VALUE];
	size_t nargs;		/* out arguments, in document order */
	char name[PMP_SOAP_MAX_ARGS][PMP_SOAP_NAME];
	char value[PMP_SOAP_MAX_ARGS][PMP_SOAP_VALUE];
} pmp_soap_answer_t;

/*
 * Read the answer to action: with HTTP status 200, the children of
 * <actionResponse> (UDA 1.1 §3.2.2) into name/value; with 500, the
 * UPnPError (§3.2.2.4).  Returns 0, or -1 if the body is neither (another
 * status, not well-formed, no response element, a value too long).
 */
int pmp_soap_read(int http_status, const char *body, size_t n,
    const char *action, pmp_soap_answer_t *a);

/* The value of out argument name, or NULL if the answer has none. */
const char *pmp_soap_get(const pmp_soap_answer_t *a, const char *name);

#endif
