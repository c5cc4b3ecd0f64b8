// http-put: PUT and DELETE into a filesystem object, as an HTTP extension ("extension: put").
#include "put_route.hpp"

GORGON_HTTP_EXTENSION(gorgon::httpput::PutRoute, "http-put", "put", "1.0.0",
                      "PUT and DELETE of files under a root, written whole or not at all")
