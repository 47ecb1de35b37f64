// Network operations against a server that never answers end at the fetch deadline.
#include "git/net_deadline.h"

#include <gtest/gtest.h>

#include "git/mirror_source.h"
#include "git/silent_server.h"
#include "git/test_repos.h"

namespace cellgate::git {
namespace {

using testing::SilentServer;
using testing::TempDir;

class NetDeadlineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = MirrorSource::Create(
        {.work_dir = work_.path() / "cellgate", .fetch_timeout = std::chrono::seconds(1)});
    ASSERT_TRUE(s) << s.error().message();
    source_ = std::move(*s);
  }

  // Resolves main of a repository on `port` over `scheme`; expects the deadline error.
  void ExpectDeadline(const std::string& scheme, int port) {
    std::string url = scheme + "://127.0.0.1:" + std::to_string(port) + "/origin.git";
    auto r = source_->Resolve(url, "main");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kDeadlineExceeded) << r.error().message();
    EXPECT_TRUE(r.error().message().starts_with("ls-remote " + url + ": deadline exceeded"))
        << r.error().message();
    EXPECT_EQ(source_->Stats(url).failures, 1u);
  }

  TempDir work_;
  std::unique_ptr<MirrorSource> source_;
};

TEST_F(NetDeadlineTest, ServerThatAcceptsAndNeverAnswers) {
  SilentServer server;
  ExpectDeadline("http", server.port());
}

TEST_F(NetDeadlineTest, ServerThatNeverAcceptsTheConnection) {
  SilentServer server(/*accept_connections=*/false);
  ExpectDeadline("http", server.port());
}

TEST_F(NetDeadlineTest, HttpsServerThatNeverAnswersTheHandshake) {
  SilentServer server;
  ExpectDeadline("https", server.port());
}

}  // namespace
}  // namespace cellgate::git
