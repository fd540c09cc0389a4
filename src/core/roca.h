/* SPDX-License-Identifier: MIT */
/* The ROCA fingerprint of an RSA public key (CVE-2017-15361): keys made by
 * Infineon's RSALib (smart cards, TPMs, YubiKey 4 firmware before 4.3.5)
 * can be factored from the public modulus alone. */
#ifndef OA_ROCA_H
#define OA_ROCA_H

#include <stdbool.h>

#include <openssl/bn.h>

/* Whether the modulus `n` has the fingerprint, so its private key can be
 * computed and no signature under it proves anything.  A sound random
 * modulus of 1984 bits or more is taken for a weak one with probability
 * about 2^-167.  Also true when OpenSSL cannot compute a residue: the
 * caller then refuses the key, failing closed. */
bool oa_rsa_modulus_is_roca(const BIGNUM *n);

#endif
