// The jq sandbox against hostile programs: each is stopped with an error, and the next
// evaluation is served by a new worker.
#include "sync/jq_sandbox.h"

#include <gtest/gtest.h>

#include "sync/jq_path.h"

namespace cellgate::sync {
namespace {

using namespace std::chrono_literals;

TEST(JqSandbox, RunsAProgramAndReportsItsOutputs) {
  JqSandbox sandbox;
  const std::string doc = R"({"a":[1,2,3]})";
  auto out = sandbox.Run(".a[] | select(. > 1)", &doc);
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(out->dump(), "[2,3]");
  auto bad = sandbox.Run(".a[", nullptr);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
}

// Argo CD stops a jq ignore expression after 1 s (normalizers.DefaultJQExecutionTimeout);
// libjq cannot be interrupted, so the worker is killed.
TEST(JqSandbox, ProgramThatNeverEndsIsStoppedAndTheNextOneRuns) {
  JqSandbox sandbox({.timeout = 500ms});
  const std::string doc = "{}";
  auto forever = sandbox.Run("def f: f; f", &doc);
  ASSERT_FALSE(forever);
  EXPECT_EQ(forever.error().code(), ErrorCode::kDeadlineExceeded) << forever.error().message();
  EXPECT_NE(forever.error().message().find("timed out"), std::string::npos);
  auto next = sandbox.Run(".", &doc);
  ASSERT_TRUE(next) << next.error().message();
  EXPECT_EQ(next->dump(), "[{}]");
  EXPECT_EQ(sandbox.workers_started(), 2);
  // The same program is not run again: it fails at once, and no worker is killed for it.
  auto again = sandbox.Run("def f: f; f", &doc);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kDeadlineExceeded);
  EXPECT_NE(again.error().message().find("not run again"), std::string::npos);
  ASSERT_TRUE(sandbox.Run(".", &doc));
  EXPECT_EQ(sandbox.workers_started(), 2);
}

TEST(JqSandbox, ProgramThatAllocatesPastTheLimitStopsOnlyItsWorker) {
  JqSandbox sandbox({.timeout = 60s, .memory_limit_bytes = 128ull << 20});
  const std::string doc = "{}";
  auto big = sandbox.Run("[range(100000000)] | length", &doc);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code(), ErrorCode::kResourceExhausted) << big.error().message();
  auto next = sandbox.Run("1 + 1", &doc);
  ASSERT_TRUE(next) << next.error().message();
  EXPECT_EQ(next->dump(), "[2]");
}

TEST(JqSandbox, ProgramsSeeNoEnvironmentAndNoModules) {
  ASSERT_EQ(::setenv("CELLGATE_TEST_SECRET", "s3cr3t", 1), 0);
  JqSandbox sandbox;
  const std::string doc = "{}";
  auto env = sandbox.Run("env | keys", &doc);
  ASSERT_TRUE(env) << env.error().message();
  EXPECT_EQ(env->dump(), "[[]]");
  auto dollar_env = sandbox.Run("$ENV | length", &doc);
  ASSERT_TRUE(dollar_env) << dollar_env.error().message();
  EXPECT_EQ(dollar_env->dump(), "[0]");
  for (const char* program : {"import \"foo\" as foo; .", "include \"/etc/passwd\"; .",
                              "import \"/etc/passwd\" as $p; $p"}) {
    auto r = sandbox.Run(program, &doc);
    ASSERT_FALSE(r) << program << " -> " << r->dump();
    EXPECT_EQ(r.error().message().find("root:"), std::string::npos) << r.error().message();
  }
}

TEST(JqSandbox, TooManyOutputsIsAnError) {
  JqSandbox sandbox({.max_outputs = 10});
  const std::string doc = "{}";
  auto r = sandbox.Run("range(11)", &doc);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("more than 10 outputs"), std::string::npos);
}

TEST(JqPathQuery, RunawayIgnoreExpressionFailsWithAnErrorInsteadOfHanging) {
  auto q = JqPathQuery::Compile("def f: f; f");
  ASSERT_TRUE(q) << q.error().message();
  auto paths = q->Paths(Json::parse(R"({"a":1})"));
  ASSERT_FALSE(paths);
  EXPECT_EQ(paths.error().code(), ErrorCode::kDeadlineExceeded);
  EXPECT_NE(paths.error().message().find("jq path expression \"def f: f; f\""), std::string::npos)
      << paths.error().message();
}

}  // namespace
}  // namespace cellgate::sync
