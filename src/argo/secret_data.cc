#include "argo/secret_data.h"

#include <array>
#include <charconv>

#include "core/base64.h"

namespace cellgate::argo {

bool IsSecretOfType(const Object& secret, std::string_view type) {
  return secret.Kind() == "Secret" && secret.Label(kSecretTypeLabel) == type;
}

Result<std::optional<std::string>> SecretValue(const Object& secret, std::string_view key) {
  const Json& body = secret.body();
  if (auto plain = body.find("stringData"); plain != body.end() && plain->is_object()) {
    if (auto it = plain->find(key); it != plain->end() && it->is_string()) {
      return std::optional<std::string>(it->get<std::string>());
    }
  }
  auto data = body.find("data");
  if (data == body.end() || !data->is_object()) return std::optional<std::string>();
  auto it = data->find(key);
  if (it == data->end() || it->is_null()) return std::optional<std::string>();
  auto decoded = Base64Decode(it->is_string() ? it->get<std::string>() : std::string("!"));
  if (!decoded) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "data." + std::string(key) + ": " + decoded.error().message());
  }
  return std::optional<std::string>(std::move(*decoded));
}

std::map<std::string, std::string> MetadataStrings(const Object& secret, std::string_view field) {
  std::map<std::string, std::string> out;
  const Json& body = secret.body();
  auto meta = body.find("metadata");
  if (meta == body.end() || !meta->is_object()) return out;
  auto m = meta->find(field);
  if (m == meta->end() || !m->is_object()) return out;
  for (const auto& [k, v] : m->items()) {
    if (v.is_string()) out.emplace(k, v.get<std::string>());
  }
  return out;
}

std::optional<bool> ParseGoBool(std::string_view text) {
  static constexpr std::array<std::string_view, 6> kTrue = {"1", "t", "T", "TRUE", "true", "True"};
  static constexpr std::array<std::string_view, 6> kFalse = {"0",     "f",     "F",
                                                             "FALSE", "false", "False"};
  for (auto t : kTrue) {
    if (text == t) return true;
  }
  for (auto f : kFalse) {
    if (text == f) return false;
  }
  return std::nullopt;
}

std::optional<std::int64_t> ParseGoInt64(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  // Parse the magnitude as unsigned so that -9223372036854775808 fits.
  std::uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), magnitude);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  constexpr std::uint64_t kMax = static_cast<std::uint64_t>(INT64_MAX);
  if (negative) {
    if (magnitude > kMax + 1) return std::nullopt;
    return magnitude == kMax + 1 ? INT64_MIN : -static_cast<std::int64_t>(magnitude);
  }
  if (magnitude > kMax) return std::nullopt;
  return static_cast<std::int64_t>(magnitude);
}

}  // namespace cellgate::argo
