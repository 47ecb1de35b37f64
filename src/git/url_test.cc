#include "git/url.h"

#include <gtest/gtest.h>

namespace cellgate::git {
namespace {

TEST(NormaliseRepoUrl, SameRepositorySameIdentity) {
  const std::string want = "https://github.com/a/b";
  EXPECT_EQ(NormaliseRepoUrl("https://github.com/a/b"), want);
  EXPECT_EQ(NormaliseRepoUrl("https://github.com/a/b.git"), want);
  EXPECT_EQ(NormaliseRepoUrl("https://github.com/a/b/"), want);
  EXPECT_EQ(NormaliseRepoUrl("https://github.com/a/b.git/"), want);
  EXPECT_EQ(NormaliseRepoUrl("HTTPS://GitHub.COM/a/b"), want);
  EXPECT_EQ(NormaliseRepoUrl("https://github.com:443/a/b"), want);
  EXPECT_EQ(NormaliseRepoUrl("  https://user:secret@github.com/a/b.git "), want);
  EXPECT_NE(NormaliseRepoUrl("https://github.com/A/b"), want);  // paths keep their case
  EXPECT_NE(NormaliseRepoUrl("http://github.com/a/b"), want);
  EXPECT_EQ(NormaliseRepoUrl("https://git.example.com:8443/a/b"),
            "https://git.example.com:8443/a/b");
}

TEST(NormaliseRepoUrl, SshForms) {
  EXPECT_EQ(NormaliseRepoUrl("git@github.com:a/b.git"), "ssh://git@github.com/a/b");
  EXPECT_EQ(NormaliseRepoUrl("ssh://git@GitHub.com/a/b"), "ssh://git@github.com/a/b");
  EXPECT_EQ(NormaliseRepoUrl("ssh://git@github.com:22/a/b.git"), "ssh://git@github.com/a/b");
  EXPECT_EQ(NormaliseRepoUrl("ssh://git:pw@host:2222/a"), "ssh://git@host:2222/a");
}

TEST(NormaliseRepoUrl, LocalPaths) {
  EXPECT_EQ(NormaliseRepoUrl("/srv/git/repo.git"), "file:///srv/git/repo");
  EXPECT_EQ(NormaliseRepoUrl("file:///srv/git/repo/"), "file:///srv/git/repo");
  EXPECT_EQ(NormaliseRepoUrl("/srv/git/./x/../repo"), "file:///srv/git/repo");
  EXPECT_TRUE(NormaliseRepoUrl("relative/repo").starts_with("file:///"));
}

TEST(RedactUrl, StripsUserinfo) {
  EXPECT_EQ(RedactUrl("https://user:s3cret@host/a/b.git"), "https://host/a/b.git");
  EXPECT_EQ(RedactUrl("https://token@host/a"), "https://host/a");
  EXPECT_EQ(RedactUrl("https://host/a"), "https://host/a");
  EXPECT_EQ(RedactUrl("git@github.com:a/b"), "git@github.com:a/b");
  EXPECT_EQ(RedactUrl("/srv/repo"), "/srv/repo");
}

TEST(IsLocalUrl, Classifies) {
  EXPECT_TRUE(IsLocalUrl("/srv/repo"));
  EXPECT_TRUE(IsLocalUrl("file:///srv/repo"));
  EXPECT_TRUE(IsLocalUrl("./repo"));
  EXPECT_FALSE(IsLocalUrl("https://host/repo"));
  EXPECT_FALSE(IsLocalUrl("git@host:repo"));
}

TEST(MirrorDirName, HashOfNormalisedUrl) {
  std::string a = MirrorDirName("https://github.com/a/b");
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a, MirrorDirName("https://github.com/a/b.git"));
  EXPECT_NE(a, MirrorDirName("https://github.com/a/c"));
  EXPECT_EQ(
      a,
      "426415da6467c87a94a513112f24b70d4b6adf406b39e4b9e74ac984d9221813");  // sha256("https://github.com/a/b")
}

}  // namespace
}  // namespace cellgate::git
