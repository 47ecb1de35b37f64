// MirrorSource over smart HTTP(S): `git http-backend` behind a small Python server that the
// test starts on 127.0.0.1 (tests/testdata/git/git_http_server.py), with and without basic
// auth and TLS.
#include <gtest/gtest.h>

#include "git/mirror_source.h"
#include "git/silent_server.h"
#include "git/test_process.h"
#include "git/test_repos.h"

namespace cellgate::git {
namespace {

using testing::Origin;
using testing::Sh;
using testing::TempDir;

constexpr const char* kServerScript = "/tests/testdata/git/git_http_server.py";

// The test server, started on a free port it prints first.
class GitHttpServer {
 public:
  GitHttpServer(const std::filesystem::path& root, std::vector<std::string> args) {
    const std::string script = std::string(CELLGATE_SOURCE_DIR) + kServerScript;
    args.insert(args.begin(), {"python3", script, root.string(), "--lifetime", "120"});
    process_ = std::make_unique<testing::ChildProcess>(std::move(args), /*read_line=*/true);
    port_ = process_->line().empty() ? 0 : std::stoi(process_->line());
  }
  int port() const { return port_; }

 private:
  std::unique_ptr<testing::ChildProcess> process_;
  int port_ = 0;
};

class HttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = MirrorSource::Create(
        {.work_dir = work_.path() / "cellgate", .fetch_timeout = std::chrono::seconds(30)});
    ASSERT_TRUE(s) << s.error().message();
    source_ = std::move(*s);
    origin_.Write("app.yaml", "kind: ConfigMap\n");
    commit_ = origin_.CommitAndPublish("one");
  }

  std::string Url(int port, const std::string& scheme = "http", const std::string& userinfo = "") {
    return scheme + "://" + userinfo + "127.0.0.1:" + std::to_string(port) + "/origin.git";
  }

  TempDir work_;
  Origin origin_{work_.path()};
  std::string commit_;
  std::unique_ptr<MirrorSource> source_;
};

TEST_F(HttpTest, AnonymousSmartHttp) {
  GitHttpServer server(work_.path(), {});
  ASSERT_NE(server.port(), 0);
  std::string url = Url(server.port());
  auto r = source_->Resolve(url, "main");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, commit_);
  EXPECT_EQ(source_->Resolve(url, "HEAD").value_or(""), commit_);
  EXPECT_EQ(source_->Stats(url).fetches, 1u);
  std::string c2 = origin_.CommitAndPublish("two");
  EXPECT_EQ(source_->Resolve(url, "main").value_or(""), c2);
  FetchStats stats = source_->Stats(url);
  EXPECT_EQ(stats.fetches, 2u);
  EXPECT_EQ(stats.ls_remotes, 3u);
  auto snap = source_->Open(url + ".git/", c2);  // another spelling, same mirror
  ASSERT_TRUE(snap) << snap.error().message();
  EXPECT_EQ((*snap)->ReadFile("app.yaml").value_or(""), "kind: ConfigMap\n");
}

TEST_F(HttpTest, BasicAuthRefusalsAreDistinctAndNeverLeakThePassword) {
  const std::string password = "s3cret-Pa55";
  const std::string wrong = "wrong-Pa55word";
  GitHttpServer server(work_.path(), {"--user", "alice", "--password", password});
  ASSERT_NE(server.port(), 0);
  std::string url = Url(server.port());

  auto anonymous = source_->Resolve(url, "main");
  ASSERT_FALSE(anonymous);
  EXPECT_EQ(anonymous.error().code(), ErrorCode::kPermissionDenied) << anonymous.error().message();

  auto refused =
      source_->Resolve(url, "main", {.credentials = {.username = "alice", .password = wrong}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied) << refused.error().message();
  EXPECT_EQ(refused.error().message().find(wrong), std::string::npos) << refused.error().message();

  auto in_url = source_->Resolve(Url(server.port(), "http", "alice:" + wrong + "@"), "main");
  ASSERT_FALSE(in_url);
  EXPECT_EQ(in_url.error().code(), ErrorCode::kPermissionDenied) << in_url.error().message();
  EXPECT_EQ(in_url.error().message().find(wrong), std::string::npos) << in_url.error().message();
  EXPECT_NE(in_url.error().message().find(url), std::string::npos) << in_url.error().message();

  auto ok =
      source_->Resolve(url, "main", {.credentials = {.username = "alice", .password = password}});
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(*ok, commit_);
  auto in_url_ok = source_->Resolve(Url(server.port(), "http", "alice:" + password + "@"), "main");
  ASSERT_TRUE(in_url_ok) << in_url_ok.error().message();
  EXPECT_EQ(source_->Stats(url).failures, 3u);
}

TEST_F(HttpTest, ClosedPortIsUnavailableAndKeepsTheMirror) {
  GitHttpServer server(work_.path(), {});
  ASSERT_NE(server.port(), 0);
  ASSERT_TRUE(source_->Resolve(Url(server.port()), "main"));
  std::string closed = Url(testing::FreePort());
  auto r = source_->Resolve(closed, "main");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable) << r.error().message();
  EXPECT_EQ(r.error().message().rfind("ls-remote " + closed + ": ", 0), 0u) << r.error().message();
}

class HttpsTest : public HttpTest {
 protected:
  void SetUp() override {
    HttpTest::SetUp();
    const std::string d = testing::Quote(work_.path().string());
    Sh("cd " + d +
       " && printf 'subjectAltName=IP:127.0.0.1\\n' > ext"
       " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
       " -keyout ca.key -out ca.pem -subj /CN=cellgate-test-ca -days 2 2>/dev/null"
       " && openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
       " -keyout srv.key -out srv.csr -subj /CN=127.0.0.1 2>/dev/null"
       " && openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
       " -out srv.pem -days 2 -extfile ext 2>/dev/null");
  }
};

TEST_F(HttpsTest, VerifiesCertificatesUnlessToldNotTo) {
  GitHttpServer server(work_.path(), {"--cert", (work_.path() / "srv.pem").string(), "--key",
                                      (work_.path() / "srv.key").string()});
  ASSERT_NE(server.port(), 0);
  std::string url = Url(server.port(), "https");

  auto untrusted = source_->Resolve(url, "main");
  ASSERT_FALSE(untrusted);
  EXPECT_EQ(untrusted.error().code(), ErrorCode::kPermissionDenied) << untrusted.error().message();

  auto with_ca = source_->Resolve(url, "main",
                                  {.credentials = {.ca_file = (work_.path() / "ca.pem").string()}});
  ASSERT_TRUE(with_ca) << with_ca.error().message();
  EXPECT_EQ(*with_ca, commit_);

  auto wrong_ca = source_->Resolve(
      url, "main", {.credentials = {.ca_file = (work_.path() / "srv.pem").string()}});
  ASSERT_FALSE(wrong_ca);
  EXPECT_EQ(wrong_ca.error().code(), ErrorCode::kPermissionDenied);

  auto insecure =
      source_->Resolve(url, "main", {.credentials = {.insecure_skip_tls_verify = true}});
  ASSERT_TRUE(insecure) << insecure.error().message();
}

// The repository's server stalls after a first good fetch: one caller waits for the refresh
// (until the deadline); others that accept a stale answer get the mirror's commit at once;
// after the failure, unforced callers get it again without asking the server.
TEST_F(HttpTest, StalledServerHoldsOneCaller) {
  auto made = MirrorSource::Create(
      {.work_dir = work_.path() / "stalled", .fetch_timeout = std::chrono::seconds(1)});
  ASSERT_TRUE(made);
  MirrorSource& source = **made;
  auto http = std::make_unique<GitHttpServer>(work_.path(), std::vector<std::string>{});
  const int port = http->port();
  ASSERT_NE(port, 0);
  const std::string url = Url(port);
  ASSERT_EQ(source.Resolve(url, "main").value_or(""), commit_);
  http.reset();
  testing::SilentServer silent(/*accept_connections=*/true, port);
  const ResolveOptions unforced{.max_staleness = std::chrono::milliseconds(1)};
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // older than max_staleness

  Result<std::string> waiting = std::string();
  std::thread first([&] { waiting = source.Resolve(url, "main", unforced); });
  while (silent.accepted() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ResolveOptions stale = unforced;
  stale.stale_while_refreshing = true;
  auto answered = source.Resolve(url, "main", stale);
  EXPECT_EQ(answered.value_or(answered.error().message()), commit_);
  EXPECT_EQ(source.Stats(url).stale_hits, 1u);
  first.join();
  ASSERT_FALSE(waiting);
  EXPECT_EQ(waiting.error().code(), ErrorCode::kDeadlineExceeded) << waiting.error().message();

  auto again = source.Resolve(url, "main", unforced);  // within failure_backoff
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message(), waiting.error().message());
  EXPECT_EQ(source.Stats(url).backoff_hits, 1u);
  EXPECT_EQ(source.Stats(url).ls_remotes, 2u);
  EXPECT_EQ(silent.accepted(), 1);
}

}  // namespace
}  // namespace cellgate::git
