// Starts a real mtglacier-server for a test: a fresh store in a temp directory, port 0 (the
// server picks a free loopback port and reports it on its first stdout line), one generated key
// pair. Stops it with SIGTERM (or SIGKILL on request) when the object goes away.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace mtg::testing {

class ServerProcess {
 public:
  // extra_args go after the standard flags, e.g. {"--faults", "upload-part:0.3:500"}.
  explicit ServerProcess(std::vector<std::string> extra_args = {}, std::string store_dir = "");
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  bool ok() const { return port_ > 0; }
  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& store_dir() const { return store_dir_; }
  const std::string& error() const { return error_; }
  static constexpr const char* kAccessKey = "AKIDMTGLACIERTEST001";
  static constexpr const char* kSecretKey = "mtglacier-test-secret-key/0123456789abcd";

  void Kill9();  // for crash tests: no clean shutdown
  void Stop();   // SIGTERM and wait; returns when the process has exited

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  bool own_store_ = false;
  std::string store_dir_;
  std::string error_;
};

}  // namespace mtg::testing
