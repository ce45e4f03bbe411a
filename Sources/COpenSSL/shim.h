// The OpenSSL 3 headers the verifier uses (and the X.509 ones of the test certificates in
// IntrospectionTesting). This system library target compiles no code:
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
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>

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

/// `XN_FLAG_RFC2253`: the `X509_NAME_print_ex` flags that print a distinguished name as RFC 2253 (and
/// RFC 4514) strings do, the form RFC 8705 §2.1.2 uses for `tls_client_auth_subject_dn`.
static inline unsigned long COpenSSL_XN_FLAG_RFC2253(void) { return XN_FLAG_RFC2253; }

/// `OPENSSL_free`, a macro over `CRYPTO_free` that records the caller's file and line.
static inline void COpenSSL_OPENSSL_free(void *pointer) { OPENSSL_free(pointer); }

#endif
