// Go duration strings, the one reader in the tree: Argo CD's retry backoff, the controller's
// and the CLI's flags.
//
// ParseGoDuration is Go's time.ParseDuration (src/time/format.go): an optional sign, then one
// or more <number><unit>, the number decimal with an optional fraction ("1.5h", ".5s",
// "2."), the unit one of ns, us, µs (U+00B5), μs (U+03BC), ms, s, m, h; "0" alone needs no
// unit. Integer arithmetic as Go's: a fraction is exact to the nanosecond, and a value
// beyond int64 nanoseconds (about 292 years) is an error, not a wrap. Errors are
// kInvalidArgument with Go's message (`time: invalid duration "x"`, `time: missing unit in
// duration "1"`, `time: unknown unit "d" in duration "1d"`).
//
// ParseDurationOrSeconds is Argo CD's parseStringToDuration
// (pkg/apis/application/v1alpha1/types.go): a bare integer (strconv.Atoi: optional sign,
// digits) is seconds, anything else a Go duration; the error is Argo CD's
// "unable to parse X as a duration". Where Go multiplies the integer by time.Second and
// wraps silently, an integer beyond int64 nanoseconds is an error here.
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <string_view>

#include "core/result.h"

namespace cellgate {

Result<std::chrono::nanoseconds> ParseGoDuration(std::string_view text);

Result<std::chrono::nanoseconds> ParseDurationOrSeconds(std::string_view text);

}  // namespace cellgate
