// OpenSSL handles as unique_ptrs (CHandle), and the error queue as text.
#pragma once

#include "util/c_handle.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <string>

namespace gorgon {

using SslCtxPtr = CHandle<SSL_CTX, SSL_CTX_free>;
using SslPtr = CHandle<SSL, SSL_free>;
using X509Ptr = CHandle<X509, X509_free>;
using EvpPkeyPtr = CHandle<EVP_PKEY, EVP_PKEY_free>;
using BioPtr = CHandle<BIO, BIO_free>;

// STACK_OF(X509) is freed with its certificates; sk_X509_pop_free is a macro, hence a function.
void freeX509Stack(STACK_OF(X509) * stack) noexcept;
using X509StackPtr = CHandle<STACK_OF(X509), freeX509Stack>;

// Empties OpenSSL's error queue of this thread into one line ("reason; reason"), or `fallback`
// when it holds nothing. Always empties it, so that no stale error is blamed on a later call.
std::string takeTlsErrors(const char* fallback = "unknown error");

}  // namespace gorgon
