// MirrorSource over file:// repositories: revision rules, change detection, coalescing,
// failures and recovery.
#include "git/mirror_source.h"

#include <gtest/gtest.h>

#include <latch>
#include <thread>

#include "git/test_repos.h"

namespace cellgate::git {
namespace {

namespace fs = std::filesystem;
using testing::Origin;
using testing::TempDir;

class MirrorSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = MirrorSource::Create({.work_dir = work_.path() / "cellgate", .clock = &clock_});
    ASSERT_TRUE(s) << s.error().message();
    source_ = std::move(*s);
  }

  std::string MustResolve(const std::string& revision, const ResolveOptions& options = {}) {
    auto r = source_->Resolve(origin_.url(), revision, options);
    EXPECT_TRUE(r) << revision << ": " << r.error().message();
    return r.value_or("");
  }

  TempDir work_;
  Origin origin_{work_.path()};
  FakeClock clock_;
  std::unique_ptr<MirrorSource> source_;
};

TEST_F(MirrorSourceTest, ResolvesHeadBranchesTagsAndShas) {
  origin_.Write("a.yaml", "a: 1\n");
  std::string c1 = origin_.Commit("one");
  origin_.Git("tag v1.0.0");
  origin_.Git("tag -a -m annotated v1.1.0");
  origin_.Git("checkout -q -b feature");
  origin_.Write("b.yaml", "b: 2\n");
  std::string c2 = origin_.Commit("two");
  origin_.Git("checkout -q main");
  origin_.Publish();

  EXPECT_EQ(MustResolve(""), c1);
  EXPECT_EQ(MustResolve("HEAD"), c1);
  EXPECT_EQ(MustResolve("main"), c1);
  EXPECT_EQ(MustResolve("refs/heads/main"), c1);
  EXPECT_EQ(MustResolve("feature"), c2);
  EXPECT_EQ(MustResolve("v1.0.0"), c1);
  EXPECT_EQ(MustResolve("v1.1.0"), c1);  // annotated: peeled to the commit
  EXPECT_EQ(MustResolve("refs/tags/v1.1.0"), c1);
  EXPECT_EQ(MustResolve(c2), c2);
  EXPECT_EQ(MustResolve(c2.substr(0, 7)), c2);
  std::string tag_object = origin_.Git("rev-parse v1.1.0");
  EXPECT_NE(tag_object, c1);
  EXPECT_EQ(MustResolve(tag_object), c1);
}

TEST_F(MirrorSourceTest, SemverSelectsHighestMatchingTag) {
  std::map<std::string, std::string> commits;
  for (const char* tag :
       {"v1.0.0", "v1.2.0", "1.5.0", "v1.10.0", "v2.0.0", "v2.1.0-rc.1", "latest"}) {
    origin_.Write("version", tag);
    commits[tag] = origin_.Commit(tag);
    origin_.Git(std::string("tag -a -m release ") + tag);
  }
  origin_.Publish();
  EXPECT_EQ(MustResolve("^1.0"), commits["v1.10.0"]);
  EXPECT_EQ(MustResolve(">=1.0.0 <2.0.0"), commits["v1.10.0"]);
  EXPECT_EQ(MustResolve("~1.2"), commits["v1.2.0"]);
  EXPECT_EQ(MustResolve("1.5.x"), commits["1.5.0"]);
  EXPECT_EQ(MustResolve("*"), commits["v2.0.0"]);  // pre-releases excluded
  EXPECT_EQ(MustResolve(">=2.0.0-0"), commits["v2.1.0-rc.1"]);
  auto none = source_->Resolve(origin_.url(), ">=3");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(none.error().message().find("semver constraint '>=3'"), std::string::npos);
}

TEST_F(MirrorSourceTest, MissingRevisionIsNotFound) {
  origin_.CommitAndPublish("one");
  for (const std::string& rev :
       std::vector<std::string>{"nope", "refs/heads/nope", std::string(40, 'a'), "abcdef1"}) {
    auto r = source_->Resolve(origin_.url(), rev);
    ASSERT_FALSE(r) << rev;
    EXPECT_EQ(r.error().code(), ErrorCode::kNotFound) << r.error().message();
    EXPECT_EQ(r.error().message(), "revision '" + rev + "' not found in " + origin_.url());
  }
}

TEST_F(MirrorSourceTest, FetchesOnlyWhenTheRemoteChanged) {
  std::string c1 = origin_.CommitAndPublish("one");
  EXPECT_EQ(MustResolve("main"), c1);
  EXPECT_EQ(source_->Stats(origin_.url()).fetches, 1u);
  EXPECT_EQ(MustResolve("main"), c1);
  EXPECT_EQ(MustResolve("HEAD"), c1);
  FetchStats stats = source_->Stats(origin_.url());
  EXPECT_EQ(stats.ls_remotes, 3u);
  EXPECT_EQ(stats.fetches, 1u);  // unchanged remote: ls-remote only

  std::string c2 = origin_.CommitAndPublish("two");
  EXPECT_EQ(MustResolve("main"), c2);
  EXPECT_EQ(source_->Stats(origin_.url()).fetches, 2u);
  origin_.Git("tag v9");
  origin_.Publish();
  EXPECT_EQ(MustResolve("v9"), c2);  // a new tag alone is a change too
  EXPECT_EQ(source_->Stats(origin_.url()).fetches, 3u);
}

TEST_F(MirrorSourceTest, MaxStalenessSkipsEvenTheLsRemote) {
  std::string c1 = origin_.CommitAndPublish("one");
  ResolveOptions options{.max_staleness = std::chrono::minutes(1)};
  EXPECT_EQ(MustResolve("main", options), c1);
  origin_.CommitAndPublish("two");
  clock_.Advance(std::chrono::seconds(30));
  EXPECT_EQ(MustResolve("main", options), c1);  // fresh enough: the new commit is not seen
  FetchStats stats = source_->Stats(origin_.url());
  EXPECT_EQ(stats.ls_remotes, 1u);
  EXPECT_EQ(stats.fresh_hits, 1u);
  clock_.Advance(std::chrono::seconds(31));
  EXPECT_NE(MustResolve("main", options), c1);
  EXPECT_EQ(source_->Stats(origin_.url()).ls_remotes, 2u);
}

TEST_F(MirrorSourceTest, ResolvedRevisionsAreRememberedUntilTheNextRefresh) {
  std::string c1 = origin_.CommitAndPublish("one");
  ResolveOptions options{.max_staleness = std::chrono::minutes(1)};
  EXPECT_EQ(MustResolve("main", options), c1);
  EXPECT_EQ(MustResolve("main", options), c1);
  EXPECT_EQ(MustResolve("main", options), c1);
  EXPECT_EQ(source_->Stats(origin_.url()).memo_hits, 2u);
  EXPECT_EQ(MustResolve("HEAD", options), c1);  // another spelling is resolved on its own
  EXPECT_EQ(source_->Stats(origin_.url()).memo_hits, 2u);

  std::string c2 = origin_.CommitAndPublish("two");
  EXPECT_EQ(MustResolve("main"), c2);  // a refresh forgets what was remembered
  EXPECT_EQ(MustResolve("HEAD", options), c2);
  EXPECT_EQ(source_->Stats(origin_.url()).memo_hits, 2u);
}

TEST_F(MirrorSourceTest, ConcurrentResolvesShareOneFetch) {
  for (int i = 0; i < 20; ++i) {
    origin_.Write("f" + std::to_string(i) + ".yaml",
                  std::string(10000, static_cast<char>('x' + i % 3)));
    origin_.Commit("c" + std::to_string(i));
  }
  std::string head = origin_.Git("rev-parse HEAD");
  origin_.Publish();
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::vector<std::string> got(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto r = source_->Resolve(origin_.url(), "main");
      got[static_cast<std::size_t>(i)] = r ? *r : r.error().message();
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& g : got) EXPECT_EQ(g, head);
  FetchStats stats = source_->Stats(origin_.url());
  EXPECT_EQ(stats.fetches, 1u);
  EXPECT_EQ(stats.ls_remotes + stats.coalesced, static_cast<std::uint64_t>(kThreads));
}

TEST_F(MirrorSourceTest, SpellingsOfOneRepositoryShareAMirror) {
  std::string c1 = origin_.CommitAndPublish("one");
  std::string path = origin_.bare().string();  // ends in .git
  std::string stripped = path.substr(0, path.size() - 4);
  EXPECT_EQ(source_->MirrorDir(path), source_->MirrorDir("file://" + stripped + "/"));
  ASSERT_EQ(source_->Resolve(path, "main").value_or(""), c1);
  ASSERT_EQ(source_->Resolve("file://" + path + "/", "main").value_or(""), c1);
  FetchStats stats = source_->Stats(stripped);
  EXPECT_EQ(stats.ls_remotes, 2u);
  EXPECT_EQ(stats.fetches, 1u);
}

TEST_F(MirrorSourceTest, DeletedBranchesArePruned) {
  origin_.CommitAndPublish("one");
  origin_.Git("branch doomed");
  origin_.Publish();
  MustResolve("doomed");
  origin_.Git("branch -D doomed");
  origin_.Publish();
  auto r = source_->Resolve(origin_.url(), "doomed");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
}

TEST_F(MirrorSourceTest, HeadFollowsTheRemoteDefaultBranch) {
  std::string c1 = origin_.CommitAndPublish("one");
  origin_.Git("checkout -q -b develop");
  std::string c2 = origin_.CommitAndPublish("two");
  EXPECT_EQ(MustResolve("HEAD"), c1);
  testing::Sh("git --git-dir=" + testing::Quote(origin_.bare().string()) +
              " symbolic-ref HEAD refs/heads/develop");
  EXPECT_EQ(MustResolve("HEAD"), c2);
}

TEST_F(MirrorSourceTest, UnreachableRemoteKeepsTheMirrorAndRecovers) {
  origin_.Write("app.yaml", "v: 1\n");
  std::string c1 = origin_.CommitAndPublish("one");
  ASSERT_EQ(MustResolve("main"), c1);
  std::filesystem::path moved = work_.path() / "moved.git";
  std::filesystem::rename(origin_.bare(), moved);

  auto down = source_->Resolve(origin_.url(), "main");
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code(), ErrorCode::kUnavailable) << down.error().message();
  EXPECT_EQ(source_->Stats(origin_.url()).failures, 1u);
  auto snap = source_->Open(origin_.url(), c1);  // the last good commit is still readable
  ASSERT_TRUE(snap) << snap.error().message();
  EXPECT_EQ((*snap)->ReadFile("app.yaml").value_or(""), "v: 1\n");

  std::filesystem::rename(moved, origin_.bare());
  std::string c2 = origin_.CommitAndPublish("two");
  EXPECT_EQ(MustResolve("main"), c2);
}

TEST_F(MirrorSourceTest, OpenRefusesUnknownCommits) {
  std::string c1 = origin_.CommitAndPublish("one");
  auto before = source_->Open(origin_.url(), c1);
  ASSERT_FALSE(before);
  EXPECT_EQ(before.error().code(), ErrorCode::kNotFound);
  MustResolve("main");
  auto missing = source_->Open(origin_.url(), std::string(40, 'b'));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  auto short_sha = source_->Open(origin_.url(), c1.substr(0, 7));
  ASSERT_FALSE(short_sha);
  EXPECT_EQ(short_sha.error().code(), ErrorCode::kInvalidArgument);
}

TEST(MirrorSourceDeadline, AnExpiredFetchIsDeadlineExceeded) {
  TempDir work;
  Origin origin(work.path());
  origin.Write("a.yaml", std::string(100000, 'a'));
  origin.CommitAndPublish("one");
  auto source = MirrorSource::Create(
      {.work_dir = work.path() / "cellgate", .fetch_timeout = std::chrono::seconds(0)});
  ASSERT_TRUE(source);
  auto r = (*source)->Resolve(origin.url(), "main");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kDeadlineExceeded) << r.error().message();
  EXPECT_EQ(r.error().message(), "fetch " + origin.url() + ": deadline exceeded");
}

TEST(MirrorSourceLocal, LocalReposAreRefusedWhenNotAllowed) {
  // Another repository's mirror has a name anyone can compute; a file:// URL to it reads it
  // with none of that repository's credentials.
  TempDir work;
  Origin origin(work.path());
  std::string commit = origin.CommitAndPublish("private");
  const fs::path work_dir = work.path() / "cellgate";
  auto open = MirrorSource::Create({.work_dir = work_dir});
  ASSERT_TRUE(open);
  ASSERT_TRUE((*open)->Resolve(origin.url(), "main"));  // fills the victim's mirror
  const std::string victim = "file://" + (*open)->MirrorDir(origin.url()).string();
  EXPECT_EQ((*open)->Resolve(victim, "main").value_or(""), commit);  // what the flag prevents

  auto closed = MirrorSource::Create({.work_dir = work_dir, .allow_local_repos = false});
  ASSERT_TRUE(closed);
  for (const std::string& url : {victim, origin.url(), origin.bare().string(),
                                 std::string("relative/repo"), std::string("FILE:///etc")}) {
    auto r = (*closed)->Resolve(url, "main");
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().code(), ErrorCode::kPermissionDenied) << r.error().message();
    EXPECT_NE(r.error().message().find("local paths and file:// URLs are not allowed"),
              std::string::npos)
        << r.error().message();
    auto o = (*closed)->Open(url, commit);
    ASSERT_FALSE(o) << url;
    EXPECT_EQ(o.error().code(), ErrorCode::kPermissionDenied) << o.error().message();
  }
  auto remote = (*closed)->Resolve("http://127.0.0.1:1/repo.git", "main");  // still tried
  ASSERT_FALSE(remote);
  EXPECT_EQ(remote.error().code(), ErrorCode::kUnavailable) << remote.error().message();
}

}  // namespace
}  // namespace cellgate::git
