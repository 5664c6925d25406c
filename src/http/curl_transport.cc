#include "http/curl_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>

namespace mtg::http {
namespace {

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// State of one exchange, reached from libcurl's C callbacks.
struct Exchange {
  CURL* easy = nullptr;
  const Request* request = nullptr;
  Response* response = nullptr;
  uint64_t read_offset = 0;
  Error body_error;            // set when the source or sink failed
  bool failed_in_callback = false;
};

size_t ReadBody(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* ex = static_cast<Exchange*>(userdata);
  if (ex->request->body == nullptr) return 0;
  std::span<uint8_t> out(reinterpret_cast<uint8_t*>(buffer), size * nitems);
  Result<size_t> n = ex->request->body->Read(ex->read_offset, out);
  if (!n) {
    ex->body_error = n.error();
    ex->failed_in_callback = true;
    return CURL_READFUNC_ABORT;
  }
  ex->read_offset += *n;
  return *n;
}

int SeekBody(void* userdata, curl_off_t offset, int origin) {
  auto* ex = static_cast<Exchange*>(userdata);
  if (origin != SEEK_SET || offset < 0) return CURL_SEEKFUNC_CANTSEEK;
  ex->read_offset = static_cast<uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

size_t WriteBody(char* data, size_t size, size_t nmemb, void* userdata) {
  auto* ex = static_cast<Exchange*>(userdata);
  size_t n = size * nmemb;
  ex->response->body_bytes += n;
  long status = 0;
  curl_easy_getinfo(ex->easy, CURLINFO_RESPONSE_CODE, &status);
  // Only a successful response body goes to the sink; an error body (JSON) is kept for the caller.
  if (ex->request->sink && status >= 200 && status < 300) {
    Result<void> r = ex->request->sink({reinterpret_cast<const uint8_t*>(data), n});
    if (!r) {
      ex->body_error = r.error();
      ex->failed_in_callback = true;
      return CURL_WRITEFUNC_ERROR;
    }
  } else {
    ex->response->body.append(data, n);
  }
  return n;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

size_t WriteHeader(char* data, size_t size, size_t nitems, void* userdata) {
  auto* ex = static_cast<Exchange*>(userdata);
  std::string_view line(data, size * nitems);
  if (line.starts_with("HTTP/")) {
    // A new status line (after "100 Continue" or a redirect): forget earlier headers.
    ex->response->headers.clear();
    return line.size();
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    ex->response->headers.push_back(
        {std::string(Trim(line.substr(0, colon))), std::string(Trim(line.substr(colon + 1)))});
  }
  return line.size();
}

}  // namespace

struct CurlTransport::Impl {
  CURL* easy = nullptr;
  CurlOptions options;
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
  CURL* easy = impl_->easy;
  if (easy == nullptr) return Fail(ErrorCode::kInternal, "libcurl initialisation failed");
  curl_easy_reset(easy);  // keeps the connection cache, drops per-request options

  Response response;
  Exchange ex;
  ex.easy = easy;
  ex.request = &request;
  ex.response = &response;
  char errbuf[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, impl_->options.connect_timeout_seconds);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, impl_->options.inactivity_timeout_seconds);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, impl_->options.verify_tls ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, impl_->options.verify_tls ? 2L : 0L);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, impl_->options.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &ex);
  curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, 256L * 1024);
  curl_easy_setopt(easy, CURLOPT_UPLOAD_BUFFERSIZE, 2L * 1024 * 1024);

  const std::string& m = request.method;
  if (m == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (m != "GET") {
    // Every body-carrying method goes through the upload path so Content-Length is always sent
    // (0 for an empty body), as Glacier expects; the method name is then set explicitly.
    uint64_t size = request.body != nullptr ? request.body->Size() : 0;
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size));
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, ReadBody);
    curl_easy_setopt(easy, CURLOPT_READDATA, &ex);
    curl_easy_setopt(easy, CURLOPT_SEEKFUNCTION, SeekBody);
    curl_easy_setopt(easy, CURLOPT_SEEKDATA, &ex);
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, m.c_str());
  }

  curl_slist* headers = nullptr;
  for (const Header& h : request.headers) {
    std::string line = h.name + ": " + h.value;
    headers = curl_slist_append(headers, line.c_str());
  }
  // No "Expect: 100-continue" round trip and no "Accept: */*": neither is signed or needed.
  headers = curl_slist_append(headers, "Expect:");
  headers = curl_slist_append(headers, "Accept:");
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);

  CURLcode rc = curl_easy_perform(easy);
  curl_slist_free_all(headers);

  if (ex.failed_in_callback) return Fail(std::move(ex.body_error));
  if (rc != CURLE_OK) {
    std::string detail = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    Error e(ErrorCode::kNetwork, request.method + " request failed: " + detail);
    return Fail(std::move(e));
  }
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace mtg::http
