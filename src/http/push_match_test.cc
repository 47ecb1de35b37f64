#include "http/push_match.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace cellgate::http {
namespace {

using Paths = std::vector<std::string>;

PushEvent BranchPush(std::string branch, std::vector<std::string> files,
                     std::string default_branch = "main") {
  PushEvent e;
  e.repo_urls = {"https://github.com/acme/fleet", "https://github.com/acme/fleet.git",
                 "git@github.com:acme/fleet.git"};
  e.ref = "refs/heads/" + branch;
  e.revision = std::move(branch);
  e.default_branch = std::move(default_branch);
  e.changed_files = std::move(files);
  e.changed_files_complete = true;
  return e;
}

PushEvent TagPush(std::string tag) {
  PushEvent e = BranchPush("", {});
  e.ref = "refs/tags/" + tag;
  e.revision = std::move(tag);
  e.is_tag = true;
  e.changed_files_complete = false;
  return e;
}

TEST(SameRepository, MatchesEverySpellingOfOneRepository) {
  const std::string web = "https://github.com/acme/fleet";
  for (const char* spelling :
       {"https://github.com/acme/fleet", "https://github.com/acme/fleet.git",
        "https://github.com/acme/fleet/", "HTTPS://GitHub.com/Acme/Fleet.git",
        "http://github.com/acme/fleet", "https://user:token@github.com/acme/fleet.git",
        "git@github.com:acme/fleet.git", "ssh://git@github.com/acme/fleet.git",
        "ssh://git@ssh.github.com:443/acme/fleet.git", "github.com:acme/fleet",
        "https://github.com:443/acme/fleet"}) {
    EXPECT_TRUE(SameRepository(web, spelling)) << spelling;
  }
  EXPECT_TRUE(SameRepository("https://gitlab.com/grp/sub/proj",
                             "ssh://git@altssh.gitlab.com:443/grp/sub/proj.git"));
}

TEST(SameRepository, TellsDifferentRepositoriesApart) {
  const std::string web = "https://github.com/acme/fleet";
  EXPECT_FALSE(SameRepository(web, "https://github.com/acme/fleet-config"));
  EXPECT_FALSE(SameRepository(web, "https://github.com/acme/fle"));
  EXPECT_FALSE(SameRepository(web, "https://github.com/other/fleet"));
  EXPECT_FALSE(SameRepository(web, "https://gitlab.com/acme/fleet"));
  EXPECT_FALSE(SameRepository(web, "https://github.com/acme"));
  EXPECT_FALSE(SameRepository(web, ""));
  // Bitbucket Server serves HTTP under /scm/: only the payload's own clone URL matches.
  EXPECT_FALSE(SameRepository("https://bitbucket.acme.example/scm/plat/fleet.git",
                              "ssh://git@bitbucket.acme.example:7999/plat/fleet.git"));
}

TEST(RevisionMatches, HeadFollowsTheDefaultBranch) {
  EXPECT_TRUE(RevisionMatches(BranchPush("main", {}), "HEAD"));
  EXPECT_TRUE(RevisionMatches(BranchPush("main", {}), ""));
  EXPECT_FALSE(RevisionMatches(BranchPush("develop", {}), "HEAD"));
  EXPECT_FALSE(RevisionMatches(TagPush("v1.0.0"), "HEAD"));
  // Without a default branch in the payload (Bitbucket), any branch may be HEAD.
  EXPECT_TRUE(RevisionMatches(BranchPush("develop", {}, ""), "HEAD"));
  EXPECT_TRUE(RevisionMatches(BranchPush("develop", {}, ""), ""));
}

TEST(RevisionMatches, NamedBranchesAndTags) {
  EXPECT_TRUE(RevisionMatches(BranchPush("main", {}), "main"));
  EXPECT_TRUE(RevisionMatches(BranchPush("feature/x", {}), "feature/x"));
  EXPECT_FALSE(RevisionMatches(BranchPush("feature/x", {}), "feature"));
  EXPECT_TRUE(RevisionMatches(BranchPush("main", {}), "refs/heads/main"));
  EXPECT_FALSE(RevisionMatches(BranchPush("main", {}), "refs/tags/main"));
  EXPECT_TRUE(RevisionMatches(TagPush("v2.4.0"), "v2.4.0"));
  EXPECT_TRUE(RevisionMatches(TagPush("v2.4.0"), "refs/tags/v2.4.0"));
  EXPECT_FALSE(RevisionMatches(TagPush("v2.4.0"), "refs/heads/v2.4.0"));
  EXPECT_FALSE(RevisionMatches(TagPush("v2.4.0"), "v2.4.1"));
}

TEST(RevisionMatches, CommitPinsNeverMatchAndConstraintsMatchTagPushes) {
  EXPECT_FALSE(RevisionMatches(BranchPush("main", {}), "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c"));
  EXPECT_FALSE(RevisionMatches(TagPush("v1.2.0"), "0d1a26e"));
  EXPECT_TRUE(RevisionMatches(TagPush("v2.4.0"), "v2.*"));
  EXPECT_TRUE(RevisionMatches(TagPush("v2.4.0"), ">=2.0.0 <3.0.0"));
  EXPECT_TRUE(RevisionMatches(TagPush("v2.4.0"), "2.4.x"));
  EXPECT_FALSE(RevisionMatches(BranchPush("main", {}), "v2.*"));
}

TEST(RefreshPaths, ResolveRelativeToTheAppAndFromTheRoot) {
  EXPECT_EQ(RefreshPaths("apps/web/overlays/eu", ".;../../base; /platform/crds ;;shared/*.yaml"),
            (Paths{"/apps/web/overlays/eu", "/apps/web/base", "/platform/crds",
                   "/apps/web/overlays/eu/shared/*.yaml"}));
  EXPECT_EQ(RefreshPaths("", "."), (Paths{"/"}));
  EXPECT_EQ(RefreshPaths("apps/web", "../../../../etc"), (Paths{"/etc"}));  // never above root
  EXPECT_TRUE(RefreshPaths("apps/web", "").empty());
  EXPECT_TRUE(RefreshPaths("apps/web", " ; ;").empty());
}

TEST(FilesTouchPaths, UnderExactOrGlob) {
  const Paths web = {"/apps/web"};
  EXPECT_TRUE(FilesTouchPaths({"apps/web/deploy.yaml"}, web));
  EXPECT_TRUE(FilesTouchPaths({"apps/web/overlays/eu/patch.yaml"}, web));
  EXPECT_TRUE(FilesTouchPaths({"apps/web"}, web));  // the path itself (a file)
  EXPECT_FALSE(FilesTouchPaths({"apps/web2/deploy.yaml"}, web));
  EXPECT_FALSE(FilesTouchPaths({"apps/api/deploy.yaml", "README.md"}, web));
  EXPECT_TRUE(FilesTouchPaths({"README.md", "apps/web/x"}, web));

  const Paths glob = {"/charts/*/values.yaml"};
  EXPECT_TRUE(FilesTouchPaths({"charts/web/values.yaml"}, glob));
  EXPECT_FALSE(FilesTouchPaths({"charts/web/nested/values.yaml"}, glob));  // * stays in a segment
  EXPECT_FALSE(FilesTouchPaths({"charts/web/values.yml"}, glob));
  EXPECT_TRUE(FilesTouchPaths({"anything/at/all"}, Paths{"/"}));
}

// Argo CD's AppFilesHaveChanged uses Go's filepath.Match, not fnmatch: '!' is a literal in a
// class (only '^' negates), '\' escapes, and a malformed pattern matches nothing but the
// identical path, which AppFilesHaveChanged (util/app/path/path.go) compares before matching.
TEST(FilesTouchPaths, GlobsAreGoFilepathMatch) {
  EXPECT_TRUE(FilesTouchPaths({"apps/x.yaml"}, Paths{"/apps/[!x].yaml"}));
  EXPECT_TRUE(FilesTouchPaths({"apps/!.yaml"}, Paths{"/apps/[!x].yaml"}));
  EXPECT_FALSE(FilesTouchPaths({"apps/a.yaml"}, Paths{"/apps/[!x].yaml"}));
  EXPECT_TRUE(FilesTouchPaths({"apps/b.yaml"}, Paths{"/apps/[^x].yaml"}));
  EXPECT_FALSE(FilesTouchPaths({"apps/x.yaml"}, Paths{"/apps/[x.yaml"}));
  EXPECT_TRUE(FilesTouchPaths({"apps/[.yaml"}, Paths{"/apps/[.yaml"}));
}

TEST(PushTouches, WithoutTheAnnotationEveryPushToRepoAndRevisionTouches) {
  PushEvent push = BranchPush("main", {"apps/payments/base/pdb.yaml"});
  EXPECT_TRUE(PushTouches(push, "git@github.com:acme/fleet.git", "HEAD", "apps/web", std::nullopt));
  EXPECT_FALSE(
      PushTouches(push, "https://github.com/acme/other", "HEAD", "apps/web", std::nullopt));
  EXPECT_FALSE(
      PushTouches(push, "https://github.com/acme/fleet", "develop", "apps/web", std::nullopt));
}

TEST(PushTouches, TheAnnotationLimitsRefreshesToItsPaths) {
  PushEvent push = BranchPush("main", {"apps/payments/base/pdb.yaml", "docs/intro.md"});
  const std::string repo = "https://github.com/acme/fleet.git";
  EXPECT_TRUE(PushTouches(push, repo, "main", "apps/payments/overlays/eu", "../../base"));
  EXPECT_TRUE(PushTouches(push, repo, "main", "apps/payments/base", "."));
  EXPECT_FALSE(PushTouches(push, repo, "main", "apps/web", "."));
  EXPECT_TRUE(PushTouches(push, repo, "main", "apps/web", ".;/docs"));
  EXPECT_FALSE(PushTouches(push, repo, "main", "apps/web", ".;/doc"));
  // An annotation that names no path behaves as if absent.
  EXPECT_TRUE(PushTouches(push, repo, "main", "apps/web", ""));
}

TEST(PushTouches, UnknownFileListsTouchEveryMatchingApp) {
  PushEvent push = BranchPush("main", {"apps/payments/base/pdb.yaml"});
  push.changed_files_complete = false;  // e.g. GitLab cut the commit list
  EXPECT_TRUE(PushTouches(push, "https://github.com/acme/fleet", "main", "apps/web", "."));
  PushEvent empty = BranchPush("main", {});
  EXPECT_TRUE(PushTouches(empty, "https://github.com/acme/fleet", "main", "apps/web", "."));
  PushEvent tag = TagPush("v3.0.0");
  EXPECT_TRUE(PushTouches(tag, "https://github.com/acme/fleet", "v3.0.0", "apps/web", "."));
}

}  // namespace
}  // namespace cellgate::http
