// What every request handler module gets: the server's options, catalogue, blob store, clock
// and id generator. Built once in server.cc and shared by all handler threads (each member is
// thread-safe). Modules that add routes (server/jobs*) receive it in their Register function.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "blob_store.h"
#include "catalog.h"
#include "ids.h"

namespace mtg::server {

struct ServerOptions {
  std::string listen_host = "127.0.0.1";
  int listen_port = 0;  // 0: any free port
  std::string store_dir;
  std::vector<std::pair<std::string, std::string>> credentials;  // (access key, secret key)
  std::string job_delay = "0";  // --job-delay: a duration, or per tier (jobs_format.h)
  int64_t job_delay_ms = 0;      // the Standard tier's delay from job_delay
  int64_t clock_offset_ms = 0;   // --clock-offset: the job clock starts this far ahead
  bool test_clock = false;       // --test-clock: the job clock can be advanced over HTTP
  std::string faults;        // --faults SPEC (faults.h)
  uint64_t fault_seed = 0;   // --fault-seed
  std::string access_log;    // --access-log FILE ("" = none)
  uint64_t id_seed = 0;      // --id-seed (0 = random): repeatable ids for tests
  size_t threads = 128;      // connection threads; each keep-alive connection holds one
};

struct ServiceContext {
  const ServerOptions& options;
  Catalog& catalog;
  BlobStore& blobs;
  Clock& clock;
  IdGenerator& ids;

  // Milliseconds since the epoch: the real clock's milliseconds, or an injected clock's seconds.
  int64_t NowMs() const {
    if (dynamic_cast<const SystemClock*>(&clock)) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    }
    return clock.NowUnix() * 1000;
  }
};

}  // namespace mtg::server
