// Drives CurlTransport against real HTTP servers on loopback: cpp-httplib for normal exchanges
// and a raw socket peer for a connection that dies mid-body.
#include "http/curl_transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

namespace mtg::http {
namespace {

class HttpPeer {
 public:
  HttpPeer() {
    server_.Get("/hello", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("x-amzn-RequestId", "R1");
      res.set_content("hello world", "text/plain");
    });
    server_.Put("/echo", [this](const httplib::Request& req, httplib::Response& res) {
      last_body_ = req.body;
      last_content_length_ = req.get_header_value("Content-Length");
      last_custom_ = req.get_header_value("x-amz-test");
      res.status = 201;
      res.set_content(std::to_string(req.body.size()), "text/plain");
    });
    server_.Post("/empty", [this](const httplib::Request& req, httplib::Response& res) {
      last_content_length_ = req.get_header_value("Content-Length");
      res.status = 204;
    });
    server_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(3 * 1024 * 1024 + 5, 'x'), "application/octet-stream");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~HttpPeer() {
    server_.stop();
    thread_.join();
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::string last_body_, last_content_length_, last_custom_;

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST(CurlTransportTest, GetCollectsBodyAndHeaders) {
  HttpPeer peer;
  CurlTransport t;
  Request req{"GET", peer.Url("/hello"), {}, nullptr, {}};
  auto r = t.Send(req);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello world");
  EXPECT_EQ(FindHeader(r->headers, "X-AMZN-REQUESTID").value_or(""), "R1");
}

TEST(CurlTransportTest, PutStreamsBodyWithLengthAndHeaders) {
  HttpPeer peer;
  CurlTransport t;
  std::string data(5 * 1024 * 1024 + 17, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i % 251);
  MemoryBody body(data);
  Request req{"PUT", peer.Url("/echo"), {{"x-amz-test", "v"}}, &body, {}};
  auto r = t.Send(req);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(peer.last_body_, data);
  EXPECT_EQ(peer.last_content_length_, std::to_string(data.size()));
  EXPECT_EQ(peer.last_custom_, "v");
}

TEST(CurlTransportTest, BodilessPostSendsZeroLength) {
  HttpPeer peer;
  CurlTransport t;
  auto r = t.Send({"POST", peer.Url("/empty"), {}, nullptr, {}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(peer.last_content_length_, "0");
}

TEST(CurlTransportTest, SinkReceivesLargeBodyAndCanAbort) {
  HttpPeer peer;
  CurlTransport t;
  uint64_t got = 0;
  Request req{"GET", peer.Url("/big"), {}, nullptr,
              [&](std::span<const uint8_t> chunk) -> Result<void> {
                got += chunk.size();
                return Ok();
              }};
  auto r = t.Send(req);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(got, 3u * 1024 * 1024 + 5);
  EXPECT_TRUE(r->body.empty());

  req.sink = [](std::span<const uint8_t>) -> Result<void> {
    return Fail(ErrorCode::kIo, "disk full");
  };
  auto aborted = t.Send(req);
  ASSERT_FALSE(aborted);
  EXPECT_EQ(aborted.error().code, ErrorCode::kIo);
  EXPECT_EQ(aborted.error().message, "disk full");
}

TEST(CurlTransportTest, ConnectionRefusedIsNetworkError) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);  // nothing listens there now
  CurlTransport t;
  auto r = t.Send({"GET", "http://127.0.0.1:" + std::to_string(port) + "/", {}, nullptr, {}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNetwork);
}

TEST(CurlTransportTest, TruncatedBodyIsNetworkError) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(listener, 1), 0);
  socklen_t len = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  std::thread peer([listener] {
    int c = accept(listener, nullptr, nullptr);
    char buf[4096];
    (void)!read(c, buf, sizeof buf);
    const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b";
    (void)!write(c, reply, sizeof reply - 1);
    close(c);
  });
  CurlTransport t;
  auto r = t.Send(
      {"GET", "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/x", {}, nullptr, {}});
  peer.join();
  close(listener);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNetwork);
}

}  // namespace
}  // namespace mtg::http
