/* SPDX-License-Identifier: MIT */
/* The ROCA fingerprint test (Nemec, Sys, Svenda, Klinec, Matyas, "The
 * Return of Coppersmith's Attack: Practical Factorization of Widely Used
 * RSA Moduli", ACM CCS 2017, section 2.3).
 *
 * RSALib draws each prime as p = k * M + (65537^a mod M), M the product of
 * the first primes (39 of them for 512-bit keys, 126 from 1984 bits on).
 * So for every small prime r dividing M, N = p * q is, modulo r, a power of
 * 65537: it lies in the subgroup that 65537 generates in (Z/rZ)*.  A
 * random modulus lies in all those subgroups only by chance: about 2^-28
 * for the 38 odd primes up to 167, 2^-167 for the 125 up to 701.  Only
 * the public modulus is needed, so the test runs on every imported key. */
#include "roca.h"

#include <stddef.h>

/* The odd primes up to 701: the factors of RSALib's M for keys of 1984 to
 * 3936 bits (2, always a factor, tells nothing: N is odd).  Larger keys'
 * M has these and more; smaller keys' M only the first 38. */
/* clang-format off */
static const unsigned short small_primes[] = {
	3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53,
	59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127,
	131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191, 193, 197, 199,
	211, 223, 227, 229, 233, 239, 241, 251, 257, 263, 269, 271, 277, 281, 283,
	293, 307, 311, 313, 317, 331, 337, 347, 349, 353, 359, 367, 373, 379, 383,
	389, 397, 401, 409, 419, 421, 431, 433, 439, 443, 449, 457, 461, 463, 467,
	479, 487, 491, 499, 503, 509, 521, 523, 541, 547, 557, 563, 569, 571, 577,
	587, 593, 599, 601, 607, 613, 617, 619, 631, 641, 643, 647, 653, 659, 661,
	673, 677, 683, 691, 701,
};
/* clang-format on */

#define PRIMES_ALL (sizeof(small_primes) / sizeof(small_primes[0]))
#define PRIMES_OF_SMALL_KEYS 38 /* up to 167: in every RSALib key's M */
#define BITS_OF_LARGE_M 1984    /* from here M holds every prime up to 701 */

#define GENERATOR 65537u

/* Whether `residue` is a power of 65537 modulo the prime `r`: walks the
 * cyclic subgroup 65537 generates (at most r - 1 steps, r <= 701). */
static bool
in_subgroup(unsigned residue, unsigned r)
{
	unsigned g = GENERATOR % r, x = 1;

	do {
		if (x == residue)
			return true;
		x = x * g % r;
	} while (x != 1);
	return false;
}

bool
oa_rsa_modulus_is_roca(const BIGNUM *n)
{
	size_t count = BN_num_bits(n) >= BITS_OF_LARGE_M ? PRIMES_ALL : PRIMES_OF_SMALL_KEYS;

	for (size_t i = 0; i < count; i++) {
		BN_ULONG residue = BN_mod_word(n, small_primes[i]);

		if (residue == (BN_ULONG)-1)
			return true;
		if (!in_subgroup((unsigned)residue, small_primes[i]))
			return false;
	}
	return true;
}
