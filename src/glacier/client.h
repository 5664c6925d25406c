// The typed Glacier API (2012-06-01) over the http Transport and the sign module: one method per
// operation, each request signed afresh on every attempt and retried by the one retry policy.
// A Client owns no threads and is not thread-safe: each worker has its own (with its own
// transport, hence its own kept-alive connection).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "base/clock.h"
#include "base/result.h"
#include "glacier/endpoint.h"
#include "glacier/types.h"
#include "hash/tree_hash.h"
#include "http/retry.h"
#include "http/transport.h"
#include "sign/sigv4.h"

namespace mtg::glacier {

struct ClientConfig {
  Endpoint endpoint;
  std::string region;
  sign::Credentials credentials;
  std::string account_id = "-";
  http::RetryPolicy retry;
};

class Client {
 public:
  Client(ClientConfig config, http::Transport& transport, Clock& clock);

  // Vaults.
  [[nodiscard]] Result<void> CreateVault(std::string_view vault);
  [[nodiscard]] Result<void> DeleteVault(std::string_view vault);
  [[nodiscard]] Result<VaultInfo> DescribeVault(std::string_view vault);
  [[nodiscard]] Result<VaultPage> ListVaults(std::string_view marker = {}, int limit = 0);

  // Archives. The body is read (possibly more than once, on retries) from `body`; `hashes` are
  // its plain SHA-256 and tree hash, computed by the caller in one pass.
  [[nodiscard]] Result<ArchiveCreated> UploadArchive(std::string_view vault, std::string_view description,
                                                     http::BodySource& body,
                                                     const hash::DualHash& hashes);
  [[nodiscard]] Result<void> DeleteArchive(std::string_view vault, std::string_view archive_id);

  // Multipart uploads.
  [[nodiscard]] Result<std::string> InitiateMultipartUpload(std::string_view vault,
                                                            std::string_view description,
                                                            uint64_t part_size);
  [[nodiscard]] Result<void> UploadPart(std::string_view vault, std::string_view upload_id,
                                        uint64_t offset, http::BodySource& body,
                                        const hash::DualHash& hashes);
  [[nodiscard]] Result<ArchiveCreated> CompleteMultipartUpload(std::string_view vault,
                                                               std::string_view upload_id,
                                                               uint64_t archive_size,
                                                               std::string_view tree_hash_hex);
  [[nodiscard]] Result<void> AbortMultipartUpload(std::string_view vault, std::string_view upload_id);
  [[nodiscard]] Result<PartPage> ListParts(std::string_view vault, std::string_view upload_id,
                                           std::string_view marker = {}, int limit = 0);
  [[nodiscard]] Result<UploadPage> ListMultipartUploads(std::string_view vault,
                                                        std::string_view marker = {}, int limit = 0);

  // Jobs.
  [[nodiscard]] Result<std::string> InitiateArchiveRetrieval(std::string_view vault,
                                                             const ArchiveRetrieval& request);
  [[nodiscard]] Result<std::string> InitiateInventoryRetrieval(std::string_view vault,
                                                               const InventoryRetrieval& request);
  [[nodiscard]] Result<JobInfo> DescribeJob(std::string_view vault, std::string_view job_id);
  [[nodiscard]] Result<JobPage> ListJobs(std::string_view vault, const JobListFilter& filter);
  // Streams the job output (or the given range of it) into the sink that make_sink returns;
  // make_sink is called again before every retry, so a sink that writes at offsets starts over.
  [[nodiscard]] Result<JobOutputInfo> GetJobOutput(std::string_view vault, std::string_view job_id,
                                                   std::optional<ByteRange> range,
                                                   const std::function<http::BodySink()>& make_sink);

  // Requests sent so far, retries included (for tests and progress).
  uint64_t requests_sent() const { return requests_sent_; }

 private:
  struct Call;
  Result<http::Response> Perform(const Call& call);
  Result<http::Response> PerformOnce(const Call& call);
  Result<nlohmann::json> PerformJson(const Call& call);
  Result<std::string> InitiateJob(std::string_view vault, const std::string& json_body);
  std::string VaultPath(std::string_view vault) const;

  ClientConfig config_;
  http::Transport& transport_;
  Clock& clock_;
  uint64_t requests_sent_ = 0;
};

// Builds the Error for a non-2xx response: status, AWS error code and message from the JSON body
// ({"code": ..., "message": ...}), and the request id.
Error ErrorFromResponse(std::string_view operation, const http::Response& response);

}  // namespace mtg::glacier
