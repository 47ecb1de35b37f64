// SteadyMemo: an entry matches only with the same inputs, the current generation and an age
// below max_age (steady_memo.h).
#include "controller/steady_memo.h"

#include <gtest/gtest.h>

namespace cellgate::controller {
namespace {

using namespace std::chrono_literals;

std::vector<engine::CachedKindVersion> Kinds(const std::string& version) {
  return {{.gvk = {"", "v1", "ConfigMap"}, .version = version}};
}

TEST(SteadyMemoTest, MatchNeedsTheSameInputsTheCurrentGenerationAndAYoungEntry) {
  const Clock::TimePoint t0{};
  struct Case {
    const char* name;
    std::string inputs;
    Clock::TimePoint now;
    bool invalidate;
    bool matches;
  };
  const Case cases[] = {
      {"same inputs, young", "digest-1", t0 + 59s, false, true},
      {"same inputs, at max_age", "digest-1", t0 + 60s, false, false},
      {"same inputs, older", "digest-1", t0 + 2min, false, false},
      {"other inputs", "digest-2", t0 + 1s, false, false},
      {"invalidated since", "digest-1", t0 + 1s, true, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    SteadyMemo memo;
    memo.Remember(
        "argocd/web",
        {.inputs = "digest-1", .cached = Kinds("1.7"), .generation = memo.Generation(), .at = t0});
    if (c.invalidate) memo.Invalidate();
    auto found = memo.Match("argocd/web", c.inputs, c.now, 60s);
    EXPECT_EQ(found.has_value(), c.matches);
    if (found) {
      ASSERT_EQ(found->size(), 1u);
      EXPECT_EQ((*found)[0].version, "1.7");
      EXPECT_EQ((*found)[0].gvk.kind, "ConfigMap");
    }
  }
}

TEST(SteadyMemoTest, AReconcileThatStartedBeforeAnInvalidateIsNotRemembered) {
  SteadyMemo memo;
  const std::uint64_t started = memo.Generation();
  memo.Remember("argocd/web", {.inputs = "d", .generation = started});
  EXPECT_EQ(memo.Size(), 1u);
  memo.Invalidate();  // an AppProject changed while a second reconcile ran
  EXPECT_EQ(memo.Size(), 0u);
  EXPECT_EQ(memo.Generation(), started + 1);
  memo.Remember("argocd/web", {.inputs = "d", .generation = started});
  EXPECT_EQ(memo.Size(), 0u);
  EXPECT_FALSE(memo.Match("argocd/web", "d", {}, 1h));
  // ...and an out-of-date Remember also drops what was kept for that key.
  memo.Remember("argocd/web", {.inputs = "d", .generation = memo.Generation()});
  EXPECT_EQ(memo.Size(), 1u);
  memo.Remember("argocd/web", {.inputs = "d", .generation = started});
  EXPECT_EQ(memo.Size(), 0u);
}

TEST(SteadyMemoTest, RememberReplacesAndForgetDropsOneKey) {
  SteadyMemo memo;
  const Clock::TimePoint t0{};
  memo.Remember("a", {.inputs = "1", .cached = Kinds("1.1"), .at = t0});
  memo.Remember("b", {.inputs = "1", .cached = Kinds("1.1"), .at = t0});
  memo.Remember("a", {.inputs = "2", .cached = Kinds("1.2"), .at = t0});
  EXPECT_EQ(memo.Size(), 2u);
  EXPECT_FALSE(memo.Match("a", "1", t0, 1min));
  auto a = memo.Match("a", "2", t0, 1min);
  ASSERT_TRUE(a);
  EXPECT_EQ((*a)[0].version, "1.2");
  memo.Forget("a");
  EXPECT_FALSE(memo.Match("a", "2", t0, 1min));
  EXPECT_TRUE(memo.Match("b", "1", t0, 1min));
  EXPECT_FALSE(memo.Match("unknown", "1", t0, 1min));
  EXPECT_EQ(memo.Size(), 1u);
}

}  // namespace
}  // namespace cellgate::controller
