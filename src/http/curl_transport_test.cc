// Drives CurlTransport against real HTTP servers on loopback: cpp-httplib for normal exchanges
// and raw socket peers for connection reuse, idle-closed connections, chunked answers and a
// connection that dies mid-body.
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

// A listening socket on a free loopback port whose connections a test script serves by hand.
class RawPeer {
 public:
  RawPeer() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(listen(listener_, 4), 0);
    socklen_t len = sizeof addr;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~RawPeer() { close(listener_); }
  std::string Url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  int Accept() { return accept(listener_, nullptr, nullptr); }
  // Reads one request head plus `body` bytes of body from c.
  static std::string ReadRequest(int c, size_t body = 0) {
    std::string got;
    char buf[65536];
    while (got.find("\r\n\r\n") == std::string::npos || got.size() < got.find("\r\n\r\n") + 4 + body) {
      ssize_t n = read(c, buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    return got;
  }
  static void Write(int c, std::string_view s) { (void)!write(c, s.data(), s.size()); }

 private:
  int listener_ = -1;
  int port_ = 0;
};

TEST(CurlTransportTest, ConnectionRefusedIsNetworkError) {
  std::string url;
  {
    RawPeer gone;
    url = gone.Url("/");
  }  // nothing listens there now
  CurlTransport t;
  auto r = t.Send({"GET", url, {}, nullptr, {}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNetwork);
}

TEST(CurlTransportTest, KeptAliveConnectionCarriesTheNextRequest) {
  RawPeer peer;
  std::atomic<int> accepted{0};
  std::string second;
  std::thread server([&] {
    int c = peer.Accept();
    ++accepted;
    RawPeer::ReadRequest(c);
    RawPeer::Write(c, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none");
    second = RawPeer::ReadRequest(c, 5);
    RawPeer::Write(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n");
    close(c);
  });
  CurlTransport t;
  auto r1 = t.Send({"GET", peer.Url("/1"), {}, nullptr, {}});
  MemoryBody body(std::string_view("hello"));
  auto r2 = t.Send({"PUT", peer.Url("/2?x=1"), {{"x-amz-test", "v"}}, &body, {}});
  server.join();
  ASSERT_TRUE(r1) << r1.error().message;
  ASSERT_TRUE(r2) << r2.error().message;
  EXPECT_EQ(r1->body, "one");
  EXPECT_EQ(r2->body, "two");
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_TRUE(second.starts_with("PUT /2?x=1 HTTP/1.1\r\n")) << second;
  EXPECT_NE(second.find("\r\nx-amz-test: v\r\n"), std::string::npos);
  EXPECT_NE(second.find("\r\nContent-Length: 5\r\n"), std::string::npos);
  EXPECT_TRUE(second.ends_with("\r\n\r\nhello"));
}

// The server closes a kept-alive connection: while idle (seen before sending), and just as the
// next request arrives (seen only as a connection closed without an answer). Either way the
// request goes again on a fresh connection, and the caller sees one success.
TEST(CurlTransportTest, ConnectionClosedByTheServerIsReplacedOnce) {
  RawPeer peer;
  std::atomic<int> accepted{0};
  std::thread server([&] {
    int c = peer.Accept();
    ++accepted;
    RawPeer::ReadRequest(c);
    RawPeer::Write(c, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na");
    close(c);  // idle close
    c = peer.Accept();
    ++accepted;
    RawPeer::ReadRequest(c);
    RawPeer::Write(c, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb");
    RawPeer::ReadRequest(c);  // the third request arrives, and the connection closes unanswered
    close(c);
    c = peer.Accept();
    ++accepted;
    RawPeer::ReadRequest(c);
    RawPeer::Write(c, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nc");
    close(c);
  });
  CurlTransport t;
  auto a = t.Send({"GET", peer.Url("/a"), {}, nullptr, {}});
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the close arrive
  auto b = t.Send({"GET", peer.Url("/b"), {}, nullptr, {}});
  auto c = t.Send({"GET", peer.Url("/c"), {}, nullptr, {}});
  server.join();
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(a->body + b->body + c->body, "abc");
  EXPECT_EQ(accepted.load(), 3);
}

// A server that takes a request and says nothing until the inactivity timeout: the request is
// not sent again (it may be in progress: a POST must not be stored twice), and the caller hears
// of it after one timeout, not several.
TEST(CurlTransportTest, ATimeoutIsNotRetriedOnANewConnection) {
  RawPeer peer;
  std::atomic<int> requests{0};
  std::atomic<bool> stop{false};
  std::thread server([&] {
    int c = peer.Accept();
    RawPeer::ReadRequest(c);
    ++requests;
    RawPeer::Write(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    RawPeer::ReadRequest(c, 4);  // the POST, on the kept-alive connection: no answer
    ++requests;
    while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    close(c);
  });
  CurlTransport t(CurlOptions{.inactivity_timeout_seconds = 1});
  ASSERT_TRUE(t.Send({"GET", peer.Url("/warm"), {}, nullptr, {}}));
  MemoryBody body(std::string_view("data"));
  auto start = std::chrono::steady_clock::now();
  auto r = t.Send({"POST", peer.Url("/vault/archives"), {}, &body, {}});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stop = true;
  server.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNetwork);
  EXPECT_NE(r.error().message.find("no progress"), std::string::npos) << r.error().message;
  EXPECT_EQ(requests.load(), 2);  // the GET and one POST
  EXPECT_LT(seconds, 1.9);
}

// A server that refuses a large upload at once and stops reading: the answer reaches the caller
// without waiting for the inactivity timeout, and the connection is not used again.
TEST(CurlTransportTest, AnEarlyAnswerStopsTheUpload) {
  RawPeer peer;
  std::atomic<bool> stop{false};
  std::atomic<int> accepted{0};
  std::thread server([&] {
    int c = peer.Accept();
    ++accepted;
    RawPeer::ReadRequest(c);  // the head and whatever body came with it
    RawPeer::Write(c, "HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\n{}");
    while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(5));  // never reads again
    close(c);
    int d = peer.Accept();  // the next request must come on a new connection
    ++accepted;
    RawPeer::ReadRequest(d);
    RawPeer::Write(d, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    close(d);
  });
  CurlTransport t(CurlOptions{.inactivity_timeout_seconds = 20});
  std::string data(64 * 1024 * 1024, 'z');
  MemoryBody body(data);
  auto start = std::chrono::steady_clock::now();
  auto r = t.Send({"PUT", peer.Url("/part"), {}, &body, {}});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stop = true;
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->body, "{}");
  EXPECT_LT(seconds, 10.0);
  auto next = t.Send({"GET", peer.Url("/next"), {}, nullptr, {}});
  server.join();
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(accepted.load(), 2);
}

// A body that is not in one piece is sent through Read, in order and whole.
TEST(CurlTransportTest, BodyReadInPiecesArrivesWhole) {
  class Counting final : public BodySource {
   public:
    uint64_t Size() const override { return 3 * 1024 * 1024 + 11; }
    Result<size_t> Read(uint64_t offset, std::span<uint8_t> out) override {
      size_t n = static_cast<size_t>(std::min<uint64_t>(std::min<size_t>(out.size(), 100000), Size() - offset));
      for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>((offset + i) % 253);
      return n;
    }
  } body;
  HttpPeer peer;
  CurlTransport t;
  auto r = t.Send({"PUT", peer.Url("/echo"), {}, &body, {}});
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(peer.last_body_.size(), body.Size());
  for (size_t i = 0; i < peer.last_body_.size(); i += 4099) {
    ASSERT_EQ(static_cast<uint8_t>(peer.last_body_[i]), i % 253) << i;
  }
}

TEST(CurlTransportTest, TruncatedBodyIsNetworkError) {
  RawPeer peer;
  std::thread server([&] {
    int c = peer.Accept();
    RawPeer::ReadRequest(c);
    RawPeer::Write(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b");
    close(c);
  });
  CurlTransport t;
  auto r = t.Send({"GET", peer.Url("/x"), {}, nullptr, {}});
  server.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNetwork);
}

}  // namespace
}  // namespace mtg::http
