// Line-based unified diff, for showing a person how live differs from desired.
//
// Hand-written (Myers' O(ND) shortest edit script, "An O(ND) Difference Algorithm and Its
// Variations", 1986) because Debian has no small C++ diff library: libxdiff is not packaged
// on its own, and dtl (libdtl-dev) is header-only but unmaintained since 2015. Manifests are
// a few hundred lines; the edit distance is capped (kMaxEditDistance) so a pathological
// input costs O((N+M)·D) time and O(D²) memory at most, past which the whole text is shown
// as replaced.
//
// Output is GNU `diff -u` format without timestamps:
//   --- live
//   +++ desired
//   @@ -3,7 +3,7 @@
//    context
//   -old
//   +new
// Hunk ranges omit ",1"; an empty range is written "N,0" with N the line before it. A text
// that does not end in a newline gets "\ No newline at end of file" after its last line.
// Equal texts give "".
//
// Thread-safety: pure function.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cellgate::sync {

inline constexpr std::size_t kMaxEditDistance = 4000;

std::string UnifiedDiff(std::string_view from, std::string_view to, std::string_view from_label,
                        std::string_view to_label, int context_lines = 3);

}  // namespace cellgate::sync
