#include "http/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstddef>
#include <optional>

namespace cellgate::http {
namespace {

using Digest = std::array<unsigned char, 32>;

std::optional<Digest> Hmac(std::string_view key, std::string_view data) {
  Digest out{};
  unsigned int len = 0;
  const unsigned char* result =
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
  if (result == nullptr || len != out.size()) return std::nullopt;
  return out;
}

Digest Sha256(std::string_view data) {
  Digest out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  auto mac = Hmac(key, data);
  if (!mac) return "";
  std::string hex;
  hex.reserve(mac->size() * 2);
  for (unsigned char b : *mac) {
    hex += kDigits[b >> 4];
    hex += kDigits[b & 0x0F];
  }
  return hex;
}

bool VerifyHmacSha256Hex(std::string_view key, std::string_view data,
                         std::string_view hex_signature) {
  Digest given{};
  if (hex_signature.size() != given.size() * 2) return false;
  for (std::size_t i = 0; i < given.size(); ++i) {
    int hi = HexValue(hex_signature[2 * i]);
    int lo = HexValue(hex_signature[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    given[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  auto expected = Hmac(key, data);
  return expected && CRYPTO_memcmp(given.data(), expected->data(), given.size()) == 0;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  Digest da = Sha256(a);
  Digest db = Sha256(b);
  return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

}  // namespace cellgate::http
