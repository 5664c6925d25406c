#include "http/curl_transport.h"

#include <curl/curl.h>
#include <poll.h>

#include <algorithm>
#include <mutex>

#include "http/http1.h"

namespace mtg::http {
namespace {

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

constexpr size_t kCopyChunk = 256 * 1024;  // bodies that are not in one piece go through this
constexpr size_t kReceiveChunk = 256 * 1024;

}  // namespace

struct CurlTransport::Impl {
  CURL* easy = nullptr;
  CurlOptions options;
  std::string origin;  // what the open connection is for; empty when there is none
  curl_socket_t socket = CURL_SOCKET_BAD;
  std::vector<uint8_t> receive_buffer;
  std::vector<uint8_t> copy_buffer;

  // A fresh handle: curl_easy_reset would keep a connect-only connection (and its memory).
  void DropHandle() {
    origin.clear();
    socket = CURL_SOCKET_BAD;
    if (easy != nullptr) curl_easy_cleanup(easy);
    easy = curl_easy_init();
  }

  void Disconnect() {
    if (!origin.empty() || socket != CURL_SOCKET_BAD) DropHandle();
  }

  Result<void> Connect(const UrlParts& url, const std::string& method) {
    Disconnect();
    if (easy == nullptr) return Fail(ErrorCode::kInternal, "libcurl initialisation failed");
    char errbuf[CURL_ERROR_SIZE] = {0};
    std::string target = url.origin + "/";
    curl_easy_setopt(easy, CURLOPT_URL, target.c_str());
    curl_easy_setopt(easy, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, options.connect_timeout_seconds);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
    // Through an HTTP proxy the connection is a CONNECT tunnel, so the requests we frame
    // (origin-form targets) reach the service unchanged, for http:// as for https://.
    curl_easy_setopt(easy, CURLOPT_HTTPPROXYTUNNEL, 1L);
    CURLcode rc = curl_easy_perform(easy);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, nullptr);
    if (rc != CURLE_OK) {
      std::string detail = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
      DropHandle();
      return Fail(ErrorCode::kNetwork, method + " request failed: " + detail);
    }
    curl_socket_t fd = CURL_SOCKET_BAD;
    if (curl_easy_getinfo(easy, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK || fd == CURL_SOCKET_BAD) {
      DropHandle();
      return Fail(ErrorCode::kNetwork, method + " request failed: no socket after connecting to " + url.origin);
    }
    socket = fd;
    origin = url.origin;
    return Ok();
  }

  // A kept-alive connection the server closed while idle (or that has stray bytes) must not
  // carry the next request. Readable-while-idle is one of those, except for TLS records the
  // library consumes itself (session tickets), which leave it usable.
  bool IdleConnectionUsable() {
    pollfd p{socket, POLLIN, 0};
    int ready = ::poll(&p, 1, 0);
    if (ready == 0) return true;
    if (ready < 0 || (p.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) return false;
    uint8_t byte[1];
    size_t n = 0;
    return curl_easy_recv(easy, byte, sizeof byte, &n) == CURLE_AGAIN;
  }

  // Waits until the socket is ready for `events`; kNetwork after the inactivity timeout.
  Result<void> Wait(short events, const char* what) {
    int timeout_ms = static_cast<int>(std::min<long>(options.inactivity_timeout_seconds, 24L * 3600) * 1000);
    for (;;) {
      pollfd p{socket, events, 0};
      int ready = ::poll(&p, 1, timeout_ms);
      if (ready > 0) return Ok();
      if (ready == 0) {
        return Fail(ErrorCode::kNetwork, std::string("no progress ") + what + " for " +
                                             std::to_string(options.inactivity_timeout_seconds) + " s");
      }
      if (errno != EINTR) return Fail(ErrorCode::kNetwork, std::string("poll failed ") + what);
    }
  }

  Result<void> SendAll(std::span<const uint8_t> data) {
    while (!data.empty()) {
      size_t sent = 0;
      CURLcode rc = curl_easy_send(easy, data.data(), data.size(), &sent);
      if (rc == CURLE_AGAIN) {
        MTG_TRY_VOID(Wait(POLLOUT, "sending the request"));
        continue;
      }
      if (rc != CURLE_OK) return Fail(ErrorCode::kNetwork, std::string("send failed: ") + curl_easy_strerror(rc));
      data = data.subspan(sent);
    }
    return Ok();
  }

  Result<void> SendBody(BodySource& body) {
    uint64_t size = body.Size();
    if (std::span<const uint8_t> whole = body.Contiguous(); whole.size() == size) return SendAll(whole);
    if (copy_buffer.size() < kCopyChunk) copy_buffer.resize(kCopyChunk);
    for (uint64_t offset = 0; offset < size;) {
      auto n = body.Read(offset, std::span<uint8_t>(copy_buffer.data(), std::min<uint64_t>(kCopyChunk, size - offset)));
      if (!n) return Fail(std::move(n.error()));
      if (*n == 0) return Fail(ErrorCode::kInternal, "request body ended before its declared size");
      MTG_TRY_VOID(SendAll(std::span<const uint8_t>(copy_buffer.data(), *n)));
      offset += *n;
    }
    return Ok();
  }

  // Reads until the response is complete. Errors from the sink come back as they are; network
  // and framing errors are kNetwork.
  Result<void> Receive(ResponseReader& reader, const BodyChunkFn& on_body) {
    if (receive_buffer.size() < kReceiveChunk) receive_buffer.resize(kReceiveChunk);
    while (!reader.done()) {
      size_t n = 0;
      CURLcode rc = curl_easy_recv(easy, receive_buffer.data(), receive_buffer.size(), &n);
      if (rc == CURLE_AGAIN) {
        MTG_TRY_VOID(Wait(POLLIN, "waiting for the response"));
        continue;
      }
      if (rc != CURLE_OK) return Fail(ErrorCode::kNetwork, std::string("receive failed: ") + curl_easy_strerror(rc));
      if (n == 0) return reader.FeedEnd();
      MTG_TRY_VOID(reader.Feed(std::span<const uint8_t>(receive_buffer.data(), n), on_body));
    }
    return Ok();
  }
};

CurlTransport::CurlTransport(CurlOptions options) : impl_(std::make_unique<Impl>()) {
  GlobalInitOnce();
  impl_->easy = curl_easy_init();
  impl_->options = std::move(options);
}

CurlTransport::~CurlTransport() {
  if (impl_->easy != nullptr) curl_easy_cleanup(impl_->easy);
}

Result<Response> CurlTransport::Send(const Request& request) {
  Impl& c = *impl_;
  if (c.easy == nullptr) return Fail(ErrorCode::kInternal, "libcurl initialisation failed");
  auto url = SplitUrl(request.url);
  if (!url) return Fail(std::move(url.error()));
  const std::string head = FormatRequestHead(request, *url, c.options.user_agent);
  auto failed = [&](Error e) -> Result<Response> {
    c.Disconnect();
    if (e.code == ErrorCode::kNetwork) e.message = request.method + " request failed: " + e.message;
    return Fail(std::move(e));
  };

  // A request on a reused connection that dies before any byte of the answer is sent once more
  // on a fresh one (as libcurl does): the server had closed it while idle.
  for (int attempt = 0;; ++attempt) {
    bool reused = c.origin == url->origin && c.socket != CURL_SOCKET_BAD;
    if (reused && !c.IdleConnectionUsable()) {
      c.Disconnect();
      reused = false;
    }
    if (!reused) MTG_TRY_VOID(c.Connect(*url, request.method));

    Response response;
    bool sink_failed = false;
    ResponseReader reader(request.method == "HEAD");
    BodyChunkFn on_body = [&](std::span<const uint8_t> chunk) -> Result<void> {
      response.body_bytes += chunk.size();
      // Only a successful response body goes to the sink; an error body (JSON) is kept.
      if (request.sink && reader.status() >= 200 && reader.status() < 300) {
        Result<void> r = request.sink(chunk);
        if (!r) sink_failed = true;
        return r;
      }
      response.body.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
      return Ok();
    };

    Result<void> sent = c.SendAll(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(head.data()), head.size()));
    if (sent && request.body != nullptr) sent = c.SendBody(*request.body);
    if (!sent && sent.error().code != ErrorCode::kNetwork) return failed(std::move(sent.error()));  // body source
    // After a failed send the server may still have answered (an early error response).
    Result<void> received = c.Receive(reader, on_body);
    if (!received) {
      if (sink_failed) return failed(std::move(received.error()));
      if (reused && attempt == 0 && !reader.started()) {
        c.Disconnect();
        continue;
      }
      return failed(!sent ? std::move(sent.error()) : std::move(received.error()));
    }
    response.status = reader.status();
    response.headers = reader.headers();
    if (!sent || !reader.keep_alive()) c.Disconnect();  // the request was not sent whole
    return response;
  }
}

}  // namespace mtg::http
