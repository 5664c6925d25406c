// mtglacier-server assembled from its options: the store (catalogue + blob files) opened and
// recovered after a crash, accounts, routes (vaults, archives, multipart, jobs), fault
// injection, the request pipeline and the HTTP front. main.cc only parses flags and runs it;
// tests build one in-process the same way.
#pragma once

#include <memory>
#include <string>

#include "access_log.h"
#include "auth.h"
#include "base/clock.h"
#include "base/result.h"
#include "context.h"
#include "faults.h"
#include "http_server.h"
#include "router.h"
#include "service.h"

namespace mtg::server {

struct RecoveryReport {
  size_t temp_files_removed = 0;
  size_t orphan_blobs_removed = 0;
  size_t orphan_upload_files_removed = 0;
  size_t completes_finished = 0;
  size_t completes_undone = 0;
  size_t uploads_dropped = 0;  // upload rows whose file was gone
};

// Brings the store to a consistent state after any crash: no temp files, no blob without a
// live archive row, no upload file without an upload row, and every complete that had moved
// its bytes into place finished.
[[nodiscard]] Result<RecoveryReport> RecoverStore(Catalog& catalog, BlobStore& blobs);

class GlacierServer {
 public:
  // Opens the store under options.store_dir and recovers it; nothing listens yet.
  [[nodiscard]] static Result<std::unique_ptr<GlacierServer>> Create(const ServerOptions& options,
                                                                     Clock& clock);
  ~GlacierServer();

  // Binds options.listen_host:listen_port; returns the port (the real one when 0 was asked).
  [[nodiscard]] Result<int> Bind();
  void Run();   // serves until Stop()
  void Stop();  // thread-safe

  ServiceContext& context() { return *context_; }
  Router& router() { return router_; }
  Service& service() { return *service_; }
  const RecoveryReport& recovery() const { return recovery_; }

 private:
  GlacierServer() = default;

  ServerOptions options_;
  std::unique_ptr<BlobStore> blobs_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<IdGenerator> ids_;
  std::unique_ptr<ServiceContext> context_;
  Authenticator auth_;
  std::unique_ptr<FaultInjector> faults_;
  Router router_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<AccessLog> access_log_;
  std::unique_ptr<HttpServer> http_;
  RecoveryReport recovery_;
};

}  // namespace mtg::server
