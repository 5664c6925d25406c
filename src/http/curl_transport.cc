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

// DNS answers and TLS sessions shared by every transport in the process: a dropped connection
// gets a fresh easy handle, and without this each reconnect would resolve the host again and
// make a full TLS handshake instead of resuming the session.
class Share {
 public:
  static CURLSH* Get() {
    static Share* share = new Share();  // never destroyed: handles may outlive statics at exit
    return share->handle_;
  }

 private:
  Share() {
    handle_ = curl_share_init();
    if (handle_ == nullptr) return;
    curl_share_setopt(handle_, CURLSHOPT_LOCKFUNC, Lock);
    curl_share_setopt(handle_, CURLSHOPT_UNLOCKFUNC, Unlock);
    curl_share_setopt(handle_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(handle_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(handle_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  static std::mutex& MutexFor(void* self, curl_lock_data data) {
    auto* share = static_cast<Share*>(self);
    return data == CURL_LOCK_DATA_DNS ? share->dns_ : data == CURL_LOCK_DATA_SSL_SESSION ? share->ssl_ : share->other_;
  }
  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* self) { MutexFor(self, data).lock(); }
  static void Unlock(CURL*, curl_lock_data data, void* self) { MutexFor(self, data).unlock(); }

  CURLSH* handle_ = nullptr;
  std::mutex dns_, ssl_, other_;
};

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
    if (CURLSH* share = Share::Get()) curl_easy_setopt(easy, CURLOPT_SHARE, share);
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

  // How an exchange's I/O went wrong, which decides whether it may be tried again.
  enum class Failure {
    kNone,
    kClosed,   // EOF or a reset: the server dropped the connection
    kTimeout,  // no progress for the inactivity timeout: never retried here (it may be in progress)
    kOther,    // a framing error or a failed poll
  };

  // One request/response on the connection.
  struct Exchange {
    ResponseReader& reader;
    const BodyChunkFn& on_body;
    bool answered_early = false;  // the final response head arrived while the body was going out
    Failure failure = Failure::kNone;
  };

  Result<void> Fault(Exchange& ex, Failure kind, std::string message) {
    ex.failure = kind;
    return Fail(ErrorCode::kNetwork, std::move(message));
  }

  // Waits until the socket is ready for `events`; returns the ready events.
  Result<short> Wait(Exchange& ex, short events, const char* what) {
    int timeout_ms = static_cast<int>(std::min<long>(options.inactivity_timeout_seconds, 24L * 3600) * 1000);
    for (;;) {
      pollfd p{socket, events, 0};
      int ready = ::poll(&p, 1, timeout_ms);
      if (ready > 0) return p.revents;
      if (ready == 0) {
        return std::unexpected(Fault(ex, Failure::kTimeout, std::string("no progress ") + what + " for " +
                                                                std::to_string(options.inactivity_timeout_seconds) + " s")
                                   .error());
      }
      if (errno != EINTR) return std::unexpected(Fault(ex, Failure::kOther, std::string("poll failed ") + what).error());
    }
  }

  // Takes whatever has arrived, without waiting. Errors from the sink come back as they are.
  Result<void> ReadAvailable(Exchange& ex) {
    if (receive_buffer.size() < kReceiveChunk) receive_buffer.resize(kReceiveChunk);
    while (!ex.reader.done()) {
      size_t n = 0;
      CURLcode rc = curl_easy_recv(easy, receive_buffer.data(), receive_buffer.size(), &n);
      if (rc == CURLE_AGAIN) return Ok();
      if (rc != CURLE_OK) return Fault(ex, Failure::kClosed, std::string("receive failed: ") + curl_easy_strerror(rc));
      if (n == 0) {
        Result<void> end = ex.reader.FeedEnd();
        if (!end) ex.failure = Failure::kClosed;
        return end;
      }
      Result<void> fed = ex.reader.Feed(std::span<const uint8_t>(receive_buffer.data(), n), ex.on_body);
      if (!fed) {
        if (fed.error().code == ErrorCode::kNetwork) ex.failure = Failure::kOther;
        return fed;
      }
    }
    return Ok();
  }

  // Sends data, watching for an early answer: a server that refuses the request (403, 400, 404)
  // may reply before reading the body and stop reading, and sending on would only stall until
  // the timeout (or push gigabytes nobody reads).
  Result<void> SendAll(Exchange& ex, std::span<const uint8_t> data) {
    while (!data.empty() && !ex.answered_early) {
      size_t sent = 0;
      CURLcode rc = curl_easy_send(easy, data.data(), data.size(), &sent);
      if (rc == CURLE_AGAIN) {
        auto ready = Wait(ex, POLLIN | POLLOUT, "sending the request");
        if (!ready) return std::unexpected(std::move(ready.error()));
        if ((*ready & (POLLIN | POLLHUP | POLLERR)) != 0) {
          MTG_TRY_VOID(ReadAvailable(ex));
          if (ex.reader.status() >= 200) ex.answered_early = true;  // a final head, not a 1xx
        }
        continue;
      }
      if (rc != CURLE_OK) return Fault(ex, Failure::kClosed, std::string("send failed: ") + curl_easy_strerror(rc));
      data = data.subspan(sent);
    }
    return Ok();
  }

  Result<void> SendBody(Exchange& ex, BodySource& body) {
    uint64_t size = body.Size();
    if (std::span<const uint8_t> whole = body.Contiguous(); whole.size() == size) return SendAll(ex, whole);
    if (copy_buffer.size() < kCopyChunk) copy_buffer.resize(kCopyChunk);
    for (uint64_t offset = 0; offset < size && !ex.answered_early;) {
      auto n = body.Read(offset, std::span<uint8_t>(copy_buffer.data(), std::min<uint64_t>(kCopyChunk, size - offset)));
      if (!n) return Fail(std::move(n.error()));
      if (*n == 0) return Fail(ErrorCode::kInternal, "request body ended before its declared size");
      MTG_TRY_VOID(SendAll(ex, std::span<const uint8_t>(copy_buffer.data(), *n)));
      offset += *n;
    }
    return Ok();
  }

  // Reads until the response is complete.
  Result<void> Receive(Exchange& ex) {
    for (;;) {
      MTG_TRY_VOID(ReadAvailable(ex));
      if (ex.reader.done()) return Ok();
      auto ready = Wait(ex, POLLIN, "waiting for the response");
      if (!ready) return std::unexpected(std::move(ready.error()));
    }
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

  // A request on a reused connection that is dropped before any byte of the answer is sent once
  // more on a fresh one (as libcurl does): the server had closed it while idle.
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

    Impl::Exchange ex{reader, on_body};
    Result<void> sent = c.SendAll(ex, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(head.data()), head.size()));
    if (sent && request.body != nullptr && !ex.answered_early) sent = c.SendBody(ex, *request.body);
    if (!sent && (sink_failed || sent.error().code != ErrorCode::kNetwork)) {
      return failed(std::move(sent.error()));  // the sink or the body source failed
    }
    const bool sent_whole = static_cast<bool>(sent);
    Result<void> received = Ok();
    if (sent_whole) {
      received = c.Receive(ex);
    } else if (ex.failure == Impl::Failure::kClosed) {
      // The server may have answered before it dropped the connection: take what is here.
      (void)c.ReadAvailable(ex);
      if (!reader.done()) received = std::move(sent);
    } else {
      received = std::move(sent);  // a stalled send is not waited for a second time
    }
    if (!received) {
      if (sink_failed) return failed(std::move(received.error()));
      // Retried only on proof the connection was dead before the server said anything: a
      // timeout may mean the request is being processed, and a POST must not be sent twice.
      if (reused && attempt == 0 && ex.failure == Impl::Failure::kClosed && !reader.started()) {
        c.Disconnect();
        continue;
      }
      return failed(std::move(received.error()));
    }
    response.status = reader.status();
    response.headers = reader.headers();
    // A request whose body was not sent whole leaves the connection out of step.
    if (!sent_whole || ex.answered_early || !reader.keep_alive()) c.Disconnect();
    return response;
  }
}

}  // namespace mtg::http
