#include "glacier/endpoint.h"

#include <gtest/gtest.h>

namespace mtg::glacier {
namespace {

TEST(EndpointTest, ParsesLoopbackServer) {
  auto e = ParseEndpoint("http://127.0.0.1:9901");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->scheme, "http");
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, 9901);
  EXPECT_EQ(e->HostHeader(), "127.0.0.1:9901");
  EXPECT_EQ(e->BaseUrl(), "http://127.0.0.1:9901");
}

TEST(EndpointTest, DefaultPortIsNotInHostHeader) {
  auto e = ParseEndpoint("HTTPS://glacier.eu-west-1.amazonaws.com:443/");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->HostHeader(), "glacier.eu-west-1.amazonaws.com");
  EXPECT_EQ(DefaultEndpoint("us-east-1").BaseUrl(), "https://glacier.us-east-1.amazonaws.com");
  EXPECT_EQ(DefaultEndpoint("us-east-1", "http").scheme, "http");
}

TEST(EndpointTest, Ipv6) {
  auto e = ParseEndpoint("http://[::1]:8080");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host, "[::1]");
  EXPECT_EQ(e->HostHeader(), "[::1]:8080");
}

TEST(EndpointTest, RejectsWithReason) {
  for (const char* bad : {"127.0.0.1:9901", "ftp://x", "http://", "http://h:0", "http://h:70000",
                          "http://h/path", "http://u@h", "http://h:12a", "http://[::1"}) {
    auto e = ParseEndpoint(bad);
    EXPECT_FALSE(e) << bad;
    if (!e) {
      EXPECT_NE(e.error().message.find("invalid endpoint"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace mtg::glacier
