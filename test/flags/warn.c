/*
 * warn.c - must NOT compile with the project's warning flags and
 * WERROR=-Werror: `make check-flags` proves the flags are really applied
 * (an unused variable, a sign-changing conversion, a shadowed name).
 * SPDX-License-Identifier: BSD-2-Clause
 */
int flags_probe(int x);

int
flags_probe(int x)
{
	int unused;
	unsigned char c = x;

	{
		int x = 2;

		return x + c;
	}
}
