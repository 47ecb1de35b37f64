// Go's path.Clean (src/path/path.go), the one lexical path cleaner in the tree: refresh paths
// of manifest-generate-paths and webhook file lists, repository-relative paths.
//
// GoPathClean returns the shortest path naming the same file, lexically: runs of '/' become
// one; "." elements go; an inner ".." removes the element before it; ".." at the start of a
// rooted path goes ("/../a" -> "/a") but stays at the start of a relative one ("../a");
// a trailing '/' goes unless the path is "/"; an empty result is ".".
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace cellgate {

std::string GoPathClean(std::string_view path);

}  // namespace cellgate
