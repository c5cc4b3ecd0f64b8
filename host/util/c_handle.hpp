// RAII for C library handles: one generic deleter, so every libevent/OpenSSL/dl handle is a
// unique_ptr and nothing is freed by hand.
#pragma once

#include <memory>

namespace gorgon {

template <auto Fn>
struct CDeleter {
    template <class T>
    void operator()(T* p) const noexcept {
        if (p != nullptr) Fn(p);
    }
};

template <class T, auto Fn>
using CHandle = std::unique_ptr<T, CDeleter<Fn>>;

}  // namespace gorgon
