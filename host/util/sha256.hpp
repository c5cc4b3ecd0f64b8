// SHA-256 of a stream of bytes, as lowercase hex.
#pragma once

#include "util/c_handle.hpp"

#include <openssl/evp.h>

#include <span>
#include <string>

namespace gorgon {

class Sha256 {
  public:
    Sha256();
    void update(std::span<const char> data);
    std::string hexDigest();

  private:
    CHandle<EVP_MD_CTX, EVP_MD_CTX_free> ctx_;
};

}  // namespace gorgon
