#include "sync/retrieve.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

namespace mtg::sync {

RetrievalTotals StartRetrievals(const std::vector<glacier::Client*>& clients, const std::string& vault,
                                const std::vector<RestoreCandidate>& archives,
                                const RetrievalOptions& options, const RetrievalEvents& events) {
  RetrievalTotals totals;
  std::mutex mu;  // totals and the event calls
  std::atomic<size_t> next{0};
  // Each worker owns one client and takes the next archive until none is left.
  auto worker = [&](glacier::Client* client) {
    for (size_t i; (i = next.fetch_add(1)) < archives.size();) {
      const RestoreCandidate& archive = archives[i];
      glacier::ArchiveRetrieval request{.archive_id = archive.archive_id, .range = std::nullopt,
                                        .tier = options.tier, .sns_topic = options.sns_topic,
                                        .description = {}};
      auto job = client->InitiateArchiveRetrieval(vault, request);
      std::lock_guard lock(mu);
      Result<void> recorded = job ? events.started(archive, *job) : Result<void>(Fail(job.error()));
      if (recorded) {
        ++totals.started;
        totals.bytes += archive.size;
      } else {
        ++totals.failed;
        events.failed(archive, recorded.error());
      }
    }
  };
  const size_t workers = std::min(clients.size(), archives.size());
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers; ++w) threads.emplace_back(worker, clients[w]);
  if (workers > 0) worker(clients[0]);
  for (std::thread& t : threads) t.join();
  return totals;
}

}  // namespace mtg::sync
