// The status snapshot as one JSON document (`?format=json`); the schema is in the README.
#pragma once

#include "status_snapshot.hpp"

#include <string>

namespace gorgon::status {

[[nodiscard]] std::string renderJson(const Snapshot& s);

}  // namespace gorgon::status
