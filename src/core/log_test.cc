#include "core/log.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

namespace cellgate {
namespace {

TEST(LogTest, CredentialsAreRedactedInEveryLine) {
  std::ostringstream captured;
  InitLogging("info", std::make_shared<spdlog::sinks::ostream_sink_mt>(captured));
  spdlog::info("helm pull: --password=hunter22 failed");
  spdlog::warn("plugin said Authorization: Bearer abcdefgh123");
  spdlog::default_logger()->flush();
  std::string out = captured.str();
  EXPECT_EQ(out.find("hunter22"), std::string::npos) << out;
  EXPECT_EQ(out.find("abcdefgh123"), std::string::npos) << out;
  EXPECT_NE(out.find("helm pull: --password=++++++++ failed"), std::string::npos) << out;
  EXPECT_NE(out.find(" info "), std::string::npos) << out;
}

}  // namespace
}  // namespace cellgate
