#include "core/base64.h"

#include <array>

namespace cellgate {

namespace {

constexpr auto kTable = [] {
  std::array<signed char, 256> t{};
  t.fill(-1);
  constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i)
    t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<signed char>(i);
  return t;
}();

std::unexpected<Error> CorruptInput(std::size_t offset) {
  return MakeError(ErrorCode::kInvalidArgument,
                   "illegal base64 data at input byte " + std::to_string(offset));
}

}  // namespace

Result<std::string> Base64Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned buffer = 0;
  int bits = 0;
  int padding = 0;
  for (unsigned char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0 || kTable[c] < 0) {
      return MakeError(ErrorCode::kInvalidArgument, "invalid base64 data");
    }
    buffer = (buffer << 6) | static_cast<unsigned>(kTable[c]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  if (bits >= 6 || padding > 2) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid base64 data (truncated)");
  }
  return out;
}

Result<std::string> Base64DecodeGo(std::string_view s) {
  // Go's decodeQuantum, one quantum of four characters at a time.
  const std::size_t n = s.size();
  auto newline = [&](std::size_t i) { return s[i] == '\n' || s[i] == '\r'; };
  std::string out;
  out.reserve(n / 4 * 3);
  std::size_t si = 0;
  while (si < n) {
    unsigned dbuf[4] = {0, 0, 0, 0};
    int dlen = 4;
    bool trailing_garbage = false;
    for (int j = 0; j < 4; ++j) {
      if (si == n) {
        if (j == 0) return out;
        return CorruptInput(si - static_cast<std::size_t>(j));  // padding is required
      }
      const auto in = static_cast<unsigned char>(s[si++]);
      if (kTable[in] >= 0) {
        dbuf[j] = static_cast<unsigned>(kTable[in]);
        continue;
      }
      if (in == '\n' || in == '\r') {
        --j;
        continue;
      }
      if (in != '=' || j < 2) return CorruptInput(si - 1);
      if (j == 2) {  // "==" expected; the first '=' is consumed
        while (si < n && newline(si)) ++si;
        if (si == n) return CorruptInput(n);
        if (s[si] != '=') return CorruptInput(si - 1);
        ++si;
      }
      while (si < n && newline(si)) ++si;
      trailing_garbage = si < n;
      dlen = j;
      break;
    }
    const unsigned val = dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3];
    const char bytes[3] = {static_cast<char>((val >> 16) & 0xFF),
                           static_cast<char>((val >> 8) & 0xFF), static_cast<char>(val & 0xFF)};
    out.append(bytes, static_cast<std::size_t>(dlen - 1));
    if (trailing_garbage) return CorruptInput(si);
  }
  return out;
}

std::string Base64Encode(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(data[i]) << 16) |
                 (static_cast<unsigned char>(data[i + 1]) << 8) |
                 static_cast<unsigned char>(data[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < data.size()) {
    unsigned n = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) n |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace cellgate
