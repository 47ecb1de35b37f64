// A real mutating admission webhook for the e2e tests: HTTPS on 127.0.0.1 with its own CA
// (made with the openssl CLI), answering AdmissionReview v1 requests for Deployments with a
// JSON patch that injects (or replaces) a container named "sidecar" in the pod template.
//
// Why each injection is stamped with a new value (env INJECTED_AT), as injectors that write
// the injection time or a rotating token do: the API server runs mutating admission after
// it records field ownership, so an injected container belongs to no field manager;
// server-side apply leaves it alone and a server-side dry run predicts it. An injector that
// always writes the same sidecar therefore never makes cellgate's server-side diff see
// drift (the reason Argo CD recommends server-side diff for injected resources). One that
// changes its output on every write does: that is the loop self-heal must detect.
// matchConditions keep kube-system's controllers out, as real injectors do; otherwise the
// webhook and the Deployment controller would fight each other without cellgate.
//
// The kube-apiserver of a local cell runs on the same host, so it reaches the server through
// clientConfig.url https://127.0.0.1:<port>/mutate with the CA as caBundle.
//
// Thread-safety: the server runs on its own thread; the counters are atomic.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/object.h"
#include "sync_e2e_util.h"

namespace cellgate::engine::e2e {

class SidecarWebhook {
 public:
  // Makes a CA and a server certificate for IP 127.0.0.1 in `dir`, then listens.
  explicit SidecarWebhook(const fs::path& dir) {
    fs::create_directories(dir);
    auto q = [&](const std::string& f) { return "'" + (dir / f).string() + "'"; };
    std::string ext = (dir / "san.ext").string();
    std::ofstream(ext) << "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n";
    for (const std::string& cmd : {
             "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj '/CN=cellgate-e2e-ca' "
             "-keyout " +
                 q("ca.key") + " -out " + q("ca.crt"),
             "openssl req -newkey rsa:2048 -nodes -subj '/CN=127.0.0.1' -keyout " +
                 q("server.key") + " -out " + q("server.csr"),
             "openssl x509 -req -in " + q("server.csr") + " -CA " + q("ca.crt") + " -CAkey " +
                 q("ca.key") + " -CAcreateserial -days 1 -extfile '" + ext + "' -out " +
                 q("server.crt"),
         }) {
      CommandResult r = Shell(cmd);
      EXPECT_EQ(r.status, 0) << cmd << "\n" << r.output;
    }
    std::ifstream ca(dir / "ca.crt");
    std::stringstream pem;
    pem << ca.rdbuf();
    ca_pem_ = pem.str();

    ctx_ = SSL_CTX_new(TLS_server_method());
    EXPECT_EQ(SSL_CTX_use_certificate_chain_file(ctx_, (dir / "server.crt").c_str()), 1);
    EXPECT_EQ(SSL_CTX_use_PrivateKey_file(ctx_, (dir / "server.key").c_str(), SSL_FILETYPE_PEM), 1);
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(listen(listener_, 16), 0);
    socklen_t len = sizeof addr;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  ~SidecarWebhook() {
    stop_ = true;
    thread_.join();
    close(listener_);
    SSL_CTX_free(ctx_);
  }

  int port() const { return port_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/mutate"; }
  // base64 of the CA certificate, for caBundle.
  std::string ca_bundle() const {
    std::string out(4 * ((ca_pem_.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(ca_pem_.data()),
                            static_cast<int>(ca_pem_.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
  }

  // Admission requests answered, by kind of request.
  int writes() const { return writes_.load(); }  // real CREATE/UPDATE of a Deployment
  int dry_runs() const { return dry_runs_.load(); }

  // A MutatingWebhookConfiguration that sends Deployment writes in namespaces labelled
  // cellgate-e2e-webhook=<label> here.
  std::string Configuration(const std::string& name, const std::string& label) const {
    return "apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\n"
           "metadata:\n  name: " +
           name +
           "\nwebhooks:\n- name: sidecar.e2e.cellgate.io\n  admissionReviewVersions: [v1]\n"
           "  sideEffects: None\n  failurePolicy: Fail\n  timeoutSeconds: 5\n"
           "  clientConfig:\n    url: " +
           url() + "\n    caBundle: " + ca_bundle() +
           "\n  namespaceSelector:\n    matchLabels:\n      cellgate-e2e-webhook: " + label +
           "\n  matchConditions:\n  - name: not-kube-system-controllers\n    expression: "
           "\"!request.userInfo.username.startsWith('system:serviceaccount:kube-system:')\"\n"
           "  rules:\n  - apiGroups: [apps]\n    apiVersions: [v1]\n"
           "    operations: [CREATE, UPDATE]\n    resources: [deployments]\n";
  }

 private:
  void Serve() {
    std::vector<std::thread> connections;
    while (!stop_) {
      pollfd p{listener_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      int fd = accept(listener_, nullptr, nullptr);
      if (fd < 0) continue;
      // The API server keeps connections open and may use several at once: one thread each,
      // reading with a timeout so they notice the stop flag.
      timeval tv{0, 200'000};
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      connections.emplace_back([this, fd] {
        SSL* ssl = SSL_new(ctx_);
        SSL_set_fd(ssl, fd);
        if (Accept(ssl)) {
          while (!stop_ && Handle(ssl)) {
          }
        }
        SSL_shutdown(ssl);
        SSL_free(ssl);
        close(fd);
      });
    }
    for (auto& t : connections) t.join();
  }

  bool Accept(SSL* ssl) {
    while (!stop_) {
      int r = SSL_accept(ssl);
      if (r == 1) return true;
      if (SSL_get_error(ssl, r) != SSL_ERROR_WANT_READ) return false;
    }
    return false;
  }

  // Appends what arrives to `data`; false when the peer closed, on an error, or when stopping.
  bool Read(SSL* ssl, std::string& data) {
    char buf[16384];
    while (!stop_) {
      int n = SSL_read(ssl, buf, sizeof buf);
      if (n > 0) {
        data.append(buf, static_cast<std::size_t>(n));
        return true;
      }
      if (SSL_get_error(ssl, n) != SSL_ERROR_WANT_READ) return false;  // read timed out: retry
    }
    return false;
  }

  // One HTTP request/response; false when the connection is done.
  bool Handle(SSL* ssl) {
    std::string data;
    std::size_t header_end = std::string::npos;
    while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
      if (!Read(ssl, data)) return false;
    }
    std::size_t length = 0;
    std::string headers = data.substr(0, header_end);
    for (auto& c : headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (auto cl = headers.find("content-length:"); cl != std::string::npos) {
      length = std::stoul(headers.substr(cl + 15));
    }
    std::string body = data.substr(header_end + 4);
    while (body.size() < length) {
      if (!Read(ssl, body)) return false;
    }
    std::string reply = Review(body);
    std::string response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(reply.size()) + "\r\n\r\n" + reply;
    return SSL_write(ssl, response.data(), static_cast<int>(response.size())) > 0;
  }

  std::string Review(const std::string& body) {
    Json review = Json::parse(body, nullptr, false);
    const Json& request = review["request"];
    bool dry = request.value("dryRun", false);
    (dry ? dry_runs_ : writes_)++;
    Json containers =
        request["object"]["spec"]["template"]["spec"].value("containers", Json::array());
    Json sidecar = {{"name", "sidecar"},
                    {"image", "registry.example/proxy:1.0"},
                    {"env", {{{"name", "INJECTED_AT"}, {"value", std::to_string(++stamp_)}}}}};
    std::string path = "/spec/template/spec/containers/-";
    std::string op = "add";
    for (std::size_t i = 0; i < containers.size(); ++i) {
      if (containers[i].value("name", "") == "sidecar") {
        path = "/spec/template/spec/containers/" + std::to_string(i);
        op = "replace";
      }
    }
    std::string patch = Json::array({{{"op", op}, {"path", path}, {"value", sidecar}}}).dump();
    std::string encoded(4 * ((patch.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                            reinterpret_cast<const unsigned char*>(patch.data()),
                            static_cast<int>(patch.size()));
    encoded.resize(static_cast<std::size_t>(n));
    Json response = {{"apiVersion", "admission.k8s.io/v1"},
                     {"kind", "AdmissionReview"},
                     {"response",
                      {{"uid", request.value("uid", "")},
                       {"allowed", true},
                       {"patchType", "JSONPatch"},
                       {"patch", encoded}}}};
    return response.dump();
  }

  SSL_CTX* ctx_ = nullptr;
  int listener_ = -1;
  int port_ = 0;
  std::string ca_pem_;
  std::atomic<bool> stop_{false};
  std::atomic<int> writes_{0};
  std::atomic<int> dry_runs_{0};
  std::atomic<int> stamp_{0};
  std::thread thread_;
};

}  // namespace cellgate::engine::e2e
