#include "kube/exec_credential.h"

#include <cstdlib>
#include <map>
#include <vector>

#include "core/object.h"
#include "core/redact.h"
#include "core/subprocess.h"

extern char** environ;

namespace cellgate::kube {
namespace {

constexpr std::size_t kMaxOutput = 1 << 20;

std::string Tail(std::string s, std::size_t max) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  if (s.size() > max) s = "..." + s.substr(s.size() - max);
  return s;
}

std::string ExecInfo(const ClusterConfig& cluster) {
  Json info = {{"apiVersion", cluster.exec->api_version},
               {"kind", "ExecCredential"},
               {"spec", {{"interactive", false}}}};
  if (cluster.exec->provide_cluster_info) {
    Json c = {{"server", cluster.server}};
    if (!cluster.tls_server_name.empty()) c["tls-server-name"] = cluster.tls_server_name;
    if (cluster.insecure_skip_tls_verify) c["insecure-skip-tls-verify"] = true;
    if (!cluster.ca_pem.empty()) c["certificate-authority-data"] = Base64Encode(cluster.ca_pem);
    if (!cluster.proxy_url.empty()) c["proxy-url"] = cluster.proxy_url;
    info["spec"]["cluster"] = std::move(c);
  }
  return info.dump();
}

int Digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

Result<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view s) {
  auto bad = [&] {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid RFC 3339 time \"" + std::string(s) + "\"");
  };
  int year = Digits(s, 0, 4), month = Digits(s, 5, 2), day = Digits(s, 8, 2);
  int hour = Digits(s, 11, 2), minute = Digits(s, 14, 2), second = Digits(s, 17, 2);
  if (year < 0 || month < 1 || day < 1 || hour < 0 || minute < 0 || second < 0 || s[4] != '-' ||
      s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' ||
      s[16] != ':') {
    return bad();
  }
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                                  std::chrono::day(day)};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) return bad();
  std::size_t pos = 19;
  std::chrono::nanoseconds frac{0};
  if (pos < s.size() && s[pos] == '.') {
    long long scale = 100'000'000;
    ++pos;
    std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac += std::chrono::nanoseconds((s[pos] - '0') * scale);
      scale /= 10;
      ++pos;
    }
    if (pos == start) return bad();
  }
  std::chrono::minutes offset{0};
  bool zulu = pos + 1 == s.size() && (s[pos] == 'Z' || s[pos] == 'z');
  if (!zulu) {
    if (pos + 6 != s.size() || (s[pos] != '+' && s[pos] != '-') || s[pos + 3] != ':') return bad();
    int oh = Digits(s, pos + 1, 2), om = Digits(s, pos + 4, 2);
    if (oh < 0 || om < 0) return bad();
    offset = std::chrono::minutes(oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
  }
  auto tp = std::chrono::sys_days(ymd) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
            std::chrono::seconds(second) - offset;
  return std::chrono::time_point_cast<std::chrono::system_clock::duration>(tp + frac);
}

Result<ExecCredential> ParseExecCredential(std::string_view output, std::string_view api_version) {
  auto fail = [](const std::string& what) {
    return MakeError(ErrorCode::kInvalidArgument, "exec plugin output: " + what);
  };
  // Never quote the output in errors: it holds the credential.
  Json j = Json::parse(output.begin(), output.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail("not a JSON object");
  if (StringAt(j, {"kind"}) != "ExecCredential") return fail("kind is not ExecCredential");
  if (StringAt(j, {"apiVersion"}) != api_version) {
    return fail("apiVersion \"" + StringAt(j, {"apiVersion"}) +
                "\" does not match the requested \"" + std::string(api_version) + "\"");
  }
  auto status = j.find("status");
  if (status == j.end() || !status->is_object()) return fail("no status");
  ExecCredential c;
  c.token = StringAt(*status, {"token"});
  c.client_cert_pem = StringAt(*status, {"clientCertificateData"});
  c.client_key_pem = StringAt(*status, {"clientKeyData"});
  if (c.token.empty() && c.client_cert_pem.empty()) {
    return fail("status has neither token nor clientCertificateData");
  }
  if (c.client_cert_pem.empty() != c.client_key_pem.empty()) {
    return fail("clientCertificateData and clientKeyData must be given together");
  }
  if (auto exp = StringAt(*status, {"expirationTimestamp"}); !exp.empty()) {
    auto t = ParseRfc3339(exp);
    if (!t) return fail("expirationTimestamp: " + t.error().message());
    c.expiration = *t;
  }
  return c;
}

Result<ExecCredential> RunExecPlugin(const ClusterConfig& cluster, const ExecRunOptions& options) {
  const ExecConfig& x = *cluster.exec;
  std::string where = "exec plugin " + x.command + " for " + cluster.Describe();
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string_view::npos) env[std::string(kv.substr(0, eq))] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : x.env) env[k] = v;
  env["KUBERNETES_EXEC_INFO"] = ExecInfo(cluster);
  std::vector<std::string> envp;
  for (const auto& [k, v] : env) envp.push_back(k + "=" + v);

  // client-go resolves the command on our PATH (os/exec.Command).
  const char* path = std::getenv("PATH");
  auto program = LookPath(x.command, path == nullptr ? "" : path);
  auto run = program ? RunSubprocess(Command{.program = *program,
                                             .args = x.args,
                                             .env = std::move(envp),
                                             .timeout = options.timeout,
                                             .max_stdout_bytes = kMaxOutput,
                                             .max_stderr_bytes = kMaxOutput})
                     : Result<SubprocessResult>(std::unexpected(program.error()));
  if (!run) {
    auto e = run.error().Wrap(where);
    if (e.code() == ErrorCode::kNotFound && !x.install_hint.empty()) {
      return MakeError(e.code(), e.message() + " (" + x.install_hint + ")");
    }
    return std::unexpected(e);
  }
  if (run->end == SubprocessResult::End::kTimedOut) {
    return MakeError(
        ErrorCode::kDeadlineExceeded,
        where + ": did not finish within " + std::to_string(options.timeout.count()) + " ms");
  }
  if (run->end == SubprocessResult::End::kOutputTooLarge) {
    return MakeError(ErrorCode::kResourceExhausted,
                     where + ": printed more than " + std::to_string(kMaxOutput) + " bytes");
  }
  if (run->end == SubprocessResult::End::kSignaled) run->exit_status = -1;
  if (run->exit_status != 0) {
    std::string msg = where + ": exited with status " + std::to_string(run->exit_status);
    // A plugin may print what it got on stderr too (debug output, the ExecCredential it
    // failed to finish): the token and key it printed on stdout, and credential-looking text,
    // are masked in the whole of stderr before the tail is cut.
    Redactor printed;
    Json out = Json::parse(run->out, nullptr, false);
    if (out.is_object() && out.contains("status") && out["status"].is_object()) {
      printed.AddValue(StringAt(out["status"], {"token"}));
      printed.AddValue(StringAt(out["status"], {"clientKeyData"}));
    }
    if (auto tail = Tail(printed.Redact(run->err), 400); !tail.empty()) msg += ": " + tail;
    return MakeError(ErrorCode::kUnavailable, msg);
  }
  return WithContext(ParseExecCredential(run->out, x.api_version), where);
}

}  // namespace cellgate::kube
