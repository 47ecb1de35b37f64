#include "kube/credentials.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <thread>

namespace cellgate::kube {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

class ScratchDir {
 public:
  ScratchDir()
      : path_(fs::temp_directory_path() /
              ("kube-cred-" + std::to_string(getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::create_directories(path_);
  }
  ~ScratchDir() { fs::remove_all(path_); }
  fs::path Write(const std::string& name, const std::string& text, bool executable = false) {
    fs::path p = path_ / name;
    std::ofstream(p) << text;
    if (executable) chmod(p.c_str(), 0755);
    return p;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

ClusterConfig Base() { return {.name = "t", .server = "https://h:1"}; }

TEST(CredentialSource, StaticTokenAndBasic) {
  FakeClock clock;
  ClusterConfig token = Base();
  token.token = "abc";
  EXPECT_EQ(CredentialSource(token, clock).Get()->authorization, "Bearer abc");
  ClusterConfig basic = Base();
  basic.username = "admin";
  basic.password = "pw";
  EXPECT_EQ(CredentialSource(basic, clock).Get()->authorization, "Basic YWRtaW46cHc=");
  EXPECT_FALSE(CredentialSource(basic, clock).Refreshable());
  ClusterConfig certs = Base();
  certs.client_cert_pem = "C";
  certs.client_key_pem = "K";
  auto m = CredentialSource(certs, clock).Get();
  EXPECT_EQ(m->authorization, "");
  EXPECT_EQ(m->client_cert_pem, "C");
}

TEST(CredentialSource, TokenFileIsReReadWhenItChanges) {
  ScratchDir dir;
  FakeClock clock;
  ClusterConfig c = Base();
  c.token = "static-loses";
  c.token_file = dir.Write("token", "first\n");
  CredentialSource source(c, clock);
  EXPECT_TRUE(source.Refreshable());
  EXPECT_EQ(source.Get()->authorization, "Bearer first");
  dir.Write("token", "second-and-longer");
  EXPECT_EQ(source.Get()->authorization, "Bearer second-and-longer");
  // Same size and (possibly) same mtime: only an invalidation (401) forces a re-read.
  dir.Write("token", "third-and-longerr");
  source.Invalidate();
  EXPECT_EQ(source.Get()->authorization, "Bearer third-and-longerr");
  fs::remove(c.token_file);
  EXPECT_EQ(source.Get()->authorization, "Bearer third-and-longerr");  // last good token
}

TEST(CredentialSource, MissingTokenFileIsAnError) {
  FakeClock clock;
  ClusterConfig c = Base();
  c.token_file = "/nonexistent/token";
  auto m = CredentialSource(c, clock).Get();
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code(), ErrorCode::kPermissionDenied);
}

TEST(CredentialSource, ExecCachedUntilExpiryAndRerunAfterInvalidate) {
  FakeClock clock;
  ClusterConfig c = Base();
  c.exec = ExecConfig{.command = "fake"};
  int runs = 0;
  CredentialSource source(c, clock, [&](const ClusterConfig&) -> Result<ExecCredential> {
    ++runs;
    return ExecCredential{.token = "t" + std::to_string(runs),
                          .expiration = clock.WallNow() + seconds(60)};
  });
  EXPECT_EQ(source.Get()->authorization, "Bearer t1");
  EXPECT_EQ(source.Get()->authorization, "Bearer t1");
  clock.Advance(seconds(59));
  EXPECT_EQ(source.Get()->authorization, "Bearer t1");
  clock.Advance(seconds(1));
  EXPECT_EQ(source.Get()->authorization, "Bearer t2");
  source.Invalidate();
  EXPECT_EQ(source.Get()->authorization, "Bearer t3");
  EXPECT_EQ(runs, 3);
}

TEST(CredentialSource, ExecClientCertificatesReplaceConfiguredOnes) {
  FakeClock clock;
  ClusterConfig c = Base();
  c.exec = ExecConfig{.command = "fake"};
  CredentialSource source(c, clock, [](const ClusterConfig&) -> Result<ExecCredential> {
    return ExecCredential{.client_cert_pem = "EC", .client_key_pem = "EK"};
  });
  auto m = source.Get();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->authorization, "");
  EXPECT_EQ(m->client_cert_pem, "EC");
  EXPECT_EQ(m->client_key_pem, "EK");
}

TEST(ExecPlugin, RunsTheCommandWithArgsEnvAndExecInfo) {
  ScratchDir dir;
  fs::path script = dir.Write("plugin.sh", R"(#!/bin/sh
# Echo what we were given through the token so the test can check it.
info=$(printf '%s' "$KUBERNETES_EXEC_INFO" | tr -d '"{}: ,' )
cat <<EOF
{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
 "status":{"token":"$1-$REGION-$info","expirationTimestamp":"2030-01-02T03:04:05Z"}}
EOF
)",
                              true);
  ClusterConfig c = Base();
  c.exec = ExecConfig{.command = script.string(), .args = {"arg1"}, .env = {{"REGION", "eu"}}};
  auto cred = RunExecPlugin(c);
  ASSERT_TRUE(cred) << cred.error().message();
  EXPECT_EQ(
      cred->token,
      "arg1-eu-apiVersionclient.authentication.k8s.io/v1kindExecCredentialspecinteractivefalse");
  ASSERT_TRUE(cred->expiration);
  EXPECT_EQ(*cred->expiration, *ParseRfc3339("2030-01-02T03:04:05Z"));
}

TEST(ExecPlugin, V1beta1AndClusterInfo) {
  ScratchDir dir;
  fs::path script = dir.Write("plugin.sh", R"(#!/bin/sh
case "$KUBERNETES_EXEC_INFO" in
  *'"server":"https://h:1"'*) tok=with-cluster ;;
  *) tok=without ;;
esac
echo '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"'$tok'"}}'
)",
                              true);
  ClusterConfig c = Base();
  c.exec = ExecConfig{.api_version = "client.authentication.k8s.io/v1beta1",
                      .command = script.string(),
                      .provide_cluster_info = true};
  auto cred = RunExecPlugin(c);
  ASSERT_TRUE(cred) << cred.error().message();
  EXPECT_EQ(cred->token, "with-cluster");
  EXPECT_FALSE(cred->expiration);
}

TEST(ExecPlugin, FailureShowsStderrNeverStdout) {
  ScratchDir dir;
  fs::path script = dir.Write("plugin.sh", R"(#!/bin/sh
echo '{"status":{"token":"LEAKED-TOKEN"}}'
echo "not logged in: run sso login" >&2
exit 3
)",
                              true);
  ClusterConfig c = Base();
  c.exec = ExecConfig{.command = script.string()};
  auto cred = RunExecPlugin(c);
  ASSERT_FALSE(cred);
  EXPECT_EQ(cred.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(cred.error().message().find("status 3: not logged in"), std::string::npos)
      << cred.error().message();
  EXPECT_EQ(cred.error().message().find("LEAKED"), std::string::npos);
}

// A failing plugin may print its token on stderr (debug output, a half-finished
// ExecCredential): none of it reaches the error, which feeds logs, conditions and Events.
TEST(ExecPlugin, TokensPrintedOnStderrAreMasked) {
  ScratchDir dir;
  fs::path script = dir.Write("plugin.sh", R"(#!/bin/sh
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"opaque-plain-token-42"}}'
echo "debug: minted opaque-plain-token-42" >&2
echo '{"status":{"token":"json-token-abc123"}}' >&2
echo "Authorization: Bearer hdr-token-xyz789" >&2
echo "id token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJlLWp3dA" >&2
echo "aws_secret_access_key=wJalrXUtnFEMIK7MDENG" >&2
echo "cannot cache the credential" >&2
exit 1
)",
                              true);
  ClusterConfig c = Base();
  c.exec = ExecConfig{.command = script.string()};
  auto cred = RunExecPlugin(c);
  ASSERT_FALSE(cred);
  const std::string& msg = cred.error().message();
  for (const char* secret : {"opaque-plain-token-42", "json-token-abc123", "hdr-token-xyz789",
                             "c2lnbmF0dXJlLWp3dA", "wJalrXUtnFEMIK7MDENG"}) {
    EXPECT_EQ(msg.find(secret), std::string::npos) << secret << " in " << msg;
  }
  EXPECT_NE(msg.find("cannot cache the credential"), std::string::npos) << msg;
}

// The previous credential is masked in the error of a failed refresh.
TEST(CredentialSource, FailedRefreshMasksTheCredentialsItHeld) {
  FakeClock clock;
  ClusterConfig c = Base();
  c.exec = ExecConfig{.command = "fake"};
  int runs = 0;
  CredentialSource source(c, clock, [&](const ClusterConfig&) -> Result<ExecCredential> {
    if (++runs == 1) return ExecCredential{.token = "first-token-value"};
    return MakeError(ErrorCode::kUnavailable, "exec plugin: refresh of first-token-value refused");
  });
  ASSERT_TRUE(source.Get());
  source.Invalidate();
  auto again = source.Get();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message(), "exec plugin: refresh of ++++++++ refused");
  EXPECT_EQ(again.error().code(), ErrorCode::kUnavailable);
}

TEST(ExecPlugin, MissingCommandShowsInstallHint) {
  ClusterConfig c = Base();
  c.exec = ExecConfig{.command = "/nonexistent/get-token", .install_hint = "brew install it"};
  auto cred = RunExecPlugin(c);
  ASSERT_FALSE(cred);
  EXPECT_NE(cred.error().message().find("brew install it"), std::string::npos)
      << cred.error().message();
}

TEST(ExecPlugin, TimesOut) {
  ScratchDir dir;
  fs::path script = dir.Write("plugin.sh", "#!/bin/sh\nexec sleep 30\n", true);
  ClusterConfig c = Base();
  c.exec = ExecConfig{.command = script.string()};
  auto started = std::chrono::steady_clock::now();
  auto cred = RunExecPlugin(c, {.timeout = std::chrono::milliseconds(300)});
  ASSERT_FALSE(cred);
  EXPECT_EQ(cred.error().code(), ErrorCode::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(5));
}

// True once process `pid` is gone (or a zombie waiting for init); waits up to 10 s.
bool ProcessEnds(pid_t pid) {
  for (int i = 0; i < 1000; ++i) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return true;
    auto paren = line.rfind(')');
    if (paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z') {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

pid_t ReadPid(const fs::path& file) {
  pid_t pid = 0;
  std::ifstream(file) >> pid;
  return pid;
}

// The plugin runs through core/subprocess.h: descriptors we hold without O_CLOEXEC do not
// reach it (posix_spawn would pass them on).
TEST(ExecPlugin, InheritsNoOpenFileDescriptors) {
  ScratchDir dir;
  int fd = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(fd, 3);
  fs::path script = dir.Write("plugin.sh", R"(#!/bin/sh
if [ -e /proc/self/fd/$1 ]; then tok=leaked; else tok=closed; fi
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"'$tok'"}}'
)",
                              true);
  ClusterConfig c = Base();
  c.exec = ExecConfig{.command = script.string(), .args = {std::to_string(fd)}};
  auto cred = RunExecPlugin(c);
  ::close(fd);
  ASSERT_TRUE(cred) << cred.error().message();
  EXPECT_EQ(cred->token, "closed");
}

// A plugin that leaves a background child holding its stdout is done when it exits: the
// child is killed with the plugin's process group instead of holding the call until the
// timeout.
TEST(ExecPlugin, BackgroundChildrenDoNotHoldTheCall) {
  ScratchDir dir;
  fs::path pid_file = dir.path() / "child.pid";
  fs::path script = dir.Write("plugin.sh", R"(#!/bin/sh
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t"}}'
sleep 60 &
echo $! > ")" + pid_file.string() + R"("
)",
                              true);
  ClusterConfig c = Base();
  c.exec = ExecConfig{.command = script.string()};
  auto cred = RunExecPlugin(c, {.timeout = std::chrono::seconds(30)});
  ASSERT_TRUE(cred) << cred.error().message();
  EXPECT_EQ(cred->token, "t");
  EXPECT_TRUE(ProcessEnds(ReadPid(pid_file)));
}

// On timeout the whole process group is killed, not only the plugin.
TEST(ExecPlugin, TimeoutKillsThePluginsChildrenToo) {
  ScratchDir dir;
  fs::path pid_file = dir.path() / "child.pid";
  fs::path script = dir.Write("plugin.sh", R"(#!/bin/sh
sleep 60 > /dev/null 2>&1 &
echo $! > ")" + pid_file.string() + R"("
wait
)",
                              true);
  ClusterConfig c = Base();
  c.exec = ExecConfig{.command = script.string()};
  auto cred = RunExecPlugin(c, {.timeout = std::chrono::milliseconds(500)});
  ASSERT_FALSE(cred);
  EXPECT_EQ(cred.error().code(), ErrorCode::kDeadlineExceeded);
  pid_t child = ReadPid(pid_file);
  ASSERT_GT(child, 0);
  EXPECT_TRUE(ProcessEnds(child));
}

// More than 1 MiB on stdout is refused, not cut and then misread.
TEST(ExecPlugin, OversizedOutputIsRefused) {
  ScratchDir dir;
  fs::path script = dir.Write("plugin.sh", "#!/bin/sh\nhead -c 2000000 /dev/zero\n", true);
  ClusterConfig c = Base();
  c.exec = ExecConfig{.command = script.string()};
  auto cred = RunExecPlugin(c);
  ASSERT_FALSE(cred);
  EXPECT_EQ(cred.error().code(), ErrorCode::kResourceExhausted) << cred.error().message();
}

TEST(ExecCredential, ParseChecksKindVersionAndFields) {
  const char* v1 = "client.authentication.k8s.io/v1";
  EXPECT_TRUE(ParseExecCredential(
      R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"C","clientKeyData":"K"}})",
      v1));
  EXPECT_FALSE(ParseExecCredential(
      R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"t"}})",
      v1));
  EXPECT_FALSE(ParseExecCredential(
      R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}})",
      v1));
  EXPECT_FALSE(ParseExecCredential(
      R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"C"}})",
      v1));
  auto junk = ParseExecCredential("token=SECRET", v1);
  ASSERT_FALSE(junk);
  EXPECT_EQ(junk.error().message().find("SECRET"), std::string::npos);
}

TEST(Rfc3339, Forms) {
  using std::chrono::sys_days;
  auto base = sys_days(std::chrono::year(2030) / 1 / 2) + std::chrono::hours(3) +
              std::chrono::minutes(4) + seconds(5);
  EXPECT_EQ(*ParseRfc3339("2030-01-02T03:04:05Z"), base);
  EXPECT_EQ(*ParseRfc3339("2030-01-02T04:04:05+01:00"), base);
  EXPECT_EQ(*ParseRfc3339("2030-01-02T03:04:05.5Z"), base + std::chrono::milliseconds(500));
  EXPECT_FALSE(ParseRfc3339("2030-01-02"));
  EXPECT_FALSE(ParseRfc3339("2030-13-02T03:04:05Z"));
  EXPECT_FALSE(ParseRfc3339("2030-01-02T03:04:05"));
}

}  // namespace
}  // namespace cellgate::kube
