// cpp-httplib 0.11 behind HttpServer. Things this file does because of how that library works:
// - Debian ships it as a shared library built with OpenSSL, zlib and brotli support; the same
//   CPPHTTPLIB_* macros must be defined here (CMake does) or the structs would not match it.
// - It applies Range headers to every response and gzip-compresses JSON when the client
//   allows: both are switched off per request (ranges cleared, Accept-Encoding removed after
//   copying the headers), because get-job-output answers ranges itself and AWS clients send
//   Accept-Encoding: identity anyway.
// - A handler that does not read the body would leave it on the connection: it is drained.
// - The listening socket is made here (backlog 1024, not the library's 5) and handed over, so
//   64+ clients connecting at once are not refused.
#include "http_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include <charconv>
#include <chrono>
#include <cstring>
#include <thread>

namespace mtg::server {

namespace {

class LibServer : public httplib::Server {
 public:
  void AdoptSocket(int fd) { svr_sock_ = fd; }
};

// The state a streamed response body needs after the handler has returned.
struct BodyState {
  int fd = -1;  // file body when >= 0
  uint64_t file_offset = 0;
  std::string memory;  // memory body otherwise
  std::optional<uint64_t> corrupt_offset;
  std::optional<uint64_t> reset_after;
  ~BodyState() {
    if (fd >= 0) ::close(fd);
  }
};

bool ProvideBody(BodyState& state, size_t offset, size_t length, httplib::DataSink& sink) {
  constexpr size_t kChunk = 256 * 1024;
  size_t n = std::min(length, kChunk);
  if (state.reset_after) {
    if (offset >= *state.reset_after) return false;  // drop the connection here
    n = std::min<size_t>(n, *state.reset_after - offset);
  }
  std::string buffer;
  const char* data;
  if (state.fd >= 0) {
    buffer.resize(n);
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::pread(state.fd, buffer.data() + got, n - got,
                          static_cast<off_t>(state.file_offset + offset + got));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      got += static_cast<size_t>(r);
    }
    data = buffer.data();
  } else {
    data = state.memory.data() + offset;
  }
  if (state.corrupt_offset && *state.corrupt_offset >= offset && *state.corrupt_offset < offset + n) {
    if (buffer.empty()) buffer.assign(data, n);
    buffer[*state.corrupt_offset - offset] ^= 0x01;
    data = buffer.data();
  }
  return sink.write(data, n);
}

void ToLibResponse(Response& res, httplib::Response& out) {
  out.status = res.status;
  std::string content_type = "application/octet-stream";
  for (const auto& h : res.headers) {
    if (h.name == "content-length") continue;
    if (h.name == "content-type") {
      content_type = h.value;
      continue;
    }
    out.set_header(h.name, h.value);
  }
  bool special = res.file || res.corrupt_offset || res.reset_after_bytes;
  if (!special) {
    if (!res.body.empty() || res.Header("content-type")) out.set_content(res.body, content_type);
    return;
  }
  auto state = std::make_shared<BodyState>();
  uint64_t length;
  if (res.file) {
    state->fd = res.file->fd;
    state->file_offset = res.file->offset;
    length = res.file->length;
    res.file.reset();  // the state owns the descriptor now
  } else {
    state->memory = std::move(res.body);
    length = state->memory.size();
  }
  state->corrupt_offset = res.corrupt_offset;
  state->reset_after = res.reset_after_bytes;
  if (state->reset_after && length == 0) {
    // Nothing to cut short: announce a body that never comes, so the client sees a broken
    // connection rather than a complete (empty) answer.
    out.status = 500;
    length = 64;
    state->memory.assign(64, ' ');
  }
  out.set_content_provider(
      length, content_type,
      [state](size_t offset, size_t len, httplib::DataSink& sink) {
        return ProvideBody(*state, offset, len, sink);
      });
}

void Serve(const HttpServer::Dispatch& dispatch, const httplib::Request& lib_req,
           httplib::Response& lib_res, const httplib::ContentReader* reader) {
  Request req;
  req.method = lib_req.method;
  req.target = lib_req.target;
  req.remote_addr = lib_req.remote_addr;
  req.remote_port = lib_req.remote_port;
  for (const auto& [name, value] : lib_req.headers) req.headers.push_back({ToLower(name), value});
  if (const std::string* cl = req.Header("content-length")) {
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(cl->data(), cl->data() + cl->size(), v);
    if (ec == std::errc() && p == cl->data() + cl->size()) req.content_length = v;
  }
  // We answer Range ourselves and never compress: see the top of the file. Safe: the library
  // passes its own non-const Request as const.
  auto& mutable_req = const_cast<httplib::Request&>(lib_req);
  mutable_req.ranges.clear();
  mutable_req.headers.erase("Accept-Encoding");

  if (reader) {
    req.SetBodySource([reader](const BodySink& sink) {
      return (*reader)([&sink](const char* data, size_t size) { return sink(data, size); });
    });
  } else if (!lib_req.body.empty()) {
    req.SetBufferedBody(lib_req.body);
  }

  Response res;
  if (!SplitTarget(req)) {
    res.SetJson(400, R"({"code":"InvalidParameterValueException","message":"Malformed request target","type":"Client"})");
  } else {
    dispatch(req, res);
  }
  req.DrainBody();
  ToLibResponse(res, lib_res);
}

}  // namespace

struct HttpServer::Impl {
  Dispatch dispatch;
  HttpServerOptions options;
  LibServer server;
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> serving{false};
  bool bound = false;
};

HttpServer::HttpServer(Dispatch dispatch, HttpServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->dispatch = std::move(dispatch);
  impl_->options = options;
  auto& s = impl_->server;
  size_t threads = options.threads;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  s.set_read_timeout(options.read_timeout_seconds, 0);
  s.set_write_timeout(options.write_timeout_seconds, 0);
  s.set_keep_alive_timeout(options.keep_alive_seconds);
  s.set_keep_alive_max_count(1000000);
  s.set_tcp_nodelay(true);
  Impl* impl = impl_.get();
  auto plain = [impl](const httplib::Request& rq, httplib::Response& rs) {
    Serve(impl->dispatch, rq, rs, nullptr);
  };
  auto with_body = [impl](const httplib::Request& rq, httplib::Response& rs,
                          const httplib::ContentReader& reader) { Serve(impl->dispatch, rq, rs, &reader); };
  s.Get(".*", plain);
  s.Options(".*", plain);
  s.Post(".*", with_body);
  s.Put(".*", with_body);
  s.Delete(".*", with_body);
  s.Patch(".*", with_body);
}

HttpServer::~HttpServer() { Stop(); }

Result<int> HttpServer::Bind(const std::string& host, int port) {
  struct addrinfo hints {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  struct addrinfo* result = nullptr;
  std::string service = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &result);
  if (rc != 0) return Fail(ErrorCode::kInvalidArgument, "cannot resolve " + host + ": " + gai_strerror(rc));
  int fd = -1;
  int err = 0;
  for (auto* ai = result; ai; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      err = errno;
      continue;
    }
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, impl_->options.backlog) == 0) break;
    err = errno;
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(result);
  if (fd < 0) return Fail(SysError("listening on " + host + ":" + std::to_string(port), err));
  struct sockaddr_storage addr {};
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int bound_port = addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                                              : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  impl_->server.AdoptSocket(fd);
  impl_->bound = true;
  return bound_port;
}

void HttpServer::Run() {
  if (!impl_->bound) return;
  impl_->serving = true;
  if (!impl_->stop_requested) impl_->server.listen_after_bind();
  impl_->serving = false;
}

void HttpServer::Stop() {
  impl_->stop_requested = true;
  // The library ignores stop() until its accept loop runs; wait for that (Run() checks
  // stop_requested before starting, so either it never starts or we see it running).
  for (int i = 0; i < 1000 && impl_->serving; ++i) {
    if (impl_->server.is_running()) {
      impl_->server.stop();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace mtg::server
