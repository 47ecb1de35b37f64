#include "cli/redacting_stream.h"

#include <unistd.h>

#include <iostream>

#include "core/redact.h"

namespace cellgate::cli {
namespace {

// True while `text` holds a private key PEM block whose END line has not come yet.
bool OpenPrivateKey(const std::string& text) {
  std::size_t begin = text.rfind("-----BEGIN ");
  if (begin == std::string::npos) return false;
  std::size_t label_end = text.find("-----", begin + 11);
  if (label_end == std::string::npos) return true;  // the BEGIN line itself is not complete
  if (text.substr(begin, label_end - begin).find("PRIVATE KEY") == std::string::npos) {
    return false;
  }
  return text.find("-----END", label_end) == std::string::npos;
}

}  // namespace

RedactingStreambuf::~RedactingStreambuf() { Emit(true); }

void RedactingStreambuf::Emit(bool force) {
  if (held_.empty() || (!force && OpenPrivateKey(held_))) return;
  sink_ << RedactCredentials(held_);
  held_.clear();
}

RedactingStreambuf::int_type RedactingStreambuf::overflow(int_type ch) {
  if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
  char c = traits_type::to_char_type(ch);
  held_ += c;
  if (c == '\n' || c == '\r') Emit(false);
  return ch;
}

std::streamsize RedactingStreambuf::xsputn(const char* s, std::streamsize n) {
  for (std::streamsize i = 0; i < n; ++i) overflow(traits_type::to_int_type(s[i]));
  return n;
}

int RedactingStreambuf::sync() {
  Emit(true);
  sink_.flush();
  return 0;
}

bool IsTerminalStderr(const std::ostream& err) {
  const std::ostream* stream = &err;
  if (const auto* redacting = dynamic_cast<const RedactingOstream*>(stream)) {
    stream = &redacting->sink();
  }
  return stream == &std::cerr && isatty(STDERR_FILENO);
}

}  // namespace cellgate::cli
