// GitResolver in background mode, over a real MirrorSource: local repositories, and a silent
// TCP server standing in for a stalled Git host.
#include "controller/git_resolver.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "controller/test_util.h"
#include "core/mutex.h"
#include "git/silent_server.h"
#include "git/test_repos.h"

namespace cellgate::controller {
namespace {

using namespace std::chrono_literals;
using testing::Eventually;

class GitResolverBackgroundTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto mirror = git::MirrorSource::Create(
        {.work_dir = dir_.path() / "cache", .fetch_timeout = 3s, .clock = &clock_});
    ASSERT_TRUE(mirror) << mirror.error().message();
    mirror_ = std::move(*mirror);
  }

  // A resolver with `threads` fetch threads whose listener records each refreshed URL.
  void StartResolver(int threads, std::chrono::milliseconds poll = 10min) {
    resolver_ = GitResolver::ForMirror(*mirror_, nullptr, clock_, poll, threads);
    resolver_->SetRefreshListener([this](const std::string& url) {
      core::MutexLock lock(mu_);
      refreshed_.push_back(url);
    });
  }

  int RefreshedCount(const std::string& url) {
    core::MutexLock lock(mu_);
    return static_cast<int>(std::count(refreshed_.begin(), refreshed_.end(), url));
  }

  git::testing::TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<git::MirrorSource> mirror_;
  std::unique_ptr<GitResolver> resolver_;
  core::Mutex mu_;
  std::vector<std::string> refreshed_;
};

TEST_F(GitResolverBackgroundTest, FirstResolveWaitsForTheFetchThreadThenAnswersFromTheMirror) {
  git::testing::Origin origin(dir_.path());
  origin.Write("app/cm.yaml", "kind: ConfigMap\n");
  const std::string first = origin.CommitAndPublish("first");
  StartResolver(1);

  auto pending = resolver_->Resolve(origin.url(), "main", false);
  ASSERT_FALSE(pending);
  EXPECT_EQ(pending.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(pending.error().message().find("waiting for the first fetch"), std::string::npos)
      << pending.error().message();

  ASSERT_TRUE(Eventually([&] { return RefreshedCount(origin.url()) == 1; }));
  EXPECT_TRUE(resolver_->Fetched(origin.url()));
  auto commit = resolver_->Resolve(origin.url(), "main", false);
  ASSERT_TRUE(commit) << commit.error().message();
  EXPECT_EQ(*commit, first);
  EXPECT_EQ(mirror_->Stats(origin.url()).ls_remotes, 1u);
  EXPECT_GE(mirror_->Stats(origin.url()).offline_hits, 1u);
}

TEST_F(GitResolverBackgroundTest, ForcedResolveAnswersAtOnceAndTheListenerBringsTheNewCommit) {
  git::testing::Origin origin(dir_.path());
  origin.Write("a.txt", "1");
  const std::string first = origin.CommitAndPublish("first");
  StartResolver(1);
  (void)resolver_->Resolve(origin.url(), "main", false);
  ASSERT_TRUE(Eventually([&] { return RefreshedCount(origin.url()) == 1; }));

  origin.Write("a.txt", "2");
  const std::string second = origin.CommitAndPublish("second");
  // Unforced and within the poll interval: no refresh, the mirror's commit.
  auto unforced = resolver_->Resolve(origin.url(), "main", false);
  ASSERT_TRUE(unforced);
  EXPECT_EQ(*unforced, first);
  // Forced (the refresh annotation): answered from the mirror without waiting, a refresh is
  // queued. The fetch thread may finish it before the mirror is read, so either commit is a
  // right answer here; what the refresh brings is checked below.
  auto forced = resolver_->Resolve(origin.url(), "main", true);
  ASSERT_TRUE(forced);
  EXPECT_TRUE(*forced == first || *forced == second) << *forced;
  // The refresh fetched: the listener is told, and the next resolve has the new commit.
  ASSERT_TRUE(Eventually([&] { return RefreshedCount(origin.url()) == 2; }));
  auto after = resolver_->Resolve(origin.url(), "main", false);
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, second);
  EXPECT_EQ(mirror_->Stats(origin.url()).fetches, 2u);
}

TEST_F(GitResolverBackgroundTest, AnUnchangedRepositoryDoesNotCallTheListenerAgain) {
  git::testing::Origin origin(dir_.path());
  origin.CommitAndPublish("first");
  StartResolver(1, /*poll=*/1ms);
  (void)resolver_->Resolve(origin.url(), "main", false);
  ASSERT_TRUE(Eventually([&] { return RefreshedCount(origin.url()) == 1; }));
  // Polls are due at every resolve now; each ls-remote finds nothing new.
  const std::uint64_t before = mirror_->Stats(origin.url()).ls_remotes;
  ASSERT_TRUE(Eventually([&] {
    (void)resolver_->Resolve(origin.url(), "main", false);
    return mirror_->Stats(origin.url()).ls_remotes >= before + 3;
  }));
  EXPECT_EQ(RefreshedCount(origin.url()), 1) << "no ref moved: nothing to re-queue";
}

// The controller's worker threads call Resolve: a Git host that accepts and never answers must
// not hold them. Before fetches moved to the fetch threads, this Resolve blocked for the whole
// fetch timeout.
TEST_F(GitResolverBackgroundTest, StalledServerHoldsOnlyAFetchThread) {
  git::testing::SilentServer silent;
  const std::string stalled = "http://127.0.0.1:" + std::to_string(silent.port()) + "/r.git";
  git::testing::Origin origin(dir_.path());
  const std::string head = origin.CommitAndPublish("first");
  StartResolver(2);

  for (int i = 0; i < 20; ++i) {
    auto r = resolver_->Resolve(stalled, "main", i % 2 == 0);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable) << r.error().message();
  }
  EXPECT_FALSE(resolver_->Fetched(stalled)) << "the fetch timeout (3 s) has not passed yet";
  EXPECT_LE(silent.accepted(), 1) << "twenty resolves share one refresh";

  // Another repository is served meanwhile by the second fetch thread.
  (void)resolver_->Resolve(origin.url(), "main", false);
  ASSERT_TRUE(Eventually([&] { return RefreshedCount(origin.url()) == 1; }));
  auto ok = resolver_->Resolve(origin.url(), "main", false);
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(*ok, head);

  // When the timeout fires, the listener is told and Resolve reports the failure.
  ASSERT_TRUE(Eventually([&] { return RefreshedCount(stalled) == 1; }, 20s));
  auto failed = resolver_->Resolve(stalled, "main", false);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code(), ErrorCode::kDeadlineExceeded) << failed.error().message();
}

TEST(GitResolverTest, StopJoinsTheFetchThreadsAndDropsTheListener) {
  testing::FakeSource source;
  source.Publish("https://git.example/r.git", {{"a", "b"}});
  SystemClock clock;
  std::atomic<int> calls = 0;
  {
    GitResolver resolver(source, nullptr, nullptr, clock, 10min, 2);
    resolver.SetRefreshListener([&](const std::string&) { ++calls; });
    resolver.Stop();
    (void)resolver.Resolve("https://git.example/r.git", "HEAD", true);
  }
  EXPECT_EQ(calls.load(), 0);
}

}  // namespace
}  // namespace cellgate::controller

namespace cellgate::controller {
namespace {

using namespace std::chrono_literals;
constexpr const char* kUrl = "https://git.example/r.git";

// Counts listener calls and lets a test wait for the n-th without sleeping.
class Listener {
 public:
  RefreshListener Callback() {
    return [this](const std::string& url) {
      core::MutexLock lock(mu_);
      urls_.push_back(url);
      cv_.notify_all();
    };
  }
  bool WaitFor(std::size_t n) {
    core::MutexLock lock(mu_);
    return cv_.wait_for(lock, 20s, [&] { return urls_.size() >= n; });
  }
  std::vector<std::string> urls() {
    core::MutexLock lock(mu_);
    return urls_;
  }

 private:
  core::Mutex mu_;
  core::CondVar cv_;
  std::vector<std::string> urls_;
};

TEST(GitResolverTest, SynchronousModeResolvesOnTheCallersThreadWithThePollIntervalAsStaleness) {
  testing::FakeSource source;
  const std::string head = source.Publish(kUrl, {{"a", "b"}});
  SystemClock clock;
  GitResolver resolver(source, nullptr, nullptr, clock, 3min);
  EXPECT_TRUE(resolver.Fetched(kUrl)) << "always, in synchronous mode";
  EXPECT_TRUE(resolver.Fetched("https://never.example/x.git"));

  auto unforced = resolver.Resolve(kUrl, "HEAD", false);
  ASSERT_TRUE(unforced);
  EXPECT_EQ(*unforced, head);
  git::ResolveOptions used = source.last_options();
  EXPECT_EQ(used.max_staleness, 3min);
  EXPECT_TRUE(used.stale_while_refreshing) << "a slow server holds at most one worker";
  EXPECT_FALSE(used.offline);

  ASSERT_TRUE(resolver.Resolve(kUrl, "HEAD", true));
  used = source.last_options();
  EXPECT_EQ(used.max_staleness, 0ms) << "forced: refresh now";
  EXPECT_FALSE(used.stale_while_refreshing);

  ASSERT_TRUE(resolver.Refresh(kUrl));
  EXPECT_EQ(source.last_options().max_staleness, 0ms);
  EXPECT_EQ(source.forced(), 2);
  auto down = resolver.Refresh("https://git.example/unknown.git");
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code(), ErrorCode::kUnavailable);
}

TEST(GitResolverTest, ResolvesWhileARefreshIsQueuedOrRunningShareIt) {
  testing::FakeSource source;
  const std::string head = source.Publish(kUrl, {{"a", "b"}});
  SystemClock clock;
  GitResolver resolver(source, nullptr, nullptr, clock, 10min, 2);
  Listener listener;
  resolver.SetRefreshListener(listener.Callback());
  source.Hold();
  // Spellings of one repository are one repository (letter case, ".git"; an SSH URL is
  // another repository, as in Argo CD's NormalizeGitURL).
  for (const char* url : {kUrl, "https://GIT.example/r", "https://git.example/r.git/"}) {
    auto r = resolver.Resolve(url, "HEAD", false);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  }
  source.WaitForWaiting(1);
  for (int i = 0; i < 5; ++i) (void)resolver.Resolve(kUrl, "HEAD", false);
  source.Release();
  ASSERT_TRUE(listener.WaitFor(1));
  resolver.Stop();  // joins the fetch threads: nothing else can be running
  EXPECT_EQ(source.remote(), 1) << "one refresh for every resolve";
  EXPECT_EQ(listener.urls(), std::vector<std::string>{kUrl}) << "as the first app spelled it";
}

TEST(GitResolverTest, AForcedResolveDuringARefreshRefreshesAgainWhenItEnds) {
  testing::FakeSource source;
  const std::string first = source.Publish(kUrl, {{"a", "1"}});
  SystemClock clock;
  GitResolver resolver(source, nullptr, nullptr, clock, 10min, 2);
  Listener listener;
  resolver.SetRefreshListener(listener.Callback());
  source.Hold();
  (void)resolver.Resolve(kUrl, "HEAD", false);
  source.WaitForWaiting(1);  // the refresh is running, blocked on the "server"
  const std::string second = source.Publish(kUrl, {{"a", "2"}});
  // Answered from the mirror at once (no refresh has completed yet), and remembered.
  auto forced = resolver.Resolve(kUrl, "HEAD", true);
  ASSERT_FALSE(forced);
  EXPECT_EQ(forced.error().code(), ErrorCode::kUnavailable);
  source.Release();
  ASSERT_TRUE(listener.WaitFor(2));
  resolver.Stop();
  EXPECT_EQ(source.remote(), 2);
  EXPECT_EQ(source.forced(), 1) << "the second refresh is the forced one";
  EXPECT_TRUE(resolver.Fetched(kUrl));
  auto now = resolver.Resolve(kUrl, "HEAD", false);
  ASSERT_TRUE(now);
  EXPECT_EQ(*now, second);
  EXPECT_NE(first, second);
}

TEST(GitResolverTest, AFailedFirstRefreshCountsAsFetchedAndResolveReportsIt) {
  testing::FakeSource source;  // nothing published: ls-remote fails
  SystemClock clock;
  GitResolver resolver(source, nullptr, nullptr, clock, 10min, 1);
  Listener listener;
  resolver.SetRefreshListener(listener.Callback());
  (void)resolver.Resolve(kUrl, "HEAD", false);
  ASSERT_TRUE(listener.WaitFor(1)) << "success or not, the first refresh is news";
  EXPECT_TRUE(resolver.Fetched(kUrl));
  auto r = resolver.Resolve(kUrl, "HEAD", false);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("down"), std::string::npos) << r.error().message();
}

}  // namespace
}  // namespace cellgate::controller
