// CredentialSource: the client identity a request presents, kept fresh.
//
// Static credentials (token, username/password, client certificate) come straight from the
// ClusterConfig. Two kinds change while the process runs and are refreshed here:
//  - token_file (projected service account tokens rotate): re-read whenever the file's
//    modification time or size changes, and after a 401;
//  - exec plugins: the ExecCredential is cached until its expirationTimestamp (or, without
//    one, until a 401) and the plugin re-run then.
// A token file takes precedence over a static token, as in client-go.
//
// Secrets live only in the returned AuthMaterial and in this object; nothing is logged.
//
// Thread-safety: thread-safe. Concurrent Get() calls that need a refresh wait for a single
// plugin run instead of starting one each.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/mutex.h"
#include "core/result.h"
#include "kube/cluster_config.h"
#include "kube/exec_credential.h"

namespace cellgate::kube {

struct AuthMaterial {
  std::string authorization;    // Authorization header value ("Bearer ..."/"Basic ..."), or ""
  std::string client_cert_pem;  // from the config or the exec plugin
  std::string client_key_pem;
};

// Runs an exec plugin; swapped in tests.
using ExecRunner = std::function<Result<ExecCredential>(const ClusterConfig&)>;

class CredentialSource {
 public:
  // `clock` must outlive this object. An empty runner uses RunExecPlugin.
  CredentialSource(ClusterConfig config, const Clock& clock, ExecRunner runner = {});

  CredentialSource(const CredentialSource&) = delete;
  CredentialSource& operator=(const CredentialSource&) = delete;

  Result<AuthMaterial> Get();

  // Called after a 401: the next Get() re-reads the token file / re-runs the plugin.
  void Invalidate();

  // True when Invalidate() can produce different credentials (token file or exec plugin).
  bool Refreshable() const;

 private:
  Status RefreshTokenFileLocked() REQUIRES(mu_);
  Status RefreshExecLocked() REQUIRES(mu_);

  const ClusterConfig config_;
  const Clock& clock_;
  const ExecRunner runner_;

  core::Mutex mu_;
  bool invalidated_ GUARDED_BY(mu_) = false;
  std::string file_token_ GUARDED_BY(mu_);
  std::optional<std::filesystem::file_time_type> file_mtime_ GUARDED_BY(mu_);
  std::uintmax_t file_size_ GUARDED_BY(mu_) = 0;
  std::optional<ExecCredential> exec_ GUARDED_BY(mu_);
};

}  // namespace cellgate::kube
