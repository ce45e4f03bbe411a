// The OpenSSL 3 headers the verifier uses. This system library target compiles no code:
// pkg-config (`openssl`) supplies the include and link flags.
#ifndef INTROSPECTION_JWT_COPENSSL_SHIM_H
#define INTROSPECTION_JWT_COPENSSL_SHIM_H

#include <openssl/opensslv.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/bn.h>
#include <openssl/rsa.h>
#include <openssl/ec.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#if OPENSSL_VERSION_MAJOR < 3
#error "swift-introspection-jwt needs OpenSSL 3 (libssl-dev 3.x)"
#endif

// Function-like or composite macros that Swift cannot import, exposed as inline functions.

/// `EVP_PKEY_PUBLIC_KEY`: the selection for `EVP_PKEY_fromdata` that builds a public key.
static inline int COpenSSL_EVP_PKEY_PUBLIC_KEY(void) { return EVP_PKEY_PUBLIC_KEY; }

/// `EVP_PKEY_KEYPAIR`: the selection for `EVP_PKEY_fromdata` that builds a private key with its public half.
static inline int COpenSSL_EVP_PKEY_KEYPAIR(void) { return EVP_PKEY_KEYPAIR; }

/// `EVP_PKEY_KEY_PARAMETERS`: the selection for `EVP_PKEY_fromdata` that builds domain parameters only.
static inline int COpenSSL_EVP_PKEY_KEY_PARAMETERS(void) { return EVP_PKEY_KEY_PARAMETERS; }

/// `OPENSSL_free`, a macro over `CRYPTO_free` that records the caller's file and line.
static inline void COpenSSL_OPENSSL_free(void *pointer) { OPENSSL_free(pointer); }

#endif
