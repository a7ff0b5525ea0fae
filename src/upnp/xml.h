/*
 * xml.h - a bounded pull reader for the XML UPnP-IGD sends: device
 * descriptions and SOAP answers (UPnP Device Architecture 1.1 §2, §3).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure, no allocation: tokens point into the caller's buffer.  What the
 * reader needs of XML is elements, their local names (the part after any
 * namespace prefix) and their text; attributes are skipped, comments,
 * processing instructions and DOCTYPE too, CDATA is text.  Anything else
 * (an unclosed tag, a mismatched end tag, nesting deeper than
 * PMP_XML_MAX_DEPTH) ends the document with PMP_XML_ERROR: a hostile
 * document costs one pass over its bytes and nothing more.
 */
#ifndef PMP_UPNP_XML_H
#define PMP_UPNP_XML_H

#include <stddef.h>

#define PMP_XML_MAX_DEPTH 32
#define PMP_XML_MAX_NAME 64

typedef enum pmp_xml_kind {
	PMP_XML_END_OF_DOCUMENT = 0,
	PMP_XML_START,		/* <name ...> (or <name/>, then an END) */
	PMP_XML_END,		/* </name> */
	PMP_XML_TEXT,		/* the text between tags, raw (entities not
				 * decoded: pmp_xml_text()) */
	PMP_XML_ERROR
} pmp_xml_kind_t;

typedef struct pmp_xml {
	const char *p, *end;
	int depth;
	int pending_end;	/* a <name/> owes its END */
	size_t name_len[PMP_XML_MAX_DEPTH];
	const char *name[PMP_XML_MAX_DEPTH];	/* local names open */
} pmp_xml_t;

typedef struct pmp_xml_token {
	pmp_xml_kind_t kind;
	const char *name;	/* START, END: the local name */
	size_t name_len;
	const char *text;	/* TEXT: raw */
	size_t text_len;
	int cdata;		/* TEXT from <![CDATA[...]]>: taken as is */
	int depth;		/* START: of the element (root 1); END, TEXT:
				 * of the element they end or sit in */
} pmp_xml_token_t;

void pmp_xml_init(pmp_xml_t *x, const char *doc, size_t len);

/* The next token; END_OF_DOCUMENT once the input is used up with every
 * element closed, ERROR on anything malformed (and from then on). */
pmp_xml_kind_t pmp_xml_next(pmp_xml_t *x, pmp_xml_token_t *t);

/* Does the token's name equal s (ASCII, case-sensitive, as XML is)? */
int pmp_xml_is(const pmp_xml_token_t *t, const char *s);

/*
 * The text of a TEXT token with the five predefined entities and numeric
 * character references (ASCII only) decoded and surrounding white space
 * trimmed, into out (NUL-terminated).  Returns its length, or -1 if it
 * does not fit in cap or holds a reference this reader does not take.
 */
int pmp_xml_text(const pmp_xml_token_t *t, char *out, size_t cap);

#endif
