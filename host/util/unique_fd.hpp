// A file descriptor that closes itself: the host uses the SDK's own gorgon::UniqueFd, so there
// is one definition of the class in any program that links host code and plugin code together.
#pragma once

#include <gorgon/fd.hpp>
