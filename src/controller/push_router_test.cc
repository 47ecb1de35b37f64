// PushRouter (push_router.h): a push re-queues exactly the apps it touches, refreshes each
// touched repository once, then tells the ApplicationSet listener; a full queue and a stopped
// router refuse.
#include "controller/push_router.h"

#include <gtest/gtest.h>

#include <future>
#include <latch>
#include <set>

#include "controller/reconciler_fixture.h"
#include "core/mutex.h"

namespace cellgate::controller {
namespace {

using namespace std::chrono_literals;
using testing::Dest;
using testing::kCell2;

http::PushEvent PushToMain(std::vector<std::string> files = {"app/web.yaml"}) {
  return {.repo_urls = {"https://git.example/fleet", "git@git.example:fleet.git"},
          .ref = "refs/heads/main",
          .revision = "main",
          .default_branch = "main",
          .changed_files = std::move(files),
          .changed_files_complete = true};
}

std::string WithPaths(std::string yaml, const std::string& paths) {
  yaml.replace(
      yaml.find("spec:"), 5,
      "  annotations:\n    argocd.argoproj.io/manifest-generate-paths: '" + paths + "'\nspec:");
  return yaml;
}

class PushRouterTest : public testing::ReconcilerTest {
 protected:
  void SetUp() override {
    ReconcilerTest::SetUp();
    source_.Publish(testing::kRepo, {{"app/web.yaml", testing::kWebConfigMap}});
    source_.Publish("https://git.example/other.git", {{"app/x.yaml", testing::kWebConfigMap}});
    Start();
    PutApp(testing::AppYaml("web", Dest(kCell2)));
    // The same repository spelled another way, following the default branch.
    std::string api = testing::AppYaml("api", Dest(kCell2));
    api.replace(api.find(testing::kRepo), std::string(testing::kRepo).size(),
                "https://GIT.example/fleet");
    PutApp(api);
    PutApp(WithPaths(testing::AppYaml("docs", Dest(kCell2), "", "argocd", "docs"), "."));
    std::string other = testing::AppYaml("other", Dest(kCell2));
    other.replace(other.find(testing::kRepo), std::string(testing::kRepo).size(),
                  "https://git.example/other.git");
    PutApp(other);
    std::string pinned = testing::AppYaml("pinned", Dest(kCell2));
    pinned.replace(pinned.find("targetRevision: HEAD"), 20, "targetRevision: release");
    PutApp(pinned);
  }

  std::set<std::string> Names(const std::vector<AppRef>& refs) {
    std::set<std::string> out;
    for (const AppRef& r : refs) out.insert(r.name);
    return out;
  }
};

TEST_F(PushRouterTest, APushRequeuesTheAppsItTouchesAfterOneRefreshPerRepository) {
  core::Mutex mu;
  std::vector<AppRef> requeued;
  PushRouter router(homes_, *git_, [&](const AppRef& ref) {
    core::MutexLock lock(mu);
    requeued.push_back(ref);
  });
  EXPECT_EQ(Names(router.Touched(PushToMain())), (std::set<std::string>{"web", "api"}));
  EXPECT_EQ(Names(router.Touched(PushToMain({"docs/index.md"}))),
            (std::set<std::string>{"web", "api", "docs"}));

  std::promise<http::PushEvent> told;
  int forced_before_listener = -1;
  router.SetAppSetListener([&](const http::PushEvent& push) {
    forced_before_listener = source_.forced();
    told.set_value(push);
  });
  const int forced = source_.forced();
  ASSERT_TRUE(router.Submit(PushToMain()));
  auto done = told.get_future();
  ASSERT_EQ(done.wait_for(20s), std::future_status::ready);
  EXPECT_EQ(done.get().ref, "refs/heads/main");
  router.Stop();
  core::MutexLock lock(mu);
  EXPECT_EQ(Names(requeued), (std::set<std::string>{"web", "api"}));
  EXPECT_EQ(requeued.size(), 2u);
  EXPECT_EQ(forced_before_listener - forced, 1) << "two spellings of one repository: one refresh";
}

TEST_F(PushRouterTest, AFullQueueAndAStoppedRouterRefuse) {
  std::latch entered(1);
  std::latch release(1);
  std::atomic<int> calls{0};
  PushRouter router(homes_, *git_,
                    [&](const AppRef&) {
                      if (calls++ == 0) {
                        entered.count_down();
                        release.wait();
                      }
                    },
                    {.queue_capacity = 1});
  ASSERT_TRUE(router.Submit(PushToMain()));
  entered.wait();  // the router's thread is busy with the first push
  ASSERT_TRUE(router.Submit(PushToMain()));
  auto full = router.Submit(PushToMain());
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code(), ErrorCode::kResourceExhausted);
  release.count_down();
  router.Stop();
  auto stopped = router.Submit(PushToMain());
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace cellgate::controller
