// Unit tests of the small pieces: path/query decoding, routing, error bodies, ids, dates,
// command-line parsing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

#include "api_error.h"
#include "http.h"
#include "http_wire.h"
#include "ids.h"
#include "router.h"
#include "server_options.h"
#include "time_format.h"

namespace mtg::server {
namespace {

TEST(Http, PercentDecodeAndQuery) {
  EXPECT_EQ(*PercentDecode("a%2Fb%2bc+d"), "a/b+c+d");
  EXPECT_FALSE(PercentDecode("bad%2").has_value());
  EXPECT_FALSE(PercentDecode("bad%zz").has_value());
  auto q = ParseQuery("marker=abc%2Fdef%2Bghi%3D&limit=5&&flag");
  ASSERT_TRUE(q.has_value());
  ASSERT_EQ(q->size(), 3u);
  EXPECT_EQ((*q)[0], (std::pair<std::string, std::string>{"marker", "abc/def+ghi="}));
  EXPECT_EQ((*q)[1].second, "5");
  EXPECT_EQ((*q)[2], (std::pair<std::string, std::string>{"flag", ""}));
}

TEST(HttpWire, HeadEndAndParse) {
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\r\nHost: x\r\n"), std::string_view::npos);
  std::string_view head = "PUT /-/vaults/v?x=1 HTTP/1.1\r\nHost: h\r\nX-Amz-Date:  20260101T000000Z \r\n"
                          "nocolon\r\nContent-Length: 5\r\n\r\nhello";
  size_t end = FindHeadEnd(head);
  ASSERT_EQ(head.substr(end), "hello");
  RequestHead r;
  ASSERT_TRUE(ParseRequestHead(head.substr(0, end), &r));
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.target, "/-/vaults/v?x=1");
  ASSERT_EQ(r.headers.size(), 3u);  // the line without a colon is ignored
  EXPECT_EQ(r.headers[1].name, "x-amz-date");
  EXPECT_EQ(r.headers[1].value, "20260101T000000Z");
  BodyFraming f = GetBodyFraming(r.headers);
  EXPECT_TRUE(f.valid && !f.chunked && f.content_length == 5u);
  EXPECT_TRUE(WantsKeepAlive(r));
  EXPECT_FALSE(ExpectsContinue(r));
  // Bare LF line ends are accepted too.
  std::string_view lf = "GET / HTTP/1.0\nConnection: keep-alive\nExpect: 100-Continue\n\n";
  ASSERT_EQ(FindHeadEnd(lf), lf.size());
  ASSERT_TRUE(ParseRequestHead(lf, &r));
  EXPECT_EQ(r.minor_version, 0);
  EXPECT_TRUE(WantsKeepAlive(r));
  EXPECT_TRUE(ExpectsContinue(r));
}

TEST(HttpWire, RejectsWhatHttplibRejected) {
  RequestHead r;
  for (std::string_view bad : {"GARBAGE\r\n\r\n", "FOO / HTTP/1.1\r\n\r\n", "get / HTTP/1.1\r\n\r\n",
                               "GET /\r\n\r\n", "GET / HTTP/2.0\r\n\r\n", "\r\n"}) {
    EXPECT_FALSE(ParseRequestHead(bad, &r)) << bad;
  }
  EXPECT_FALSE(GetBodyFraming({{"content-length", "12a"}}).valid);
  BodyFraming chunked = GetBodyFraming({{"transfer-encoding", "gzip, Chunked"}});
  EXPECT_TRUE(chunked.valid && chunked.chunked && !chunked.content_length);
  ASSERT_TRUE(ParseRequestHead("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n", &r));
  EXPECT_FALSE(WantsKeepAlive(r));
}

TEST(HttpWire, ResponseHeadIsSortedByName) {
  std::string head = FormatResponseHead(
      204, {{"x-amzn-requestid", "R"}, {"date", "D"}},
      {{"Content-Length", "0"}, {"Keep-Alive", "timeout=10, max=1000000"}});
  EXPECT_EQ(head,
            "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\ndate: D\r\n"
            "Keep-Alive: timeout=10, max=1000000\r\nx-amzn-requestid: R\r\n\r\n");
}

TEST(Http, SplitTargetKeepsRawForms) {
  Request r;
  r.target = "/-/vaults/my%20vault?limit=1";
  ASSERT_TRUE(SplitTarget(r));
  EXPECT_EQ(r.raw_path, "/-/vaults/my%20vault");
  EXPECT_EQ(r.path, "/-/vaults/my vault");
  EXPECT_EQ(r.raw_query, "limit=1");
  r.target = "no-slash";
  EXPECT_FALSE(SplitTarget(r));
}

TEST(Http, BodyCheckRunsAfterLastByte) {
  Request r;
  r.SetBufferedBody("hello world");
  size_t observed = 0;
  r.SetBodyCheck([&](const char*, size_t n) { observed += n; return true; },
                 [&]() -> Result<void> { return Fail(ErrorCode::kIntegrity, "bad"); });
  std::string got;
  auto read = r.ReadBody([&](const char* d, size_t n) { got.append(d, n); return true; });
  EXPECT_EQ(got, "hello world");
  EXPECT_EQ(observed, 11u);
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code, ErrorCode::kIntegrity);
  EXPECT_FALSE(r.ReadBody([](const char*, size_t) { return true; }).has_value());  // only once
}

TEST(Http, ReadBodyToStringCapsSize) {
  Request r;
  r.SetBufferedBody(std::string(100, 'x'));
  EXPECT_FALSE(r.ReadBodyToString(99).has_value());
  Request ok;
  ok.SetBufferedBody("abc");
  EXPECT_EQ(*ok.ReadBodyToString(3), "abc");
}

TEST(Router, MatchesPatternsAndCaptures) {
  Router router;
  int hit = 0;
  router.Add("GET", "/{account}/vaults/{vault}", "describe-vault", [&](Request&, Response&) { hit = 1; });
  router.Add("GET", "/{account}/vaults/{vault}/jobs/{job}/output", "get-job-output",
             [&](Request&, Response&) { hit = 2; });
  auto m = router.Find("GET", "/-/vaults/a%2Fb/jobs/J1/output");
  ASSERT_EQ(m.kind, Router::MatchKind::kFound);
  EXPECT_EQ(m.operation, "get-job-output");
  EXPECT_EQ(m.params["vault"], "a/b");
  EXPECT_EQ(m.params["job"], "J1");
  EXPECT_EQ(router.Find("HEAD", "/-/vaults/v").kind, Router::MatchKind::kFound);
  EXPECT_EQ(router.Find("PUT", "/-/vaults/v").kind, Router::MatchKind::kWrongMethod);
  EXPECT_EQ(router.Find("GET", "/-/vaults/v/x").kind, Router::MatchKind::kNoSuchPath);
  EXPECT_EQ(router.Find("GET", "/-/vaults/").kind, Router::MatchKind::kNoSuchPath);  // empty capture
  EXPECT_EQ(router.Find("GET", "/-/vaults/%zz").kind, Router::MatchKind::kNoSuchPath);
}

TEST(ApiError, JsonBodyAndHeaders) {
  Response res;
  SetError(res, ApiError::InvalidParameter("bad \"value\"\n"));
  EXPECT_EQ(res.status, 400);
  auto j = nlohmann::json::parse(res.body);
  EXPECT_EQ(j["code"], "InvalidParameterValueException");
  EXPECT_EQ(j["message"], "bad \"value\"\n");
  EXPECT_EQ(j["type"], "Client");
  EXPECT_EQ(*res.Header("content-type"), "application/json");
  EXPECT_EQ(*res.Header("x-amzn-errortype"), "InvalidParameterValueException");
  EXPECT_EQ(ApiError::ServiceUnavailable("x").type, "Server");
  EXPECT_EQ(ApiError::RequestTimeout("x").status, 408);
  EXPECT_EQ(ApiError::MissingAuthenticationToken().status, 403);
  EXPECT_EQ(ApiError::FromError(Error(ErrorCode::kNotFound, "x")).code, "ResourceNotFoundException");
  EXPECT_EQ(ApiError::FromError(Error(ErrorCode::kIo, "x")).status, 500);
}

TEST(Ids, ShapeAndSeededRepeatability) {
  IdGenerator a(7), b(7), c(8);
  std::string id = a.ArchiveId();
  EXPECT_EQ(id.size(), 138u);
  EXPECT_TRUE(IsWellFormedId(id));
  EXPECT_EQ(id, b.ArchiveId());
  EXPECT_NE(id, c.ArchiveId());
  EXPECT_EQ(a.UploadId().size(), 92u);
  EXPECT_EQ(a.JobId().size(), 92u);
  std::set<std::string> seen;
  IdGenerator random;
  for (int i = 0; i < 1000; ++i) seen.insert(random.JobId());
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_FALSE(IsWellFormedId("../etc"));
  EXPECT_FALSE(IsWellFormedId(""));
}

TEST(TimeFormat, IsoAndHttpDates) {
  EXPECT_EQ(IsoMillis(1332263023221), "2012-03-20T17:03:43.221Z");
  EXPECT_EQ(HttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(*ParseIsoMillis("2012-03-20T17:03:43.221Z"), 1332263023221);
  EXPECT_EQ(*ParseIsoMillis("2012-03-20T17:03:43Z"), 1332263023000);
  EXPECT_FALSE(ParseIsoMillis("2012-03-20").has_value());
  EXPECT_FALSE(ParseIsoMillis("2012-13-20T17:03:43Z").has_value());
}

TEST(ServerOptions, Durations) {
  EXPECT_EQ(*ParseDuration("0"), 0);
  EXPECT_EQ(*ParseDuration("250ms"), 250);
  EXPECT_EQ(*ParseDuration("30s"), 30000);
  EXPECT_EQ(*ParseDuration("30"), 30000);
  EXPECT_EQ(*ParseDuration("4h"), 4 * 3600 * 1000);
  EXPECT_FALSE(ParseDuration("4x").has_value());
  EXPECT_FALSE(ParseDuration("-1s").has_value());
  EXPECT_FALSE(ParseDuration("").has_value());
}

TEST(ServerOptions, CommandLine) {
  const char* argv[] = {"mtglacier-server", "--listen", "127.0.0.1:0", "--store", "/tmp/x",
                        "--access-key", "AK1", "--secret-key", "SK1", "--access-key", "AK2",
                        "--secret-key", "SK2", "--job-delay", "30s", "--fault-seed", "9"};
  auto parsed = ParseCommandLine(static_cast<int>(std::size(argv)), argv);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->options.listen_host, "127.0.0.1");
  EXPECT_EQ(parsed->options.listen_port, 0);
  ASSERT_EQ(parsed->options.credentials.size(), 2u);
  EXPECT_EQ(parsed->options.credentials[1].first, "AK2");
  EXPECT_EQ(parsed->options.job_delay_ms, 30000);
  EXPECT_EQ(parsed->options.fault_seed, 9u);

  const char* unpaired[] = {"s", "--store", "/tmp/x", "--access-key", "AK1"};
  EXPECT_FALSE(ParseCommandLine(5, unpaired).has_value());
  const char* nobody[] = {"s", "--store", "/tmp/x"};
  EXPECT_FALSE(ParseCommandLine(3, nobody).has_value());
  const char* help[] = {"s", "--help"};
  auto h = ParseCommandLine(2, help);
  ASSERT_TRUE(h.has_value());
  EXPECT_TRUE(h->exit_now);
  for (const char* flag : {"--listen", "--store", "--access-key", "--secret-key", "--credentials",
                           "--job-delay", "--faults", "--fault-seed", "--access-log"}) {
    EXPECT_NE(h->text.find(flag), std::string::npos) << flag;
  }
}

TEST(ServerOptions, ListenAndCredentialsFile) {
  EXPECT_EQ(ParseListen("[::1]:8080")->first, "::1");
  EXPECT_EQ(ParseListen("0.0.0.0:80")->second, 80);
  EXPECT_FALSE(ParseListen("127.0.0.1").has_value());
  EXPECT_FALSE(ParseListen("h:99999").has_value());
  auto creds = ParseCredentials("# accounts\n\nAK1 SK1\n  AK2\tSK2  \r\n");
  ASSERT_TRUE(creds.has_value());
  ASSERT_EQ(creds->size(), 2u);
  EXPECT_EQ((*creds)[1], (std::pair<std::string, std::string>{"AK2", "SK2"}));
  EXPECT_FALSE(ParseCredentials("AK1\n").has_value());
  EXPECT_FALSE(ParseCredentials("AK1 SK1 extra\n").has_value());
}

}  // namespace
}  // namespace mtg::server
