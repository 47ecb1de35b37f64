// The three pattern languages Argo CD's git generator uses, each as Argo CD gets it:
//
// - GoPathMatch: Go's path.Match, for `directories[].path` (applicationset/generators/
//   git.go). '*' is any run of characters except '/', '?' one character except '/',
//   "[a-z]" / "[^a-z]" classes, '\' escapes; the whole path must match. A malformed pattern
//   is an error here (Argo CD logs it and matches nothing; an error says why).
// - GitPathspecMatch: git's default pathspec, for `files[].path` (the repo-server runs
//   `git ls-files -- <path>`): '*' and '?' also cross '/', so "apps/*/config.yaml" matches
//   "apps/a/b/config.yaml" too, and a pattern that names a directory matches every file
//   under it. Argo CD's default.
// - DoublestarMatch: bmatcuk/doublestar, for `files[].path` when Argo CD runs with
//   applicationsetcontroller.enable.new.git.file.globbing: '*' stays within one path
//   segment, "**" as a whole segment spans any number of segments (zero included),
//   "{a,b}" alternatives, "[...]" classes with '!' or '^'.
//
// Paths are repository-relative with '/' separators and no leading '/'.
//
// Thread-safety: pure functions. Matching is bounded (no exponential backtracking).
#pragma once

#include <string_view>

#include "core/result.h"

namespace cellgate::appset {

Result<bool> GoPathMatch(std::string_view pattern, std::string_view path);
bool GitPathspecMatch(std::string_view pattern, std::string_view path);
Result<bool> DoublestarMatch(std::string_view pattern, std::string_view path);

}  // namespace cellgate::appset
