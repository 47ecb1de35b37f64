#include <gtest/gtest.h>

#include <boost/asio/ip/address.hpp>

#include "controller/controller.h"

namespace cellgate::controller {
namespace {

// The HTTP endpoints (webhooks, metrics) are not reachable from other hosts unless the
// operator says so (--bind-address; deploy/install.yaml binds the pod IP).
TEST(ControllerOptions, HttpEndpointsBindLoopbackByDefault) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(ControllerOptions{}.bind_address, ec);
  ASSERT_FALSE(ec) << ControllerOptions{}.bind_address;
  EXPECT_TRUE(address.is_loopback()) << ControllerOptions{}.bind_address;
}

TEST(ControllerOptions, UnsignedWebhooksAreRefusedByDefault) {
  EXPECT_FALSE(ControllerOptions{}.allow_unsigned_webhooks);
}

TEST(ControllerOptions, TlsCertificateAndKeyGoTogether) {
  ControllerOptions o;
  o.tls_cert_file = "/tls/tls.crt";
  Status s = ValidateControllerOptions(o);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("--tls-key-file"), std::string::npos);
  o.tls_key_file = "/tls/tls.key";
  EXPECT_TRUE(ValidateControllerOptions(o));
}

}  // namespace
}  // namespace cellgate::controller
