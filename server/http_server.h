// The HTTP/1.1 front: keep-alive, `Expect: 100-continue`, a pool of connection threads,
// streaming request bodies into the handler in 1 MiB pieces and streaming file-range responses
// out. Our own (http_server.cc, http_wire.cc), on plain sockets; everything else sees http.h
// only.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "http.h"

namespace mtg::server {

struct HttpServerOptions {
  size_t threads = 128;           // each open connection holds one thread
  int read_timeout_seconds = 120;  // a stalled upload is dropped after this
  int write_timeout_seconds = 120;
  int keep_alive_seconds = 10;    // idle keep-alive connections are closed after this
  int backlog = 1024;
};

class HttpServer {
 public:
  using Dispatch = std::function<void(Request&, Response&)>;

  HttpServer(Dispatch dispatch, HttpServerOptions options = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds host:port (port 0: any free port); returns the bound port.
  [[nodiscard]] Result<int> Bind(const std::string& host, int port);
  // Serves until Stop(). Returns at once if Stop() came first.
  void Run();
  // Stops accepting and makes Run() return once open connections have finished (idle
  // keep-alive connections end within keep_alive_seconds). Thread-safe.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mtg::server
