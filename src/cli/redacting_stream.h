// An ostream that writes to another with credentials masked (core/redact.h's
// RedactCredentials). The CLI's diagnostics stream is one, so errors that quote an API server,
// a tool's stderr or an exec plugin never print a token, password or private key. Command
// output (stdout) is left alone: `cellgate render` prints the user's own manifests.
//
// Text is passed on a line at a time ('\n' or '\r' ends a line, so progress lines rewritten in
// place still work), except that an open private key PEM block is held until its END line or a
// flush, so the whole block is masked. flush() passes on whatever is held.
//
// Thread-safety: as an ostream: one writer at a time.
#pragma once

#include <ostream>
#include <streambuf>
#include <string>

namespace cellgate::cli {

class RedactingStreambuf final : public std::streambuf {
 public:
  explicit RedactingStreambuf(std::ostream& sink) : sink_(sink) {}
  ~RedactingStreambuf() override;
  std::ostream& sink() const { return sink_; }

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  void Emit(bool force);

  std::ostream& sink_;
  std::string held_;
};

class RedactingOstream final : public std::ostream {
 public:
  explicit RedactingOstream(std::ostream& sink) : std::ostream(&buf_), buf_(sink) {}
  ~RedactingOstream() override { flush(); }
  std::ostream& sink() const { return buf_.sink(); }

 private:
  RedactingStreambuf buf_;
};

// True when `err` is the process's stderr (directly or through a RedactingOstream) and that
// is a terminal.
bool IsTerminalStderr(const std::ostream& err);

}  // namespace cellgate::cli
