// Fuzzes mtglacier-server's request path: arbitrary bytes are read as a raw HTTP/1.1 request
// (request line, headers, body), turned into a server Request the way the HTTP front does, and
// run through the whole Service pipeline: SigV4 verification, account check, routing, fault
// decisions and, for inputs that still carry a valid signature, the handlers themselves
// (vaults, archives, multipart, jobs). The parsers it also hits directly: target splitting,
// path segments, job parameters, Range headers. Nothing may crash, hang or leak.
//
// The server runs in-process on a temporary store with a fixed account and a ManualClock at
// 2026-11-26T21:59:56Z, so seeds signed for that key and time (fuzz/corpus/server_request_fuzz,
// made with botocore's signer) reach the handlers.
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "http.h"
#include "http_wire.h"
#include "jobs_format.h"
#include "router.h"
#include "server.h"

namespace {

using namespace mtg::server;

constexpr char kAccessKey[] = "AKIDEXAMPLE";
constexpr char kSecretKey[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr int64_t kNow = 1795730396;  // 2026-11-26T21:59:56Z

struct Fixture {
  mtg::ManualClock clock{kNow};
  std::string dir;
  std::unique_ptr<GlacierServer> server;

  Fixture() {
    char tmpl[] = "/tmp/server_request_fuzz_XXXXXX";
    if (!mkdtemp(tmpl)) abort();
    dir = tmpl;
    ServerOptions options;
    options.store_dir = dir;
    options.credentials.emplace_back(kAccessKey, kSecretKey);
    options.id_seed = 1;
    options.faults = "*:0.05:500,*:0.05:reset,get-job-output:0.2:corrupt";
    auto created = GlacierServer::Create(options, clock);
    if (!created) abort();
    server = std::move(*created);
  }
};

Fixture* g_fixture = nullptr;

void RemoveStore() {
  std::error_code ignored;
  if (g_fixture) std::filesystem::remove_all(g_fixture->dir, ignored);
}

Fixture& TheFixture() {
  if (!g_fixture) {
    g_fixture = new Fixture();  // lives until exit: the server keeps references into it
    atexit(RemoveStore);
  }
  return *g_fixture;
}

// The head as the HTTP front parses it (http_wire.h), into a server Request.
bool ParseHead(std::string_view head, Request& req) {
  RequestHead parsed;
  if (!ParseRequestHead(std::string(head) + "\r\n\r\n", &parsed)) return false;
  req.method = std::move(parsed.method);
  req.target = std::move(parsed.target);
  req.headers = std::move(parsed.headers);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t split = input.find("\r\n\r\n");
  std::string_view head = input.substr(0, split);
  std::string body(split == std::string_view::npos ? std::string_view() : input.substr(split + 4));

  // Parsers reachable with any bytes, whatever the request looks like.
  (void)Router::Segments(head);
  (void)ParseJobParameters(body);
  (void)ParseRangeHeader(head, body.size() + 1);
  (void)ParseRetrievalRange(head, body.size() + 1);

  Request req;
  if (!ParseHead(head, req) || !SplitTarget(req)) return 0;
  // Content-Length as the HTTP layer takes it: the body is cut or the request refused.
  (void)FindHeadEnd(input);
  BodyFraming framing = GetBodyFraming(req.headers);
  if (!framing.valid) return 0;
  if (framing.content_length) {
    if (*framing.content_length > body.size()) return 0;
    body.resize(*framing.content_length);
    req.content_length = framing.content_length;
  } else if (!body.empty()) {
    req.content_length = body.size();
  }
  req.remote_addr = "127.0.0.1";
  std::string owned = body;
  req.SetBodySource([owned](const BodySink& sink) {
    // Deliver in two pieces so streaming consumers see a split.
    size_t half = owned.size() / 2;
    if (half > 0 && !sink(owned.data(), half)) return false;
    return owned.size() == half || sink(owned.data() + half, owned.size() - half);
  });
  Response res;
  TheFixture().server->service().Handle(req, res);
  if (res.status < 100 || res.status > 599) abort();
  return 0;
}
