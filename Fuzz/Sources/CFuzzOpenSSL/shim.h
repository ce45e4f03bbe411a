// OpenSSL for the claims fuzz target, which signs each input with Ed25519 (test signing only).
#include <openssl/evp.h>
#include <openssl/err.h>
