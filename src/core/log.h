// Logging goes through spdlog. This header only fixes the process-wide setup so every part
// logs the same way: one line per event, level and message, to stderr.
//
// Never log Secret data: callers mask it first (sync/ owns masking).
#pragma once

#include <string_view>

namespace cellgate {

// level: "debug", "info", "warn", "error". Safe to call once at start-up.
void InitLogging(std::string_view level);

}  // namespace cellgate
