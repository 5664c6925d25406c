// The server's own HTTP/1.1 front behind HttpServer. It replaced cpp-httplib 0.11, whose
// request bodies arrived 4 KiB at a time with a select() before every recv(): about half a
// million system calls per GB uploaded, which was most of the server's CPU per GB. Here a body
// is read with recv(MSG_WAITALL) straight into a 1 MiB buffer that the handler hashes and
// writes from, so a GB costs about a thousand reads.
//
// Model: one accept loop (Run) hands connections to a fixed pool of threads (each open
// connection holds one thread, like before); a connection serves requests until the client
// closes, a keep-alive wait times out, an error, or Stop(). Stop wakes idle connections at once
// through an eventfd that every wait also polls.
//
// Kept from the cpp-httplib days, because clients and tests saw them: "100 Continue" is sent
// as soon as a request with `Expect: 100-continue` and a body has been parsed; response headers
// are sorted by name with `Keep-Alive: timeout=N, max=1000000` on open connections; a request
// that does not parse gets an empty 400; the handler's exceptions become an empty 500.
#include "http_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "http_wire.h"

namespace mtg::server {

namespace {

constexpr size_t kBodyChunk = 1 << 20;        // one recv of a request body
constexpr size_t kBodyAlign = 4096;           // O_DIRECT's alignment
constexpr size_t kFileChunk = 256 * 1024;     // one pread+send of a file response
constexpr size_t kHeadRead = 16 * 1024;       // one recv while reading a head

// One client connection: the socket and the bytes received but not consumed yet.
struct Connection {
  int fd = -1;
  int stop_fd = -1;
  const HttpServerOptions* options = nullptr;
  std::string buffer;  // received, not yet consumed: buffer[pos, end)
  size_t pos = 0;
  std::unique_ptr<char, decltype(&std::free)> body_buffer{nullptr, &std::free};  // at the first large body
  bool broken = false;            // a read or write failed: close after this request

  size_t Buffered() const { return buffer.size() - pos; }
  void Compact() {
    if (pos > 0) {
      buffer.erase(0, pos);
      pos = 0;
    }
  }
};

enum class Wait { kReady, kTimeout, kStop };

// Waits until fd is readable; an idle wait also ends when Stop() is called.
Wait WaitReadable(const Connection& c, int timeout_ms, bool watch_stop) {
  struct pollfd fds[2] = {{c.fd, POLLIN, 0}, {c.stop_fd, POLLIN, 0}};
  while (true) {
    int n = ::poll(fds, watch_stop ? 2 : 1, timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Wait::kTimeout;
    if (watch_stop && (fds[1].revents & POLLIN)) return Wait::kStop;
    return Wait::kReady;
  }
}

// Appends whatever arrives to the buffer; false on EOF, error or timeout.
bool FillBuffer(Connection& c, int timeout_ms, bool idle) {
  if (WaitReadable(c, timeout_ms, idle) != Wait::kReady) return false;
  c.Compact();
  size_t old = c.buffer.size();
  c.buffer.resize(old + kHeadRead);
  ssize_t n;
  do {
    n = ::recv(c.fd, c.buffer.data() + old, kHeadRead, 0);
  } while (n < 0 && errno == EINTR);
  c.buffer.resize(old + static_cast<size_t>(std::max<ssize_t>(n, 0)));
  if (n <= 0) c.broken = true;
  return n > 0;
}

bool SendAll(Connection& c, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::send(c.fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      c.broken = true;
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Head and a memory body in one system call when the socket takes it all.
bool SendHeadAndBody(Connection& c, const std::string& head, const char* body, size_t size) {
  struct iovec iov[2] = {{const_cast<char*>(head.data()), head.size()},
                         {const_cast<char*>(body), size}};
  struct msghdr msg {};
  msg.msg_iov = iov;
  msg.msg_iovlen = size > 0 ? 2 : 1;
  ssize_t n;
  do {
    n = ::sendmsg(c.fd, &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    c.broken = true;
    return false;
  }
  size_t sent = static_cast<size_t>(n);
  if (sent < head.size()) {
    if (!SendAll(c, head.data() + sent, head.size() - sent)) return false;
    sent = head.size();
  }
  size_t body_sent = sent - head.size();
  return SendAll(c, body + body_sent, size - body_sent);
}

// Reads up to want body bytes. Large bodies are delivered in chunks of kBodyChunk from one
// 4 KiB-aligned buffer (bytes that arrived with the head are copied to its front), so the
// handler can write them with O_DIRECT without another copy; each recv waits for the whole
// chunk, so a GB is about a thousand reads. Returns 0 when the connection failed.
size_t ReadBodyBytes(Connection& c, uint64_t want, const char** data) {
  if (c.Buffered() >= want) {  // a small body that came with its head
    *data = c.buffer.data() + c.pos;
    c.pos += static_cast<size_t>(want);
    return static_cast<size_t>(want);
  }
  if (!c.body_buffer) {
    c.body_buffer.reset(static_cast<char*>(std::aligned_alloc(kBodyAlign, kBodyChunk)));
    if (!c.body_buffer) return 0;
  }
  char* chunk = c.body_buffer.get();
  size_t n = static_cast<size_t>(std::min<uint64_t>(want, kBodyChunk));
  size_t have = std::min(n, c.Buffered());
  std::memcpy(chunk, c.buffer.data() + c.pos, have);
  c.pos += have;
  while (have < n) {
    // SO_RCVTIMEO bounds a stalled client: the read returns what it has, or fails when idle.
    ssize_t got = ::recv(c.fd, chunk + have, n - have, MSG_WAITALL);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      c.broken = true;
      break;
    }
    have += static_cast<size_t>(got);
  }
  *data = chunk;
  return have;
}

bool ReadLengthBody(Connection& c, uint64_t length, const BodySink& sink) {
  bool keep_feeding = true;
  while (length > 0) {
    const char* data = nullptr;
    size_t n = ReadBodyBytes(c, length, &data);
    if (n == 0) return false;
    length -= n;
    // A sink that gave up still lets the rest be read, so the connection stays in step.
    if (keep_feeding && !sink(data, n)) keep_feeding = false;
  }
  return true;
}

// One CRLF- or LF-terminated line from the connection (without the line end).
bool ReadLine(Connection& c, std::string* line) {
  while (true) {
    size_t nl = c.buffer.find('\n', c.pos);
    if (nl != std::string::npos) {
      line->assign(c.buffer, c.pos, nl - c.pos);
      if (!line->empty() && line->back() == '\r') line->pop_back();
      c.pos = nl + 1;
      return true;
    }
    if (c.Buffered() > kMaxRequestHead) return false;
    if (!FillBuffer(c, c.options->read_timeout_seconds * 1000, false)) return false;
  }
}

bool ReadChunkedBody(Connection& c, const BodySink& sink) {
  std::string line;
  bool keep_feeding = true;
  while (true) {
    if (!ReadLine(c, &line)) return false;
    uint64_t size = 0;
    size_t digits = 0;
    for (char ch : line) {
      int v = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                                                  : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
      if (v < 0) break;
      if (++digits > 15) return false;
      size = size * 16 + static_cast<uint64_t>(v);
    }
    if (digits == 0) return false;
    if (size == 0) break;
    if (!ReadLengthBody(c, size, [&](const char* d, size_t n) {
          if (keep_feeding && !sink(d, n)) keep_feeding = false;
          return true;
        })) {
      return false;
    }
    if (!ReadLine(c, &line) || !line.empty()) return false;
  }
  // Trailers, up to the blank line.
  do {
    if (!ReadLine(c, &line)) return false;
  } while (!line.empty());
  return true;
}

// Sends [0, length) of a response body: memory or file, with the fault hooks applied.
bool SendBody(Connection& c, const Response& res, const std::string& memory, uint64_t length) {
  uint64_t limit = res.reset_after_bytes ? std::min(*res.reset_after_bytes, length) : length;
  std::string chunk;
  for (uint64_t offset = 0; offset < limit;) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(limit - offset, kFileChunk));
    const char* data;
    if (res.file) {
      chunk.resize(n);
      size_t got = 0;
      while (got < n) {
        ssize_t r = ::pread(res.file->fd, chunk.data() + got, n - got,
                            static_cast<off_t>(res.file->offset + offset + got));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        got += static_cast<size_t>(r);
      }
      data = chunk.data();
    } else {
      data = memory.data() + offset;
    }
    if (res.corrupt_offset && *res.corrupt_offset >= offset && *res.corrupt_offset < offset + n) {
      if (data != chunk.data()) chunk.assign(data, n);
      chunk[*res.corrupt_offset - offset] ^= 0x01;
      data = chunk.data();
    }
    if (!SendAll(c, data, n)) return false;
    offset += n;
  }
  return limit == length;  // a reset answer leaves the connection to be dropped
}

void SendBadRequest(Connection& c) {
  static const std::string kHead =
      FormatResponseHead(400, {}, {{"Connection", "close"}, {"Content-Length", "0"}});
  SendAll(c, kHead.data(), kHead.size());
}

// Writes the response; false when the connection must be closed afterwards.
bool SendResponse(Connection& c, Response& res, bool head_only, bool keep_alive) {
  std::string memory = std::move(res.body);
  uint64_t length = res.file ? res.file->length : memory.size();
  bool special = res.file || res.corrupt_offset || res.reset_after_bytes;
  int status = res.status;
  if (res.reset_after_bytes && length == 0) {
    // Nothing to cut short: announce a body that never comes, so the client sees a broken
    // connection rather than a complete (empty) answer.
    status = 500;
    length = 64;
    memory.assign(64, ' ');
  }
  std::vector<HttpHeader> headers;
  headers.reserve(res.headers.size());
  std::string content_type = "application/octet-stream";
  bool has_type = false;
  for (auto& h : res.headers) {
    if (h.name == "content-length") continue;
    if (h.name == "content-type") {
      content_type = h.value;
      has_type = true;
      continue;
    }
    headers.push_back(h);
  }
  std::vector<HttpHeader> extra;
  extra.push_back({"Content-Length", std::to_string(length)});
  if (special || length > 0 || has_type) extra.push_back({"Content-Type", content_type});
  if (keep_alive) {
    extra.push_back({"Keep-Alive", "timeout=" + std::to_string(c.options->keep_alive_seconds) +
                                       ", max=1000000"});
  } else {
    extra.push_back({"Connection", "close"});
  }
  std::string head = FormatResponseHead(status, headers, extra);
  if (head_only) return SendAll(c, head.data(), head.size()) && keep_alive;
  if (!special) return SendHeadAndBody(c, head, memory.data(), memory.size()) && keep_alive;
  if (!SendAll(c, head.data(), head.size())) return false;
  Response view;  // the fault hooks and file, with the possibly replaced length
  view.corrupt_offset = res.corrupt_offset;
  view.reset_after_bytes = res.reset_after_bytes;
  view.file = res.file;
  bool complete = SendBody(c, view, memory, length);
  view.file.reset();  // still owned by res, which closes it
  return complete && keep_alive;
}

// Serves one request; false when the connection is to be closed.
bool ServeOne(Connection& c, const HttpServer::Dispatch& dispatch, const std::string& peer_addr,
              int peer_port, const std::atomic<bool>& stopping) {
  size_t end;
  bool first = true;
  while ((end = FindHeadEnd(std::string_view(c.buffer).substr(c.pos))) == std::string::npos) {
    if (c.Buffered() > kMaxRequestHead) {
      SendBadRequest(c);
      return false;
    }
    // Between requests the wait is the keep-alive timeout and Stop() ends it; once a head has
    // started arriving it is the read timeout.
    bool idle = first && c.Buffered() == 0;
    int timeout = (idle ? c.options->keep_alive_seconds : c.options->read_timeout_seconds) * 1000;
    if (!FillBuffer(c, timeout, idle)) return false;
    first = false;
  }
  RequestHead head;
  bool parsed = ParseRequestHead(std::string_view(c.buffer).substr(c.pos, end), &head);
  c.pos += end;
  BodyFraming framing = parsed ? GetBodyFraming(head.headers) : BodyFraming{};
  if (!parsed || !framing.valid) {
    SendBadRequest(c);
    return false;
  }
  bool keep_alive = WantsKeepAlive(head) && !stopping;
  bool has_body = framing.chunked || framing.content_length.value_or(0) > 0;
  if (has_body && ExpectsContinue(head) && head.minor_version >= 1) {
    static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
    if (!SendAll(c, kContinue, sizeof kContinue - 1)) return false;
  }

  Request req;
  req.method = std::move(head.method);
  req.target = std::move(head.target);
  req.headers = std::move(head.headers);
  req.content_length = framing.content_length;
  req.remote_addr = peer_addr;
  req.remote_port = peer_port;
  bool body_complete = !has_body;
  if (framing.chunked) {
    req.SetBodySource([&c, &body_complete](const BodySink& sink) {
      return body_complete = ReadChunkedBody(c, sink);
    });
  } else if (has_body) {
    uint64_t length = *framing.content_length;
    req.SetBodySource([&c, &body_complete, length](const BodySink& sink) {
      return body_complete = ReadLengthBody(c, length, sink);
    });
  }

  Response res;
  try {
    if (!SplitTarget(req)) {
      res.SetJson(400, R"({"code":"InvalidParameterValueException","message":"Malformed request target","type":"Client"})");
    } else {
      dispatch(req, res);
    }
    req.DrainBody();
  } catch (...) {
    // A handler bug must not take the process down; the client sees a plain 500.
    res = Response();
    res.status = 500;
    keep_alive = false;
  }
  if (!body_complete) keep_alive = false;  // the stream is out of step with the requests
  return SendResponse(c, res, req.method == "HEAD", keep_alive) && !c.broken;
}

void ServeConnection(int fd, int stop_fd, const HttpServerOptions& options,
                     const HttpServer::Dispatch& dispatch, const std::atomic<bool>& stopping) {
  Connection c;
  c.fd = fd;
  c.stop_fd = stop_fd;
  c.options = &options;
  std::string peer_addr;
  int peer_port = 0;
  struct sockaddr_storage addr {};
  socklen_t len = sizeof addr;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    char text[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
      ::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
      peer_port = ntohs(a->sin6_port);
    } else {
      auto* a = reinterpret_cast<sockaddr_in*>(&addr);
      ::inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
      peer_port = ntohs(a->sin_port);
    }
    peer_addr = text;
  }
  while (!stopping && ServeOne(c, dispatch, peer_addr, peer_port, stopping)) {
  }
}

void SetTimeout(int fd, int option, int seconds) {
  struct timeval tv {};
  tv.tv_sec = seconds;
  ::setsockopt(fd, SOL_SOCKET, option, &tv, sizeof tv);
}

}  // namespace

struct HttpServer::Impl {
  Dispatch dispatch;
  HttpServerOptions options;
  int listen_fd = -1;
  int stop_fd = -1;  // eventfd, readable once Stop() was called
  std::atomic<bool> stop_requested{false};

  std::mutex mutex;
  std::condition_variable ready;
  std::deque<int> pending;  // accepted connections waiting for a free thread
  bool draining = false;    // Run is finishing: threads exit when the queue is empty

  void Worker() {
    while (true) {
      int fd;
      {
        std::unique_lock lock(mutex);
        ready.wait(lock, [&] { return !pending.empty() || draining; });
        if (pending.empty()) return;
        fd = pending.front();
        pending.pop_front();
      }
      ServeConnection(fd, stop_fd, options, dispatch, stop_requested);
      ::close(fd);
    }
  }
};

HttpServer::HttpServer(Dispatch dispatch, HttpServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->dispatch = std::move(dispatch);
  impl_->options = options;
  if (impl_->options.threads == 0) impl_->options.threads = 1;
  impl_->stop_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

HttpServer::~HttpServer() {
  Stop();
  if (impl_->listen_fd >= 0) ::close(impl_->listen_fd);
  if (impl_->stop_fd >= 0) ::close(impl_->stop_fd);
}

Result<int> HttpServer::Bind(const std::string& host, int port) {
  if (impl_->stop_fd < 0) return Fail(SysError("creating an eventfd", errno));
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
  if (impl_->listen_fd >= 0) ::close(impl_->listen_fd);
  impl_->listen_fd = fd;
  return bound_port;
}

void HttpServer::Run() {
  Impl& s = *impl_;
  if (s.listen_fd < 0 || s.stop_requested) return;
  {
    std::lock_guard lock(s.mutex);
    s.draining = false;
  }
  std::vector<std::thread> workers;
  workers.reserve(s.options.threads);
  for (size_t i = 0; i < s.options.threads; ++i) workers.emplace_back([&s] { s.Worker(); });
  struct pollfd fds[2] = {{s.listen_fd, POLLIN, 0}, {s.stop_fd, POLLIN, 0}};
  while (!s.stop_requested) {
    int n = ::poll(fds, 2, -1);
    if (n < 0 && errno != EINTR) break;
    if (n <= 0 || (fds[1].revents & POLLIN)) continue;
    int fd = ::accept4(s.listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      // Out of descriptors or a connection aborted before accept: keep serving the others.
      if (errno == EMFILE || errno == ENFILE) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    int yes = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    SetTimeout(fd, SO_RCVTIMEO, s.options.read_timeout_seconds);
    SetTimeout(fd, SO_SNDTIMEO, s.options.write_timeout_seconds);
    std::lock_guard lock(s.mutex);
    s.pending.push_back(fd);
    s.ready.notify_one();
  }
  // No new connections; queued ones are closed unserved, open ones finish their request.
  ::close(s.listen_fd);
  s.listen_fd = -1;
  {
    std::lock_guard lock(s.mutex);
    for (int fd : s.pending) ::close(fd);
    s.pending.clear();
    s.draining = true;
  }
  s.ready.notify_all();
  for (auto& t : workers) t.join();
}

void HttpServer::Stop() {
  if (impl_->stop_requested.exchange(true)) return;
  uint64_t one = 1;
  // Level-triggered and never read: every poll on it, now or later, sees it readable.
  [[maybe_unused]] ssize_t ignored = ::write(impl_->stop_fd, &one, sizeof one);
}

}  // namespace mtg::server
