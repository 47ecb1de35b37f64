#include "kube/credentials.h"

#include <fstream>
#include <sstream>

#include "core/mutex.h"
#include "core/redact.h"

namespace cellgate::kube {

CredentialSource::CredentialSource(ClusterConfig config, const Clock& clock, ExecRunner runner)
    : config_(std::move(config)),
      clock_(clock),
      runner_(runner ? std::move(runner)
                     : ExecRunner([](const ClusterConfig& c) { return RunExecPlugin(c); })) {}

bool CredentialSource::Refreshable() const {
  return !config_.token_file.empty() || config_.exec.has_value();
}

void CredentialSource::Invalidate() {
  core::MutexLock lock(mu_);
  invalidated_ = true;
}

Status CredentialSource::RefreshTokenFileLocked() {
  std::error_code ec;
  auto mtime = std::filesystem::last_write_time(config_.token_file, ec);
  auto size = ec ? 0 : std::filesystem::file_size(config_.token_file, ec);
  if (ec) {
    if (!file_token_.empty()) return Ok();  // keep the last good token, as client-go does
    return MakeError(ErrorCode::kPermissionDenied,
                     "cannot read token file " + config_.token_file.string() + ": " + ec.message());
  }
  if (!invalidated_ && file_mtime_ == mtime && file_size_ == size) return Ok();
  std::ifstream in(config_.token_file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  std::string token = s.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  if (token.empty()) {
    if (!file_token_.empty()) return Ok();
    return MakeError(ErrorCode::kPermissionDenied,
                     "token file " + config_.token_file.string() + " is empty");
  }
  file_token_ = std::move(token);
  file_mtime_ = mtime;
  file_size_ = size;
  return Ok();
}

Status CredentialSource::RefreshExecLocked() {
  bool expired = exec_ && exec_->expiration && clock_.WallNow() >= *exec_->expiration;
  if (exec_ && !expired && !invalidated_) return Ok();
  auto cred = runner_(config_);
  if (!cred) {
    // The error may quote the plugin's stderr: mask the credentials this source knows.
    Redactor known;
    known.AddValue(config_.token);
    known.AddValue(file_token_);
    known.AddValue(config_.password);
    if (exec_) {
      known.AddValue(exec_->token);
      known.AddValue(exec_->client_key_pem);
    }
    exec_.reset();
    return MakeError(cred.error().code(), known.Redact(cred.error().message()));
  }
  exec_ = std::move(*cred);
  return Ok();
}

Result<AuthMaterial> CredentialSource::Get() {
  AuthMaterial m{.client_cert_pem = config_.client_cert_pem,
                 .client_key_pem = config_.client_key_pem};
  core::MutexLock lock(mu_);
  if (config_.exec) {
    CG_TRY(RefreshExecLocked());
    if (!exec_->token.empty()) m.authorization = "Bearer " + exec_->token;
    if (!exec_->client_cert_pem.empty()) {
      m.client_cert_pem = exec_->client_cert_pem;
      m.client_key_pem = exec_->client_key_pem;
    }
  } else if (!config_.token_file.empty()) {
    CG_TRY(RefreshTokenFileLocked());
    m.authorization = "Bearer " + file_token_;
  } else if (!config_.token.empty()) {
    m.authorization = "Bearer " + config_.token;
  } else if (!config_.username.empty()) {
    m.authorization = "Basic " + Base64Encode(config_.username + ":" + config_.password);
  }
  invalidated_ = false;
  return m;
}

}  // namespace cellgate::kube
