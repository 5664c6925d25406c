#include "http/http1.h"

#include <gtest/gtest.h>

namespace mtg::http {
namespace {

struct Parsed {
  Result<void> result = Ok();
  std::string body;
  bool done = false;
  int status = 0;
  bool keep_alive = false;
  std::vector<Header> headers;
};

// Feeds `wire` in pieces of `step` bytes (0: all at once), then the end of the connection if
// `close` is set.
Parsed Parse(std::string_view wire, size_t step = 0, bool close = false, bool head = false) {
  Parsed p;
  ResponseReader reader(head);
  BodyChunkFn sink = [&](std::span<const uint8_t> c) -> Result<void> {
    p.body.append(reinterpret_cast<const char*>(c.data()), c.size());
    return Ok();
  };
  if (step == 0) step = wire.size() == 0 ? 1 : wire.size();
  for (size_t i = 0; i < wire.size() && p.result; i += step) {
    std::string_view piece = wire.substr(i, step);
    p.result = reader.Feed({reinterpret_cast<const uint8_t*>(piece.data()), piece.size()}, sink);
  }
  if (p.result && close) p.result = reader.FeedEnd();
  p.done = reader.done();
  p.status = reader.status();
  p.keep_alive = reader.keep_alive();
  p.headers = reader.headers();
  return p;
}

TEST(SplitUrl, OriginAuthorityAndTarget) {
  auto u = SplitUrl("http://127.0.0.1:9901/-/vaults/v?limit=10");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->origin, "http://127.0.0.1:9901");
  EXPECT_EQ(u->authority, "127.0.0.1:9901");
  EXPECT_EQ(u->target, "/-/vaults/v?limit=10");
  EXPECT_EQ(SplitUrl("https://glacier.eu-west-1.amazonaws.com")->target, "/");
  EXPECT_EQ(SplitUrl("https://h?x=1")->target, "/?x=1");
  EXPECT_FALSE(SplitUrl("ftp://h/"));
  EXPECT_FALSE(SplitUrl("http:///path"));
  EXPECT_FALSE(SplitUrl("no scheme"));
}

TEST(FormatRequestHead, HeadersHostAndLength) {
  MemoryBody body(std::string_view("hello"));
  Request put{"PUT", "http://h:1/p", {{"Host", "h:1"}, {"x-amz-date", "20260101T000000Z"}}, &body, {}};
  EXPECT_EQ(FormatRequestHead(put, *SplitUrl(put.url), "ua/1"),
            "PUT /p HTTP/1.1\r\nHost: h:1\r\nx-amz-date: 20260101T000000Z\r\nUser-Agent: ua/1\r\n"
            "Content-Length: 5\r\n\r\n");
  Request post{"POST", "http://h:1/p?q", {}, nullptr, {}};  // bodiless POST still says 0
  EXPECT_EQ(FormatRequestHead(post, *SplitUrl(post.url), ""),
            "POST /p?q HTTP/1.1\r\nHost: h:1\r\nContent-Length: 0\r\n\r\n");
  Request get{"GET", "http://h/x", {}, nullptr, {}};
  EXPECT_EQ(FormatRequestHead(get, *SplitUrl(get.url), ""), "GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
}

TEST(ResponseReader, ContentLengthAtEverySplit) {
  const std::string wire = "HTTP/1.1 201 Created\r\nx-amz-archive-id: ABC\r\nContent-Length: 11\r\n\r\nhello world";
  for (size_t step = 1; step <= wire.size(); ++step) {
    Parsed p = Parse(wire, step);
    ASSERT_TRUE(p.result) << step << ": " << p.result.error().message;
    EXPECT_TRUE(p.done) << step;
    EXPECT_EQ(p.status, 201);
    EXPECT_EQ(p.body, "hello world") << step;
    EXPECT_TRUE(p.keep_alive);
    ASSERT_EQ(p.headers.size(), 2u);
    EXPECT_EQ(*FindHeader(p.headers, "X-Amz-Archive-Id"), "ABC");
  }
}

TEST(ResponseReader, ChunkedWithExtensionsAndTrailersAtEverySplit) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=x\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nTrailer: yes\r\n\r\n";
  for (size_t step = 1; step <= wire.size(); ++step) {
    Parsed p = Parse(wire, step);
    ASSERT_TRUE(p.result) << step << ": " << p.result.error().message;
    EXPECT_TRUE(p.done) << step;
    EXPECT_EQ(p.body, "hello 0123456789") << step;
    EXPECT_TRUE(p.keep_alive);
  }
}

TEST(ResponseReader, InterimResponsesAreSkipped) {
  Parsed p = Parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nx: 1\r\n\r\n", 3);
  ASSERT_TRUE(p.result);
  EXPECT_TRUE(p.done);
  EXPECT_EQ(p.status, 204);
  EXPECT_EQ(p.headers.size(), 1u);
}

TEST(ResponseReader, BodyUntilCloseAndConnectionHeaders) {
  Parsed p = Parse("HTTP/1.0 200 OK\r\n\r\nall of it", 4, /*close=*/true);
  ASSERT_TRUE(p.result);
  EXPECT_TRUE(p.done);
  EXPECT_EQ(p.body, "all of it");
  EXPECT_FALSE(p.keep_alive);
  EXPECT_FALSE(Parse("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n").keep_alive);
  EXPECT_TRUE(Parse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").keep_alive);
  EXPECT_FALSE(Parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keep_alive);
  EXPECT_FALSE(Parse("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                   .keep_alive);
  // Both framings: chunked wins, and the connection is not trusted with another request.
  Parsed both = Parse("HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
  ASSERT_TRUE(both.result);
  EXPECT_EQ(both.body, "ok");
  EXPECT_FALSE(both.keep_alive);
}

TEST(ResponseReader, HeadResponseHasNoBodyWhateverItsLength) {
  Parsed p = Parse("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", 0, false, /*head=*/true);
  ASSERT_TRUE(p.result);
  EXPECT_TRUE(p.done);
  EXPECT_TRUE(p.body.empty());
}

TEST(ResponseReader, BareLineFeedsAreAccepted) {
  Parsed p = Parse("HTTP/1.1 200 OK\nContent-Length: 2\n\nok", 1);
  ASSERT_TRUE(p.result) << p.result.error().message;
  EXPECT_EQ(p.body, "ok");
}

TEST(ResponseReader, CutShortOrMalformedIsANetworkError) {
  Parsed cut = Parse("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b", 0, /*close=*/true);
  ASSERT_FALSE(cut.result);
  EXPECT_EQ(cut.result.error().code, ErrorCode::kNetwork);
  EXPECT_FALSE(Parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", 0, true).result);
  Parsed nothing = Parse("", 0, /*close=*/true);
  ASSERT_FALSE(nothing.result);
  EXPECT_NE(nothing.result.error().message.find("without a response"), std::string::npos);
  for (const char* bad : {"HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 20x OK\r\n\r\n",
                          "SMTP ready\r\n\r\n", "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n",
                          "HTTP/1.1 200 OK\r\nx: 1\r\n folded\r\n\r\n"}) {
    Parsed p = Parse(bad);
    ASSERT_FALSE(p.result) << bad;
    EXPECT_EQ(p.result.error().code, ErrorCode::kNetwork) << bad;
  }
  EXPECT_FALSE(Parse("HTTP/1.1 200 OK\r\nx: " + std::string(70 * 1024, 'a')).result);  // endless head
}

TEST(ResponseReader, BytesAfterTheResponseSpoilTheConnection) {
  Parsed p = Parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA");
  ASSERT_TRUE(p.result);
  EXPECT_EQ(p.body, "ok");
  EXPECT_FALSE(p.keep_alive);
}

TEST(ResponseReader, SinkErrorsPassThrough) {
  ResponseReader reader(false);
  std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndata";
  auto r = reader.Feed({reinterpret_cast<const uint8_t*>(wire.data()), wire.size()},
                       [](std::span<const uint8_t>) -> Result<void> { return Fail(ErrorCode::kIo, "disk full"); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_EQ(r.error().message, "disk full");
}

}  // namespace
}  // namespace mtg::http
