// MirrorSource over SSH: Debian's OpenSSH server run by the test as a foreground process on
// 127.0.0.1 with a temporary host key and authorized_keys. Skipped when /usr/sbin/sshd is
// not installed (package openssh-server).
//
// A separate test binary because Debian's libgit2 1.5.1 (with its CVE-2023-22742 known_hosts
// backport) and libssh2 1.10 leak ~100 bytes per SSH connection inside git_remote_connect;
// LeakSanitizer is told to ignore those here only, so every other test stays strict.
#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "git/mirror_source.h"
#include "git/silent_server.h"
#include "git/test_process.h"
#include "git/test_repos.h"

// NOLINTNEXTLINE(bugprone-reserved-identifier): the sanitizer runtime looks it up
extern "C" const char* __lsan_default_suppressions() { return "leak:git_remote_connect_ext\n"; }
// libgit2 has no frame pointers: the slow unwinder is needed to see git_remote_connect_ext.
// NOLINTNEXTLINE(bugprone-reserved-identifier): as above
extern "C" const char* __asan_default_options() { return "fast_unwind_on_malloc=0"; }

namespace cellgate::git {
namespace {

using testing::Origin;
using testing::Quote;
using testing::Sh;
using testing::TempDir;

constexpr const char* kSshd = "/usr/sbin/sshd";

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class SshTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kSshd)) GTEST_SKIP() << "openssh-server is not installed";
    const std::filesystem::path d = work_.path();
    const std::string q = Quote(d.string());
    Sh("cd " + q +
       " && ssh-keygen -q -t ed25519 -N '' -C host -f host_key"
       " && ssh-keygen -q -t ed25519 -N '' -C client -f client_key"
       " && ssh-keygen -q -t ed25519 -N '' -C stranger -f stranger_key"
       " && cp client_key.pub authorized_keys && chmod 600 authorized_keys");
    port_ = testing::FreePort();
    std::ofstream(d / "sshd_config")
        << "Port " << port_ << "\n"
        << "ListenAddress 127.0.0.1\n"
        << "HostKey " << (d / "host_key").string() << "\n"
        << "PidFile " << (d / "sshd.pid").string() << "\n"
        << "AuthorizedKeysFile " << (d / "authorized_keys").string() << "\n"
        << "StrictModes no\nUsePAM no\nPasswordAuthentication no\n"
        << "KbdInteractiveAuthentication no\n"
        << "PermitRootLogin prohibit-password\nLogLevel ERROR\n";
    if (::geteuid() == 0) std::filesystem::create_directories("/run/sshd");  // privsep dir
    sshd_ = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{kSshd, "-D", "-E", (d / "sshd.log").string(), "-f",
                                 (d / "sshd_config").string()},
        false);
    ASSERT_TRUE(testing::WaitForPort(port_, std::chrono::seconds(10))) << "sshd did not start";

    passwd* pw = ::getpwuid(::geteuid());
    ASSERT_NE(pw, nullptr);
    url_ = "ssh://" + std::string(pw->pw_name) + "@127.0.0.1:" + std::to_string(port_) +
           origin_.bare().string();
    std::string host_pub = ReadAll(d / "host_key.pub");
    known_hosts_ = "[127.0.0.1]:" + std::to_string(port_) + " " + host_pub;
    client_key_ = ReadAll(d / "client_key");
    origin_.Write("app.yaml", "kind: ConfigMap\n");
    commit_ = origin_.CommitAndPublish("one");
  }

  std::unique_ptr<MirrorSource> Source(const std::string& known_hosts) {
    auto s = MirrorSource::Create({.work_dir = work_.path() / "cellgate",
                                   .fetch_timeout = std::chrono::seconds(30),
                                   .ssh_known_hosts = known_hosts});
    EXPECT_TRUE(s) << s.error().message();
    return s ? std::move(*s) : nullptr;
  }

  TempDir work_;
  Origin origin_{work_.path()};
  int port_ = 0;
  std::unique_ptr<testing::ChildProcess> sshd_;
  std::string url_, known_hosts_, client_key_, commit_;
};

TEST_F(SshTest, ResolvesWithAKeyFromMemoryAndAKnownHost) {
  auto source = Source(known_hosts_);
  ResolveOptions options{.credentials = {.ssh_private_key = client_key_}};
  auto r = source->Resolve(url_, "main", options);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, commit_);
  std::string c2 = origin_.CommitAndPublish("two");
  EXPECT_EQ(source->Resolve(url_, "main", options).value_or(""), c2);
  EXPECT_EQ(source->Stats(url_).fetches, 2u);
}

TEST_F(SshTest, HashedKnownHostsEntriesMatch) {
  std::ofstream(work_.path() / "known_hosts") << known_hosts_;
  Sh("ssh-keygen -q -H -f " + Quote((work_.path() / "known_hosts").string()) + " 2>/dev/null");
  std::string hashed = ReadAll(work_.path() / "known_hosts");
  ASSERT_TRUE(hashed.starts_with("|1|")) << hashed;
  auto source = Source(hashed);
  auto r = source->Resolve(url_, "main", {.credentials = {.ssh_private_key = client_key_}});
  ASSERT_TRUE(r) << r.error().message();
}

TEST_F(SshTest, UnknownHostIsRefusedUnlessInsecure) {
  auto source = Source("");
  auto refused = source->Resolve(url_, "main", {.credentials = {.ssh_private_key = client_key_}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied) << refused.error().message();
  EXPECT_NE(refused.error().message().find("not in known_hosts"), std::string::npos)
      << refused.error().message();
  auto insecure = source->Resolve(
      url_, "main",
      {.credentials = {.ssh_private_key = client_key_, .insecure_skip_tls_verify = true}});
  ASSERT_TRUE(insecure) << insecure.error().message();
}

TEST_F(SshTest, UnauthorisedKeyIsPermissionDenied) {
  auto source = Source(known_hosts_);
  std::string stranger = ReadAll(work_.path() / "stranger_key");
  auto r = source->Resolve(url_, "main", {.credentials = {.ssh_private_key = stranger}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kPermissionDenied) << r.error().message();
  EXPECT_EQ(r.error().message().find("PRIVATE KEY"), std::string::npos);
  auto no_key = source->Resolve(url_, "main");
  ASSERT_FALSE(no_key);
  EXPECT_EQ(no_key.error().code(), ErrorCode::kPermissionDenied) << no_key.error().message();
}

// Needs no sshd: the server accepts the connection and never sends its banner, so libssh2
// waits on the socket itself until the deadline cuts it.
TEST(SshDeadlineTest, ServerThatAcceptsAndNeverAnswers) {
  testing::SilentServer server;
  TempDir work;
  auto source = MirrorSource::Create(
      {.work_dir = work.path() / "cellgate", .fetch_timeout = std::chrono::seconds(1)});
  ASSERT_TRUE(source) << source.error().message();
  std::string url = "ssh://git@127.0.0.1:" + std::to_string(server.port()) + "/origin.git";
  auto r = (*source)->Resolve(url, "main");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kDeadlineExceeded) << r.error().message();
  EXPECT_TRUE(
      r.error().message().starts_with("ls-remote ssh://127.0.0.1:" + std::to_string(server.port()) +
                                      "/origin.git: deadline exceeded"))
      << r.error().message();
}

}  // namespace
}  // namespace cellgate::git
