/* Bounds on everything the module reads from the client, the pam.d line or
 * the network.  Each one that an option can change names that option. */
#ifndef OA_LIMITS_H
#define OA_LIMITS_H

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

#endif
