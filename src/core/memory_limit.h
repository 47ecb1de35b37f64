// LimitDataGrowth: caps how much more data memory (RLIMIT_DATA: heap and private writable
// mappings) this process may take: what it uses now plus `headroom_bytes`.
//
// For child processes that evaluate untrusted programs (the jsonnet evaluator, the jq sandbox's
// worker). The limit is relative because it must be set by the child itself, after exec: a
// sanitizer runtime maps far more than any fixed limit before main runs.
//
// Thread-safety: call early, before other threads exist. Async-signal-safe it is not.
#pragma once

#include <cstdint>

#include "core/result.h"

namespace cellgate {

// VmData of this process, in bytes; 0 when /proc/self/status cannot be read.
std::uint64_t DataBytesInUse();

// Errors: kInternal with the system's reason when setrlimit fails.
Status LimitDataGrowth(std::uint64_t headroom_bytes);

}  // namespace cellgate
