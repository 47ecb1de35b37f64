// HTTP requests and responses as plain values, independent of the server that carries them,
// so handlers and the webhook parser are pure functions that tests call directly.
//
// Header names compare case-insensitively (RFC 9110); values are kept as received, without
// the surrounding whitespace. Bodies are whole strings: the server reads a request up to its
// configured limit before calling a handler, and handlers return whole bodies.
//
// Thread-safety: plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cellgate::http {

class Headers {
 public:
  struct Field {
    std::string name;
    std::string value;
  };

  // Appends a field; repeated names are kept in order.
  void Add(std::string name, std::string value);
  // Replaces every field named `name` with one field.
  void Set(std::string name, std::string value);
  // The first value of `name`, if any.
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }

  const std::vector<Field>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<Field> fields_;
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

struct Request {
  std::string method;  // "GET", "POST", ... as sent (methods are case-sensitive)
  std::string target;  // the request target as sent: path and query
  std::string path;    // target up to '?', not percent-decoded
  std::string query;   // after '?', without it; empty when absent
  Headers headers;
  std::string body;
  std::string remote_address;  // "ip:port" of the peer, for logs
};

// Splits `target` into path and query. An absolute-form target (`http://host/p?q`, as sent
// to proxies) yields its path and query too.
void SplitTarget(std::string_view target, std::string& path, std::string& query);

struct Response {
  int status = 200;
  Headers headers;  // Content-Length and Connection are set by the server
  std::string body;

  // A text/plain response; a trailing line feed is added when missing, as curl users expect.
  static Response Text(int status, std::string body);
  static Response Json(int status, std::string body);
};

}  // namespace cellgate::http
