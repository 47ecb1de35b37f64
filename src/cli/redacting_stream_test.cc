#include "cli/redacting_stream.h"

#include <gtest/gtest.h>

#include <sstream>

#include "cli/app.h"

namespace cellgate::cli {
namespace {

TEST(RedactingStream, MasksCredentialsLineByLine) {
  std::ostringstream sink;
  RedactingOstream err(sink);
  err << "cellgate: fetch https://bob:pa55word@git.example/r.git: 401\n";
  EXPECT_EQ(sink.str(), "cellgate: fetch https://bob:++++++++@git.example/r.git: 401\n");
  err << "\rsyncing 1/2" << std::flush;
  EXPECT_EQ(sink.str(),
            "cellgate: fetch https://bob:++++++++@git.example/r.git: 401\n\rsyncing 1/2");
}

TEST(RedactingStream, HoldsAPrivateKeyUntilItsEnd) {
  std::ostringstream sink;
  {
    RedactingOstream err(sink);
    err << "key:\n-----BEGIN EC PRIVATE KEY-----\n";
    err << "MHcCAQEEIKeyBody\n";
    EXPECT_EQ(sink.str(), "key:\n");
    err << "-----END EC PRIVATE KEY-----\n";
  }
  EXPECT_EQ(sink.str(),
            "key:\n-----BEGIN EC PRIVATE KEY-----++++++++-----END EC PRIVATE KEY-----\n");
}

// The CLI's diagnostics pass through it: an argument echoed in an error is masked.
TEST(RedactingStream, CliDiagnosticsAreMasked) {
  std::ostringstream out, err;
  int code = cli::Run({"cellgate", "https://bob:pa55word@git.example/r.git"}, out, err);
  EXPECT_NE(code, 0);
  EXPECT_EQ(err.str().find("pa55word"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("unknown command 'https://bob:++++++++@git.example"), std::string::npos)
      << err.str();
}

}  // namespace
}  // namespace cellgate::cli
