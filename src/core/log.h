// Logging goes through spdlog. This header only fixes the process-wide setup so every part
// logs the same way: one line per event, level and message, to stderr.
//
// Every line passes RedactCredentials (core/redact.h) on its way to the sink, so bearer
// tokens, private keys, `password=` values, URL passwords, AWS key ids and JWTs never reach
// the log whoever wrote the line. Values that only look like data (a Secret's plain value)
// cannot be recognised there: code that holds an app's Secrets redacts its messages with that
// app's Redactor before logging them.
#pragma once

#include <spdlog/common.h>
#include <spdlog/formatter.h>

#include <memory>
#include <string>
#include <string_view>

namespace cellgate {

inline constexpr std::string_view kLogPattern = "%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v";

// Formats with `pattern`, then redacts credentials in the whole line.
std::unique_ptr<spdlog::formatter> MakeRedactingFormatter(
    std::string pattern = std::string(kLogPattern));

// level: "debug", "info", "warn", "error". Safe to call once at start-up. `sink` replaces the
// default (coloured stderr), e.g. for tests that read what was logged.
void InitLogging(std::string_view level, spdlog::sink_ptr sink = nullptr);

}  // namespace cellgate
