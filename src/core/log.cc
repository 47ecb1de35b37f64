#include "core/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <string>

#include "core/redact.h"

namespace cellgate {
namespace {

class RedactingFormatter final : public spdlog::formatter {
 public:
  explicit RedactingFormatter(std::string pattern)
      : pattern_(pattern), inner_(std::move(pattern)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    spdlog::memory_buf_t line;
    inner_.format(msg, line);
    std::string redacted = RedactCredentials(std::string_view(line.data(), line.size()));
    dest.append(redacted.data(), redacted.data() + redacted.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<RedactingFormatter>(pattern_);
  }

 private:
  std::string pattern_;
  spdlog::pattern_formatter inner_;
};

}  // namespace

std::unique_ptr<spdlog::formatter> MakeRedactingFormatter(std::string pattern) {
  return std::make_unique<RedactingFormatter>(std::move(pattern));
}

void InitLogging(std::string_view level, spdlog::sink_ptr sink) {
  spdlog::drop("cellgate");
  std::shared_ptr<spdlog::logger> logger;
  if (sink) {
    logger = std::make_shared<spdlog::logger>("cellgate", std::move(sink));
  } else {
    logger = spdlog::stderr_color_mt("cellgate");
  }
  logger->set_formatter(MakeRedactingFormatter());
  logger->set_level(spdlog::level::from_str(std::string(level)));
  spdlog::set_default_logger(logger);
}

}  // namespace cellgate
