// Shared by the webhook tests: testdata payloads and requests shaped like deliveries.
#pragma once

#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <utility>

#include "http/message.h"

namespace cellgate::http::testing {

inline std::string LoadPayload(const std::string& name) {
  std::ifstream in(std::string(CELLGATE_SOURCE_DIR) + "/src/http/testdata/" + name,
                   std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline Request Delivery(std::initializer_list<std::pair<std::string, std::string>> headers,
                        std::string body) {
  Request r;
  r.method = "POST";
  r.target = "/api/webhook";
  r.path = "/api/webhook";
  r.headers.Add("Content-Type", "application/json");
  for (const auto& [name, value] : headers) r.headers.Add(name, value);
  r.body = std::move(body);
  r.remote_address = "192.0.2.10:51515";
  return r;
}

}  // namespace cellgate::http::testing
