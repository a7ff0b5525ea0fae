/*
 * soap.c - UPnP actions' envelopes and answers (see soap.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soap.h"
#include "xml.h"

/* Append s to out at *n, escaped for XML text; -1 if it does not fit. */
static int
put_escaped(char *out, size_t cap, size_t *n, const char *s)
{
	for (; *s != '\0'; s++) {
		const char *e = NULL;
		size_t len;

		switch (*s) {
		case '<':
			e = "&lt;";
			break;
		case '>':
			e = "&gt;";
			break;
		case '&':
			e = "&amp;";
			break;
		case '"':
			e = "&quot;";
			break;
		case '\'':
			e = "&apos;";
			break;
		}
		len = e != NULL ? strlen(e) : 1;
		if (*n + len >= cap)
			return -1;
		memcpy(out + *n, e != NULL ? e : s, len);
		*n += len;
	}
	return 0;
}

static int
put(char *out, size_t cap, size_t *n, const char *s)
{
	size_t len = strlen(s);

	if (*n + len >= cap)
		return -1;
	memcpy(out + *n, s, len + 1);	/* (its NUL, overwritten next) */
	*n += len;
	return 0;
}

size_t
pmp_soap_envelope(const char *service_type, const char *action,
    const pmp_soap_arg_t *args, size_t nargs, char *out, size_t cap)
{
	size_t n = 0, i;

	if (cap == 0 ||
	    put(out, cap, &n, "<?xml version=\"1.0\"?>\r\n"
	    "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\""
	    " s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">"
	    "<s:Body><u:") != 0 || put(out, cap, &n, action) != 0 ||
	    put(out, cap, &n, " xmlns:u=\"") != 0 ||
	    put_escaped(out, cap, &n, service_type) != 0 ||
	    put(out, cap, &n, "\">") != 0)
		return 0;
	for (i = 0; i < nargs; i++)
		if (put(out, cap, &n, "<") != 0 ||
		    put(out, cap, &n, args[i].name) != 0 ||
		    put(out, cap, &n, ">") != 0 ||
		    put_escaped(out, cap, &n, args[i].value) != 0 ||
		    put(out, cap, &n, "</") != 0 ||
		    put(out, cap, &n, args[i].name) != 0 ||
		    put(out, cap, &n, ">") != 0)
			return 0;
	if (put(out, cap, &n, "</u:") != 0 || put(out, cap, &n, action) != 0 ||
	    put(out, cap, &n, "></s:Body></s:Envelope>\r\n") != 0)
		return 0;
	out[n] = '\0';
	return n;
}

static int
is_response_of(const pmp_xml_token_t *t, const char *action)
{
	size_t n = strlen(action);

	return t->name_len == n + 8 && memcmp(t->name, action, n) == 0 &&
	    memcmp(t->name + n, "Response", 8) == 0;
}

/* The answer's arguments: elements one level inside <actionResponse>. */
static int
read_response(pmp_xml_t *x, const char *action, pmp_soap_answer_t *a)
{
	pmp_xml_token_t t;
	int resp_depth = 0, found = 0;
	char text[PMP_SOAP_VALUE];

	for (;;) {
		switch (pmp_xml_next(x, &t)) {
		case PMP_XML_ERROR:
			return -1;
		case PMP_XML_END_OF_DOCUMENT:
			return found ? 0 : -1;
		case PMP_XML_START:
			if (resp_depth == 0 && is_response_of(&t, action)) {
				resp_depth = t.depth;
				found = 1;
			} else if (resp_depth != 0 &&
			    t.depth == resp_depth + 1) {
				if (a->nargs == PMP_SOAP_MAX_ARGS ||
				    t.name_len >= PMP_SOAP_NAME)
					return -1;
				memcpy(a->name[a->nargs], t.name, t.name_len);
				a->name[a->nargs][t.name_len] = '\0';
				a->value[a->nargs][0] = '\0';
				a->nargs++;
			}
			break;
		case PMP_XML_TEXT:
			if (resp_depth != 0 && t.depth == resp_depth + 1 &&
			    a->nargs > 0) {
				int len = pmp_xml_text(&t, text, sizeof(text));

				if (len < 0)
					return -1;
				memcpy(a->value[a->nargs - 1], text,
				    (size_t)len + 1);
			}
			break;
		case PMP_XML_END:
			if (resp_depth != 0 && t.depth == resp_depth)
				resp_depth = 0;
			break;
		}
	}
}

/* The UPnPError inside a SOAP Fault: errorCode, errorDescription. */
static int
read_fault(pmp_xml_t *x, pmp_soap_answer_t *a)
{
	pmp_xml_token_t t;
	int in_error = 0, field = 0, have_code = 0;
	char text[PMP_SOAP_VALUE];

	for (;;) {
		switch (pmp_xml_next(x, &t)) {
		case PMP_XML_ERROR:
			return -1;
		case PMP_XML_END_OF_DOCUMENT:
			return have_code ? 0 : -1;
		case PMP_XML_START:
			field = 0;
			if (pmp_xml_is(&t, "UPnPError"))
				in_error = 1;
			else if (in_error && pmp_xml_is(&t, "errorCode"))
				field = 1;
			else if (in_error &&
			    pmp_xml_is(&t, "errorDescription"))
				field = 2;
			break;
		case PMP_XML_TEXT:
			if (field == 0)
				break;
			if (pmp_xml_text(&t, text, sizeof(text)) < 0)
				return -1;
			if (field == 1) {
				char *end;
				long v = strtol(text, &end, 10);

				if (*end != '\0' || end == text || v < 0 ||
				    v > 9999)
					return -1;
				a->error_code = (int)v;
				have_code = 1;
			} else {
				memcpy(a->error_text, text, sizeof(text));
			}
			break;
		case PMP_XML_END:
			field = 0;
			if (pmp_xml_is(&t, "UPnPError"))
				in_error = 0;
			break;
		}
	}
}

int
pmp_soap_read(int http_status, const char *body, size_t n,
    const char *action, pmp_soap_answer_t *a)
{
	pmp_xml_t x;

	memset(a, 0, sizeof(*a));
	pmp_xml_init(&x, body, n);
	if (http_status == 200)
		return read_response(&x, action, a);
	if (http_status == 500) {
		a->fault = 1;
		return read_fault(&x, a);
	}
	return -1;
}

const char *
pmp_soap_get(const pmp_soap_answer_t *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->nargs; i++)
		if (strcmp(a->name[i], name) == 0)
			return a->value[i];
	return NULL;
}
