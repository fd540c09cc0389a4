/* SPDX-License-Identifier: MIT */
/* Bounds on everything the module reads from the client, the pam.d line or
 * the network.  Each one that an option can change names that option. */
#ifndef OA_BOUNDS_H
#define OA_BOUNDS_H

/* max_token_size=: PostgreSQL 14+ accepts passwords up to 65,530 bytes. */
#define OA_DEFAULT_MAX_TOKEN_BYTES 16384
#define OA_MAX_TOKEN_BYTES_CEILING 65536

/* timeout= and connect_timeout=, in seconds. */
#define OA_DEFAULT_TIMEOUT_SECONDS 5
#define OA_DEFAULT_CONNECT_TIMEOUT_SECONDS 2
#define OA_MAX_TIMEOUT_SECONDS 120

/* A userinfo answer is a few hundred bytes; anything this large is an
 * issuer misbehaving or an attempt to exhaust the host's memory. */
#define OA_MAX_RESPONSE_BYTES (1024 * 1024)

/* URLs and paths on the pam.d line. */
#define OA_MAX_URL_BYTES 2048
#define OA_MAX_PATH_BYTES 4096
#define OA_MAX_CLAIM_NAME_BYTES 256
#define OA_MAX_REQUIRED_CLAIMS 32

/* audience=A,B,... */
#define OA_MAX_AUDIENCES 16

/* leeway=: clock skew tolerated on exp, nbf and iat. */
#define OA_DEFAULT_LEEWAY_SECONDS 60
#define OA_MAX_LEEWAY_SECONDS 300

/* jwks_refresh_min=: an unknown kid refetches the JWKS at most this often,
 * so tokens with made-up kids cannot make every login hit the issuer. */
#define OA_DEFAULT_JWKS_REFRESH_MIN_SECONDS 60
#define OA_MAX_JWKS_REFRESH_MIN_SECONDS 86400

/* jwks_stale_max=: how long the last good keys serve while the issuer is
 * down. */
#define OA_DEFAULT_JWKS_STALE_MAX_SECONDS 86400
#define OA_MAX_JWKS_STALE_MAX_SECONDS (7 * 86400)

/* Cache-Control max-age on discovery and JWKS answers is honoured within
 * these bounds; without one the lower bound applies. */
#define OA_MIN_KEYS_FRESH_SECONDS 300
#define OA_MAX_KEYS_FRESH_SECONDS 86400

/* hmac_secret_file= is read whole, up to this. */
#define OA_MAX_HMAC_SECRET_BYTES 4096

/* Keys in one JWK Set.  Issuers publish a handful (a current key, the
 * next, the last); every login of a JWT reads the set and checks its kids
 * for duplicates, so a set of tens of thousands would cost each login
 * seconds of CPU that no timeout= bounds. */
#define OA_MAX_JWKS_KEYS 256
/* A JWK Set whose text is shorter is read whole, not key by key
 * (cache_jwks.h): one or two keys, which parse for less than a head and a
 * member entry cost to read. */
#define OA_JWKS_MEMBERS_MIN_BYTES 1024
/* A file changed this recently may be changed again within the same tick
 * of the clock that stamps ctime (a jiffy; a second, or two on some file
 * systems) and keep its identity (file_trust.h): such a file is known by
 * its text, not its identity. */
#define OA_FILE_SETTLED_SECONDS 2

/* RSA keys from a JWKS.  Under 2048 bits is factorable by a determined
 * attacker (NIST SP 800-131A); over 16384 bits OpenSSL refuses to verify
 * anyway, and each verification would cost the host seconds.  OpenSSL also
 * refuses exponents over 64 bits for moduli over 3072 bits. */
#define OA_MIN_RSA_BITS 2048
#define OA_MAX_RSA_BITS 16384
#define OA_MAX_RSA_EXPONENT_BYTES 8

/* cache_ttl=, negative_cache_ttl=, cache_max_entries=: remembered verdicts.
 * A refused token is remembered briefly so it cannot make every login ask
 * the issuer; an accepted one at most until its exp. */
#define OA_DEFAULT_CACHE_TTL_SECONDS 300
#define OA_MAX_CACHE_TTL_SECONDS 86400
#define OA_DEFAULT_NEGATIVE_CACHE_TTL_SECONDS 10
#define OA_MAX_NEGATIVE_CACHE_TTL_SECONDS 3600
#define OA_DEFAULT_CACHE_MAX_ENTRIES 10000
#define OA_MAX_CACHE_MAX_ENTRIES 1000000

/* Reasons logged to syslog are cut at this length. */
#define OA_REASON_BYTES 320

/* Hex characters of the token's SHA-256 shown in logs: enough to correlate
 * log lines with a token the DBA holds, far too few to recover it. */
#define OA_FINGERPRINT_HEX 12

/* The on-disk cache (cache.c).  A JWKS or discovery document is a few KiB;
 * the value bound keeps a damaged or hostile entry from making a backend
 * allocate without limit, and the key bound covers the longest URL. */
#define OA_MAX_CACHE_VALUE_BYTES (4 * 1024 * 1024)
#define OA_MAX_CACHE_KEY_BYTES 8192
#define OA_MAX_CACHE_NAMESPACE_BYTES 32
/* A temporary file is renamed within milliseconds of being created; one
 * this old was left by a backend killed mid-write and is swept away. */
#define OA_CACHE_TEMP_MAX_AGE_SECONDS 3600
/* A namespace bounded by max_entries is swept on about one put in
 * max_entries/OA_CACHE_SWEEP_SHARE, down to all but that share of it. */
#define OA_CACHE_SWEEP_SHARE 10

/* Authorization rules (policy.c): scope=, claim_equals=, claim_contains=,
 * claim_any_of=, claim_all_of=.  Each occurrence of an option is one rule. */
#define OA_MAX_POLICY_RULES 32
/* Values in one rule's comma-separated list; a bit each in a 64-bit mask. */
#define OA_MAX_POLICY_VALUES 64
/* Segments in a dotted claim path such as resource_access.my-app.roles. */
#define OA_MAX_CLAIM_PATH_SEGMENTS 16
/* A claim array (or scope list) longer than this fails the rule instead of
 * being searched: rules x values x elements stays a few million compares
 * even for a 1 MiB userinfo answer. */
#define OA_MAX_CLAIM_ARRAY_ELEMENTS 4096

/* username_map= (usermap.c): the file grants logins and is read on every
 * one, so it is small and simple by construction. */
#define OA_MAX_USERMAP_FILE_BYTES (1024 * 1024)
#define OA_MAX_USERMAP_LINE_BYTES 1024
#define OA_MAX_USERMAP_ENTRIES 1000
/* Longer identities are refused before any regex sees them: an e-mail
 * address is at most 254 bytes, and regexec time grows with the input. */
#define OA_MAX_IDENTITY_BYTES 1024
/* glibc's regcomp copies what a repetition applies to ("a+" is "aa*",
 * "a{1,9}" nine copies, nested repetitions multiply), and the optional and
 * looping copies cost it memory quadratically: "/c{1,2000}" takes about
 * 32 MiB, "/c+++...+" with 23 '+' over 2 GiB.  usermap.c estimates each
 * regex's cost in units of about 200 bytes (a copy of an atom is one unit;
 * k optional copies of a part of u units add (u k)^2 / 25), and refuses the
 * regex that takes the map's regexes together over this.  A thousand lines
 * of forty plain atoms each stay well within it. */
#define OA_MAX_USERMAP_REGEX_COST 100000

/* Steps one explained login records (trace.c, for pam_oauth2_check): a
 * login has about ten plus one per claim rule and required claim; past
 * this the rest are counted, not kept. */
#define OA_MAX_TRACE_STEPS 96

#endif
